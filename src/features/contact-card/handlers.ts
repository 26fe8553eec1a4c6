import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { crmChannelCheck } from '../access/external-channel.js';
import { EXTERNAL_CHANNEL_SHARE_WORDS } from '../access/views.js';
import { shareContactCard } from './use-case.js';
import { buildSharedCardMessage, SHARE_REFUSAL_WORDS } from './views.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Share in channel (contact card button, value = contact id): posts the current card visibly with who
 * shared it, and confirms to the sharer. Once per card message.
 */
export function cardShareCallback(deps: Deps) {
  return async ({ ack, body, action, client, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const contactId = action.value ?? '';
    const channel = body.channel?.id ?? body.container?.channel_id;
    const tell = (kind: 'error' | 'success' | 'info', text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...buildNotice(kind, text) }).catch(
        (err) => deps.logger.warn({ err }, 'could not answer a Share in channel click'),
      );
    if (!channel || !contactId) {
      await tell('error', 'Sorry, I could not tell which channel or contact to share.');
      return;
    }
    // Not into a channel shared with another organisation unless the workspace allows it (checked
    // before any CRM read; a channel Slack will not describe is not shared into either).
    const check = await crmChannelCheck(deps.settings, deps.slackClient, channel);
    if (check.kind !== 'allowed') {
      if (check.kind === 'unknown')
        deps.logger.warn({ err: check.error, channel }, 'conversations.info failed before sharing a card');
      await tell(
        'error',
        `Could not share the card: ${check.kind === 'external' ? EXTERNAL_CHANNEL_SHARE_WORDS : 'Slack did not tell me whether this channel is shared with another organisation'}.`,
      );
      return;
    }
    const input = {
      ...actorOfBody(body),
      channel,
      messageTs: body.container?.message_ts ?? body.message?.ts ?? action.action_ts,
      contactId,
    };
    try {
      const outcome = await shareContactCard(deps, input, async (card) => {
        await client.chat.postMessage({ channel, ...buildSharedCardMessage(card, body.user.id) });
      });
      if (outcome.kind === 'refused') {
        deps.logger.warn({ reason: outcome.reason }, 'could not share a contact card');
        await tell('error', `Could not share the card: ${SHARE_REFUSAL_WORDS[outcome.reason]}.`);
      } else if (outcome.kind === 'shared' && !outcome.replayed) {
        await tell('success', 'Shared the card in this channel.');
      } else {
        deps.logger.info({ contactId }, 'Share in channel: a repeated click; the first one answers');
      }
    } catch (err) {
      deps.logger.warn({ err }, 'Share in channel failed');
      await tell('error', `Could not share the card: ${describeAgileError(err)}.`);
    }
  };
}
