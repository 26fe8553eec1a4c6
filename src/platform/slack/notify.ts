import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackMessage } from './message.js';

/**
 * Tells one user something privately: ephemeral in the channel they acted from, else (no channel, or
 * the bot cannot post there) a direct message from the app. Never throws: a lost confirmation must not
 * turn a successful write into an error.
 */
export async function notifyUser(
  client: WebClient,
  logger: Logger,
  target: { user: string; channel?: string; threadTs?: string },
  message: SlackMessage,
): Promise<void> {
  if (target.channel) {
    try {
      await client.chat.postEphemeral({
        channel: target.channel,
        user: target.user,
        thread_ts: target.threadTs,
        ...message,
      });
      return;
    } catch (err) {
      logger.warn({ err, channel: target.channel }, 'ephemeral confirmation failed; sending a DM');
    }
  }
  try {
    await client.chat.postMessage({ channel: target.user, ...message });
  } catch (err) {
    logger.error({ err }, 'could not notify the user');
  }
}
