import type { Deps } from '../../app/deps.js';
import { type SubmitArgs, submitWithBudget } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { readState } from '../../platform/slack/view-state.js';
import { decodeMilestoneValue } from '../deal/modal-view.js';
import { confirmDealChanged } from '../pipeline/deal-changed.js';
import {
  alreadyAtMilestoneMessage,
  dealDirectoryFor,
  MoveError,
  type MoveResult,
  moveDeal,
} from '../pipeline/deals.js';
import { moveFormFromMetadata, readMoveMetadata } from './command-handler.js';
import {
  buildMoveConfirmation,
  buildMoveDoneView,
  buildMoveModal,
  buildMoveSavingView,
} from './modal-view.js';

/** Move submitted: the milestone must be one of the picked deal's track (exact name); lost needs a reason. */
export function moveSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { body, ack, client } = args;
    const view = body.view;
    const meta = readMoveMetadata(view.private_metadata);
    const s = readState(view.state.values);
    const dealId = s.selected(BLOCK.deal, ACTION.dealPicker)?.value;
    const rawMilestone = s.selected(BLOCK.milestone, ACTION.milestoneSelect)?.value;
    const reason = s.text(BLOCK.reason, ACTION.reason)?.trim();
    const note = s.text(BLOCK.note, ACTION.noteInput)?.trim();
    // Slack sends the view's blocks; a payload without them is judged on the metadata alone.
    const hasMilestoneInput =
      view.blocks.length === 0
        ? (meta.ms?.length ?? 1) > 0
        : view.blocks.some((b) => b.block_id === BLOCK.milestone);

    if (!dealId) {
      await ack({ response_action: 'errors', errors: { [BLOCK.deal]: 'Pick a deal' } });
      return;
    }
    // The deal changed but its milestones have not arrived yet (or could not be read).
    if (dealId !== meta.d || !hasMilestoneInput) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.deal]: 'Wait a moment for this deal’s milestones to load, then pick one' },
      });
      return;
    }
    const milestone = meta.ms ? decodeMilestoneValue(rawMilestone, meta.ms) : rawMilestone;
    if (!milestone || (meta.ms && !meta.ms.includes(milestone))) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.milestone]: 'Pick one of this deal’s milestones' },
      });
      return;
    }
    // Nothing would move: say so under the milestone and keep the modal (and what was typed) open.
    if (meta.cur !== undefined && milestone === meta.cur) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.milestone]: alreadyAtMilestoneMessage(milestone) },
      });
      return;
    }
    if (meta.lost?.includes(milestone) && !reason) {
      await ack({
        response_action: 'errors',
        errors: {
          [BLOCK.reason]: `Say why the deal is ${milestone.toLowerCase()}: it is saved on the deal as a note`,
        },
      });
      return;
    }

    const dir = dealDirectoryFor(deps.agile, deps.now);
    const form = moveFormFromMetadata(meta);
    await submitWithBudget<MoveResult>(args, deps, {
      work: async () => {
        const [tracks, profile] = await Promise.all([dir.tracks(), deps.slackUsers.profile(body.user.id)]);
        const result = await moveDeal(deps.agile, tracks, {
          dealId,
          milestone,
          reason,
          note,
          actorName: profile.name,
        });
        // The deal reached that milestone after the modal was opened: nothing was written.
        if (result.unchanged) {
          throw new MoveError('already_at_milestone', alreadyAtMilestoneMessage(result.after));
        }
        return result;
      },
      errorMessage: (err) => (err instanceof MoveError ? err.message : undefined),
      errorBlock: (err) => {
        if (err instanceof MoveError) {
          if (err.kind === 'reason_required') return BLOCK.reason;
          if (err.kind === 'unknown_milestone' || err.kind === 'already_at_milestone') return BLOCK.milestone;
          return BLOCK.deal;
        }
        return BLOCK.milestone;
      },
      savingView: () => buildMoveSavingView(),
      doneView: (result) => buildMoveDoneView(result),
      failedView: (message) =>
        buildMoveModal({
          ...form,
          values: { milestone, reason, note },
          metadata: view.private_metadata,
          error: message,
        }),
      onSuccess: async (result, { replayed }) => {
        if (replayed) return;
        await confirmDealChanged(
          deps,
          client,
          { user: body.user.id, channel: meta.c },
          { id: result.dealId, name: result.name, milestone: result.after, value: result.value },
          buildMoveConfirmation(result),
        );
      },
    });
  };
}
