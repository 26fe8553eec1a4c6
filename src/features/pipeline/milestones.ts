import type { Deal, Track } from '../../platform/agile/index.js';

/**
 * Milestone rules (pure). Agile's milestone names are case-sensitive ("won" hides a deal from the
 * milestone view), so everything we send is one of the track's own names, never what was typed.
 */

/** A deal's track, and whether we fell back to the default because the deal names none. */
export interface DealTrack {
  track: Track;
  /** The deal has no pipeline_id (or 0): Agile files it under the default track. */
  defaulted: boolean;
}

/**
 * The default track: Agile calls it "Default" (and answers pipeline_id 0 with it); a renamed one is
 * the first the API lists, which is what the simulator does too.
 */
export function defaultTrack(tracks: readonly Track[]): Track | undefined {
  return tracks.find((t) => t.name === 'Default') ?? tracks[0];
}

export function trackOfDeal(
  deal: Pick<Deal, 'pipeline_id'>,
  tracks: readonly Track[],
): DealTrack | undefined {
  const id = deal.pipeline_id;
  if (id && id !== '0') {
    const track = tracks.find((t) => t.id === id);
    return track ? { track, defaulted: false } : undefined;
  }
  const track = defaultTrack(tracks);
  return track ? { track, defaulted: true } : undefined;
}

/** The track's own spelling of what a user typed ("won" → "Won"), or undefined. */
export function matchMilestone(track: Pick<Track, 'milestoneList'>, typed: string): string | undefined {
  const wanted = typed.trim();
  const exact = track.milestoneList.find((m) => m === wanted);
  if (exact) return exact;
  const folded = wanted.toLocaleLowerCase();
  return track.milestoneList.find((m) => m.toLocaleLowerCase() === folded);
}

const LOST_NAME = /lost|churn/i;

/**
 * Whether moving here means the deal is lost. Agile's track objects may carry `lost_milestone` (the
 * reference does not document it, the web app sets it); without it, the name decides ("Lost", "Churned").
 */
export function isLostMilestone(track: Track, milestone: string): boolean {
  const marked = (track as Record<string, unknown>).lost_milestone;
  if (typeof marked === 'string' && marked.trim() !== '') return marked.trim() === milestone;
  return LOST_NAME.test(milestone);
}

const WON_NAME = /\bwon\b|\brenewed\b/i;

/** Whether this milestone means the deal is won: the track's `won_milestone` when it has one, else the name. */
export function isWonMilestone(track: Track | undefined, milestone: string): boolean {
  const marked = (track as Record<string, unknown> | undefined)?.won_milestone;
  if (typeof marked === 'string' && marked.trim() !== '') return marked.trim() === milestone;
  return WON_NAME.test(milestone);
}
