// Entity → wire JSON, in the shapes of the reference's examples. Ids become number literals (idNum).
import { idNum } from './serialization.js';
import type {
  ContactRecord,
  DealRecord,
  DomainUser,
  NoteRecord,
  SimulatorState,
  TaskRecord,
  TicketFilterRecord,
  TicketNoteRecord,
  TicketRecord,
  TrackRecord,
} from './state.js';
import { findContactOrCompany } from './state.js';

type Wire = Record<string, unknown>;

export function userToWire(user: DomainUser): Wire {
  const slug = user.name.replace(/\s+/g, '_');
  return {
    id: idNum(user.id),
    domain: user.domain,
    email: user.email,
    phone: '',
    is_admin: user.isAdmin,
    is_account_owner: user.isAccountOwner,
    is_disabled: false,
    name: user.name,
    pic: 'https://d1gwclp1pmzk26.cloudfront.net/img/gravatar/25.png',
    schedule_id: slug,
    calendar_url: `https://${user.domain}.agilecrm.com/calendar/${slug}`,
    calendarURL: `https://${user.domain}.agilecrm.com/calendar/${slug}`,
  };
}

function userById(state: SimulatorState, id: string): DomainUser | undefined {
  return state.users.find((u) => u.id === id);
}

function ownerWire(state: SimulatorState, id: string): Wire | undefined {
  const user = userById(state, id);
  return user ? userToWire(user) : undefined;
}

export function contactToWire(state: SimulatorState, c: ContactRecord): Wire {
  // Reference (contact example): "id": "5629585249009664", "created_time": "1469170109" — strings.
  const wire: Wire = {
    id: c.id,
    type: c.type,
    created_time: String(c.createdEpochSec),
    updated_time: c.updatedEpochSec,
    last_contacted: 0,
    last_emailed: 0,
    last_campaign_emaild: 0,
    last_called: 0,
    viewed_time: 0,
    viewed: { viewed_time: 0 },
    star_value: c.starValue,
    lead_score: c.leadScore,
    tags: c.tags.map((t) => t.tag),
    tagsWithTime: c.tags.map((t) => ({
      tag: t.tag,
      createdTime: t.createdMs,
      availableCount: 0,
      entity_type: 'tag',
    })),
    properties: c.properties.map((p) => {
      const out: Wire = {};
      if (p.type !== undefined) out.type = p.type;
      out.name = p.name;
      if (p.subtype !== undefined) out.subtype = p.subtype;
      out.value = p.value;
      return out;
    }),
    campaignStatus: [],
    entity_type: 'contact_entity',
    unsubscribeStatus: [],
    emailBounceStatus: [],
    formId: 0,
  };
  // The reference shows contact_company_id as a string.
  if (c.contactCompanyId) wire.contact_company_id = c.contactCompanyId;
  const owner = ownerWire(state, c.ownerId);
  if (owner) wire.owner = owner;
  return wire;
}

/** The short contact embedded in notes and tickets. */
function contactStub(c: ContactRecord): Wire {
  return {
    id: idNum(c.id),
    type: c.type,
    properties: c.properties
      .filter((p) => ['first_name', 'last_name', 'name', 'email'].includes(p.name))
      .map((p) => ({ type: p.type ?? 'SYSTEM', name: p.name, value: p.value })),
  };
}

function contactsOf(state: SimulatorState, ids: string[], full: boolean): Wire[] {
  const out: Wire[] = [];
  for (const id of ids) {
    const c = findContactOrCompany(state, id);
    if (c) out.push(full ? contactToWire(state, c) : contactStub(c));
  }
  return out;
}

export function trackToWire(t: TrackRecord): Wire {
  return { id: idNum(t.id), milestones: t.milestones, name: t.name };
}

export function dealToWire(state: SimulatorState, d: DealRecord): Wire {
  const wire: Wire = {
    id: idNum(d.id),
    name: d.name,
    contact_ids: d.contactIds,
    custom_data: d.customData,
    description: d.description,
    expected_value: d.expectedValue,
    pipeline_id: idNum(d.pipelineId),
    milestone: d.milestone,
    probability: d.probability,
    close_date: d.closeEpochSec,
    created_time: d.createdEpochSec,
    updated_time: d.updatedEpochSec,
    owner_id: d.ownerId,
    archived: d.archived,
    entity_type: 'deal',
    notes: [],
    contacts: contactsOf(state, d.contactIds, true),
  };
  const owner = ownerWire(state, d.ownerId);
  if (owner) wire.owner = owner;
  return wire;
}

export function noteToWire(state: SimulatorState, n: NoteRecord): Wire {
  return {
    id: idNum(n.id),
    created_time: n.createdEpochSec,
    subject: n.subject,
    description: n.description,
    contact_ids: n.contactIds,
    deal_ids: n.dealIds,
    contacts: contactsOf(state, n.contactIds, false),
    entity_type: 'note',
  };
}

export function taskToWire(state: SimulatorState, t: TaskRecord): Wire {
  const wire: Wire = {
    id: idNum(t.id),
    type: t.type,
    priority_type: t.priorityType,
    due: t.dueEpochSec,
    created_time: t.createdEpochSec,
    is_complete: t.isComplete,
    contacts: contactsOf(state, t.contactIds, true),
    subject: t.subject,
    entity_type: 'task',
    notes: t.noteIds,
    deal_ids: t.dealIds,
    progress: t.progress,
    status: t.status,
    taskDescription: t.description,
    owner_id: t.ownerId,
  };
  if (t.taskEndingTime) wire.task_ending_time = t.taskEndingTime;
  const owner = ownerWire(state, t.ownerId);
  if (owner) wire.taskOwner = owner;
  return wire;
}

export function ticketFilterToWire(f: TicketFilterRecord): Wire {
  return {
    id: idNum(f.id),
    name: f.name,
    conditions: f.conditions,
    owner_id: idNum(f.ownerId),
    updated_time: f.updatedMs,
    is_default_filter: f.isDefault,
  };
}

export function ticketNoteToWire(state: SimulatorState, n: TicketNoteRecord): Wire {
  const ticket = state.tickets.find((t) => t.id === n.ticketId);
  const user = ownerWire(state, n.userId);
  return {
    id: idNum(n.id),
    ticket_id: idNum(n.ticketId),
    group_id: ticket ? idNum(ticket.groupId) : 0,
    assignee_id: idNum(n.userId),
    created_by: n.createdBy,
    requester_name: ticket?.requesterName ?? '',
    requester_email: ticket?.requesterEmail ?? '',
    created_time: n.createdMs,
    event_description: '',
    plain_text: n.plainText,
    html_text: n.htmlText,
    mime_object: '',
    note_type: n.noteType,
    attachments_list: [],
    requester_viewed_time: 0,
    ...(user ? { domain_user: user } : {}),
    cc_emails: [],
    close_ticket: false,
    requester_viewed_email: false,
    is_compressed: false,
  };
}

export function ticketToWire(state: SimulatorState, t: TicketRecord): Wire {
  const group = state.ticketGroups.find((g) => g.id === t.groupId);
  const notes = state.ticketNotes.filter((n) => n.ticketId === t.id);
  const firstNote = notes[0];
  const publicNotes = notes.filter((n) => n.noteType === 'PUBLIC');
  const lastPublic = publicNotes[publicNotes.length - 1];
  const lastAgent = [...publicNotes].reverse().find((n) => n.createdBy === 'AGENT');
  const lastCustomer = [...publicNotes].reverse().find((n) => n.createdBy === 'REQUESTER');
  const contact = findContactOrCompany(state, t.contactId);
  const assignee = ownerWire(state, t.assigneeId);
  const wire: Wire = {
    id: idNum(t.id),
    groupID: idNum(t.groupId),
    group: group ? { id: idNum(group.id), group_name: group.name, group_email: group.email } : undefined,
    assigned_to_group: true,
    assigneeID: idNum(t.assigneeId),
    assigned_time: t.createdMs,
    assignee,
    requester_name: t.requesterName,
    requester_email: t.requesterEmail,
    contactID: contact ? idNum(contact.id) : 0,
    subject: t.subject,
    cc_emails: t.ccEmails,
    created_time: t.createdMs,
    last_updated_time: t.lastUpdatedMs,
    last_updated_by: t.lastUpdatedBy,
    last_customer_replied_time: lastCustomer?.createdMs ?? t.createdMs,
    first_notes_text: firstNote?.plainText ?? '',
    last_reply_text: lastPublic?.plainText ?? '',
    is_compressed: false,
    status: t.status,
    type: t.type,
    priority: t.priority,
    source: t.source,
    created_by: 'CUSTOMER',
    user_replies_count: publicNotes.length,
    no_of_reopens: 0,
    attachments_exists: false,
    is_favorite: false,
    is_spam: false,
    requester_ip_address: '',
    html_text: '',
    entity_type: 'tickets',
    attachments_list: [],
    labels: t.labels,
    contact_ids: [],
  };
  if (lastAgent) wire.last_agent_replied_time = lastAgent.createdMs;
  const lastNote = notes[notes.length - 1];
  if (lastNote) {
    wire.last_ticket_notes = {
      id: idNum(lastNote.id),
      plain_text: lastNote.plainText,
      created_time: lastNote.createdMs,
      ...(assignee ? { ticket_notes_assinee: assignee } : {}),
    };
  }
  if (contact) wire.contact = contactStub(contact);
  if (wire.group === undefined) delete wire.group;
  if (wire.assignee === undefined) delete wire.assignee;
  return wire;
}
