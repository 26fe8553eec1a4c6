import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { type Actor, actorOfBody } from '../../platform/slack/actor.js';
import type { RetryOutcome } from '../../platform/slack/failed-write.js';
import { openForm, parseForm, type SubmitArgs, submitForm } from '../../platform/slack/form-flow.js';
import { BLOCK } from '../../platform/slack/ids.js';
import type { OwnerChoice } from '../../platform/slack/modal-parts.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { confirmWithUndo } from '../undo/offer.js';
import { dealCreateUndo } from '../undo/specs.js';
import {
  dealErrorBlock,
  dealFormSchema,
  decodeDealMetadata,
  encodeDealMetadata,
  readDealForm,
} from './schema.js';
import { createDeal, dealTracks, loadDealForm, ownerChoices } from './use-case.js';
import {
  buildDealCreatedMessage,
  buildDealDoneModal,
  buildDealLoadingModal,
  buildDealModal,
  buildDealSavingModal,
  buildDealUnavailableModal,
} from './views.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Opens the Create deal modal AT ONCE (loading), then fills tracks, owners and defaults. */
export async function openDealForm(
  deps: Deps,
  req: { client: WebClient; triggerId: string; userId: string; channel?: string; contactId?: string },
): Promise<void> {
  await openForm({
    client: req.client,
    logger: deps.logger,
    triggerId: req.triggerId,
    loading: buildDealLoadingModal(),
    fill: async () => {
      const form = await loadDealForm(deps, req);
      const metadata = encodeDealMetadata({
        channel: req.channel,
        timeZone: form.timeZone,
        tracks: form.tracks,
      });
      if (form.tracks.length === 0) {
        return buildDealUnavailableModal(
          'The CRM has no deal tracks yet: create one in Agile CRM first.',
          metadata,
        );
      }
      return buildDealModal({ tracks: form.tracks, owners: form.owners, values: form.defaults, metadata });
    },
    unavailable: (message) =>
      buildDealUnavailableModal(`Could not load tracks and owners. ${message}. Close this and try again.`),
  });
}

/** Contact card "Create deal": the Create deal modal with that contact filled in (value = contact id). */
export function cardCreateDealCallback(deps: Deps) {
  return async ({ ack, body, action, client }: ActionArgs): Promise<void> => {
    await ack();
    try {
      await openDealForm(deps, {
        client,
        triggerId: body.trigger_id,
        userId: body.user.id,
        channel: body.channel?.id ?? body.container?.channel_id,
        contactId: (action as ButtonAction).value,
      });
    } catch (err) {
      deps.logger.error({ err }, 'could not open the Create deal modal');
    }
  };
}

/**
 * The track changed in the Create deal modal: the milestone select now holds exactly that track's
 * milestones; everything typed so far is rebuilt from view.state as initial values.
 */
export function trackSelectCallback(deps: Deps) {
  return async ({ ack, body, client }: ActionArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view) return;
    try {
      const meta = decodeDealMetadata(view.private_metadata);
      const [tracks, owners] = await Promise.all([dealTracks(deps, meta.tracks), ownerChoices(deps)]);
      const values = readDealForm(view.state.values, tracks);
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: buildDealModal({ tracks, owners, values, metadata: view.private_metadata }),
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not reload milestones after a track change');
    }
  };
}

/** Create deal submitted: validate with no I/O, then write once within Slack's budget and confirm. */
export function dealSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { body, ack, client } = args;
    const view = body.view;
    const meta = decodeDealMetadata(view.private_metadata);
    const tracks = await dealTracks(deps, meta.tracks);
    const values = readDealForm(view.state.values, tracks);
    const parsed = parseForm(dealFormSchema(tracks), values);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: onInputsShown(parsed.errors, view.blocks) });
      return;
    }
    // Cached since the modal opened; only needed if a slow save fails and the form comes back.
    let owners: OwnerChoice[] = [];
    ownerChoices(deps)
      .then((o) => {
        owners = o;
      })
      .catch(() => undefined);
    const input: DealRetryInput = {
      actor: actorOfBody(body),
      req: { viewId: view.id, draft: parsed.data, timeZone: meta.timeZone ?? 'UTC' },
    };
    await submitForm(args, deps, {
      write: () => createDeal(deps, input.actor, input.req),
      errorBlock: dealErrorBlock,
      retry: {
        kind: DEAL_FORM_RETRY,
        input,
        what: `Your deal “${parsed.data.name}”`,
        typed: [parsed.data.name, parsed.data.description].filter(Boolean).join('\n\n'),
      },
      savingView: buildDealSavingModal,
      doneView: buildDealDoneModal,
      failedView: (message) =>
        buildDealModal({ tracks, owners, values, metadata: view.private_metadata, error: message }),
      onSuccess: async (deal, { replayed }) => {
        if (replayed) {
          deps.logger.info({ viewId: view.id }, 'deal submission replayed: its first delivery confirmed');
          return;
        }
        await notifyUser(
          client,
          deps.logger,
          { user: body.user.id, channel: meta.channel },
          await confirmWithUndo(deps, input.actor, buildDealCreatedMessage(deal), dealCreateUndo(deal)),
        );
      },
    });
  };
}

export const DEAL_FORM_RETRY = 'deal.form';

interface DealRetryInput {
  actor: Actor;
  req: Parameters<typeof createDeal>[2];
}

/** Retry from the failure DM: the same view id, so the same key (deal.create): never a second deal. */
export async function retryDealForm(deps: Deps, stored: unknown): Promise<RetryOutcome> {
  const { actor, req } = stored as DealRetryInput;
  const outcome = await createDeal(deps, actor, req);
  if (outcome.status === 'in_progress') return outcome;
  const deal = outcome.result;
  return { status: 'done', summary: `deal created: ${deal.name} (${deal.trackName}: ${deal.milestone})` };
}

/**
 * Slack refuses errors naming a block the view does not have (a track without milestones has no
 * milestone input): those move to the first input.
 */
function onInputsShown(errors: Record<string, string>, blocks: readonly { block_id?: string }[]) {
  if (blocks.length === 0) return errors;
  const shown = Object.entries(errors).filter(([block]) => blocks.some((b) => b.block_id === block));
  if (shown.length > 0) return Object.fromEntries(shown);
  return { [BLOCK.dealName]: Object.values(errors)[0] ?? 'Check the form' };
}
