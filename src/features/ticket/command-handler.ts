import { isOutcomeUnknown } from '../../platform/agile/index.js';
import { actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { openForm } from '../../platform/slack/form-flow.js';
import { buildPublicReplyRefusal } from '../access/views.js';
import { buildHeldAckMessage } from './held-views.js';
import {
  buildTicketReplyFailedMessages,
  buildTicketReplyInProgressMessage,
  buildTicketReplySentMessage,
  noTicketWords,
} from './message-views.js';
import { buildTicketLoadingModal, buildTicketModal, buildTicketUnavailableModal } from './modal-views.js';
import type { TicketModalMetadata } from './schema.js';
import { loadTicketForm, quickReply } from './use-case.js';

/** `/crm reply <ticket id> <text>`: a public reply (held first, see held.ts), confirmed (or refused, text quoted back) ephemerally. */
export const replyCommandHandler: CommandHandler<'reply'> = async (cmd, { command, respond }, deps) => {
  const { ticketId, text } = cmd;
  const fail = async (reason: string, unknown = false) => {
    for (const message of buildTicketReplyFailedMessages({ ticketId, reason, text, unknown }))
      await respond({ response_type: 'ephemeral', ...message });
  };
  try {
    const outcome = await quickReply(deps, actorOfCommand(command), {
      ...cmd,
      responseUrl: command.response_url,
    });
    if (outcome.kind === 'needs_connection') {
      for (const message of buildPublicReplyRefusal({ ticketId, text }))
        await respond({ response_type: 'ephemeral', ...message });
    } else if (outcome.kind === 'no_ticket') {
      await fail(noTicketWords(ticketId));
    } else if (outcome.kind === 'queued') {
      const { pendingSendId: id, payload, holdSec, replayed } = outcome;
      await respond({
        response_type: 'ephemeral',
        ...buildHeldAckMessage({ id, ticketId, payload, holdSec, replayed }),
      });
    } else if (outcome.kind === 'in_progress') {
      await respond({ response_type: 'ephemeral', ...buildTicketReplyInProgressMessage(ticketId) });
    } else {
      const { subject, replayed } = outcome;
      await respond({
        response_type: 'ephemeral',
        ...buildTicketReplySentMessage({ ticketId, subject, visibility: 'public', text, replayed }),
      });
    }
  } catch (err) {
    deps.logger.warn({ err, ticketId }, '/crm reply failed');
    await fail(describeAgileError(err), isOutcomeUnknown(err));
  }
};

/** `/crm ticket` or `/crm reply` alone: open at once (trigger_id lives 3 s), then fill from the CRM. */
export const openTicketModal: ModalOpener = async ({ command, client }, deps) => {
  const meta: TicketModalMetadata = { channelId: command.channel_id };
  await openForm({
    client,
    logger: deps.logger,
    triggerId: command.trigger_id,
    loading: buildTicketLoadingModal(meta),
    fill: async () => {
      const form = await loadTicketForm(deps, { userId: command.user_id });
      return buildTicketModal({
        meta,
        timeZone: form.timeZone,
        ...('failure' in form
          ? {
              error: `Could not load the open tickets: ${describeAgileError(form.failure)}. The picker tries again as you type.`,
            }
          : form.openCount === 0
            ? { notice: 'There are no open tickets right now.' }
            : {}),
      });
    },
    unavailable: (message) => buildTicketUnavailableModal(meta, message),
  });
};
