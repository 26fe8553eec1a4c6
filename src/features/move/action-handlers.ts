import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { buildNotice } from '../../platform/slack/message.js';
import { readState } from '../../platform/slack/view-state.js';
import {
  describeMoveFailure,
  encodeMoveMetadata,
  moveOnce,
  openMoveModal,
  readMoveMetadata,
  showDealInMoveModal,
} from './command-handler.js';
import { buildMoveConfirmation, buildMoveModal, decodeDisambiguation } from './modal-view.js';

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

function channelOf(body: BlockAction): string | undefined {
  return body.channel?.id ?? body.container?.channel_id;
}

/** The Move button (deal card, confirmations): opens the Move modal prefilled with that deal. */
export function dealMoveCallback(deps: Deps) {
  return async ({ ack, body, action, client }: ActionArgs): Promise<void> => {
    await ack();
    const dealId = (action as ButtonAction).value;
    try {
      await openMoveModal(
        { client, triggerId: body.trigger_id, userId: body.user.id, channel: channelOf(body), dealId },
        deps,
      );
    } catch (err) {
      deps.logger.error({ err }, 'could not open the Move modal');
    }
  };
}

/**
 * A deal picked in the Move modal: show "loading" at once, then exactly the milestones of that
 * deal's track. What was typed in Reason and Note is kept.
 */
export function dealPickedCallback(deps: Deps) {
  return async ({ ack, body, action, client }: ActionArgs): Promise<void> => {
    await ack();
    const view = body.view;
    const dealId = (action as { selected_option?: { value: string } }).selected_option?.value;
    if (!view || !dealId) return;
    const meta = readMoveMetadata(view.private_metadata);
    const s = readState(view.state.values);
    const values = {
      reason: s.text(BLOCK.reason, ACTION.reason),
      note: s.text(BLOCK.note, ACTION.noteInput),
    };
    try {
      const loading = await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: buildMoveModal({ metadata: encodeMoveMetadata({ c: meta.c }), loading: true, values }),
      });
      await showDealInMoveModal(client, deps, {
        viewId: view.id,
        hash: loading.view?.hash,
        channel: meta.c,
        dealId,
        values,
      });
    } catch (err) {
      // hash_conflict: a newer pick is already updating the view; it wins.
      deps.logger.warn({ err }, 'could not update the Move modal after a deal pick');
    }
  };
}

/** "Move this one" after an ambiguous name: moves that deal, once per question, and replaces the question. */
export function dealDisambiguateCallback(deps: Deps) {
  return async ({ ack, body, action, respond }: ActionArgs): Promise<void> => {
    await ack();
    const choice = decodeDisambiguation((action as ButtonAction).value);
    if (!choice) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildNotice('error', 'That button is out of date: run the command again.'),
      });
      return;
    }
    const questionTs = body.container?.message_ts ?? body.message?.ts ?? (action as ButtonAction).action_ts;
    try {
      const result = await moveOnce(deps, `move-pick:${questionTs}:${body.user.id}`, body.user.id, {
        dealId: choice.d,
        milestone: choice.m,
        reason: choice.r,
      });
      if (result)
        await respond({
          replace_original: true,
          response_type: 'ephemeral',
          ...buildMoveConfirmation(result),
        });
    } catch (err) {
      deps.logger.warn({ err }, 'move after disambiguation failed');
      // A new message: the question stays, so another deal can still be picked without retyping.
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...describeMoveFailure(err, choice.m),
      });
    }
  };
}
