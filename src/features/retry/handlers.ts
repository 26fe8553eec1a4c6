import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewClosedAction,
} from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { isOutcomeUnknown } from '../../platform/agile/index.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import {
  buildFailedWriteMessages,
  buildRetriedMessage,
  buildRetryInProgressMessage,
  type PendingWrite,
  pendingWriteKey,
  type RetryOutcome,
} from '../../platform/slack/failed-write.js';
import { recordViewClosed } from '../../platform/slack/form-flow.js';
import type { SlackMessage } from '../../platform/slack/message.js';

/** A write a failure DM's Retry can run again, by kind (the table is app/retry-writes.ts). */
export type RetryWrite = (deps: Deps, input: unknown) => Promise<RetryOutcome>;

type RetryArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Retry clicked in a failure DM: run the kept write again (its idempotency key inside, so never twice)
 * and turn the DM's first message into the outcome. The text stays in the DM whatever happens.
 */
export function retryWriteCallback(deps: Deps, writes: Readonly<Record<string, RetryWrite>>) {
  return async ({ ack, body, action, client }: RetryArgs): Promise<void> => {
    await ack();
    const retryId = action.value ?? '';
    const channel = body.channel?.id ?? body.user.id;
    const ts = body.message?.ts;
    const show = async (message: SlackMessage) => {
      if (!ts) return;
      await client.chat
        .update({ channel, ts, text: message.text, blocks: message.blocks })
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not update the failure DM'));
    };
    const pending = await deps.store.cache.get<PendingWrite>(pendingWriteKey(retryId)).catch(() => undefined);
    const run = pending?.kind ? writes[pending.kind] : undefined;
    if (!pending || !run || pending.userId !== body.user.id) {
      await show(
        buildFailedWriteMessages({
          what: 'This save',
          reason:
            'it can no longer be retried from here (older than a week). Your text is in this conversation to copy.',
          typed: '',
          retryId: null,
        })[0] as SlackMessage,
      );
      return;
    }
    let outcome: RetryOutcome;
    try {
      outcome = await run(deps, pending.input);
    } catch (err) {
      deps.logger.warn({ err, kind: pending.kind }, 'retry of a failed save failed');
      const reason = describeAgileError(err);
      await show(
        buildFailedWriteMessages({
          what: pending.what,
          reason,
          typed: '',
          retryId,
          unknown: isOutcomeUnknown(err),
        })[0] as SlackMessage,
      );
      return;
    }
    if (outcome.status === 'refused') {
      // Retrying again would be refused again: the button goes, the text stays in the DM.
      await show(
        buildFailedWriteMessages({
          what: pending.what,
          reason: outcome.reason,
          typed: '',
          retryId: null,
        })[0] as SlackMessage,
      );
      return;
    }
    if (outcome.status === 'in_progress') {
      await show(buildRetryInProgressMessage(pending.what, retryId));
      return;
    }
    // Kept until it expires: a second click (or a re-delivered one) replays the saved result, never writes.
    await show(buildRetriedMessage(pending.what, outcome.summary));
  };
}

type ClosedArgs = SlackViewMiddlewareArgs<ViewClosedAction> & AllMiddlewareArgs;

/** A form's "Saving…" view closed by the user: a failure after this goes to their DMs, with their text. */
export function savingViewClosedCallback(deps: Deps) {
  return async ({ ack, body }: ClosedArgs): Promise<void> => {
    await ack();
    await recordViewClosed(deps, body.view.id);
  };
}
