import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
} from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { isOutcomeUnknown } from '../../platform/agile/index.js';
import { type Actor, actorOfBody } from '../../platform/slack/actor.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import type { RetryOutcome } from '../../platform/slack/failed-write.js';
import { openForm, parseForm, type SubmitArgs, submitForm } from '../../platform/slack/form-flow.js';
import { BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { buildNotice } from '../../platform/slack/message.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { OPTIONS_BUDGET_MS } from '../contacts/handlers.js';
import { confirmWithUndo } from '../undo/offer.js';
import { moveUndo } from '../undo/specs.js';
import { MoveError } from './move-deal.js';
import {
  decodeDisambiguation,
  decodeMoveMetadata,
  encodeMoveMetadata,
  type MoveFormValues,
  moveFormSchema,
  moveMetadataFor,
  moveModalFromMetadata,
  readMoveForm,
} from './schema.js';
import {
  loadMoveTarget,
  moveChosenDeal,
  moveFromModal,
  searchDealOptions,
  warmDealPicker,
} from './use-case.js';
import {
  buildDealMovedMessage,
  buildDealOptions,
  buildMoveDoneModal,
  buildMoveFailedMessage,
  buildMoveLoadingModal,
  buildMoveModal,
  buildMoveSavingModal,
  type MoveFailure,
} from './views.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type Values = Omit<MoveFormValues, 'deal'>;

const channelOf = (body: BlockAction) => body.channel?.id ?? body.container?.channel_id;

/** A refusal of ours keeps its words; anything else is the CRM's. */
export function moveFailureOf(err: unknown): MoveFailure {
  if (err instanceof MoveError)
    return { kind: err.kind, message: err.message, validMilestones: err.validMilestones };
  return { kind: 'crm', words: describeAgileError(err), unknown: isOutcomeUnknown(err) };
}

/** The Move form with a deal and its track's milestones; when the deal cannot be read, the form says why. */
async function moveFormWithDeal(
  deps: Deps,
  req: { channel?: string; home?: boolean; dealId: string; values?: Values },
): Promise<View> {
  try {
    const target = await loadMoveTarget(deps, req.dealId);
    const metadata = encodeMoveMetadata({ ...moveMetadataFor(req.channel, target), home: req.home });
    const track = {
      name: target.track.name,
      milestones: target.track.milestoneList,
      defaulted: target.defaulted,
    };
    return buildMoveModal({ deal: target.deal, track, values: req.values, metadata });
  } catch (err) {
    deps.logger.warn({ err }, 'could not load the deal into the Move modal');
    const message =
      err instanceof MoveError ? err.message : `Could not load the deal: ${describeAgileError(err)}.`;
    return buildMoveModal({
      metadata: encodeMoveMetadata({ channel: req.channel, home: req.home }),
      values: req.values,
      error: message,
    });
  }
}

/** Opens the Move modal AT ONCE; with a deal id, fills that deal's milestones right after. */
export async function openMoveForm(
  deps: Deps,
  req: { client: WebClient; triggerId: string; channel?: string; home?: boolean; dealId?: string },
): Promise<void> {
  warmDealPicker(deps);
  const metadata = encodeMoveMetadata({ channel: req.channel, home: req.home });
  const { dealId } = req;
  if (!dealId) {
    // Nothing to fill until a deal is picked: the form itself opens.
    await req.client.views.open({ trigger_id: req.triggerId, view: buildMoveModal({ metadata }) });
    return;
  }
  const failed = (message: string) => buildMoveModal({ metadata, error: message });
  await openForm({
    client: req.client,
    logger: deps.logger,
    triggerId: req.triggerId,
    loading: buildMoveLoadingModal({ metadata }),
    fill: () => moveFormWithDeal(deps, { channel: req.channel, home: req.home, dealId }),
    unavailable: failed,
  });
}

/** The Move button (deal card, confirmations): opens the Move modal prefilled with that deal. */
export function dealMoveCallback(deps: Deps) {
  return async ({ ack, body, action, client }: ActionArgs): Promise<void> => {
    await ack();
    try {
      await openMoveForm(deps, {
        client,
        triggerId: body.trigger_id,
        channel: channelOf(body),
        ...(body.view?.type === 'home' ? { home: true } : {}),
        dealId: (action as ButtonAction).value,
      });
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
    // The deal picker also sits in other modals (Log thread): only the Move modal reloads on a pick.
    if (!view || !dealId || view.callback_id !== CALLBACK.moveModal) return;
    const { channel, home } = decodeMoveMetadata(view.private_metadata);
    const { reason, note } = readMoveForm(view.state.values, undefined);
    const values = { reason, note };
    try {
      const loading = await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: buildMoveLoadingModal({ metadata: encodeMoveMetadata({ channel, home }), values }),
      });
      await client.views.update({
        view_id: view.id,
        hash: loading.view?.hash,
        view: await moveFormWithDeal(deps, { channel, home, dealId, values }),
      });
    } catch (err) {
      // hash_conflict: a newer pick is already updating the view; it wins.
      deps.logger.warn({ err }, 'could not update the Move modal after a deal pick');
    }
  };
}

/**
 * Deal picker options load (block_suggestion): deals by name, the user's recent and own first.
 * Within Slack's 3 s whatever the CRM does: answered from the cached list when it is slow.
 */
export function dealOptionsCallback(deps: Deps) {
  return async ({
    ack,
    body,
    options,
  }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs): Promise<void> => {
    const query = options.value ?? '';
    const { deals, complete } = await searchDealOptions(deps, body.user.id, query, OPTIONS_BUDGET_MS);
    if (!complete)
      deps.logger.warn({ queryLength: query.length }, 'deal options answered from cache (CRM slow)');
    await ack(buildDealOptions(deals));
  };
}

/** Move submitted: the milestone must be one of the picked deal's track (exact name); lost needs a reason. */
export function moveSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { body, ack, client } = args;
    const view = body.view;
    const meta = decodeMoveMetadata(view.private_metadata);
    // Slack sends the view's blocks; a payload without them is judged on the metadata alone.
    const hasMilestoneInput =
      view.blocks.length === 0
        ? (meta.milestones?.length ?? 1) > 0
        : view.blocks.some((b) => b.block_id === BLOCK.milestone);
    const parsed = parseForm(
      moveFormSchema(meta, hasMilestoneInput),
      readMoveForm(view.state.values, meta.milestones),
    );
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    const { milestone, reason, note } = parsed.data;
    const input: MoveRetryInput = { actor: actorOfBody(body), req: { viewId: view.id, ...parsed.data } };
    await submitForm(args, deps, {
      write: () => moveFromModal(deps, input.actor, input.req),
      errorMessage: (err) => (err instanceof MoveError ? err.message : undefined),
      retry: {
        kind: MOVE_FORM_RETRY,
        input,
        what: `Your move to ${milestone ?? 'a new milestone'}`,
        typed: [reason && `Reason: ${reason}`, note].filter(Boolean).join('\n\n'),
      },
      errorBlock: (err) => {
        if (!(err instanceof MoveError)) return BLOCK.milestone;
        if (err.kind === 'reason_required') return BLOCK.reason;
        if (err.kind === 'unknown_milestone' || err.kind === 'already_at_milestone') return BLOCK.milestone;
        return BLOCK.deal;
      },
      savingView: buildMoveSavingModal,
      doneView: buildMoveDoneModal,
      failedView: (message) =>
        buildMoveModal({
          ...moveModalFromMetadata(meta),
          values: { milestone, reason, note },
          metadata: view.private_metadata,
          error: message,
        }),
      onSuccess: async (result, { replayed }) => {
        // A replayed submission was confirmed by its first delivery.
        if (replayed) return;
        await notifyUser(
          client,
          deps.logger,
          { user: body.user.id, channel: meta.channel },
          await confirmWithUndo(deps, actorOfBody(body), buildDealMovedMessage(result), moveUndo(result)),
        );
        // Moved from App Home: the Home tab shows the deal at its new milestone.
        if (meta.home) {
          await deps.home
            .publish(deps, client, actorOfBody(body), { fresh: true })
            .catch((err: unknown) => deps.logger.warn({ err }, 'could not refresh App Home after a move'));
        }
      },
    });
  };
}

export const MOVE_FORM_RETRY = 'move.form';

interface MoveRetryInput {
  actor: Actor;
  req: Parameters<typeof moveFromModal>[2];
}

/**
 * Retry from the failure DM: the same view id, so the same key (move.modal). After an unknown outcome
 * the move checks the deal's milestone (and its note) first: never moved or noted twice.
 */
export async function retryMoveForm(deps: Deps, stored: unknown): Promise<RetryOutcome> {
  const { actor, req } = stored as MoveRetryInput;
  const outcome = await moveFromModal(deps, actor, req);
  if (outcome.status === 'in_progress') return outcome;
  const r = outcome.result;
  return { status: 'done', summary: `${r.name} moved to ${r.after}` };
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
    const messageTs = body.container?.message_ts ?? body.message?.ts ?? (action as ButtonAction).action_ts;
    try {
      const actor = actorOfBody(body);
      const outcome = await moveChosenDeal(deps, actor, {
        channel: channelOf(body),
        messageTs,
        ...choice,
      });
      // in_progress: the first click is moving it and will answer.
      if (outcome.kind === 'moved')
        await respond({
          replace_original: true,
          response_type: 'ephemeral',
          ...(outcome.replayed
            ? buildDealMovedMessage(outcome.result)
            : await confirmWithUndo(
                deps,
                actor,
                buildDealMovedMessage(outcome.result),
                moveUndo(outcome.result),
              )),
        });
    } catch (err) {
      deps.logger.warn({ err }, 'move after disambiguation failed');
      // A new message: the question stays, so another deal can still be picked without retyping.
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...buildMoveFailedMessage(moveFailureOf(err), choice.milestone),
      });
    }
  };
}
