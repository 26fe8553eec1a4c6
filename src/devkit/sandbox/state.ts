// In-memory data of the Agile CRM simulator. Ids are kept as decimal strings end to end and only
// become JSON number literals when serialized (they exceed Number.MAX_SAFE_INTEGER in places).

import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_TYPES,
  type TaskPriority,
  type TaskStatus,
  type TaskType,
} from '../../platform/agile/schemas.js';

export interface DomainUser {
  id: string;
  domain: string;
  email: string;
  name: string;
  isAdmin: boolean;
  isAccountOwner: boolean;
}

export interface ContactProperty {
  type?: string;
  name: string;
  subtype?: string;
  value: string;
}

export interface TagWithTime {
  tag: string;
  createdMs: number;
}

export interface ContactRecord {
  id: string;
  type: 'PERSON' | 'COMPANY';
  createdEpochSec: number;
  updatedEpochSec: number;
  starValue: number;
  leadScore: number;
  tags: TagWithTime[];
  properties: ContactProperty[];
  ownerId: string;
  contactCompanyId?: string;
}

export interface TrackRecord {
  id: string;
  name: string;
  /** Comma-separated, case-sensitive, as the API carries it. */
  milestones: string;
  isDefault: boolean;
}

export interface DealRecord {
  id: string;
  name: string;
  description: string;
  expectedValue: number;
  pipelineId: string;
  milestone: string;
  probability: number;
  closeEpochSec: number;
  createdEpochSec: number;
  updatedEpochSec: number;
  ownerId: string;
  contactIds: string[];
  customData: { name: string; value: string }[];
  archived: boolean;
}

export interface NoteRecord {
  id: string;
  subject: string;
  description: string;
  createdEpochSec: number;
  contactIds: string[];
  dealIds: string[];
  ownerId: string;
}

// Agile's task enums (API reference): one list for the client and the simulator.
export { TASK_PRIORITIES, TASK_STATUSES, TASK_TYPES, type TaskPriority, type TaskStatus, type TaskType };

export interface TaskRecord {
  id: string;
  subject: string;
  type: TaskType;
  priorityType: TaskPriority;
  dueEpochSec: number;
  createdEpochSec: number;
  isComplete: boolean;
  status: TaskStatus;
  progress: number;
  contactIds: string[];
  dealIds: string[];
  noteIds: string[];
  ownerId: string;
  description: string;
  taskEndingTime?: string;
}

export interface TicketGroup {
  id: string;
  name: string;
  email: string;
}

export const TICKET_STATUSES = ['NEW', 'OPEN', 'PENDING', 'CLOSED'] as const;
export const TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;

export interface TicketRecord {
  id: string;
  groupId: string;
  assigneeId: string;
  requesterName: string;
  requesterEmail: string;
  contactId: string;
  subject: string;
  ccEmails: string[];
  createdMs: number;
  lastUpdatedMs: number;
  lastUpdatedBy: 'REQUESTER' | 'AGENT';
  status: string;
  type: string;
  priority: string;
  source: string;
  labels: string[];
}

export interface TicketNoteRecord {
  id: string;
  ticketId: string;
  createdBy: 'REQUESTER' | 'AGENT';
  createdMs: number;
  plainText: string;
  htmlText: string;
  noteType: 'PUBLIC' | 'PRIVATE';
  /** Domain user who wrote it (agent notes) or the ticket's assignee. */
  userId: string;
}

export interface TicketFilterRecord {
  id: string;
  name: string;
  conditions: { LHS: string; CONDITION: string; RHS: string }[];
  ownerId: string;
  updatedMs: number;
  isDefault: boolean;
}

export interface SimulatorState {
  users: DomainUser[];
  /** PERSON records. */
  contacts: ContactRecord[];
  /** COMPANY records (same endpoints as contacts). */
  companies: ContactRecord[];
  tracks: TrackRecord[];
  deals: DealRecord[];
  notes: NoteRecord[];
  tasks: TaskRecord[];
  ticketGroups: TicketGroup[];
  ticketFilters: TicketFilterRecord[];
  tickets: TicketRecord[];
  ticketNotes: TicketNoteRecord[];
  /** State of the id generator, so that reset() reproduces the same ids. */
  idSeq: {
    next: bigint;
    rng: number;
    ticketNext: number;
    /** Set once the seed is built: from then on every other new id lies above 2^53 (see nextId). */
    bigNext?: bigint;
    issued?: number;
  };
}

export function emptyState(): SimulatorState {
  return {
    users: [],
    contacts: [],
    companies: [],
    tracks: [],
    deals: [],
    notes: [],
    tasks: [],
    ticketGroups: [],
    ticketFilters: [],
    tickets: [],
    ticketNotes: [],
    idSeq: { next: 5629585249009664n, rng: 0x9e3779b9, ticketNext: 1 },
  };
}

const MAX_ID = 2n ** 53n - 1n;

/**
 * Next 64-bit-style id, increasing by a pseudo-random step (deterministic): between 2^52 and 2^53 for
 * the seed; after it, every other id lies above 2^53, as Agile's 64-bit ids do (a client that parses
 * ids as doubles rounds them: records created through the API must catch that too).
 */
export function nextId(state: SimulatorState): string {
  const seq = state.idSeq;
  if (seq.bigNext !== undefined) {
    seq.issued = (seq.issued ?? 0) + 1;
    if (seq.issued % 2 === 1) {
      seq.bigNext += BigInt(1 + (seq.issued % 89)) * 1_125_899_906n + 7n;
      return seq.bigNext.toString();
    }
  }
  // xorshift32: deterministic and cheap
  let x = seq.rng;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  seq.rng = x >>> 0;
  const step = BigInt(1 + (seq.rng % 97)) * 1_125_899_906n;
  seq.next += step;
  if (seq.next > MAX_ID) seq.next = 4503599627370496n + (seq.next % 1_000_000_000_000n);
  return seq.next.toString();
}

export function nextTicketId(state: SimulatorState): string {
  const id = state.idSeq.ticketNext;
  state.idSeq.ticketNext += 1;
  return String(id);
}

export function cloneState(state: SimulatorState): SimulatorState {
  return structuredClone(state);
}

export function findContactOrCompany(state: SimulatorState, id: string): ContactRecord | undefined {
  return state.contacts.find((c) => c.id === id) ?? state.companies.find((c) => c.id === id);
}

export function propertyValue(record: ContactRecord, name: string): string | undefined {
  return record.properties.find((p) => p.name === name)?.value;
}

export function emailsOf(record: ContactRecord): string[] {
  return record.properties.filter((p) => p.name === 'email').map((p) => p.value);
}

export function findContactByEmail(state: SimulatorState, email: string): ContactRecord | undefined {
  // Agile's data is case-sensitive: exact match only.
  return state.contacts.find((c) => emailsOf(c).includes(email));
}

export function milestonesOf(track: TrackRecord): string[] {
  return track.milestones
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
}

export function defaultTrack(state: SimulatorState): TrackRecord | undefined {
  return state.tracks.find((t) => t.isDefault) ?? state.tracks[0];
}

/** The records whose `key` list (contactIds, dealIds) holds `id`; none for a missing or malformed id. */
export function linkedTo<K extends string, T extends Record<K, readonly string[]>>(
  records: readonly T[],
  key: K,
  id: string | undefined,
): T[] {
  return id === undefined ? [] : records.filter((r) => r[key].includes(id));
}
