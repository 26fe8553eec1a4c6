import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Deps } from '../../app/deps.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { type UndoOutcome, undoWrite } from './use-case.js';
import {
  buildNotAuthorMessage,
  buildUndoClosedMessage,
  buildUndoFailedMessage,
  type UndoClosing,
} from './views.js';

type UndoArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** What the confirmation turns into; undefined when the Undo stays (another try, or not theirs). */
function closingOf(outcome: UndoOutcome, userId: string): UndoClosing | undefined {
  switch (outcome.kind) {
    case 'too_late':
    case 'missing':
      return { kind: 'too_late' };
    case 'changed':
    case 'gone':
      return { kind: outcome.kind, label: outcome.label };
    case 'undone':
      return { kind: 'undone', label: outcome.label, what: outcome.what, userId, atMs: outcome.atMs };
    default:
      return undefined;
  }
}

/**
 * Called after a successful undo, e.g. to put a digest line back, or to let a message whose note was
 * undone be logged again (wired in app/register.ts, run in order). Each says nothing to the user; a
 * failure is logged, and the next still runs.
 */
export type AfterUndo = (
  deps: Deps,
  actor: { teamId: string; userId: string },
  undone: { kind: string; previous: Record<string, unknown> | null; refs: Record<string, string> },
) => Promise<void>;

/**
 * Undo clicked on a confirmation: ack, undo (or refuse), then replace the confirmation with what
 * happened and no button — through response_url, which reaches ephemeral messages too; on the App
 * Home tab, by publishing it again with that line. Refusals that leave the Undo usable (someone else
 * clicked, Agile failed) answer ephemerally instead. A second click on a used Undo does nothing.
 */
export function undoWriteCallback(deps: Deps, ...afterUndo: AfterUndo[]) {
  return async ({ ack, body, action, respond, client }: UndoArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const undoId = action.value ?? '';
    const outcome: UndoOutcome = await undoWrite(deps, { actor, undoId }).catch((err: unknown) => {
      deps.logger.error({ err }, 'undo could not run');
      return { kind: 'failed', label: 'this change', reason: 'the bot could not reach its database' };
    });
    const closing = closingOf(outcome, actor.userId);
    const answer = async (): Promise<unknown> => {
      if (outcome.kind === 'closed') return;
      // Undo sits in messages and on the Home tab only (never in a modal): a click from a view is Home's.
      if (body.view) {
        const notice = closing
          ? buildUndoClosedMessage(undefined, closing).text
          : outcome.kind === 'failed'
            ? buildUndoFailedMessage(outcome.label, outcome.reason).text
            : undefined;
        return deps.home.publish(deps, client, actor, {
          fresh: true,
          ...(notice ? { notice, undoId: closing ? null : undoId } : {}),
        });
      }
      if (closing)
        return respond({
          replace_original: true,
          ...buildUndoClosedMessage(body.message?.blocks as KnownBlock[] | undefined, closing),
        });
      const ephemeral = (message: SlackMessage) =>
        respond({ response_type: 'ephemeral', replace_original: false, ...message });
      if (outcome.kind === 'not_author') return ephemeral(buildNotAuthorMessage(outcome.authorId));
      if (outcome.kind === 'failed') return ephemeral(buildUndoFailedMessage(outcome.label, outcome.reason));
    };
    await answer().catch((err: unknown) => deps.logger.warn({ err }, 'could not answer an Undo click'));
    if (outcome.kind === 'undone') {
      for (const after of afterUndo)
        await after(deps, actor, outcome.undone).catch((err: unknown) =>
          deps.logger.warn({ err, kind: outcome.undone.kind }, 'a step after the undo failed'),
        );
    }
    deps.logger.info({ outcome: outcome.kind }, 'undo click handled');
  };
}
