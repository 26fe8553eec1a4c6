import { getFullName } from '../../platform/agile/index.js';
import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { QUICK_PATH_TTL_SEC, runOnce } from '../../platform/store/run-once.js';
import { findContactByEmail } from '../contacts/find-contact.js';
import {
  buildNoteLoggedMessage,
  buildQuickNoteDuplicate,
  buildQuickNoteFailed,
  buildQuickNoteUnknownContact,
} from './message-views.js';
import { buildNoteModal } from './modal-view.js';
import { deriveSubject, quickNoteKey, validateNote, writeNote } from './use-case.js';

/** `/crm note` alone: the form needs no CRM data, so it opens complete, at once. */
export const openNoteModal: ModalOpener = async ({ command, client }) => {
  await client.views.open({
    trigger_id: command.trigger_id,
    view: buildNoteModal({ meta: { channel: command.channel_id, channelName: command.channel_name } }),
  });
};

/**
 * `/crm note <email> <text>`: finds the contact (email as typed, then lower-cased), writes once per
 * (user, email, text) within a minute of the first send, and answers ephemerally; every failure quotes the text back.
 */
export const noteCommandHandler: CommandHandler<'note'> = async (cmd, { command, respond }, deps) => {
  const { email, text } = cmd;
  const reply = async (message: SlackMessage | SlackMessage[]) => {
    // In order, one post each: a long note comes back in parts after the answer (≤ 5 posts per response_url).
    for (const m of Array.isArray(message) ? message : [message])
      await respond({ response_type: 'ephemeral', ...m });
  };
  const invalid = validateNote({ contactId: email, text }).note;
  if (invalid) {
    await reply(buildQuickNoteFailed({ email, text, reason: invalid }));
    return;
  }
  try {
    const contact = await findContactByEmail(deps.agile, email);
    if (!contact) {
      await reply(buildQuickNoteUnknownContact({ email, text }));
      return;
    }
    const contactName = getFullName(contact) ?? email;
    const key = quickNoteKey(command.user_id, email, text);
    const outcome = await runOnce(
      deps.store,
      key,
      async () => {
        const profile = await deps.slackUsers.profile(command.user_id);
        return writeNote(deps.agile, {
          contactId: contact.id,
          text,
          origin: { loggedByName: profile.name, channelName: command.channel_name },
        });
      },
      { ttlSec: QUICK_PATH_TTL_SEC },
    );
    if (outcome.status === 'in_progress' || outcome.replayed) {
      await reply(buildQuickNoteDuplicate({ contactName, inProgress: outcome.status === 'in_progress' }));
      return;
    }
    await reply(buildNoteLoggedMessage({ contactName, subject: deriveSubject(text) }));
  } catch (err) {
    deps.logger.warn({ err }, '/crm note failed');
    await reply(buildQuickNoteFailed({ email, text, reason: describeAgileError(err) }));
  }
};
