import type { Deal, Track } from '../../platform/agile/index.js';
import { foldText } from '../contacts/ranking.js';
import { matchMilestone, trackOfDeal } from './milestones.js';

/** Deals as the picker and the quick path see them, and how they are found by name (pure). */

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
