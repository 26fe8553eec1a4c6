import type { Button, KnownBlock, ModalView, PlainTextOption, StaticSelect, View } from '@slack/types';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import {
  buildModalShell,
  buildOwnerInput,
  buildStaticSelect,
  errorSection,
  inputBlock as input,
  type OwnerChoice,
  textSection,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { ContactChoice } from '../contacts/contact-search.js';
import { buildMultiContactSelect } from '../contacts/picker-view.js';
import { formatDealValue, formatProbability } from '../pipeline/milestones.js';

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

export interface TrackChoice {
  id: string;
  name: string;
  milestones: string[];
}

export type { OwnerChoice };

/** What the form shows as typed/selected: from defaults on open, from view.state on a rebuild. */
export interface DealFormValues {
  name?: string;
  /** Kept as typed (number_input values are strings). */
  value?: string;
  probability?: string;
  trackId?: string;
  milestone?: string;
  closeDate?: string;
  contacts: ContactChoice[];
  description?: string;
  ownerId?: string;
}

export interface DealFormData {
  tracks: TrackChoice[];
  owners: OwnerChoice[];
  values: DealFormValues;
  /** private_metadata, already encoded. */
  metadata: string;
  /** Shown on top when a slow save failed (the form comes back with everything typed). */
  error?: string;
}

const TITLE = 'Create deal';

/**
 * Select option values are capped at 75 characters; a longer milestone name travels as `#index`
 * into its track's list and is decoded with decodeMilestoneValue.
 */
export function milestoneOptionValue(milestones: readonly string[], index: number): string {
  const name = milestones[index] ?? '';
  return name.length <= LIMITS.optionValue && !name.startsWith('#') ? name : `#${index}`;
}

export function decodeMilestoneValue(
  value: string | undefined,
  milestones: readonly string[],
): string | undefined {
  if (value === undefined) return undefined;
  const m = /^#(\d+)$/.exec(value);
  if (m) return milestones[Number(m[1])];
  return value;
}

export function milestoneOptions(milestones: readonly string[]): PlainTextOption[] {
  return milestones.slice(0, LIMITS.selectOptions).map((name, i) => ({
    text: plainText(name, LIMITS.optionText),
    value: milestoneOptionValue(milestones, i),
  }));
}

export function buildMilestoneSelect(milestones: readonly string[], selected?: string): StaticSelect {
  const index = selected === undefined ? -1 : milestones.indexOf(selected);
  const initialValue = index >= 0 ? milestoneOptionValue(milestones, index) : undefined;
  return buildStaticSelect(
    ACTION.milestoneSelect,
    milestoneOptions(milestones),
    initialValue,
    'Pick a milestone',
  );
}

function baseModal(metadata: string, blocks: KnownBlock[], withSubmit: boolean): ModalView {
  return buildModalShell({
    callbackId: CALLBACK.dealModal,
    title: TITLE,
    blocks,
    metadata,
    ...(withSubmit ? { submit: 'Create' } : {}),
  });
}

/** Opened at once (a trigger_id lives 3 s); replaced by buildDealModal when tracks and owners arrive. */
export function buildDealLoadingModal(metadata: string): ModalView {
  return baseModal(metadata, [textSection(':hourglass_flowing_sand: Loading tracks and owners…')], false);
}

/** The modal when the CRM could not give us tracks or owners: say why, nothing to submit. */
export function buildDealUnavailableModal(metadata: string, message: string): ModalView {
  return baseModal(metadata, [errorSection(message)], false);
}

export function buildDealModal(data: DealFormData): ModalView {
  const v = data.values;
  const track = data.tracks.find((t) => t.id === v.trackId) ?? data.tracks[0];
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
      ...(v.name ? { initial_value: truncate(v.name, 500) } : {}),
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
  if (track && track.milestones.length > 0) {
    const selected =
      v.milestone && track.milestones.includes(v.milestone) ? v.milestone : track.milestones[0];
    blocks.push(
      input(BLOCK.milestone, DEAL_LABELS.milestone, buildMilestoneSelect(track.milestones, selected)),
    );
  } else {
    blocks.push({
      type: 'context',
      elements: [mrkdwnText('This track has no milestones: add some in Agile CRM first.')],
    });
  }
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
    input(BLOCK.contact, DEAL_LABELS.contact, buildMultiContactSelect({ initial: v.contacts }), {
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
    data.owners.find((o) => o.id === v.ownerId),
    DEAL_LABELS.owner,
  );
  if (owner) blocks.push(owner);
  return baseModal(data.metadata, blocks, true);
}

function infoView(text: string): View {
  return buildModalShell({
    callbackId: CALLBACK.dealModal,
    title: TITLE,
    close: 'Close',
    blocks: [textSection(text)],
  });
}

export function buildDealSavingView(): View {
  return infoView(':hourglass_flowing_sand: Saving the deal… the CRM is slow today.');
}

export interface CreatedDeal {
  id: string;
  name: string;
  trackName: string;
  milestone: string;
  value?: number;
  probability?: number;
}

export function buildDealDoneView(deal: CreatedDeal): View {
  return infoView(`✅ Deal *${escapeMrkdwn(deal.name)}* created.`);
}

export function buildMoveButton(dealId: string): Button {
  return {
    type: 'button',
    action_id: ACTION.dealMove,
    text: plainText('Move', LIMITS.buttonText),
    value: dealId,
  };
}

/** Ephemeral confirmation: the deal with its track, milestone, value, probability and a Move button. */
export function buildDealConfirmation(deal: CreatedDeal): SlackMessage {
  const name = escapeMrkdwn(deal.name);
  return {
    text: truncate(
      escapeMrkdwn(`✅ Deal created: ${deal.name} (${deal.trackName} · ${deal.milestone})`),
      LIMITS.fallbackText,
    ),
    blocks: [
      { type: 'section', text: mrkdwnText(truncate(`✅ Deal created: *${name}*`, LIMITS.text)) },
      {
        type: 'section',
        fields: [
          mrkdwnText(`*Track*\n${escapeMrkdwn(deal.trackName)}`, LIMITS.sectionField),
          mrkdwnText(`*Milestone*\n${escapeMrkdwn(deal.milestone)}`, LIMITS.sectionField),
          mrkdwnText(`*Value*\n${formatDealValue(deal.value)}`, LIMITS.sectionField),
          mrkdwnText(`*Probability*\n${formatProbability(deal.probability)}`, LIMITS.sectionField),
        ],
      },
      { type: 'actions', elements: [buildMoveButton(deal.id)] },
    ],
  };
}
