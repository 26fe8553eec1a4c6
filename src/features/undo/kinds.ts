import {
  type AgileClient,
  type Deal,
  findDealNote,
  type Task,
  type TaskStatus,
} from '../../platform/agile/index.js';

/**
 * What can be undone, and how. Each kind reads the record, compares the fields the write set with
 * what Agile has now (the fingerprint), and reverts with a documented call: a DELETE for a create,
 * a partial update back to the previous value for a change.
 */
export const UNDO_KINDS = [
  'note.create',
  'task.create',
  'deal.create',
  'deal.move',
  'contact.create',
  'digest.complete',
  'digest.snooze',
  'digest.reassign',
] as const;
export type UndoKind = (typeof UNDO_KINDS)[number];

export function isUndoKind(kind: string): kind is UndoKind {
  return (UNDO_KINDS as readonly string[]).includes(kind);
}

/** What the undo of one write needs: ids, the value to restore, the fields to compare. */
export interface UndoSpec {
  kind: UndoKind;
  /** Agile ids as strings. */
  refs: Record<string, string>;
  /** Plain words for the record, e.g. `the task “Call Ada”` (escaped by the views). */
  label: string;
  previous: Record<string, unknown> | null;
  fingerprint: Record<string, unknown>;
}

/** The record as it is now: gone, changed since, or as we left it (the revert may run). */
export type UndoCheck = { kind: 'gone' } | { kind: 'changed' } | { kind: 'unchanged' };

/** The fields of a task the writes set, as comparable values. */
export function taskFields(task: Task): Record<string, unknown> {
  return {
    due: task.due ?? null,
    is_complete: task.is_complete ?? false,
    owner_id: task.taskOwner?.id ?? task.owner_id ?? null,
    subject: task.subject,
  };
}

/** The fields of a deal the writes set, as comparable values. */
export function dealFields(deal: Deal): Record<string, unknown> {
  return {
    milestone: deal.milestone ?? null,
    owner_id: deal.owner?.id ?? deal.owner_id ?? null,
    expected_value: deal.expected_value ?? null,
    name: deal.name,
  };
}

/** Only the keys the fingerprint names are compared (the fields that write set). */
function matches(now: Record<string, unknown>, fingerprint: Record<string, unknown>): boolean {
  return Object.entries(fingerprint).every(([key, value]) => {
    const current = now[key];
    if (value === null || value === undefined) return current === null || current === undefined;
    return current !== null && current !== undefined && String(current) === String(value);
  });
}

const verdict = (now: Record<string, unknown> | null, fingerprint: Record<string, unknown>): UndoCheck =>
  now === null ? { kind: 'gone' } : matches(now, fingerprint) ? { kind: 'unchanged' } : { kind: 'changed' };

/** Reads the record and compares it with the fingerprint. Agile errors throw. */
export async function checkRecord(
  agile: AgileClient,
  kind: UndoKind,
  refs: Record<string, string>,
  fingerprint: Record<string, unknown>,
): Promise<UndoCheck> {
  switch (kind) {
    case 'note.create': {
      const notes = await agile.notes.listForContact(refs.contactId ?? '');
      const note = notes.find((n) => String(n.id) === refs.noteId);
      return verdict(note ? { subject: note.subject } : null, fingerprint);
    }
    case 'task.create':
    case 'digest.complete':
    case 'digest.snooze':
    case 'digest.reassign': {
      const task = await agile.tasks.get(refs.taskId ?? '');
      return verdict(task ? taskFields(task) : null, fingerprint);
    }
    case 'deal.create':
    case 'deal.move': {
      const deal = await agile.deals.get(refs.dealId ?? '');
      return verdict(deal ? dealFields(deal) : null, fingerprint);
    }
    case 'contact.create': {
      const contact = await agile.contacts.get(refs.contactId ?? '');
      return verdict(contact ? { updated_time: contact.updated_time ?? null } : null, fingerprint);
    }
  }
}

/** What a revert did besides the obvious: a move's own note deleted too. */
export interface Reverted {
  noteDeleted?: boolean;
}

/**
 * The note a move wrote, found among the deal's notes by its exact subject and text (findDealNote:
 * Agile answers a deal note with the deal, so its id was never known). A note edited in Agile since
 * no longer matches and stays.
 */
async function deleteMoveNote(agile: AgileClient, dealId: string, note: unknown): Promise<boolean> {
  const sent = note as { subject?: unknown; description?: unknown } | undefined;
  if (typeof sent?.subject !== 'string' || typeof sent.description !== 'string') return false;
  const ours = await findDealNote(agile, dealId, { subject: sent.subject, description: sent.description });
  if (!ours) return false;
  await agile.notes.deleteMany([String(ours.id)]);
  return true;
}

/** Reverts the write with the documented call. Agile errors throw. */
export async function revertRecord(
  agile: AgileClient,
  kind: UndoKind,
  refs: Record<string, string>,
  previous: Record<string, unknown> | null,
): Promise<Reverted> {
  const taskId = refs.taskId ?? '';
  switch (kind) {
    case 'note.create':
      // Reference: DELETE api/contacts/{contact_id}/notes/{note_id}.
      await agile.notes.deleteForContact(refs.contactId ?? '', refs.noteId ?? '');
      return {};
    case 'task.create':
      await agile.tasks.delete(taskId);
      return {};
    case 'deal.create':
      await agile.deals.delete(refs.dealId ?? '');
      return {};
    case 'contact.create':
      await agile.contacts.delete(refs.contactId ?? '');
      return {};
    case 'deal.move': {
      // The note first: if the milestone update then fails, the retried Undo still finds the deal
      // where the move left it (a milestone put back first would read as "changed since").
      const noteDeleted = await deleteMoveNote(agile, refs.dealId ?? '', previous?.note);
      await agile.deals.updatePartial(refs.dealId ?? '', { milestone: String(previous?.milestone ?? '') });
      return { noteDeleted };
    }
    case 'digest.complete':
      await agile.tasks.updatePartial(taskId, {
        is_complete: false,
        status: previous?.status === 'IN_PROGRESS' ? 'IN_PROGRESS' : ('YET_TO_START' satisfies TaskStatus),
      });
      return {};
    case 'digest.snooze':
      await agile.tasks.updatePartial(taskId, { due: Number(previous?.due) });
      return {};
    case 'digest.reassign':
      await agile.tasks.updatePartial(taskId, { owner_id: String(previous?.owner_id ?? '') });
      return {};
  }
}
