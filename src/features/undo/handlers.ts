import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Deps } from '../../app/deps.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { undoWrite } from './use-case.js';
import {
  buildNotAuthorMessage,
  buildUndoClosedMessage,
  buildUndoFailedMessage,
  type UndoClosing,
} from './views.js';

type UndoArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Undo clicked on a confirmation: ack, undo (or refuse), then replace the confirmation with what
 * happened and no button — through response_url, which reaches ephemeral messages too. Refusals that
 * leave the Undo usable (someone else clicked, Agile failed) answer ephemerally instead.
 */
export function undoWriteCallback(deps: Deps) {
  return async ({ ack, body, action, respond }: UndoArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const outcome = await undoWrite(deps, { actor, undoId: action.value ?? '' }).catch((err: unknown) => {
      deps.logger.error({ err }, 'undo could not run');
      return {
        kind: 'failed' as const,
        label: 'this change',
        reason: 'the bot could not reach its database',
      };
    });
    const ephemeral = (message: SlackMessage) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...message });
    const replace = (closing: UndoClosing) =>
      respond({
        replace_original: true,
        ...buildUndoClosedMessage(body.message?.blocks as KnownBlock[] | undefined, closing),
      });
    const answer = async () => {
      switch (outcome.kind) {
        case 'not_author':
          return ephemeral(buildNotAuthorMessage(outcome.authorId));
        case 'failed':
          return ephemeral(buildUndoFailedMessage(outcome.label, outcome.reason));
        case 'too_late':
        case 'missing':
          return replace({ kind: 'too_late' });
        case 'changed':
        case 'gone':
          return replace({ kind: outcome.kind, label: outcome.label });
        case 'undone':
          return replace({
            kind: 'undone',
            label: outcome.label,
            what: outcome.what,
            userId: actor.userId,
            atMs: outcome.atMs,
          });
        case 'closed':
          return undefined;
      }
    };
    await answer()?.catch((err: unknown) => deps.logger.warn({ err }, 'could not answer an Undo click'));
    deps.logger.info({ outcome: outcome.kind }, 'undo click handled');
  };
}
