import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { runOnce } from '../../platform/store/run-once.js';
import { loadContactCard } from '../lookup/use-case.js';
import { buildSharedCard } from '../lookup/views.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

type ShareOutcome = { ok: true; channel: string; ts: string } | { ok: false; reason: string };

/** Slack errors a user can act on when the bot may not post in a channel. */
const CHANNEL_ERRORS: Record<string, string> = {
  not_in_channel: 'I am not in this channel — invite me (`/invite @CRM`) and share again',
  channel_not_found: 'I cannot see this channel — invite me (`/invite @CRM`) and share again',
  is_archived: 'this channel is archived',
  restricted_action: 'posting here is restricted for apps',
};

function slackError(err: unknown): string | undefined {
  const code = (err as { data?: { error?: unknown } })?.data?.error;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Share in channel (contact card button, value = contact id): re-reads the contact so the shared card is
 * current, posts it visibly with who shared it, and confirms to the sharer. Once per click.
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
    try {
      const outcome = await runOnce<ShareOutcome>(
        deps.store,
        `card_share:${action.action_ts}:${body.user.id}`,
        async () => {
          const card = await loadContactCard(deps.agile, contactId, deps.now);
          if (!card) return { ok: false, reason: 'that contact no longer exists in the CRM' };
          try {
            const posted = await client.chat.postMessage({ channel, ...buildSharedCard(card, body.user.id) });
            return { ok: true, channel, ts: posted.ts ?? '' };
          } catch (err) {
            const code = slackError(err);
            deps.logger.warn({ err, code }, 'could not post a shared contact card');
            if (code && CHANNEL_ERRORS[code]) return { ok: false, reason: CHANNEL_ERRORS[code] };
            throw err;
          }
        },
      );
      if (outcome.status === 'in_progress') return; // the first click answers
      const result = outcome.result;
      if (!result.ok) await tell('error', `Could not share the card: ${result.reason}.`);
      else if (!outcome.replayed) await tell('success', 'Shared the card in this channel.');
    } catch (err) {
      deps.logger.warn({ err }, 'Share in channel failed');
      await tell('error', `Could not share the card: ${describeAgileError(err)}.`);
    }
  };
}
