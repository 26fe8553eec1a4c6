import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { QUICK_PATH_TTL_SEC, runOnce } from '../../platform/store/run-once.js';
import {
  buildTicketModal,
  buildTicketModalLoading,
  buildTicketReplyConfirmation,
  buildTicketReplyFailure,
  type TicketModalMeta,
} from './modal-view.js';
import { quickReplyKey, ticketServiceFor } from './use-case.js';

/**
 * `/crm reply <ticket id> <text>`: a PUBLIC reply at once (the command says so). Keyed on user,
 * ticket and text for a minute after the first send: a re-sent command must not email the customer
 * twice, and its trigger_id changes on every delivery so it cannot be the key.
 */
export const replyCommandHandler: CommandHandler<'reply'> = async (cmd, { command, respond }, deps) => {
  const { ticketId, text } = cmd;
  const tickets = ticketServiceFor(deps);
  const fail = (reason: string) =>
    respond({ response_type: 'ephemeral', ...buildTicketReplyFailure({ ticketId, reason, text }) });
  try {
    const ticket = await tickets.findTicket(ticketId);
    if (!ticket) {
      await fail(
        `there is no ticket #${ticketId} in the CRM. Check the number (\`/crm reply\` alone lists open tickets).`,
      );
      return;
    }
    const key = quickReplyKey(command.user_id, ticketId, text);
    const outcome = await runOnce(deps.store, key, () => tickets.reply(ticketId, text, 'public'), {
      ttlSec: QUICK_PATH_TTL_SEC,
    });
    if (outcome.status === 'in_progress') {
      await respond({
        response_type: 'ephemeral',
        ...buildNotice(
          'info',
          `That reply to ticket #${ticketId} is already being sent; nothing was sent twice.`,
        ),
      });
      return;
    }
    await respond({
      response_type: 'ephemeral',
      ...buildTicketReplyConfirmation({
        ticketId,
        subject: ticket.subject,
        visibility: 'public',
        text,
        replayed: outcome.replayed,
      }),
    });
  } catch (err) {
    deps.logger.warn({ err, ticketId }, '/crm reply failed');
    await fail(describeAgileError(err));
  }
};

/** `/crm ticket` or `/crm reply` alone: open at once (trigger_id lives 3 s), then fill from the CRM. */
export const openTicketModal: ModalOpener = async ({ command, client }, deps) => {
  const meta: TicketModalMeta = { channelId: command.channel_id };
  const opened = await client.views.open({
    trigger_id: command.trigger_id,
    view: buildTicketModalLoading(meta),
  });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error('views.open returned no view id');
  const [profile, loaded] = await Promise.all([
    deps.slackUsers.profile(command.user_id),
    // Loading the open tickets here also warms the picker's cache for its first options load.
    ticketServiceFor(deps)
      .openTickets()
      .then(
        (list) => ({ ok: true as const, count: list.length }),
        (err: unknown) => ({ ok: false as const, err }),
      ),
  ]);
  if (!loaded.ok) deps.logger.warn({ err: loaded.err }, 'loading open tickets for the reply modal failed');
  const view = buildTicketModal({
    meta,
    timeZone: profile.timeZone,
    ...(loaded.ok
      ? loaded.count === 0
        ? { notice: 'There are no open tickets right now.' }
        : {}
      : {
          error: `Could not load the open tickets: ${describeAgileError(loaded.err)}. The picker tries again as you type.`,
        }),
  });
  await client.views.update({ view_id: viewId, hash: opened.view?.hash, view });
};
