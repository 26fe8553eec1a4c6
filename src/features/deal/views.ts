import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import {
  buildModalShell,
  buildOwnerInput,
  buildStaticSelect,
  buildStatusModal,
  errorSection,
  inputBlock as input,
  type OwnerChoice,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { buildMultiContactSelect } from '../contacts/picker-view.js';
import { buildDealFacts, buildMilestoneInput, buildMoveButton } from '../pipeline/views.js';
import type { DealFormValues } from './schema.js';
import type { CreatedDeal, TrackChoice } from './use-case.js';

/** The labels users read (issue 4's contract). */
export const DEAL_LABELS = {
  name: 'Deal name',
  value: 'Value',
  probability: 'Probability',
  track: 'Track',
  milestone: 'Milestone',
  closeDate: 'Close date',
  contact: 'Contact',
  description: 'Description',
  owner: 'Owner',
} as const;

export interface DealModalData {
  tracks: TrackChoice[];
  owners: OwnerChoice[];
  values: DealFormValues;
  /** private_metadata, already encoded. */
  metadata: string;
  /** Shown on top when a slow save failed (the form comes back with everything typed). */
  error?: string;
}

const TITLE = 'Create deal';

const status = (text: string, metadata?: string): ModalView =>
  buildStatusModal({ callbackId: CALLBACK.dealModal, title: TITLE, text, metadata });

/** Opened at once (a trigger_id lives 3 s); replaced by buildDealModal when tracks and owners arrive. */
export function buildDealLoadingModal(): ModalView {
  return status(':hourglass_flowing_sand: Loading tracks and owners…');
}

/** The modal when the CRM could not give us tracks or owners: say why, nothing to submit. */
export function buildDealUnavailableModal(message: string, metadata?: string): ModalView {
  return status(`⚠️ ${escapeMrkdwn(message)}`, metadata);
}

export function buildDealSavingModal(): ModalView {
  return status(':hourglass_flowing_sand: Saving the deal… the CRM is slow today.');
}

export function buildDealDoneModal(deal: CreatedDeal): ModalView {
  return status(`✅ Deal *${escapeMrkdwn(deal.name)}* created.`);
}

export function buildDealModal(data: DealModalData): ModalView {
  const v = data.values;
  const track = data.tracks.find((t) => t.id === v.track) ?? data.tracks[0];
  const trackOptions: PlainTextOption[] = data.tracks
    .slice(0, LIMITS.selectOptions)
    .map((t) => ({ text: plainText(t.name || `Track ${t.id}`, LIMITS.optionText), value: t.id }));

  const blocks: KnownBlock[] = [];
  if (data.error) blocks.push(errorSection(data.error));
  blocks.push(
    input(BLOCK.dealName, DEAL_LABELS.name, {
      type: 'plain_text_input',
      action_id: ACTION.dealName,
      max_length: 500,
      ...(v.dealName ? { initial_value: truncate(v.dealName, 500) } : {}),
    }),
    input(
      BLOCK.value,
      DEAL_LABELS.value,
      {
        type: 'number_input',
        action_id: ACTION.dealValue,
        is_decimal_allowed: true,
        min_value: '0',
        max_value: '1000000000000',
        ...(v.value ? { initial_value: v.value } : {}),
      },
      { hint: plainText('Up to 1,000,000,000,000', LIMITS.inputHint) },
    ),
    input(
      BLOCK.probability,
      DEAL_LABELS.probability,
      {
        type: 'number_input',
        action_id: ACTION.probability,
        is_decimal_allowed: false,
        min_value: '0',
        max_value: '100',
        ...(v.probability ? { initial_value: v.probability } : {}),
      },
      { optional: true, hint: plainText('Percent, 0 to 100', LIMITS.inputHint) },
    ),
  );
  if (trackOptions.length > 0) {
    blocks.push(
      input(
        BLOCK.track,
        DEAL_LABELS.track,
        buildStaticSelect(ACTION.trackSelect, trackOptions, track?.id, 'Pick a track'),
        // A change reloads the milestone choices (block_actions → views.update).
        { dispatch_action: true },
      ),
    );
  }
  // A track change keeps the milestone only if the new track has it.
  const milestones = track?.milestones ?? [];
  blocks.push(
    buildMilestoneInput(
      milestones,
      v.milestone && milestones.includes(v.milestone) ? v.milestone : milestones[0],
    ),
  );
  blocks.push(
    input(
      BLOCK.closeDate,
      DEAL_LABELS.closeDate,
      {
        type: 'datepicker',
        action_id: ACTION.closeDate,
        ...(v.closeDate ? { initial_date: v.closeDate } : {}),
      },
      { optional: true, hint: plainText('Saved as noon of that day in your time zone', LIMITS.inputHint) },
    ),
    input(BLOCK.contact, DEAL_LABELS.contact, buildMultiContactSelect({ initial: v.contact }), {
      optional: true,
    }),
    input(
      BLOCK.description,
      DEAL_LABELS.description,
      {
        type: 'plain_text_input',
        action_id: ACTION.description,
        multiline: true,
        max_length: LIMITS.inputMaxLength,
        ...(v.description ? { initial_value: truncate(v.description, LIMITS.inputMaxLength) } : {}),
      },
      { optional: true },
    ),
  );
  const owner = buildOwnerInput(
    data.owners,
    data.owners.find((o) => o.id === v.owner),
    DEAL_LABELS.owner,
  );
  if (owner) blocks.push(owner);
  return buildModalShell({
    callbackId: CALLBACK.dealModal,
    title: TITLE,
    submit: 'Create',
    metadata: data.metadata,
    blocks,
  });
}

/** Ephemeral confirmation: the deal with its track, milestone, value, probability and a Move button. */
export function buildDealCreatedMessage(deal: CreatedDeal): SlackMessage {
  const name = escapeMrkdwn(deal.name);
  return {
    text: truncate(
      escapeMrkdwn(`✅ Deal created: ${deal.name} (${deal.trackName} · ${deal.milestone})`),
      LIMITS.fallbackText,
    ),
    blocks: [
      { type: 'section', text: mrkdwnText(truncate(`✅ Deal created: *${name}*`, LIMITS.text)) },
      buildDealFacts(deal),
      { type: 'actions', elements: [buildMoveButton(deal.id)] },
    ],
  };
}
