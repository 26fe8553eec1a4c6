import type { ViewStateValue } from '@slack/bolt';
import type { Deps } from '../../app/deps.js';
import { type SubmitArgs, submitWithBudget } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { readState } from '../../platform/slack/view-state.js';
import { confirmDealChanged } from '../pipeline/deal-changed.js';
import { checkDealDraft, type DealField, dealFieldForError } from '../pipeline/deals.js';
import { ownerChoices, readDealMetadata, tracksFor } from './command-handler.js';
import {
  buildDealConfirmation,
  buildDealDoneView,
  buildDealModal,
  buildDealSavingView,
  type CreatedDeal,
  type DealFormValues,
  decodeMilestoneValue,
  type OwnerChoice,
  type TrackChoice,
} from './modal-view.js';

type StateValues = Record<string, Record<string, ViewStateValue>> | undefined;

/** What the user typed/selected, as the form's initial values (a rebuild must keep all of it). */
export function readDealForm(values: StateValues, tracks: readonly TrackChoice[]): DealFormValues {
  const s = readState(values);
  const trackId = s.selected(BLOCK.track, ACTION.trackSelect)?.value;
  const track = tracks.find((t) => t.id === trackId);
  const rawMilestone = s.selected(BLOCK.milestone, ACTION.milestoneSelect)?.value;
  const rawValue = values?.[BLOCK.value]?.[ACTION.dealValue]?.value;
  const rawProbability = values?.[BLOCK.probability]?.[ACTION.probability]?.value;
  return {
    name: s.text(BLOCK.dealName, ACTION.dealName),
    value: typeof rawValue === 'string' && rawValue.trim() !== '' ? rawValue.trim() : undefined,
    probability:
      typeof rawProbability === 'string' && rawProbability.trim() !== '' ? rawProbability.trim() : undefined,
    trackId,
    milestone: track ? decodeMilestoneValue(rawMilestone, track.milestones) : rawMilestone,
    closeDate: s.date(BLOCK.closeDate, ACTION.closeDate),
    contacts: s.selectedMany(BLOCK.contact, ACTION.contactPicker).map((o) => ({ id: o.value, name: o.text })),
    description: s.text(BLOCK.description, ACTION.description),
    ownerId: s.selected(BLOCK.owner, ACTION.ownerSelect)?.value,
  };
}

/** Form field → the input block its error shows under. */
export const DEAL_FIELD_BLOCK: Record<DealField, string> = {
  name: BLOCK.dealName,
  value: BLOCK.value,
  probability: BLOCK.probability,
  track: BLOCK.track,
  milestone: BLOCK.milestone,
  closeDate: BLOCK.closeDate,
  contact: BLOCK.contact,
  owner: BLOCK.owner,
  description: BLOCK.description,
};

function toNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Create deal submitted: validate with no I/O, then write once within Slack's budget and confirm. */
export function dealSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { body, ack, client } = args;
    const view = body.view;
    const meta = readDealMetadata(view.private_metadata);
    const tracks = await tracksFor(meta, deps);
    const form = readDealForm(view.state.values, tracks);
    const check = checkDealDraft(
      {
        name: form.name,
        value: toNumber(form.value),
        probability: toNumber(form.probability),
        trackId: form.trackId,
        milestone: form.milestone,
        closeDate: form.closeDate,
        timeZone: meta.tz ?? 'UTC',
        contactIds: form.contacts.map((c) => c.id),
        description: form.description,
        ownerId: form.ownerId,
      },
      tracks.map((t) => ({
        id: t.id,
        name: t.name,
        milestones: t.milestones.join(','),
        milestoneList: t.milestones,
      })),
    );
    if (!check.ok) {
      const errors: Record<string, string> = {};
      for (const [field, message] of Object.entries(check.errors)) {
        // Errors may only name blocks the view has (a track without milestones has no milestone input).
        const block = DEAL_FIELD_BLOCK[field as DealField];
        if (view.blocks.length === 0 || view.blocks.some((b) => b.block_id === block))
          errors[block] = message;
      }
      if (Object.keys(errors).length === 0)
        errors[BLOCK.dealName] = Object.values(check.errors)[0] ?? 'Check the form';
      await ack({ response_action: 'errors', errors });
      return;
    }
    const input = check.input;
    const trackName = tracks.find((t) => t.id === input.pipeline_id)?.name ?? '';
    // Cached since the modal opened; only needed if a slow save fails and the form comes back.
    let owners: OwnerChoice[] = [];
    ownerChoices(deps)
      .then((o) => {
        owners = o;
      })
      .catch(() => undefined);
    await submitWithBudget<CreatedDeal>(args, deps, {
      work: async () => {
        const deal = await deps.agile.deals.create(input);
        return {
          id: deal.id,
          name: deal.name || input.name,
          trackName,
          milestone: deal.milestone ?? input.milestone,
          value: deal.expected_value ?? input.expected_value,
          probability: deal.probability ?? input.probability,
        };
      },
      errorBlock: (err) => DEAL_FIELD_BLOCK[dealFieldForError(err)],
      savingView: () => buildDealSavingView(),
      doneView: (deal) => buildDealDoneView(deal),
      failedView: (message) =>
        buildDealModal({ tracks, owners, values: form, metadata: view.private_metadata, error: message }),
      onSuccess: async (deal, { replayed }) => {
        // A replayed submission was confirmed by its first delivery.
        if (replayed) return;
        await confirmDealChanged(
          deps,
          client,
          { user: body.user.id, channel: meta.c },
          { id: deal.id, name: deal.name, milestone: deal.milestone, value: deal.value },
          buildDealConfirmation(deal),
        );
      },
    });
  };
}
