import type { Deps } from '../../app/deps.js';
import { audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { checkRecord, isUndoKind, type Reverted, revertRecord, type UndoKind } from './kinds.js';

export type UndoOutcome =
  /** `undone`: what was undone, for the surfaces that show it (the digest line). */
  | {
      kind: 'undone';
      label: string;
      what: string;
      atMs: number;
      /** `refs`: all the undo kept, e.g. the message a note was logged from (messageChannel, messageTs). */
      undone: { kind: string; previous: Record<string, unknown> | null; refs: Record<string, string> };
    }
  /** Someone else clicked the author's Undo (a confirmation in a channel). */
  | { kind: 'not_author'; authorId: string }
  /** Already undone (a double click), or refused for good earlier: nothing to do. */
  | { kind: 'closed' }
  | { kind: 'too_late' }
  | { kind: 'changed'; label: string }
  | { kind: 'gone'; label: string }
  /** Agile refused or failed: nothing undone, the Undo stays usable within its window. */
  | { kind: 'failed'; label: string; reason: string }
  | { kind: 'missing' };

/** What the undo did, in words (escaped by the views). */
function undoneWords(
  kind: UndoKind,
  label: string,
  previous: Record<string, unknown> | null,
  reverted: Reverted,
): string {
  switch (kind) {
    case 'note.create':
    case 'task.create':
    case 'deal.create':
    case 'contact.create':
      return `${label} was deleted`;
    case 'deal.move':
      return `${label} is back at ${String(previous?.milestone ?? 'its previous milestone')}${
        reverted.noteDeleted ? ', and the note the move wrote on it was deleted' : ''
      }`;
    case 'digest.complete':
      return `${label} is open again`;
    case 'digest.snooze':
      return `${label} has its previous due date again`;
    case 'digest.reassign':
      return `${label} is back with its previous owner`;
  }
}

/**
 * Undo clicked: only its author, once (a claim in the store), within the window; the record is read
 * first and left alone when someone changed it in Agile since. The revert is audited as `<write>.undo`;
 * when Agile fails the claim is released, so the same Undo may be tried again.
 */
export async function undoWrite(
  deps: Pick<Deps, 'agile' | 'store' | 'audit' | 'logger' | 'now'>,
  input: { actor: Actor; undoId: string },
): Promise<UndoOutcome> {
  const { actor, undoId } = input;
  const action = await deps.store.undoActions.get(undoId);
  if (!action || !isUndoKind(action.kind)) return { kind: 'missing' };
  if (action.userId !== actor.userId) return { kind: 'not_author', authorId: action.userId };
  const claim = await deps.store.undoActions.claim(undoId);
  if (claim.kind === 'expired') return { kind: 'too_late' };
  if (claim.kind !== 'claimed') return { kind: 'closed' };

  const kind = action.kind;
  // Not Agile ids: the label, the key the write ran under, the Slack message a note came from.
  const { label = 'the record', onceKey: changeKey, messageChannel, messageTs, ...refs } = action.refs;
  let reverted: Reverted;
  try {
    const check = await checkRecord(deps.agile, kind, refs, action.fingerprint);
    if (check.kind !== 'unchanged') {
      await deps.store.undoActions.markFailed(undoId);
      deps.logger.info({ kind, undoId, check: check.kind }, 'undo refused: the record changed since');
      return { kind: check.kind, label };
    }
    reverted = await audited(
      deps.audit,
      { action: `${kind}.undo`, actor, summary: label, ids: refs, written: () => ({ recordIds: refs }) },
      () => revertRecord(deps.agile, kind, refs, action.previous),
    );
    await deps.store.undoActions
      .markUndone(undoId)
      .catch((err: unknown) => deps.logger.error({ err, undoId }, 'undone in Agile, but not marked so'));
    // The change may be made again (the same digest or Home button): forget that it was made once.
    if (changeKey) {
      await Promise.all([
        deps.store.idempotency.forget(changeKey),
        deps.store.digestActions.release(changeKey),
      ]).catch((err: unknown) => deps.logger.warn({ err, undoId }, 'could not release the undone change'));
    }
  } catch (err) {
    deps.logger.warn({ err, kind, undoId }, 'undo failed');
    await deps.store.undoActions
      .release(undoId)
      .catch((e: unknown) => deps.logger.error({ err: e, undoId }, 'could not reopen a failed undo'));
    return { kind: 'failed', label, reason: describeAgileError(err) };
  }
  return {
    kind: 'undone',
    label,
    what: undoneWords(kind, label, action.previous, reverted),
    atMs: deps.now().getTime(),
    undone: { kind, previous: action.previous, refs: action.refs },
  };
}
