import type { Contact, Deal, Note } from '../../platform/agile/index.js';
import { getFullName, getProperty } from '../../platform/agile/properties.js';
import type { ThreadMessage } from '../ticket/tickets.js';

/**
 * What the poller remembers of a followed record between two polls, and what changed (pure). A
 * snapshot is small on purpose: the fields that produce an update, and the ids of the notes or
 * messages already seen.
 */

export interface DealSnapshot {
  kind: 'deal';
  name: string;
  milestone: string;
  value: number | null;
  ownerId: string | null;
  ownerName: string | null;
  closeDateSec: number | null;
  noteIds: string[];
}

export interface ContactSnapshot {
  kind: 'contact';
  name: string;
  noteIds: string[];
}

export interface TicketSnapshot {
  kind: 'ticket';
  messageIds: string[];
}

export type Snapshot = DealSnapshot | ContactSnapshot | TicketSnapshot;

/** A record as one poll read it. */
export type Observed =
  | { kind: 'deal'; deal: Deal; notes: Note[] }
  /** `contact` null: not re-read this poll (its notes were). */
  | { kind: 'contact'; contact: Contact | null; notes: Note[] }
  | { kind: 'ticket'; messages: ThreadMessage[] };

export type DealOutcome = 'won' | 'lost' | null;

export type FollowChange =
  | { type: 'milestone'; from: string; to: string; outcome: DealOutcome }
  | { type: 'value'; from: number | null; to: number | null }
  | { type: 'owner'; from: string | null; to: string | null }
  | { type: 'close_date'; fromSec: number | null; toSec: number | null }
  | { type: 'note'; subject: string; text: string; createdSec: number | null }
  | { type: 'ticket_message'; message: ThreadMessage };

/** Ids kept per record: enough to recognise every note or message a poll can return as already seen. */
const MAX_IDS = 500;

const latestIds = (ids: string[]) => ids.slice(-MAX_IDS);

export function contactLabel(contact: Contact): string {
  const name = getFullName(contact)?.trim();
  const email = getProperty(contact, 'email')?.trim();
  if (name && email) return `${name} (${email})`;
  return name || email || `Contact ${contact.id}`;
}

function byCreated<T extends { id: string }>(items: T[], created: (item: T) => number): T[] {
  return [...items].sort((a, b) => created(a) - created(b) || a.id.localeCompare(b.id));
}

export function snapshotOf(observed: Observed): Snapshot {
  switch (observed.kind) {
    case 'deal': {
      const d = observed.deal;
      return {
        kind: 'deal',
        name: d.name || `Deal ${d.id}`,
        milestone: d.milestone ?? '',
        value: d.expected_value ?? null,
        ownerId: d.owner_id ?? d.owner?.id ?? null,
        ownerName: d.owner?.name?.trim() || d.owner?.email?.trim() || null,
        closeDateSec: d.close_date ?? null,
        noteIds: latestIds(byCreated(observed.notes, (n) => n.created_time ?? 0).map((n) => n.id)),
      };
    }
    case 'contact':
      return {
        kind: 'contact',
        name: observed.contact ? contactLabel(observed.contact) : '',
        noteIds: latestIds(byCreated(observed.notes, (n) => n.created_time ?? 0).map((n) => n.id)),
      };
    case 'ticket':
      return {
        kind: 'ticket',
        messageIds: latestIds(byCreated(observed.messages, (m) => m.createdMs).map((m) => m.id)),
      };
  }
}

/** A stored snapshot, or null when it is missing or not of this kind (a baseline is then taken). */
export function parseSnapshot(json: string | null, kind: Snapshot['kind']): Snapshot | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as Snapshot;
    return value && typeof value === 'object' && value.kind === kind ? value : null;
  } catch {
    return null;
  }
}

function newNotes(seen: readonly string[], notes: Note[]): FollowChange[] {
  const known = new Set(seen);
  return byCreated(notes, (n) => n.created_time ?? 0)
    .filter((n) => !known.has(n.id))
    .map((n) => ({
      type: 'note' as const,
      subject: n.subject,
      text: n.description,
      createdSec: n.created_time ?? null,
    }));
}

/**
 * The changes from `before` to what this poll observed, oldest first. No `before` (the first poll after
 * the follow) is the baseline: nothing to say. `outcomeOf` tells whether a milestone means won or lost.
 */
export function diffRecord(
  before: Snapshot | null,
  observed: Observed,
  outcomeOf: (milestone: string) => DealOutcome,
): FollowChange[] {
  if (!before) return [];
  const after = snapshotOf(observed);
  const changes: FollowChange[] = [];
  if (before.kind === 'deal' && after.kind === 'deal' && observed.kind === 'deal') {
    if (before.milestone !== after.milestone) {
      changes.push({
        type: 'milestone',
        from: before.milestone,
        to: after.milestone,
        outcome: outcomeOf(after.milestone),
      });
    }
    if (before.value !== after.value) changes.push({ type: 'value', from: before.value, to: after.value });
    if (before.ownerId !== after.ownerId) {
      changes.push({
        type: 'owner',
        from: before.ownerName ?? before.ownerId,
        to: after.ownerName ?? after.ownerId,
      });
    }
    if (before.closeDateSec !== after.closeDateSec) {
      changes.push({ type: 'close_date', fromSec: before.closeDateSec, toSec: after.closeDateSec });
    }
    changes.push(...newNotes(before.noteIds, observed.notes));
  } else if (before.kind === 'contact' && observed.kind === 'contact') {
    changes.push(...newNotes(before.noteIds, observed.notes));
  } else if (before.kind === 'ticket' && observed.kind === 'ticket') {
    const known = new Set(before.messageIds);
    for (const m of byCreated(observed.messages, (x) => x.createdMs)) {
      if (!known.has(m.id)) changes.push({ type: 'ticket_message', message: m });
    }
  }
  return changes;
}
