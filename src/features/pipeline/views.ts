import type {
  Button,
  ContextBlock,
  InputBlock,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { formatDealValue } from '../../platform/slack/format.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { buildStaticSelect, inputBlock } from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText } from '../../platform/slack/mrkdwn.js';

/** Display pieces shared by the deal and move features (pure). */

export function formatProbability(probability: number | undefined): string {
  return probability === undefined ? '—' : `${probability}%`;
}

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

/** The Milestone input of a track, or a note that the track has none (nothing to pick). */
export function buildMilestoneInput(
  milestones: readonly string[],
  selected?: string,
): InputBlock | ContextBlock {
  if (milestones.length === 0) {
    return {
      type: 'context',
      elements: [mrkdwnText('This track has no milestones: add some in Agile CRM first.')],
    };
  }
  return inputBlock(BLOCK.milestone, 'Milestone', buildMilestoneSelect(milestones, selected));
}

/** The Move button on a deal (card, confirmations); the move feature handles the click. */
export function buildMoveButton(dealId: string): Button {
  return {
    type: 'button',
    action_id: ACTION.dealMove,
    text: plainText('Move', LIMITS.buttonText),
    value: dealId,
  };
}

export interface DealFacts {
  trackName: string;
  /** Already mrkdwn (e.g. "New → *Won*"), or a milestone name to escape. */
  milestone: { mrkdwn: string } | string;
  value?: number;
  probability?: number;
}

/** Track, milestone, value and probability side by side (the confirmations' second block). */
export function buildDealFacts(facts: DealFacts): SectionBlock {
  const milestone =
    typeof facts.milestone === 'string' ? escapeMrkdwn(facts.milestone) : facts.milestone.mrkdwn;
  return {
    type: 'section',
    fields: [
      mrkdwnText(`*Track*\n${escapeMrkdwn(facts.trackName)}`, LIMITS.sectionField),
      mrkdwnText(`*Milestone*\n${milestone}`, LIMITS.sectionField),
      mrkdwnText(`*Value*\n${formatDealValue(facts.value)}`, LIMITS.sectionField),
      mrkdwnText(`*Probability*\n${formatProbability(facts.probability)}`, LIMITS.sectionField),
    ],
  };
}
