import type { ExternalSelect, KnownBlock, ModalView, PlainTextOption, View } from '@slack/types';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import {
  buildModalShell,
  errorSection,
  inputBlock as input,
  textSection,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { buildMilestoneSelect, buildMoveButton } from '../deal/modal-view.js';
import type { DealSummary, MoveResult } from '../pipeline/deals.js';
import { formatDealValue, formatProbability } from '../pipeline/milestones.js';

export const MOVE_LABELS = {
  deal: 'Deal',
  milestone: 'Milestone',
  reason: 'Reason',
  note: 'Note',
} as const;

const TITLE = 'Move deal';

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

export interface MoveFormData {
  metadata: string;
  /** The picked deal, if any. */
  deal?: Pick<DealSummary, 'id' | 'name' | 'milestone' | 'value'>;
  /** The deal's track: its milestones, exactly as Agile spells them. */
  track?: { name: string; milestones: string[]; defaulted: boolean };
  /** The deal is picked and its track is being fetched. */
  loading?: boolean;
  values?: { milestone?: string; reason?: string; note?: string };
  /** On top: a slow save failed, or the deal could not be read. */
  error?: string;
}

export function buildMoveModal(data: MoveFormData): ModalView {
  const values = data.values ?? {};
  const blocks: KnownBlock[] = [];
  if (data.error) blocks.push(errorSection(data.error));
  // dispatch_action: picking a deal sends block_actions, and the milestones of its track are filled in.
  blocks.push(input(BLOCK.deal, MOVE_LABELS.deal, buildDealPicker(data.deal), { dispatch_action: true }));
  const { deal, track } = data;
  if (data.loading) {
    blocks.push({
      type: 'context',
      elements: [mrkdwnText(':hourglass_flowing_sand: Loading the deal’s milestones…')],
    });
  } else if (deal && track) {
    const where = `Now at *${escapeMrkdwn(deal.milestone || '—')}* on the *${escapeMrkdwn(track.name)}* track.`;
    const defaulted = track.defaulted
      ? ' This deal has no track of its own, so the CRM files it under the default track: these are its milestones.'
      : '';
    blocks.push({ type: 'context', elements: [mrkdwnText(where + defaulted)] });
    if (track.milestones.length > 0) {
      const selected = values.milestone ?? deal.milestone;
      blocks.push(
        input(BLOCK.milestone, MOVE_LABELS.milestone, buildMilestoneSelect(track.milestones, selected)),
      );
    } else {
      blocks.push({
        type: 'context',
        elements: [mrkdwnText('This track has no milestones: add some in Agile CRM.')],
      });
    }
  } else {
    blocks.push({
      type: 'context',
      elements: [mrkdwnText('Pick a deal to see the milestones of its track.')],
    });
  }
  blocks.push(
    input(
      BLOCK.reason,
      MOVE_LABELS.reason,
      {
        type: 'plain_text_input',
        action_id: ACTION.reason,
        max_length: 1000,
        ...(values.reason ? { initial_value: truncate(values.reason, 1000) } : {}),
      },
      {
        optional: true,
        hint: plainText('Required when the deal is lost (e.g. Lost, Churned)', LIMITS.inputHint),
      },
    ),
    input(
      BLOCK.note,
      MOVE_LABELS.note,
      {
        type: 'plain_text_input',
        action_id: ACTION.noteInput,
        multiline: true,
        max_length: LIMITS.inputMaxLength,
        ...(values.note ? { initial_value: truncate(values.note, LIMITS.inputMaxLength) } : {}),
      },
      { optional: true, hint: plainText('Saved on the deal as a note', LIMITS.inputHint) },
    ),
  );
  return buildModalShell({
    callbackId: CALLBACK.moveModal,
    title: TITLE,
    submit: 'Move',
    metadata: data.metadata,
    blocks,
  });
}

function simpleView(text: string): View {
  return buildModalShell({
    callbackId: CALLBACK.moveModal,
    title: TITLE,
    close: 'Close',
    blocks: [textSection(text)],
  });
}

export function buildMoveSavingView(): View {
  return simpleView(':hourglass_flowing_sand: Moving the deal… the CRM is slow today.');
}

export function buildMoveDoneView(result: MoveResult): View {
  if (result.unchanged) return simpleView(`ℹ️ ${alreadyAtLine(result)}`);
  return simpleView(`✅ *${escapeMrkdwn(result.name)}* is now at *${escapeMrkdwn(result.after)}*.`);
}

const alreadyAtLine = (result: MoveResult) =>
  `*${escapeMrkdwn(result.name)}* is already at *${escapeMrkdwn(result.after)}*: nothing changed.`;

/** The deal already was there: one short line, no "Prospect → Prospect" card (nothing was written). */
export function buildAlreadyAtMilestone(result: MoveResult): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwnText(`ℹ️ ${alreadyAtLine(result)}`) }];
  if (result.unsavedNote) {
    blocks.push({
      type: 'context',
      elements: [mrkdwnText(`Not saved (nothing moved): ${escapeMrkdwn(result.unsavedNote)}`)],
    });
  }
  return {
    text: truncate(escapeMrkdwn(`${result.name} is already at ${result.after}`), LIMITS.fallbackText),
    blocks,
  };
}

/** Confirmation: before → after, value and probability (and a Move button for the next step). */
export function buildMoveConfirmation(result: MoveResult): SlackMessage {
  if (result.unchanged) return buildAlreadyAtMilestone(result);
  const name = escapeMrkdwn(result.name);
  const before = escapeMrkdwn(result.before || '—');
  const after = escapeMrkdwn(result.after);
  const headline = `✅ *${name}* moved: ${before} → *${after}*`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwnText(truncate(headline, LIMITS.text)) },
    {
      type: 'section',
      fields: [
        mrkdwnText(`*Track*\n${escapeMrkdwn(result.trackName)}`, LIMITS.sectionField),
        mrkdwnText(`*Milestone*\n${before} → ${after}`, LIMITS.sectionField),
        mrkdwnText(`*Value*\n${formatDealValue(result.value)}`, LIMITS.sectionField),
        mrkdwnText(`*Probability*\n${formatProbability(result.probability)}`, LIMITS.sectionField),
      ],
    },
  ];
  const notes: string[] = [];
  if (result.defaultedTrack)
    notes.push('The deal has no track of its own: the default track’s milestones were used.');
  if (result.noteId) notes.push('The reason/note was saved on the deal.');
  if (notes.length > 0) blocks.push({ type: 'context', elements: [mrkdwnText(notes.join(' '))] });
  blocks.push({ type: 'actions', elements: [buildMoveButton(result.dealId)] });
  const text = `${result.name} moved: ${result.before || '—'} → ${result.after}`;
  // The fallback text is mrkdwn too (and drives notifications): escaped like the blocks.
  return { text: truncate(escapeMrkdwn(text), LIMITS.fallbackText), blocks };
}

/** No deal named like that is on a track with that milestone: each of their tracks' milestones. */
export function buildNoMilestoneFit(
  typed: string,
  milestone: string,
  tracks: readonly { name: string; milestones: readonly string[] }[],
): SlackMessage {
  const perTrack = tracks.map((t) => `${t.name}: ${t.milestones.join(', ') || 'none'}`).join(' · ');
  return buildNotice(
    'error',
    `No deal named like “${typed}” is on a track with a “${milestone}” milestone. Valid milestones — ${perTrack || 'none'}.`,
    `You typed: ${typed} to ${milestone}`,
  );
}

/** What a disambiguation button carries: the deal, the target milestone, the reason if one was typed. */
export interface DisambiguationValue {
  d: string;
  m: string;
  r?: string;
}

export function encodeDisambiguation(v: DisambiguationValue): string {
  const base = JSON.stringify({ d: v.d, m: v.m });
  if (!v.r) return base;
  // Button values are capped at 2,000 characters: the reason gives way, never the ids.
  const room = LIMITS.buttonValue - base.length - 16;
  let r = v.r.slice(0, Math.max(room, 0));
  while (JSON.stringify({ d: v.d, m: v.m, r }).length > LIMITS.buttonValue) r = r.slice(0, -10);
  return JSON.stringify({ d: v.d, m: v.m, r });
}

export function decodeDisambiguation(raw: string | undefined): DisambiguationValue | undefined {
  try {
    const v = JSON.parse(raw ?? '') as Partial<DisambiguationValue>;
    if (typeof v.d !== 'string' || typeof v.m !== 'string') return undefined;
    return { d: v.d, m: v.m, ...(typeof v.r === 'string' ? { r: v.r } : {}) };
  } catch {
    return undefined;
  }
}

const MAX_CHOICES = 10;

/** Several deals match the typed name: one button per deal (ACTION.dealDisambiguate). */
export function buildDealChoices(
  typed: string,
  deals: readonly DealSummary[],
  milestone: string,
  reason?: string,
  /** Deals also named like that but on a track without this milestone (not offered). */
  excluded = 0,
): SlackMessage {
  const shown = deals.slice(0, MAX_CHOICES);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwnText(
        truncate(
          `${deals.length} deals match “${escapeMrkdwn(typed)}”. Which one goes to *${escapeMrkdwn(milestone)}*?`,
          LIMITS.text,
        ),
      ),
    },
  ];
  shown.forEach((d, i) => {
    blocks.push({
      type: 'section',
      block_id: `deal_choice_${i}`,
      text: mrkdwnText(
        truncate(
          `*${escapeMrkdwn(d.name)}* · ${escapeMrkdwn(d.milestone || '—')} · ${formatDealValue(d.value)} · id ${d.id}`,
          LIMITS.text,
        ),
      ),
      accessory: {
        type: 'button',
        action_id: ACTION.dealDisambiguate,
        text: plainText('Move this one', LIMITS.buttonText),
        value: encodeDisambiguation({ d: d.id, m: milestone, ...(reason ? { r: reason } : {}) }),
      },
    });
  });
  if (deals.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwnText(`${deals.length - shown.length} more — type more of the name, or use the deal id.`),
      ],
    });
  }
  if (excluded > 0) {
    const what = excluded === 1 ? '1 other deal is' : `${excluded} other deals are`;
    blocks.push({
      type: 'context',
      elements: [
        mrkdwnText(
          truncate(`${what} on a track without *${escapeMrkdwn(milestone)}*: not listed.`, LIMITS.text),
        ),
      ],
    });
  }
  return {
    text: truncate(escapeMrkdwn(`${deals.length} deals match “${typed}”: which one?`), LIMITS.fallbackText),
    blocks,
  };
}
