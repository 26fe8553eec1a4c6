import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { readState } from '../../platform/slack/view-state.js';
import { buildTicketModal } from './modal-views.js';
import { decodeTicketMetadata, visibilitySchema } from './schema.js';
import { loadTicketThread } from './use-case.js';

type PickerArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * A ticket was chosen in the reply modal: show its latest messages, keeping what was typed, and
 * record in private_metadata what thread the user saw (the collision check at submission).
 */
export function ticketPickedCallback(deps: Deps) {
  return async ({ ack, body, action, client }: PickerArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view || action.type !== 'external_select') return;
    const ticketId = action.selected_option?.value;
    const { channelId } = decodeTicketMetadata(view.private_metadata);
    const state = readState(view.state.values);
    const typed = {
      reply: state.text(BLOCK.reply, ACTION.replyText),
      visibility: visibilitySchema.safeParse(state.selected(BLOCK.visibility, ACTION.visibility)?.value).data,
    };
    const { timeZone } = await deps.slackUsers.profile(body.user.id);
    let next: ModalView;
    if (!ticketId) {
      next = buildTicketModal({ meta: { channelId }, timeZone, ...typed });
    } else {
      try {
        const { ticket, messages, mark } = await loadTicketThread(deps, {
          ticketId,
          pickedLabel: action.selected_option?.text.text,
        });
        next = buildTicketModal({
          meta: { channelId, ticketId, subject: ticket.subject, mark },
          timeZone,
          ticket,
          messages,
          ...typed,
        });
      } catch (err) {
        deps.logger.warn({ err, ticketId }, 'loading the ticket thread failed');
        next = buildTicketModal({
          meta: { channelId },
          timeZone,
          error: `Could not load ticket #${ticketId}: ${describeAgileError(err)}. Pick it again to retry.`,
          ...typed,
        });
      }
    }
    try {
      await client.views.update({ view_id: view.id, hash: view.hash, view: next });
    } catch (err) {
      // hash_conflict: the user picked another ticket meanwhile; that pick's update wins.
      deps.logger.warn({ err }, 'updating the reply modal failed');
    }
  };
}
