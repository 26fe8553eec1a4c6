import { isOutcomeUnknown } from '../../platform/agile/index.js';
import { actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { confirmWithUndo } from '../undo/offer.js';
import { noteUndo } from '../undo/specs.js';
import {
  buildNoteLoggedMessage,
  buildQuickNoteDuplicateMessage,
  buildQuickNoteFailedMessage,
  buildQuickNoteUnknownContactMessage,
} from './message-views.js';
import { openNoteForm } from './open-note-form.js';
import { logQuickNote } from './use-case.js';

/** `/crm note` alone: the one form flow (open at once, then fill), though this form needs no CRM data. */
export const openNoteModal: ModalOpener = async ({ command, client }, deps) => {
  const meta = { channel: command.channel_id, channelName: command.channel_name };
  await openNoteForm(deps, client, command.trigger_id, meta, async () => ({ meta }));
};

/** `/crm note <email> <text>`: answers ephemerally; every failure quotes the text back. */
export const noteCommandHandler: CommandHandler<'note'> = async (cmd, { command, respond }, deps) => {
  const { email, text } = cmd;
  const reply = async (message: SlackMessage | SlackMessage[]) => {
    // In order, one post each: a long note comes back in parts after the answer (≤ 5 posts per response_url).
    for (const m of Array.isArray(message) ? message : [message])
      await respond({ response_type: 'ephemeral', ...m });
  };
  const actor = actorOfCommand(command);
  try {
    const outcome = await logQuickNote(deps, {
      ...actor,
      channelName: command.channel_name,
      email,
      text,
    });
    switch (outcome.kind) {
      case 'invalid':
        return reply(buildQuickNoteFailedMessage({ email, text, reason: outcome.reason }));
      case 'unknown_contact':
        return reply(buildQuickNoteUnknownContactMessage({ email, text }));
      case 'duplicate':
        return reply(buildQuickNoteDuplicateMessage(outcome));
      case 'logged':
        return reply(await confirmWithUndo(deps, actor, buildNoteLoggedMessage(outcome), noteUndo(outcome)));
    }
  } catch (err) {
    deps.logger.warn({ err }, '/crm note failed');
    await reply(
      buildQuickNoteFailedMessage({
        email,
        text,
        reason: describeAgileError(err),
        unknown: isOutcomeUnknown(err),
      }),
    );
  }
};
