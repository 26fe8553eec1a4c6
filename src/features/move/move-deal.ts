import {
  type AgileClient,
  type Deal,
  isAgileError,
  isOutcomeUnknown,
  type Track,
} from '../../platform/agile/index.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import type { OnceAttempt } from '../../platform/store/run-once.js';
import { isLostMilestone, matchMilestone, trackOfDeal } from '../pipeline/milestones.js';
import { moveLanded, moveNoteLanded } from './landed.js';

/** Moving one deal to a milestone of its own track (the write both the modal and the quick path make). */

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
  /** A reason/note was written on the deal (Agile's answer is the deal, so there is no note id). */
  noteSaved?: boolean;
  /** The note this move wrote, as sent: its Undo finds it among the deal's notes to delete it. */
  note?: { subject: string; description: string };
  /** What the user typed as reason/note, not saved (nothing moved, or the CRM refused the note): quoted back. */
  unsavedNote?: string;
  /** The deal moved but the CRM refused its reason/note: why, in words (the text is `unsavedNote`). */
  noteError?: string;
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
  attempt: OnceAttempt = { afterUnknown: false },
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
  if (attempt.afterUnknown && moveLanded(deal, target)) {
    // The earlier move got no answer but landed: only its note may still be missing.
    // Where it came from is no longer known ("Moved from — to Won").
    const text = moveNote(req, '', target);
    if (text && !(await moveNoteLanded(agile, deal.id, req, text.subject)))
      await agile.notes.createForDeal({ ...text, dealIds: [deal.id] });
    return {
      dealId: deal.id,
      name: deal.name,
      before: '',
      after: target,
      trackName: track.name,
      defaultedTrack: defaulted,
      value: deal.expected_value,
      probability: deal.probability,
      unchanged: false,
      noteSaved: text !== undefined,
    };
  }
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
  let noteFailure: Pick<MoveResult, 'unsavedNote' | 'noteError'> | undefined;
  if (text) {
    try {
      await agile.notes.createForDeal({ ...text, dealIds: [deal.id] });
    } catch (err) {
      // No answer: the note may be there; the retry's landed check finds it or writes it once.
      if (isOutcomeUnknown(err)) throw err;
      // Refused after the deal moved: "not moved" would be untrue, and a retry would see the deal
      // there already. The move stands; the reason/note comes back to the user with why.
      const typed = [req.reason?.trim(), req.note?.trim()].filter(Boolean).join('\n\n');
      noteFailure = { unsavedNote: typed, noteError: describeAgileError(err) };
    }
  }
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
    noteSaved: text !== undefined && noteFailure === undefined,
    ...(text && !noteFailure ? { note: text } : {}),
    ...noteFailure,
  };
}
