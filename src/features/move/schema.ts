import type { ViewStateValue } from '@slack/bolt';
import { z } from 'zod';
import type { Track } from '../../platform/agile/index.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import { LIMITS } from '../../platform/slack/mrkdwn.js';
import { readState } from '../../platform/slack/view-state.js';
import type { DealSummary } from '../pipeline/deal-search.js';
import { isLostMilestone } from '../pipeline/milestones.js';
import { decodeMilestoneValue } from '../pipeline/views.js';
import { alreadyAtMilestoneMessage } from './move-deal.js';
import type { MoveModalData } from './views.js';

// ---------------------------------------------------------------- private_metadata

/**
 * The Move modal's context: where to confirm, and the picked deal with its track's milestones (exact
 * names) and which of them mean lost, so a submission is validated with no I/O.
 */
const moveMetadataSchema = z.object({
  channel: z.string().optional(),
  /** Opened from App Home: the Home tab is re-published after the move. */
  home: z.boolean().optional(),
  dealId: z.string().optional(),
  dealName: z.string().optional(),
  /** The deal's milestone when the modal was filled. */
  current: z.string().optional(),
  value: z.number().optional(),
  trackName: z.string().optional(),
  defaultedTrack: z.boolean().optional(),
  milestones: z.array(z.string()).optional(),
  lost: z.array(z.string()).optional(),
});
export type MoveMetadata = z.output<typeof moveMetadataSchema>;

export function decodeMoveMetadata(raw: string | undefined): MoveMetadata {
  return decodeMetadata(raw, moveMetadataSchema) ?? {};
}

/** Slack caps private_metadata at 3,000 characters: long names give way first, then the milestone list (the submission re-checks against Agile). */
export function encodeMoveMetadata(meta: MoveMetadata): string {
  const attempts: MoveMetadata[] = [
    meta,
    { ...meta, dealName: meta.dealName?.slice(0, 150), trackName: meta.trackName?.slice(0, 100) },
    {
      channel: meta.channel,
      home: meta.home,
      dealId: meta.dealId,
      current: meta.current?.slice(0, 100),
      lost: meta.lost?.slice(0, 5),
    },
    { channel: meta.channel, home: meta.home, dealId: meta.dealId },
  ];
  for (const m of attempts) {
    try {
      return encodeMetadata(m);
    } catch {
      // try a smaller one
    }
  }
  return encodeMetadata({ channel: meta.channel, home: meta.home });
}

// ---------------------------------------------------------------- the form

/** What the Move form holds, keyed by BLOCK's keys; the milestone name decoded. */
export interface MoveFormValues {
  /** The picked deal's id. */
  deal?: string;
  milestone?: string;
  reason?: string;
  note?: string;
}

type StateValues = Record<string, Record<string, ViewStateValue>> | undefined;

export function readMoveForm(values: StateValues, milestones: readonly string[] | undefined): MoveFormValues {
  const s = readState(values);
  const raw = s.selected(BLOCK.milestone, ACTION.milestoneSelect)?.value;
  return {
    deal: s.selected(BLOCK.deal, ACTION.dealPicker)?.value,
    milestone: milestones ? decodeMilestoneValue(raw, milestones) : raw,
    reason: s.text(BLOCK.reason, ACTION.reason)?.trim(),
    note: s.text(BLOCK.note, ACTION.noteInput)?.trim(),
  };
}

/**
 * One question at a time, in the order the user fills the form (a later input may not be shown
 * yet): the deal, its milestones loaded, one of them, not the current one, a reason when lost.
 */
export function moveFormSchema(meta: MoveMetadata, hasMilestoneInput: boolean) {
  return z
    .object({
      deal: z.string().optional(),
      milestone: z.string().optional(),
      reason: z.string().optional(),
      note: z.string().optional(),
    })
    .superRefine((form, ctx) => {
      const refuse = (path: 'deal' | 'milestone' | 'reason', message: string) =>
        ctx.addIssue({ code: 'custom', path: [path], message });
      const { deal, milestone, reason } = form;
      if (!deal) return refuse('deal', 'Pick a deal');
      // The deal changed but its milestones have not arrived yet (or could not be read).
      if (deal !== meta.dealId || !hasMilestoneInput) {
        return refuse('deal', 'Wait a moment for this deal’s milestones to load, then pick one');
      }
      if (!milestone || (meta.milestones && !meta.milestones.includes(milestone))) {
        return refuse('milestone', 'Pick one of this deal’s milestones');
      }
      // Nothing would move: say so under the milestone and keep the modal (and what was typed) open.
      if (meta.current !== undefined && milestone === meta.current) {
        return refuse('milestone', alreadyAtMilestoneMessage(milestone));
      }
      if (meta.lost?.includes(milestone) && !reason) {
        refuse('reason', `Say why the deal is ${milestone.toLowerCase()}: it is saved on the deal as a note`);
      }
    })
    .transform((form) => ({
      dealId: form.deal as string,
      milestone: form.milestone as string,
      reason: form.reason,
      note: form.note,
    }));
}

// ---------------------------------------------------------------- disambiguation buttons

/**
 * What a "Move this one" button carries. One-letter keys: buttons already posted in Slack carry this
 * shape, and a button value is capped at 2,000 characters.
 */
const disambiguationSchema = z.object({ d: z.string(), m: z.string(), r: z.string().optional() });

export interface DealChoice {
  dealId: string;
  milestone: string;
  reason?: string;
}

export function encodeDisambiguation(v: DealChoice): string {
  const base = JSON.stringify({ d: v.dealId, m: v.milestone });
  if (!v.reason) return base;
  // The reason gives way, never the ids.
  const room = LIMITS.buttonValue - base.length - 16;
  let r = v.reason.slice(0, Math.max(room, 0));
  while (JSON.stringify({ d: v.dealId, m: v.milestone, r }).length > LIMITS.buttonValue) r = r.slice(0, -10);
  return JSON.stringify({ d: v.dealId, m: v.milestone, r });
}

export function decodeDisambiguation(raw: string | undefined): DealChoice | undefined {
  const v = decodeMetadata(raw, disambiguationSchema);
  if (!v) return undefined;
  return { dealId: v.d, milestone: v.m, ...(v.r !== undefined ? { reason: v.r } : {}) };
}

// ---------------------------------------------------------------- metadata ⇄ form

/** The metadata for a picked deal: its track's milestones, exactly as Agile spells them, and the lost ones. */
export function moveMetadataFor(
  channel: string | undefined,
  target: { deal: DealSummary; track: Track; defaulted: boolean },
): MoveMetadata {
  const { deal, track, defaulted } = target;
  return {
    channel,
    dealId: deal.id,
    dealName: deal.name,
    current: deal.milestone,
    value: deal.value,
    trackName: track.name,
    defaultedTrack: defaulted,
    milestones: track.milestoneList,
    lost: track.milestoneList.filter((m) => isLostMilestone(track, m)),
  };
}

/** The form's deal and track from metadata alone (a failed slow save: no CRM call needed). */
export function moveModalFromMetadata(meta: MoveMetadata): Pick<MoveModalData, 'deal' | 'track'> {
  if (!meta.dealId) return {};
  const deal = {
    id: meta.dealId,
    name: meta.dealName ?? `Deal ${meta.dealId}`,
    milestone: meta.current,
    value: meta.value,
  };
  if (!meta.milestones) return { deal };
  return {
    deal,
    track: {
      name: meta.trackName ?? '',
      milestones: meta.milestones,
      defaulted: meta.defaultedTrack ?? false,
    },
  };
}
