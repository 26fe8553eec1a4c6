import type {
  Button,
  ContextBlock,
  ExternalSelect,
  InputBlock,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { formatDealValue } from '../../platform/slack/format.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { buildStaticSelect, inputBlock } from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { DealSummary } from './deal-search.js';

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

/** "Acme pilot · Prospect · 12,000", cut to Slack's 75-character option text. Plain text: no escaping. */
export function dealOption(d: Pick<DealSummary, 'id' | 'name' | 'milestone' | 'value'>): PlainTextOption {
  const parts = [d.name, d.milestone, d.value === undefined ? undefined : formatDealValue(d.value)].filter(
    (p): p is string => Boolean(p),
  );
  // The name is what gets cut, never the milestone: it tells two same-named deals apart.
  const tail = parts.slice(1).join(' · ');
  const room = LIMITS.optionText - (tail ? tail.length + 3 : 0);
  const label = tail ? `${truncate(d.name, Math.max(room, 10))} · ${tail}` : d.name;
  return { text: plainText(label, LIMITS.optionText), value: d.id };
}

/** Options-load answer for the deal picker (≤ 100 options). */
export function buildDealOptions(deals: readonly DealSummary[]): { options: PlainTextOption[] } {
  return { options: deals.slice(0, LIMITS.selectOptions).map(dealOption) };
}

export function buildDealPicker(
  initial?: Pick<DealSummary, 'id' | 'name' | 'milestone' | 'value'>,
): ExternalSelect {
  return {
    type: 'external_select',
    action_id: ACTION.dealPicker,
    placeholder: plainText('Type a deal name', LIMITS.placeholder),
    // 0: the list opens with the user's own and recent deals before anything is typed.
    min_query_length: 0,
    ...(initial ? { initial_option: dealOption(initial) } : {}),
  };
}
