import type { KnownBlock, ModalView } from '@slack/types';
import { formatDealValue } from '../../platform/slack/format.js';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import {
  buildModalShell,
  buildStatusModal,
  errorSection,
  inputBlock as input,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { buildQuoteBlocks, planQuote } from '../../platform/slack/quote.js';
import type { DealSummary } from '../pipeline/deal-search.js';
import { buildDealFacts, buildDealPicker, buildMilestoneInput, buildMoveButton } from '../pipeline/views.js';

// The deal picker moved to pipeline/views.ts (the thread log uses it too); re-exported for move's callers.
export { buildDealOptions, buildDealPicker, dealOption } from '../pipeline/views.js';

import type { MoveErrorKind, MoveResult } from './move-deal.js';
import { encodeDisambiguation, type MoveFormValues } from './schema.js';
import type { QuickMoveOutcome } from './use-case.js';

export const MOVE_LABELS = {
  deal: 'Deal',
  milestone: 'Milestone',
  reason: 'Reason',
  note: 'Note',
} as const;

const TITLE = 'Move deal';

export interface MoveModalData {
  metadata: string;
  /** The picked deal, if any. */
  deal?: Pick<DealSummary, 'id' | 'name' | 'milestone' | 'value'>;
  /** The deal's track: its milestones, exactly as Agile spells them. */
  track?: { name: string; milestones: string[]; defaulted: boolean };
  /** The deal is picked and its track is being fetched. */
  loading?: boolean;
  values?: Omit<MoveFormValues, 'deal'>;
  /** On top: a slow save failed, or the deal could not be read. */
  error?: string;
}

/** The form with the picked deal, its track being read: what was typed stays. */
export function buildMoveLoadingModal(data: Omit<MoveModalData, 'loading' | 'track'>): ModalView {
  return buildMoveModal({ ...data, loading: true });
}

export function buildMoveModal(data: MoveModalData): ModalView {
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
    blocks.push(buildMilestoneInput(track.milestones, values.milestone ?? deal.milestone));
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

const status = (text: string): ModalView =>
  buildStatusModal({ callbackId: CALLBACK.moveModal, title: TITLE, text });

export function buildMoveSavingModal(): ModalView {
  return status(':hourglass_flowing_sand: Moving the deal… the CRM is slow today.');
}

export function buildMoveDoneModal(result: MoveResult): ModalView {
  if (result.unchanged) return status(`ℹ️ ${alreadyAtLine(result)}`);
  const moved = `✅ *${escapeMrkdwn(result.name)}* is now at *${escapeMrkdwn(result.after)}*.`;
  if (!result.noteError) return status(moved);
  return status(
    `${moved}\n⚠️ Its reason/note was not saved: your text is in the confirmation message, to copy.`,
  );
}

const alreadyAtLine = (result: MoveResult) =>
  `*${escapeMrkdwn(result.name)}* is already at *${escapeMrkdwn(result.after)}*: nothing changed.`;

/** The deal already was there: one short line, no "Prospect → Prospect" card (nothing was written). */
export function buildAlreadyAtMilestoneMessage(result: MoveResult): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwnText(`ℹ️ ${alreadyAtLine(result)}`) }];
  if (result.unsavedNote) {
    // Whole, in sections of its own (a slash command's text fits one message): never cut.
    const plan = planQuote(result.unsavedNote, 1);
    blocks.push(
      { type: 'context', elements: [mrkdwnText('Not saved (nothing moved), your text to copy:')] },
      ...buildQuoteBlocks(plan.parts[0] ?? [], plan.style),
    );
  }
  return {
    text: truncate(escapeMrkdwn(`${result.name} is already at ${result.after}`), LIMITS.fallbackText),
    blocks,
  };
}

/** Confirmation: before → after, value and probability (and a Move button for the next step). */
export function buildDealMovedMessage(result: MoveResult): SlackMessage {
  if (result.unchanged) return buildAlreadyAtMilestoneMessage(result);
  const name = escapeMrkdwn(result.name);
  const before = escapeMrkdwn(result.before || '—');
  const after = escapeMrkdwn(result.after);
  const headline = `✅ *${name}* moved: ${before} → *${after}*`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwnText(truncate(headline, LIMITS.text)) },
    buildDealFacts({ ...result, milestone: { mrkdwn: `${before} → ${after}` } }),
  ];
  const notes: string[] = [];
  if (result.defaultedTrack)
    notes.push('The deal has no track of its own: the default track’s milestones were used.');
  if (result.noteSaved) notes.push('The reason/note was saved on the deal.');
  if (notes.length > 0) blocks.push({ type: 'context', elements: [mrkdwnText(notes.join(' '))] });
  if (result.noteError && result.unsavedNote) {
    // The deal moved, its reason/note did not: why, and the text whole to add it again.
    const plan = planQuote(result.unsavedNote, 1);
    blocks.push(
      {
        type: 'section',
        text: mrkdwnText(
          `⚠️ The reason/note was *not* saved: ${escapeMrkdwn(truncate(result.noteError, 1000))}. Your text, to copy:`,
        ),
      },
      ...buildQuoteBlocks(plan.parts[0] ?? [], plan.style),
    );
  }
  blocks.push({ type: 'actions', elements: [buildMoveButton(result.dealId)] });
  const text = `${result.name} moved: ${result.before || '—'} → ${result.after}`;
  // The fallback text is mrkdwn too (and drives notifications): escaped like the blocks.
  return { text: truncate(escapeMrkdwn(text), LIMITS.fallbackText), blocks };
}

/** No deal named like that is on a track with that milestone: each of their tracks' milestones. */
export function buildNoMilestoneFitMessage(
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

const MAX_CHOICES = 10;

/** Several deals match the typed name: one button per deal (ACTION.dealDisambiguate). */
export function buildDealChoicesMessage(
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
        value: encodeDisambiguation({ dealId: d.id, milestone, ...(reason ? { reason } : {}) }),
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

/** Why a quick move did not happen (nothing was written): a refusal of ours, or the CRM's words. */
export type MoveFailure =
  | { kind: MoveErrorKind; message: string; validMilestones: string[] }
  | { kind: 'crm'; words: string; unknown?: boolean };

/** `typed`: the whole command, quoted back after a CRM failure so a typed reason is never lost. */
export function buildMoveFailedMessage(
  failure: MoveFailure,
  typedMilestone: string,
  typed?: string,
): SlackMessage {
  if (failure.kind === 'crm')
    return buildNotice(
      'error',
      `${failure.unknown ? 'The deal may have been moved' : 'Sorry, the deal was not moved'}: ${failure.words}`,
      typed ? `You typed: ${typed}` : undefined,
    );
  if (failure.kind === 'unknown_milestone') {
    return buildNotice(
      'error',
      `${failure.message} Valid milestones: ${failure.validMilestones.join(', ') || 'none'}.`,
      `You typed: ${typedMilestone}`,
    );
  }
  if (failure.kind === 'reason_required') {
    return buildNotice(
      'error',
      `${failure.message} Use the form (\`/crm move\`) or type \`/crm move <deal> to ${typedMilestone} because <reason>\`.`,
    );
  }
  return buildNotice('error', failure.message);
}

/** The same quick move sent again: the first one did it, nothing more was written. */
export function buildMoveRepeatedMessage(result: MoveResult): SlackMessage {
  if (result.unchanged) return buildAlreadyAtMilestoneMessage(result);
  return buildNotice(
    'info',
    `You already sent this move: ${result.name} was moved to ${result.after} once, a moment ago. Nothing more changed.`,
  );
}

/** The answer to `/crm move <deal> to <milestone>` (and to a "Move this one" click). */
export function buildQuickMoveMessage(outcome: QuickMoveOutcome): SlackMessage {
  switch (outcome.kind) {
    case 'no_deal':
      return buildNotice(
        'error',
        `No deal is named like “${outcome.typed}”. Check the name, use the deal id, or type \`/crm move\` to pick it from a list.`,
      );
    case 'no_fit':
      return buildNoMilestoneFitMessage(outcome.typed, outcome.milestone, outcome.tracks);
    case 'ambiguous':
      return buildDealChoicesMessage(
        outcome.typed,
        outcome.deals,
        outcome.milestone,
        outcome.reason,
        outcome.excluded,
      );
    case 'moved':
      return outcome.replayed
        ? buildMoveRepeatedMessage(outcome.result)
        : buildDealMovedMessage(outcome.result);
    case 'in_progress':
      return buildNotice('info', 'That same move is being saved right now: its confirmation follows.');
  }
}
