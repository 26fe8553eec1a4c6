import {
  badRequestText,
  epochSec,
  formBody,
  formJson,
  jsonBody,
  noContent,
  ok,
  type RouteContext,
  type SimResponse,
} from '../http.js';
import { listAnswer } from '../paging.js';
import { type Route, route } from '../router.js';
import { asId, asIdList, asText, parseJsonLossless } from '../serialization.js';
import { findContactByEmail, findContactOrCompany, linkedTo, type NoteRecord, nextId } from '../state.js';
import { dealToWire, noteToWire } from '../wire.js';

function noteFields(raw: Record<string, unknown>): { subject: string; description: string } {
  const subject = asText(raw.subject);
  if (!subject?.trim()) throw badRequestText('Note subject is mandatory');
  const description = asText(raw.description);
  if (description === undefined) throw badRequestText('Note description is mandatory');
  return { subject, description };
}

function idList(raw: unknown, field: string): string[] {
  if (raw === undefined) return [];
  const ids = asIdList(raw);
  if (!ids) throw badRequestText(`${field} should be a list of ids`);
  return ids;
}

function createNote(ctx: RouteContext): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const fields = noteFields(body);
  const contactIds = idList(body.contact_ids, 'contact_ids');
  for (const id of contactIds) {
    if (!findContactOrCompany(ctx.state, id)) throw badRequestText(`Contact not found with id ${id}`);
  }
  const note: NoteRecord = {
    id: nextId(ctx.state),
    ...fields,
    createdEpochSec: epochSec(ctx.now),
    contactIds,
    dealIds: idList(body.deal_ids, 'deal_ids'),
    ownerId: ctx.currentUser.id,
  };
  ctx.state.notes.push(note);
  const wire = noteToWire(ctx.state, note);
  return ok(
    {
      id: wire.id,
      created_time: wire.created_time,
      subject: note.subject,
      description: note.description,
      entity_type: 'note',
    },
    'note',
  );
}

function addNoteByEmail(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const email = form.email;
  if (!email) throw badRequestText('Missing form parameter email');
  const raw = formJson(form, 'note', parseJsonLossless);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw badRequestText('note should be a JSON object');
  const contact = findContactByEmail(ctx.state, email);
  if (!contact) throw badRequestText(`Contact not found with email ${email}`);
  ctx.state.notes.push({
    id: nextId(ctx.state),
    ...noteFields(raw as Record<string, unknown>),
    createdEpochSec: epochSec(ctx.now),
    contactIds: [contact.id],
    dealIds: [],
    ownerId: ctx.currentUser.id,
  });
  return noContent();
}

function withCount(items: Record<string, unknown>[]): Record<string, unknown>[] {
  const first = items[0];
  if (first) items[0] = { count: items.length, ...first };
  return items;
}

function contactNotes(ctx: RouteContext): SimResponse {
  const notes = linkedTo(ctx.state.notes, 'contactIds', asId(ctx.params.id));
  if (notes.length === 0) return noContent();
  return ok(withCount(notes.map((n) => noteToWire(ctx.state, n))), 'note');
}

function deleteContactNote(ctx: RouteContext): SimResponse {
  const contactId = asId(ctx.params.contactId);
  const noteId = asId(ctx.params.noteId);
  for (const note of ctx.state.notes) {
    if (note.id === noteId) note.contactIds = note.contactIds.filter((id) => id !== contactId);
  }
  ctx.state.notes = ctx.state.notes.filter((n) => n.contactIds.length > 0 || n.dealIds.length > 0);
  return noContent();
}

function bulkDeleteNotes(ctx: RouteContext): SimResponse {
  const form = formBody(ctx);
  const ids = asIdList(formJson(form, 'ids', parseJsonLossless));
  if (!ids) throw badRequestText('ids should be a JSON array of note ids');
  const remove = new Set(ids);
  ctx.state.notes = ctx.state.notes.filter((n) => !remove.has(n.id));
  return noContent();
}

function saveDealNote(ctx: RouteContext, update: boolean): SimResponse {
  const body = jsonBody(ctx, parseJsonLossless);
  const fields = noteFields(body);
  const dealIds = idList(body.deal_ids, 'deal_ids');
  if (dealIds.length === 0) throw badRequestText('deal_ids is mandatory for a deal note');
  for (const id of dealIds) {
    if (!ctx.state.deals.some((d) => d.id === id)) throw badRequestText(`Deal not found with id ${id}`);
  }
  let note: NoteRecord | undefined;
  if (update) {
    const id = asId(body.id);
    note = ctx.state.notes.find((n) => n.id === id);
    if (!note) throw badRequestText(`Note not found with id ${String(asText(body.id))}`);
    Object.assign(note, fields, { dealIds });
  } else {
    note = {
      id: nextId(ctx.state),
      ...fields,
      createdEpochSec: epochSec(ctx.now),
      contactIds: idList(body.contact_ids, 'contact_ids'),
      dealIds,
      ownerId: ctx.currentUser.id,
    };
    ctx.state.notes.push(note);
  }
  // Reference: "Note added successfully and it returns the deal as JSON in response" (POST and PUT).
  const deal = ctx.state.deals.find((d) => d.id === dealIds[0]);
  return ok(deal ? dealToWire(ctx.state, deal) : noteToWire(ctx.state, note), 'opportunity');
}

function dealNotes(ctx: RouteContext): SimResponse {
  const notes = linkedTo(ctx.state.notes, 'dealIds', asId(ctx.params.id));
  return listAnswer(notes, (n) => noteToWire(ctx.state, n), 'note');
}

export function noteRoutes(): Route[] {
  return [
    route('POST', 'api/notes', createNote),
    route('POST', 'api/contacts/email/note/add', addNoteByEmail),
    route('GET', 'api/contacts/:id/notes', contactNotes),
    route('DELETE', 'api/contacts/:contactId/notes/:noteId', deleteContactNote),
    route('POST', 'api/contacts/notes/bulk', bulkDeleteNotes),
    route('POST', 'api/opportunity/deals/notes', (ctx) => saveDealNote(ctx, false)),
    route('PUT', 'api/opportunity/deals/notes', (ctx) => saveDealNote(ctx, true)),
    route('GET', 'api/opportunity/:id/notes', dealNotes),
  ];
}
