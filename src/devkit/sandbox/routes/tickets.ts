import { htmlToText } from '../../../platform/html-text.js';
import {
  badRequestJson,
  badRequestText,
  jsonBody,
  ok,
  type RouteContext,
  type SimResponse,
} from '../http.js';
import { listAnswer, pageAnswer, queryPageRequest } from '../paging.js';
import { type Route, route } from '../router.js';
import { asId, asText, parseJsonLossless } from '../serialization.js';
import {
  findContactByEmail,
  nextId,
  nextTicketId,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketFilterRecord,
  type TicketRecord,
} from '../state.js';
import { oneOf } from '../validation.js';
import { ticketFilterToWire, ticketNoteToWire, ticketToWire } from '../wire.js';

function listFilters(ctx: RouteContext): SimResponse {
  return ok(ctx.state.ticketFilters.map(ticketFilterToWire), 'ticketFilter');
}

function matchesFilter(ctx: RouteContext, ticket: TicketRecord, filter: TicketFilterRecord): boolean {
  const statuses = filter.conditions.filter((c) => c.CONDITION === 'TICKET_STATUS_IS').map((c) => c.RHS);
  if (statuses.length > 0 && !statuses.includes(ticket.status)) return false;
  for (const c of filter.conditions) {
    // "0" stands for the calling user in Agile's default "My Tickets" filter.
    if (c.LHS === 'assignee_id' && ticket.assigneeId !== (c.RHS === '0' ? ctx.currentUser.id : c.RHS))
      return false;
  }
  return true;
}

function sortTickets(tickets: TicketRecord[], key: string | undefined): TicketRecord[] {
  const desc = key?.startsWith('-') ?? true;
  const field = key?.replace(/^-/, '') ?? 'last_updated_time';
  const value = (t: TicketRecord) => (field === 'created_time' ? t.createdMs : t.lastUpdatedMs);
  return [...tickets].sort((a, b) => (desc ? value(b) - value(a) : value(a) - value(b)));
}

function ticketsByFilter(ctx: RouteContext): SimResponse {
  const filterId = asId(ctx.query.filter_id);
  if (!filterId) throw badRequestText('filter_id is mandatory');
  const filter = ctx.state.ticketFilters.find((f) => f.id === filterId);
  if (!filter) throw badRequestText(`No ticket filter with id ${filterId}`);
  const tickets = sortTickets(
    ctx.state.tickets.filter((t) => matchesFilter(ctx, t, filter)),
    ctx.query.global_sort_key,
  );
  return pageAnswer(
    `tickets-${filterId}`,
    tickets,
    queryPageRequest(ctx),
    (t) => ticketToWire(ctx.state, t),
    'ticket',
  );
}

function ticketMessages(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.ticketId);
  const notes = ctx.state.ticketNotes.filter((n) => n.ticketId === id);
  return listAnswer(notes, (n) => ticketNoteToWire(ctx.state, n), 'ticketNote');
}

function addTicketNote(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const id = asId(ctx.params.ticketId);
  const ticket = ctx.state.tickets.find((t) => t.id === id);
  if (!ticket) throw badRequestText(`Ticket not found with id ${ctx.params.ticketId ?? ''}`);
  const bodyTicketId = body.ticket_id === undefined ? id : asId(body.ticket_id);
  if (bodyTicketId !== id) throw badRequestText('ticket_id in the body does not match the URL');
  const html = asText(body.html_text);
  if (!html?.trim()) throw badRequestText('html_text is mandatory');
  const noteType = oneOf(body.note_type, 'note_type', ['PUBLIC', 'PRIVATE'] as const);
  const nowMs = ctx.now().getTime();
  ctx.state.ticketNotes.push({
    id: nextId(ctx.state),
    ticketId: ticket.id,
    createdBy: 'AGENT',
    createdMs: nowMs,
    plainText: htmlToText(html),
    htmlText: html,
    noteType,
    userId: ctx.currentUser.id,
  });
  if (noteType === 'PUBLIC') {
    ticket.lastUpdatedMs = nowMs;
    ticket.lastUpdatedBy = 'AGENT';
    if (ticket.status === 'NEW' || ticket.status === 'OPEN') ticket.status = 'PENDING';
  }
  return ok(ticketToWire(ctx.state, ticket), 'ticket');
}

function createTicket(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  // "All fields are mandatory." (labels may be null in the reference's own example)
  for (const field of [
    'requester_name',
    'requester_email',
    'subject',
    'priority',
    'status',
    'groupID',
    'html_text',
  ]) {
    if (!asText(body[field])?.trim()) throw badRequestJson(`${field} is mandatory`);
  }
  const priority = oneOf(body.priority, 'priority', TICKET_PRIORITIES);
  const status = oneOf(body.status, 'status', TICKET_STATUSES);
  const groupId = asId(body.groupID);
  if (!groupId || !ctx.state.ticketGroups.some((g) => g.id === groupId)) {
    throw badRequestText(`No ticket group with id ${String(asText(body.groupID))}`);
  }
  const requesterEmail = asText(body.requester_email) ?? '';
  const html = asText(body.html_text) ?? '';
  const nowMs = ctx.now().getTime();
  const ccEmails = Array.isArray(body.cc_emails) ? body.cc_emails.map((e) => asText(e) ?? '') : [];
  const labels = Array.isArray(body.labels) ? body.labels.map((l) => asText(l) ?? '') : [];
  const ticket: TicketRecord = {
    id: nextTicketId(ctx.state),
    groupId,
    assigneeId: ctx.currentUser.id,
    requesterName: asText(body.requester_name) ?? '',
    requesterEmail,
    contactId: findContactByEmail(ctx.state, requesterEmail)?.id ?? '',
    subject: asText(body.subject) ?? '',
    ccEmails,
    createdMs: nowMs,
    lastUpdatedMs: nowMs,
    lastUpdatedBy: 'REQUESTER',
    status,
    type: 'PROBLEM',
    priority,
    source: 'EMAIL',
    labels,
  };
  ctx.state.tickets.push(ticket);
  ctx.state.ticketNotes.push({
    id: nextId(ctx.state),
    ticketId: ticket.id,
    createdBy: 'REQUESTER',
    createdMs: nowMs,
    plainText: htmlToText(html),
    htmlText: html,
    noteType: 'PUBLIC',
    userId: ticket.assigneeId,
  });
  return ok(ticketToWire(ctx.state, ticket), 'ticket');
}

function deleteTicket(ctx: RouteContext): SimResponse {
  const id = asId(ctx.params.ticketId);
  ctx.state.tickets = ctx.state.tickets.filter((t) => t.id !== id);
  ctx.state.ticketNotes = ctx.state.ticketNotes.filter((n) => n.ticketId !== id);
  return ok({ status: 'success' }, 'result');
}

export function ticketRoutes(): Route[] {
  return [
    route('GET', 'api/tickets/filters', listFilters),
    route('GET', 'api/tickets/filter', ticketsByFilter),
    route('GET', 'api/tickets/notes/:ticketId', ticketMessages),
    route('POST', 'api/notes/:ticketId', addTicketNote),
    route('POST', 'api/tickets/new-ticket', createTicket),
    route('DELETE', 'api/tickets/:ticketId', deleteTicket),
  ];
}
