import type { ViewStateValue } from '@slack/bolt';
import { z } from 'zod';
import { isAgileError } from '../../platform/agile/index.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import { readState } from '../../platform/slack/view-state.js';
import { decodeMilestoneValue } from '../pipeline/views.js';
import type { DealDraft, TrackChoice } from './use-case.js';

// ---------------------------------------------------------------- private_metadata

/**
 * The Create deal modal's context: where to confirm, the user's zone (close date), and the tracks
 * with their milestones so a submission is validated with no I/O. Tracks travel as compact
 * `[id, name, milestones]` tuples for Slack's 3,000 characters, and are dropped if still too long
 * (the submission then reads them from the cached directory).
 */
const dealMetadataSchema = z.object({
  channel: z.string().optional(),
  timeZone: z.string().optional(),
  tracks: z.array(z.tuple([z.string(), z.string(), z.array(z.string())])).optional(),
});

export interface DealMetadata {
  channel?: string;
  timeZone?: string;
  tracks?: TrackChoice[];
}

export function encodeDealMetadata(meta: DealMetadata): string {
  const { tracks, ...rest } = meta;
  try {
    return encodeMetadata({ ...rest, tracks: tracks?.map((t) => [t.id, t.name, t.milestones]) });
  } catch {
    return encodeMetadata(rest);
  }
}

export function decodeDealMetadata(raw: string | undefined): DealMetadata {
  const meta = decodeMetadata(raw, dealMetadataSchema) ?? {};
  const { tracks, ...rest } = meta;
  return tracks
    ? { ...rest, tracks: tracks.map(([id, name, milestones]) => ({ id, name, milestones })) }
    : rest;
}

// ---------------------------------------------------------------- the form

/** What the form shows as typed/selected, keyed by BLOCK's keys: from defaults on open, from view.state after. */
export interface DealFormValues {
  dealName?: string;
  /** Kept as typed (number_input values are strings). */
  value?: string;
  probability?: string;
  /** The track id. */
  track?: string;
  milestone?: string;
  /** `YYYY-MM-DD` from the datepicker. */
  closeDate?: string;
  contact: { id: string; name: string }[];
  description?: string;
  /** The owner's Agile user id. */
  owner?: string;
}

type StateValues = Record<string, Record<string, ViewStateValue>> | undefined;

/** Everything typed/selected (a rebuild must keep all of it), milestone names decoded. */
export function readDealForm(values: StateValues, tracks: readonly TrackChoice[]): DealFormValues {
  const s = readState(values);
  const trackId = s.selected(BLOCK.track, ACTION.trackSelect)?.value;
  const track = tracks.find((t) => t.id === trackId);
  const rawMilestone = s.selected(BLOCK.milestone, ACTION.milestoneSelect)?.value;
  return {
    dealName: s.text(BLOCK.dealName, ACTION.dealName),
    value: s.text(BLOCK.value, ACTION.dealValue)?.trim(),
    probability: s.text(BLOCK.probability, ACTION.probability)?.trim(),
    track: trackId,
    milestone: track ? decodeMilestoneValue(rawMilestone, track.milestones) : rawMilestone,
    closeDate: s.date(BLOCK.closeDate, ACTION.closeDate),
    contact: s.selectedMany(BLOCK.contact, ACTION.contactPicker).map((o) => ({ id: o.value, name: o.text })),
    description: s.text(BLOCK.description, ACTION.description),
    owner: s.selected(BLOCK.owner, ACTION.ownerSelect)?.value,
  };
}

/** Agile's documented ceiling for expected_value. */
export const MAX_DEAL_VALUE = 1_000_000_000_000;

const PROBABILITY = 'Probability is a whole number from 0 to 100';
const VALUE = 'Enter the deal value';

/** Form text → number; anything else is left for z.number() to refuse. */
const numberText = (message: string) =>
  z
    .string({ error: message })
    .transform(Number)
    .pipe(z.number({ error: message }));

/**
 * Everything Agile would refuse, checked before any I/O so most errors never reach Agile. The keys
 * are BLOCK's keys (parseForm puts each issue under its input); the output is the deal draft.
 */
export function dealFormSchema(tracks: readonly TrackChoice[]) {
  return z
    .object({
      dealName: z.string({ error: 'Give the deal a name' }).trim().min(1, 'Give the deal a name'),
      value: numberText(VALUE).pipe(
        z
          .number()
          .min(0, 'The value cannot be negative')
          .max(MAX_DEAL_VALUE, 'The CRM accepts values up to 1,000,000,000,000'),
      ),
      probability: numberText(PROBABILITY)
        .pipe(z.number().int(PROBABILITY).min(0, PROBABILITY).max(100, PROBABILITY))
        .optional(),
      track: z.string().optional(),
      milestone: z.string().optional(),
      closeDate: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date')
        .optional(),
      contact: z.array(z.object({ id: z.string() })).default([]),
      description: z.string().trim().optional(),
      owner: z.string().optional(),
    })
    .superRefine(
      (form, ctx) => {
        const track = tracks.find((t) => t.id === form.track);
        if (!track) ctx.addIssue({ code: 'custom', path: ['track'], message: 'Pick a track' });
        else if (!form.milestone)
          ctx.addIssue({ code: 'custom', path: ['milestone'], message: 'Pick a milestone' });
        else if (!track.milestones.includes(form.milestone)) {
          ctx.addIssue({
            code: 'custom',
            path: ['milestone'],
            message: `“${form.milestone}” is not a milestone of ${track.name}: pick one from the list`,
          });
        }
      },
      // The track and milestone are judged even when another input already failed.
      { when: () => true },
    )
    .transform(
      (form): DealDraft => ({
        name: form.dealName,
        value: form.value,
        probability: form.probability,
        track: tracks.find((t) => t.id === form.track) as TrackChoice,
        milestone: form.milestone as string,
        closeDate: form.closeDate,
        contactIds: form.contact.map((c) => c.id),
        description: form.description || undefined,
        ownerId: form.owner,
      }),
    );
}

/** Which input an Agile refusal is about (its reason text names the field). */
export function dealErrorBlock(err: unknown): string {
  const reason = isAgileError(err) ? `${err.reason ?? ''} ${err.message}` : '';
  // Field names first: "Invalid value for probability" is about the probability.
  if (/expected_value/i.test(reason)) return BLOCK.value;
  if (/probability/i.test(reason)) return BLOCK.probability;
  if (/milestone/i.test(reason)) return BLOCK.milestone;
  if (/track|pipeline/i.test(reason)) return BLOCK.track;
  if (/close_date|close date/i.test(reason)) return BLOCK.closeDate;
  if (/contact/i.test(reason)) return BLOCK.contact;
  if (/owner|domain user/i.test(reason)) return BLOCK.owner;
  if (/\bvalue\b/i.test(reason)) return BLOCK.value;
  return BLOCK.dealName;
}
