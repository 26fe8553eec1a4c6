import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { heldPayloadOf, heldTargetOf } from './held.js';
import { show } from './held-sender.js';
import { buildCancelRefusedMessage, buildHeldCancelledMessages } from './held-views.js';

type CancelArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Cancel on a held public reply: only its author, only while it is held (a cancel and the sender's claim
 * race on one conditional update: exactly one wins). Cancelled, the DM gives the whole text back.
 */
export function heldReplyCancelCallback(deps: Deps) {
  return async ({ ack, body, action, respond }: CancelArgs): Promise<void> => {
    await ack();
    const id = action.value ?? '';
    const refuse = (reason: Parameters<typeof buildCancelRefusedMessage>[0]) =>
      respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildCancelRefusedMessage(reason),
      }).catch((err: unknown) => deps.logger.warn({ err }, 'could not answer a held reply Cancel'));
    const send = await deps.store.pendingSends.get(id);
    if (!send) return void (await refuse('gone'));
    if (send.userId !== body.user.id) {
      deps.logger.info({ pendingSendId: id }, 'held reply Cancel refused: not its author');
      return void (await refuse('not_author'));
    }
    const cancelled = await deps.store.pendingSends.cancel(id, body.user.id);
    if (!cancelled) {
      const now = await deps.store.pendingSends.get(id);
      const status = now?.status;
      return void (await refuse(
        status === 'cancelled'
          ? 'cancelled'
          : status === 'sending'
            ? 'sending'
            : status === 'sent'
              ? 'sent'
              : 'gone',
      ));
    }
    deps.logger.info({ pendingSendId: id, ticketId: send.ticketId }, 'held reply cancelled by its author');
    const messages = buildHeldCancelledMessages(send.ticketId, heldPayloadOf(send));
    // Clicked on the "Sending in" answer where it was asked: that one says so too (the DM has the text).
    const target = heldTargetOf(cancelled);
    const inDm = target && body.channel?.id === target.channel && body.message?.ts === target.ts;
    await show(deps, cancelled, messages, { answer: !!inDm });
    const first = messages[0];
    if (!inDm && first) {
      await respond({ replace_original: true, text: first.text, blocks: first.blocks.slice(0, 1) }).catch(
        (err: unknown) => deps.logger.warn({ err }, 'could not update the held reply answer'),
      );
    }
  };
}
