import type { Contact, Task } from '../../platform/agile/index.js';
import type { UndoSpec } from './kinds.js';

/**
 * The undo of each kind of write, built from what the write's confirmation already knows. Labels
 * are plain words (the views escape them). Fingerprints hold only the fields the write set.
 */

const quoted = (text: string) => `“${text.replace(/\s+/g, ' ').trim().slice(0, 80)}”`;

/**
 * A note logged on a contact: the undo deletes it (if its subject is still ours). A note logged from a
 * message also carries that message and the key it was logged under, so that after the undo the
 * message may be logged to the contact again (features/note/undone.ts; the key is forgotten by undoWrite).
 */
export function noteUndo(note: {
  contactId: string;
  noteId: string;
  subject: string;
  contactName: string;
  message?: { channel: string; ts: string; onceKey: string };
}): UndoSpec {
  const message: Record<string, string> = note.message
    ? { messageChannel: note.message.channel, messageTs: note.message.ts, onceKey: note.message.onceKey }
    : {};
  return {
    kind: 'note.create',
    refs: { contactId: note.contactId, noteId: note.noteId, ...message },
    label: `the note ${quoted(note.subject)} on ${note.contactName}`,
    previous: null,
    fingerprint: { subject: note.subject },
  };
}

/** A task created: the undo deletes it unless its due, completion or owner changed since. */
export function taskCreateUndo(task: {
  id: string;
  subject: string;
  dueEpochSec: number;
  owner?: { id: string };
}): UndoSpec {
  return {
    kind: 'task.create',
    refs: { taskId: task.id },
    label: `the task ${quoted(task.subject)}`,
    previous: null,
    fingerprint: {
      due: task.dueEpochSec,
      is_complete: false,
      ...(task.owner ? { owner_id: task.owner.id } : {}),
    },
  };
}

/** A deal created: the undo deletes it unless its milestone or value changed since. */
export function dealCreateUndo(deal: {
  id: string;
  name: string;
  milestone: string;
  value?: number;
}): UndoSpec {
  return {
    kind: 'deal.create',
    refs: { dealId: deal.id },
    label: `the deal ${quoted(deal.name)}`,
    previous: null,
    fingerprint: {
      milestone: deal.milestone,
      ...(deal.value !== undefined ? { expected_value: deal.value } : {}),
    },
  };
}

/**
 * A deal moved: the undo puts the previous milestone back unless the milestone changed since, and
 * deletes the reason/note the move wrote. None when nothing moved, or when the deal had no milestone
 * before (there is nothing to put back).
 */
export function moveUndo(move: {
  dealId: string;
  name: string;
  before: string;
  after: string;
  unchanged: boolean;
  note?: { subject: string; description: string };
}): UndoSpec | null {
  if (move.unchanged || !move.before) return null;
  return {
    kind: 'deal.move',
    refs: { dealId: move.dealId },
    label: `the deal ${quoted(move.name)}`,
    previous: { milestone: move.before, ...(move.note ? { note: move.note } : {}) },
    fingerprint: { milestone: move.after },
  };
}

/** A contact created from a lookup: the undo deletes it unless it was updated since. */
export function contactCreateUndo(contact: Contact, name: string): UndoSpec {
  return {
    kind: 'contact.create',
    refs: { contactId: contact.id },
    label: `the contact ${name}`,
    previous: null,
    fingerprint: { updated_time: contact.updated_time ?? null },
  };
}

export type TaskChange =
  | { kind: 'complete' }
  | { kind: 'snooze'; newDueEpochSec: number; fromDueEpochSec?: number }
  | { kind: 'reassign'; ownerId: string };

/**
 * A digest or App Home task change: Complete reopens (is_complete false, the status `before` had, else
 * YET_TO_START), Snooze puts back the due the button showed, Reassign the owner `before` had (read just
 * before the change). None when there is nothing sure to put back.
 */
export function taskChangeUndo(
  task: { id: string; subject: string },
  before: Task | null | undefined,
  change: TaskChange,
): UndoSpec | null {
  const refs = { taskId: task.id };
  const label = `the task ${quoted(task.subject || before?.subject || task.id)}`;
  switch (change.kind) {
    case 'complete':
      return {
        kind: 'digest.complete',
        refs,
        label,
        previous: { is_complete: false, status: before?.status ?? 'YET_TO_START' },
        fingerprint: { is_complete: true },
      };
    case 'snooze':
      if (change.fromDueEpochSec === undefined) return null;
      return {
        kind: 'digest.snooze',
        refs,
        label,
        previous: { due: change.fromDueEpochSec },
        fingerprint: { due: change.newDueEpochSec },
      };
    case 'reassign': {
      const previousOwner = before?.taskOwner?.id ?? before?.owner_id;
      if (!previousOwner) return null;
      return {
        kind: 'digest.reassign',
        refs,
        label,
        previous: { owner_id: previousOwner },
        fingerprint: { owner_id: change.ownerId },
      };
    }
  }
}

/** The digest's change as the undo sees it (the new owner by id). */
export function taskChangeOf(
  change:
    | { kind: 'complete' }
    | { kind: 'snooze'; newDueEpochSec: number; fromDueEpochSec?: number }
    | { kind: 'reassign'; owner: { id: string } },
): TaskChange {
  return change.kind === 'reassign' ? { kind: 'reassign', ownerId: String(change.owner.id) } : change;
}
