import { TZDate } from '@date-fns/tz';
import {
  type AgileClient,
  collect,
  type Deal,
  type DealInput,
  isAgileError,
  type Note,
  type Track,
} from '../../platform/agile/index.js';
import { type CachedSearch, createCachedSearch } from '../../platform/cached-search.js';
import { foldText } from '../contacts/ranking.js';
import { isLostMilestone, matchMilestone, trackOfDeal } from './milestones.js';

/** Agile's documented ceiling for expected_value. */
export const MAX_DEAL_VALUE = 1_000_000_000_000;

// ---------------------------------------------------------------- create

/** What the Create deal form holds, already read from Slack (no Slack types here). */
export interface DealDraft {
  name?: string;
  value?: number;
  probability?: number;
  trackId?: string;
  milestone?: string;
  /** `YYYY-MM-DD` from the datepicker. */
  closeDate?: string;
  /** IANA zone of the user (the close date is a day in their zone). */
  timeZone: string;
  contactIds: string[];
  description?: string;
  ownerId?: string;
}

/** Form fields a problem belongs to; the listener maps them to block ids. */
export type DealField =
  | 'name'
  | 'value'
  | 'probability'
  | 'track'
  | 'milestone'
  | 'closeDate'
  | 'contact'
  | 'owner'
  | 'description';

export type DealDraftCheck =
  | { ok: true; input: DealInput }
  | { ok: false; errors: Partial<Record<DealField, string>> };

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

/** Everything Agile would refuse, checked before any I/O so most errors never reach Agile. */
export function checkDealDraft(draft: DealDraft, tracks: readonly Track[]): DealDraftCheck {
  const errors: Partial<Record<DealField, string>> = {};
  const name = draft.name?.trim();
  if (!name) errors.name = 'Give the deal a name';
  if (draft.value === undefined || !Number.isFinite(draft.value)) errors.value = 'Enter the deal value';
  else if (draft.value < 0) errors.value = 'The value cannot be negative';
  else if (draft.value > MAX_DEAL_VALUE) errors.value = 'The CRM accepts values up to 1,000,000,000,000';
  if (
    draft.probability !== undefined &&
    (!Number.isInteger(draft.probability) || draft.probability < 0 || draft.probability > 100)
  ) {
    errors.probability = 'Probability is a whole number from 0 to 100';
  }
  const track = tracks.find((t) => t.id === draft.trackId);
  if (!track) errors.track = 'Pick a track';
  else if (!draft.milestone) errors.milestone = 'Pick a milestone';
  else if (!track.milestoneList.includes(draft.milestone)) {
    errors.milestone = `“${draft.milestone}” is not a milestone of ${track.name}: pick one from the list`;
  }
  let closeSec: number | undefined;
  if (draft.closeDate !== undefined) {
    closeSec = closeDateToEpochSec(draft.closeDate, draft.timeZone);
    if (closeSec === undefined) errors.closeDate = 'Pick a date';
  }
  if (Object.keys(errors).length > 0 || !track || !name || draft.value === undefined || !draft.milestone) {
    return { ok: false, errors };
  }
  const description = draft.description?.trim();
  return {
    ok: true,
    input: {
      name,
      expected_value: draft.value,
      milestone: draft.milestone,
      pipeline_id: track.id,
      ...(draft.probability !== undefined ? { probability: draft.probability } : {}),
      ...(closeSec !== undefined ? { close_date: closeSec } : {}),
      ...(draft.ownerId ? { owner_id: draft.ownerId } : {}),
      ...(description ? { description } : {}),
      ...(draft.contactIds.length > 0 ? { contact_ids: draft.contactIds } : {}),
    },
  };
}

/** Which form field an Agile refusal is about (its reason text names the field). */
export function dealFieldForError(err: unknown): DealField {
  const reason = isAgileError(err) ? `${err.reason ?? ''} ${err.message}` : '';
  // Field names first: "Invalid value for probability" is about the probability.
  if (/expected_value/i.test(reason)) return 'value';
  if (/probability/i.test(reason)) return 'probability';
  if (/milestone/i.test(reason)) return 'milestone';
  if (/track|pipeline/i.test(reason)) return 'track';
  if (/close_date|close date/i.test(reason)) return 'closeDate';
  if (/contact/i.test(reason)) return 'contact';
  if (/owner|domain user/i.test(reason)) return 'owner';
  if (/\bvalue\b/i.test(reason)) return 'value';
  return 'name';
}

// ---------------------------------------------------------------- move

export type MoveErrorKind =
  | 'deal_not_found'
  | 'no_track'
  | 'unknown_milestone'
  | 'reason_required'
  /** The modal refuses a move to the milestone the deal already has (the quick path answers unchanged). */
  | 'already_at_milestone';

/** The words for a move to the milestone the deal already has. */
export function alreadyAtMilestoneMessage(milestone: string): string {
  return `The deal is already at ${milestone} — pick another milestone`;
}

/** A move Agile should never see: the words are for the user, `validMilestones` for the list. */
export class MoveError extends Error {
  override readonly name = 'MoveError';
  constructor(
    readonly kind: MoveErrorKind,
    message: string,
    readonly validMilestones: string[] = [],
  ) {
    super(message);
  }
}

export interface MoveRequest {
  dealId: string;
  /** The track's exact name (modal) or what was typed (quick path: matched case-insensitively). */
  milestone: string;
  reason?: string;
  note?: string;
  /** "Moved from Slack by …" in the note. */
  actorName: string;
}

export interface MoveResult {
  dealId: string;
  name: string;
  before: string;
  after: string;
  trackName: string;
  /** The deal had no track: the default one was used. */
  defaultedTrack: boolean;
  value?: number;
  probability?: number;
  /** The deal already was at that milestone: nothing was written (no update, no note). */
  unchanged: boolean;
  noteId?: string;
  /** What the user typed as reason/note, not saved because nothing moved (quoted back to them). */
  unsavedNote?: string;
}

/** Reads the deal and its track (the default track when the deal names none). */
export async function loadDealWithTrack(
  agile: AgileClient,
  tracks: readonly Track[],
  dealId: string,
): Promise<{ deal: Deal; track: Track; defaulted: boolean }> {
  const deal = await agile.deals.get(dealId).catch((err: unknown) => {
    // A malformed id gives a 400/500 rather than 204: both mean "no such deal" to the user.
    if (isAgileError(err) && err.kind === 'invalid') return null;
    throw err;
  });
  if (!deal) throw new MoveError('deal_not_found', `There is no deal with id ${dealId}.`);
  const dt = trackOfDeal(deal, tracks);
  if (!dt) {
    throw new MoveError(
      'no_track',
      `The deal's track (id ${deal.pipeline_id ?? '—'}) no longer exists in the CRM; move it in Agile first.`,
    );
  }
  return { deal, track: dt.track, defaulted: dt.defaulted };
}

/** The note written with a move: the reason for a loss and/or the user's note, and who did it. */
export function moveNote(
  req: MoveRequest,
  before: string,
  after: string,
): { subject: string; description: string } | undefined {
  const reason = req.reason?.trim();
  const note = req.note?.trim();
  if (!reason && !note) return undefined;
  const parts = [
    reason ? `Reason: ${reason}` : undefined,
    note,
    `Moved from ${before || '—'} to ${after} from Slack by ${req.actorName}.`,
  ].filter(Boolean);
  return {
    subject: reason ? `Moved to ${after}: reason` : `Moved to ${after}`,
    description: parts.join('\n\n'),
  };
}

/**
 * Moves a deal to a milestone of its own track. Only the milestone changes (partial update: value,
 * probability, contacts untouched). A lost milestone needs a reason, which is written as a deal note.
 */
export async function moveDeal(
  agile: AgileClient,
  tracks: readonly Track[],
  req: MoveRequest,
): Promise<MoveResult> {
  const { deal, track, defaulted } = await loadDealWithTrack(agile, tracks, req.dealId);
  const target = matchMilestone(track, req.milestone);
  if (!target) {
    throw new MoveError(
      'unknown_milestone',
      `“${req.milestone}” is not a milestone of the ${track.name} track.`,
      track.milestoneList,
    );
  }
  if (isLostMilestone(track, target) && !req.reason?.trim()) {
    throw new MoveError('reason_required', `Moving to ${target} needs a reason.`, track.milestoneList);
  }
  const before = deal.milestone ?? '';
  if (before === target) {
    // Nothing moves, so nothing is written: a "Moved from Prospect to Prospect" note would be untrue.
    const typed = [req.reason?.trim(), req.note?.trim()].filter(Boolean).join('\n\n');
    return {
      dealId: deal.id,
      name: deal.name,
      before,
      after: target,
      trackName: track.name,
      defaultedTrack: defaulted,
      value: deal.expected_value,
      probability: deal.probability,
      unchanged: true,
      ...(typed ? { unsavedNote: typed } : {}),
    };
  }
  const after = await agile.deals.updatePartial(deal.id, { milestone: target });
  const text = moveNote(req, before, target);
  let note: Note | undefined;
  if (text) note = await agile.notes.createForDeal({ ...text, dealIds: [deal.id] });
  return {
    dealId: deal.id,
    name: after.name || deal.name,
    before,
    after: after.milestone ?? target,
    trackName: track.name,
    defaultedTrack: defaulted,
    value: after.expected_value ?? deal.expected_value,
    probability: after.probability ?? deal.probability,
    unchanged: false,
    noteId: note?.id,
  };
}

// ---------------------------------------------------------------- finding deals

/** A deal as the picker and the quick path see it. */
export interface DealSummary {
  id: string;
  name: string;
  milestone?: string;
  value?: number;
  ownerId?: string;
  /** The deal's pipeline_id ('0' when it names none: the default track); absent when unknown. */
  trackId?: string;
  /** Last update (else creation), epoch seconds: "recently touched" ordering. */
  touchedSec: number;
}

function epochSecOf(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

export function toDealSummary(d: Deal): DealSummary {
  const raw = d as Record<string, unknown>;
  return {
    id: d.id,
    name: d.name || `Deal ${d.id}`,
    milestone: d.milestone,
    value: d.expected_value,
    ownerId: d.owner_id ?? d.owner?.id,
    trackId: d.pipeline_id || '0',
    touchedSec: epochSecOf(raw.updated_time) || epochSecOf(d.created_time),
  };
}

export interface DealRanking {
  /** The actor's Agile user id: their deals come first. */
  ownerId?: string;
  /** Deals this user touched through the bot, most recent first. */
  recentIds?: readonly string[];
}

/**
 * Deals whose name holds every typed word (case- and accent-folded), best first: exact name,
 * then name start, then the user's recent and own deals, then the most recently updated.
 */
export function rankDeals(
  query: string,
  deals: readonly DealSummary[],
  ranking: DealRanking = {},
): DealSummary[] {
  const q = foldText(query);
  const words = q.split(' ').filter(Boolean);
  const recent = ranking.recentIds ?? [];
  const scored = deals
    .map((d) => ({ d, name: foldText(d.name) }))
    .filter(({ d, name }) => words.every((w) => name.includes(w)) || d.id === query.trim())
    .map(({ d, name }) => {
      const r = recent.indexOf(d.id);
      return {
        d,
        score: [
          name === q || d.id === query.trim() ? 0 : 1,
          q !== '' && name.startsWith(q) ? 0 : 1,
          r === -1 ? recent.length : r,
          ranking.ownerId && d.ownerId === ranking.ownerId ? 0 : 1,
          -d.touchedSec,
        ],
      };
    });
  scored.sort((a, b) => {
    for (let i = 0; i < a.score.length; i++) {
      const diff = (a.score[i] ?? 0) - (b.score[i] ?? 0);
      if (diff !== 0) return diff;
    }
    return a.d.name.localeCompare(b.d.name);
  });
  return scored.map((s) => s.d);
}

/** Deals named like `name` for the quick path: exact (case-insensitive) matches if any, else those containing it. */
export function matchDealsByName(name: string, deals: readonly DealSummary[]): DealSummary[] {
  const q = foldText(name);
  const exact = deals.filter((d) => foldText(d.name) === q);
  if (exact.length > 0) return exact;
  return deals.filter((d) => foldText(d.name).includes(q));
}

/** What the quick path can do with the deals named like the typed name, given the typed milestone. */
export type MilestoneFit =
  /** These deals' tracks have the milestone (or their track is unknown: the move re-checks). */
  | { kind: 'fit'; deals: DealSummary[] }
  /** None of them can go there: the milestones of each of their tracks, for the answer. */
  | { kind: 'none'; tracks: { name: string; milestones: string[] }[] };

/**
 * Keeps the matching deals that can move to `milestone` (matched case-insensitively against each
 * deal's own track), so an ambiguous name never offers a deal whose click can only fail.
 */
export function fitMilestone(
  deals: readonly DealSummary[],
  tracks: readonly Track[],
  milestone: string,
): MilestoneFit {
  const fit: DealSummary[] = [];
  const seen = new Map<string, Track>();
  for (const d of deals) {
    if (d.trackId === undefined) {
      fit.push(d);
      continue;
    }
    const dt = trackOfDeal({ pipeline_id: d.trackId }, tracks);
    if (!dt) continue; // its track is gone: the move could only fail
    seen.set(dt.track.id, dt.track);
    if (matchMilestone(dt.track, milestone)) fit.push(d);
  }
  if (fit.length > 0) return { kind: 'fit', deals: fit };
  return {
    kind: 'none',
    tracks: [...seen.values()].map((t) => ({ name: t.name, milestones: [...t.milestoneList] })),
  };
}

export interface DealDirectory {
  /** Picker options: ranked within budgetMs, answered from the cache when the CRM is slow. */
  searchWithin(
    query: string,
    budgetMs: number,
    /** Read after the list arrives, so a lookup running alongside (the user's owner id) can still count. */
    ranking?: DealRanking | (() => DealRanking),
  ): Promise<{ deals: DealSummary[]; complete: boolean }>;
  /** All deals, fetched now (the quick path has time; a stale list would miss a new deal). */
  fresh(): Promise<DealSummary[]>;
  /** Warm the cache (a modal with a deal picker just opened). */
  prefetch(): void;
  /** Tracks with their milestones (cached a minute). */
  tracks(): Promise<Track[]>;
  /** A user moved or created this deal through the bot: it comes first for them, with its new milestone. */
  touched(userId: string, deal: Pick<DealSummary, 'id'> & Partial<DealSummary>): void;
  recentFor(userId: string): string[];
}

const ALL_KEY = 'all';
/** 5 × 200 deals: enough for a picker; the user's own deals are fetched separately so they are never cut. */
const MAX_PAGES = 5;
const RECENT_PER_USER = 20;
const OVERLAY_TTL_MS = 60_000;

export function createDealDirectory(agile: AgileClient, now: () => Date = () => new Date()): DealDirectory {
  // What the bot itself just changed, laid over the cached list until the cache is refreshed anyway.
  const overlay = new Map<string, { at: number; data: Partial<DealSummary> }>();
  const recent = new Map<string, string[]>();
  const fetchAll = async (): Promise<DealSummary[]> => {
    const [pages, mine] = await Promise.all([
      collect(agile.deals.iterate({ maxPages: MAX_PAGES })),
      agile.deals.mine().catch(() => [] as Deal[]),
    ]);
    const byId = new Map<string, DealSummary>();
    for (const d of [...pages, ...mine]) byId.set(d.id, toDealSummary(d));
    return [...byId.values()];
  };
  const cached: CachedSearch<DealSummary> = createCachedSearch<DealSummary>({
    keyOf: () => ALL_KEY,
    now,
    fetch: fetchAll,
  });
  const withOverlay = (deals: DealSummary[]): DealSummary[] => {
    const t = now().getTime();
    for (const [id, o] of overlay) if (t - o.at > OVERLAY_TTL_MS) overlay.delete(id);
    if (overlay.size === 0) return deals;
    const ids = new Set(deals.map((d) => d.id));
    const merged = deals.map((d) => ({ ...d, ...overlay.get(d.id)?.data }));
    for (const [id, { data }] of overlay) {
      if (!ids.has(id) && data.name) merged.push({ id, name: data.name, touchedSec: 0, ...data });
    }
    return merged;
  };
  let trackCache: { at: number; tracks: Promise<Track[]> } | undefined;

  return {
    async searchWithin(query, budgetMs, ranking = {}) {
      const { items, complete } = await cached.searchWithin(ALL_KEY, budgetMs);
      const r = typeof ranking === 'function' ? ranking() : ranking;
      return { deals: rankDeals(query, withOverlay(items), r), complete };
    },
    fresh: async () => withOverlay(await fetchAll()),
    prefetch: () => cached.prefetch(ALL_KEY),
    tracks() {
      const t = now().getTime();
      if (!trackCache || t - trackCache.at > 60_000) {
        const tracks = agile.tracks.list();
        trackCache = { at: t, tracks };
        tracks.catch(() => {
          if (trackCache?.tracks === tracks) trackCache = undefined;
        });
      }
      return trackCache.tracks;
    },
    touched(userId, deal) {
      const t = now().getTime();
      const data = { ...overlay.get(deal.id)?.data, ...deal, touchedSec: Math.floor(t / 1000) };
      overlay.set(deal.id, { at: t, data });
      const list = [deal.id, ...(recent.get(userId) ?? []).filter((id) => id !== deal.id)];
      recent.set(userId, list.slice(0, RECENT_PER_USER));
    },
    recentFor: (userId) => recent.get(userId) ?? [],
  };
}

/**
 * One directory per Agile client (the picker's cache must outlive a request). Kept here rather than in
 * Deps so the deal features stay in their own files.
 */
const directories = new WeakMap<AgileClient, DealDirectory>();
export function dealDirectoryFor(agile: AgileClient, now?: () => Date): DealDirectory {
  let dir = directories.get(agile);
  if (!dir) {
    dir = createDealDirectory(agile, now);
    directories.set(agile, dir);
  }
  return dir;
}
