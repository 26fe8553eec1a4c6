import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { openForm } from '../../platform/slack/form-flow.js';
import { type NotePrefill, prefillFromMessage, type SourceMessageInput } from './message-prefill.js';
import { buildNoteLoadingModal, buildNoteModal, buildNoteUnavailableModal } from './modal-views.js';

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
      await openForm({
        client,
        logger: deps.logger,
        triggerId: shortcut.trigger_id,
        loading: buildNoteLoadingModal(baseMeta),
        fill: async () => {
          let prefill: NotePrefill;
          try {
            prefill = await prefillFromMessage(deps, client, message);
          } catch (err) {
            deps.logger.warn({ err }, 'could not read the message; opening the form with its raw text');
            prefill = { meta: baseMeta, note: message.text, subject: '' };
          }
          return buildNoteModal(prefill);
        },
        unavailable: buildNoteUnavailableModal,
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the Log note modal');
    }
  };
}
