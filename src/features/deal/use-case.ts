import { TZDate } from '@date-fns/tz';
import type { Deps } from '../../app/deps.js';
import type { DealInput, Track } from '../../platform/agile/index.js';
import { audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import type { OwnerChoice } from '../../platform/slack/modal-parts.js';
import { LIMITS } from '../../platform/slack/mrkdwn.js';
import { type OnceOutcome, onceKey, runOnce } from '../../platform/store/run-once.js';
import { agileEmailFor } from '../../platform/workspace/identity.js';
import { type ContactChoice, toChoice } from '../contacts/contact-search.js';
import { dealLanded } from './landed.js';

export interface TrackChoice {
  id: string;
  name: string;
  milestones: string[];
}

/** A validated Create deal form (see schema.ts), before it becomes Agile's input. */
export interface DealDraft {
  name: string;
  value: number;
  probability?: number;
  track: TrackChoice;
  milestone: string;
  /** `YYYY-MM-DD` from the datepicker. */
  closeDate?: string;
  contactIds: string[];
  description?: string;
  ownerId?: string;
}

export interface CreatedDeal {
  id: string;
  name: string;
  trackName: string;
  milestone: string;
  value?: number;
  probability?: number;
}

export function toTrackChoices(tracks: readonly Track[]): TrackChoice[] {
  return tracks.map((t) => ({ id: t.id, name: t.name, milestones: t.milestoneList }));
}

/** Tracks for a submission or a rebuild: from the modal's metadata (no I/O), else the cached directory. */
export async function dealTracks(
  deps: Pick<Deps, 'deals'>,
  fromMetadata: TrackChoice[] | undefined,
): Promise<TrackChoice[]> {
  return fromMetadata ?? toTrackChoices(await deps.deals.tracks());
}

export async function ownerChoices(deps: Pick<Deps, 'owners'>): Promise<OwnerChoice[]> {
  const users = await deps.owners.list();
  return users
    .filter((u) => !u.is_disabled)
    .map((u) => ({ id: u.id, name: u.name || u.email || u.id, email: u.email }))
    .slice(0, LIMITS.selectOptions);
}

export interface DealFormData {
  tracks: TrackChoice[];
  owners: OwnerChoice[];
  /** The user's zone: the close date is a day in it. */
  timeZone?: string;
  defaults: { track?: string; milestone?: string; contact: ContactChoice[]; owner?: string };
}

/**
 * What the Create deal form needs: tracks, owners, and the defaults (first track and milestone, the
 * contact it was opened from, the Slack user's Agile account as owner, else the API user).
 */
export async function loadDealForm(
  deps: Pick<Deps, 'deals' | 'owners' | 'slackUsers' | 'agile' | 'store' | 'teamId' | 'connection'>,
  req: { userId: string; contactId?: string },
): Promise<DealFormData> {
  const [tracks, owners, profile, contact] = await Promise.all([
    deps.deals.tracks(),
    // Without the CRM's users the form still opens, with no Owner input (Agile assigns the API user).
    ownerChoices(deps).catch(() => []),
    deps.slackUsers.profile(req.userId),
    req.contactId ? deps.agile.contacts.get(req.contactId).catch(() => null) : Promise.resolve(null),
  ]);
  const owner = await deps.owners.defaultFor(
    await agileEmailFor(deps, req.userId).catch(() => profile.email),
  );
  const choices = toTrackChoices(tracks);
  const first = choices[0];
  return {
    tracks: choices,
    owners,
    timeZone: profile.timeZone,
    defaults: {
      track: first?.id,
      milestone: first?.milestones[0],
      contact: contact ? [toChoice(contact)] : [],
      owner: owner?.id,
    },
  };
}

/**
 * The close date is sent as epoch seconds at NOON of the picked day in the user's zone: Agile shows it
 * as a date in each viewer's zone, and noon stays on the same calendar day for every zone within ±12 h
 * (midnight would show as the day before for anyone west of the user).
 */
export function closeDateToEpochSec(date: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const local = new TZDate(y, mo - 1, d, 12, 0, 0, timeZone);
  return Math.floor(local.getTime() / 1000);
}

/** A deal created without a close date closes this many days from now (Agile requires one). */
export const DEFAULT_CLOSE_DAYS = 30;

/** `YYYY-MM-DD` of the day `days` after `nowMs` in `timeZone`. */
function dayAfter(nowMs: number, days: number, timeZone: string): string {
  const local = new TZDate(nowMs + days * 86_400_000, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/**
 * The reference's deal field table marks close_date ("Yes", epoch time) and owner_id ("Yes", the id of
 * the user) mandatory: the close date defaults to DEFAULT_CLOSE_DAYS from now; the owner is filled in
 * by createDeal (the acting user's Agile user, else the API user).
 */
export function toDealInput(draft: DealDraft, timeZone: string, nowMs: number = Date.now()): DealInput {
  const closeDate = draft.closeDate ?? dayAfter(nowMs, DEFAULT_CLOSE_DAYS, timeZone);
  const closeSec = closeDateToEpochSec(closeDate, timeZone);
  return {
    name: draft.name,
    expected_value: draft.value,
    milestone: draft.milestone,
    pipeline_id: draft.track.id,
    ...(draft.probability !== undefined ? { probability: draft.probability } : {}),
    ...(closeSec !== undefined ? { close_date: closeSec } : {}),
    ...(draft.ownerId ? { owner_id: draft.ownerId } : {}),
    ...(draft.description ? { description: draft.description } : {}),
    ...(draft.contactIds.length > 0 ? { contact_ids: draft.contactIds } : {}),
  };
}

/**
 * Creates the deal once per modal (a double submission or a retried delivery gets the first answer),
 * then puts it first in the user's deal picker until Agile's listing shows it.
 */
export function createDeal(
  deps: Pick<Deps, 'agile' | 'store' | 'deals' | 'audit' | 'owners' | 'slackUsers' | 'teamId' | 'connection'>,
  actor: Actor,
  req: { viewId: string; draft: DealDraft; timeZone: string },
): Promise<OnceOutcome<CreatedDeal>> {
  return runOnce(deps.store, onceKey('deal.create', actor.teamId, req.viewId), async (attempt) => {
    const input = toDealInput(req.draft, req.timeZone);
    if (input.owner_id === undefined) {
      // Mandatory per the field table; a form opened without owners (none could be read) has no choice.
      const owner = await defaultOwner(deps, actor.userId);
      if (owner) input.owner_id = owner;
    }
    const deal = await audited(
      deps.audit,
      {
        action: 'deal.create',
        actor,
        summary: `${input.name} (${req.draft.track.name}: ${input.milestone})`,
        ids: req.draft.contactIds.length > 0 ? { contactIds: req.draft.contactIds } : {},
        written: (d) => ({ recordIds: { dealId: d.id } }),
      },
      // An earlier create got no answer: if it landed, that deal is the answer (never a second deal).
      async () =>
        (attempt.afterUnknown ? await dealLanded(deps.agile, input) : null) ?? deps.agile.deals.create(input),
    );
    const created: CreatedDeal = {
      id: deal.id,
      name: deal.name || input.name,
      trackName: req.draft.track.name,
      milestone: deal.milestone ?? input.milestone,
      value: deal.expected_value ?? input.expected_value,
      probability: deal.probability ?? input.probability,
    };
    deps.deals.touched(actor.userId, {
      id: created.id,
      name: created.name,
      milestone: created.milestone,
      value: created.value,
    });
    return created;
  });
}

/** The acting user's Agile user (same email as their Slack profile), else the API user; undefined if unknown. */
async function defaultOwner(
  deps: Pick<Deps, 'owners' | 'slackUsers' | 'store' | 'teamId' | 'connection'>,
  userId: string,
) {
  try {
    return (await deps.owners.defaultFor(await agileEmailFor(deps, userId)))?.id;
  } catch {
    return undefined; // Agile then makes the API user the owner
  }
}

export type { Actor };
