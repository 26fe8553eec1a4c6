import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { readState } from '../../platform/slack/view-state.js';
import { buildTicketModal, decodeTicketMeta } from './modal-view.js';
import { threadMark, ticketServiceFor, type Visibility } from './use-case.js';

type PickerArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export function readVisibility(value: string | undefined): Visibility | undefined {
  return value === 'public' || value === 'private' ? value : undefined;
}

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
    const meta = decodeTicketMeta(view.private_metadata);
    const state = readState(view.state.values);
    const typed = {
      reply: state.text(BLOCK.reply, ACTION.replyText),
      visibility: readVisibility(state.selected(BLOCK.visibility, ACTION.visibility)?.value),
    };
    const profile = await deps.slackUsers.profile(body.user.id);
    const tickets = ticketServiceFor(deps);
    let next: ReturnType<typeof buildTicketModal>;
    if (!ticketId) {
      next = buildTicketModal({ meta: { channelId: meta.channelId }, timeZone: profile.timeZone, ...typed });
    } else {
      try {
        const [ticket, messages] = await Promise.all([
          tickets.findTicket(ticketId),
          tickets.thread(ticketId),
        ]);
        const summary = ticket ?? {
          id: ticketId,
          subject: action.selected_option?.text.text ?? '',
          status: '',
          requesterName: '',
          requesterEmail: '',
          createdMs: 0,
          lastUpdatedMs: 0,
        };
        next = buildTicketModal({
          meta: { channelId: meta.channelId, ticketId, subject: summary.subject, mark: threadMark(messages) },
          timeZone: profile.timeZone,
          ticket: summary,
          messages,
          ...typed,
        });
      } catch (err) {
        deps.logger.warn({ err, ticketId }, 'loading the ticket thread failed');
        next = buildTicketModal({
          meta: { channelId: meta.channelId },
          timeZone: profile.timeZone,
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
