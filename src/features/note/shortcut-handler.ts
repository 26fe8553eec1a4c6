import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { prefillFromMessage, type SourceMessageInput } from './message-prefill.js';
import { openNoteForm } from './open-note-form.js';

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/**
 * "Log to CRM" on a message: open at once (the trigger_id lives 3 s), then fill the form with the
 * message as readable text, its author, channel and permalink, and a contact found by email.
 */
export function logToCrmCallback(deps: Deps) {
  return async ({ ack, shortcut, client }: ShortcutArgs): Promise<void> => {
    await ack();
    const message: SourceMessageInput = {
      channel: shortcut.channel.id,
      channelName: shortcut.channel.name,
      ts: shortcut.message.ts,
      text: shortcut.message.text ?? '',
      authorId: shortcut.message.user,
      botName: (shortcut.message as { username?: string }).username,
    };
    const baseMeta = { channel: message.channel, channelName: message.channelName, ts: message.ts };
    try {
      await openNoteForm(deps, client, shortcut.trigger_id, baseMeta, async () => {
        try {
          return await prefillFromMessage(deps, client, message);
        } catch (err) {
          deps.logger.warn({ err }, 'could not read the message; opening the form with its raw text');
          return { meta: baseMeta, note: message.text, subject: '' };
        }
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the Log note modal');
    }
  };
}
