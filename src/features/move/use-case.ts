import type { Deps } from '../../app/deps.js';
import type { Track } from '../../platform/agile/index.js';
import { audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import { type OnceOutcome, onceKey, QUICK_PATH_TTL_SEC, runOnce } from '../../platform/store/run-once.js';
import { agileEmailFor } from '../../platform/workspace/identity.js';
import {
  type DealRanking,
  type DealSummary,
  fitMilestone,
  matchDealsByName,
  toDealSummary,
} from '../pipeline/deal-search.js';
import {
  alreadyAtMilestoneMessage,
  loadDealWithTrack,
  MoveError,
  type MoveResult,
  moveDeal,
} from './move-deal.js';

type MoveDeps = Pick<Deps, 'agile' | 'store' | 'deals' | 'slackUsers' | 'audit'>;

/** The picker's first options load should find the deal list (and the tracks) already cached. */
export function warmDealPicker(deps: Pick<Deps, 'deals'>): void {
  deps.deals.prefetch();
  deps.deals.tracks().catch(() => undefined);
}

/** A picked deal with its track (the default one when it names none), for the Move form. */
export async function loadMoveTarget(
  deps: Pick<Deps, 'agile' | 'deals'>,
  dealId: string,
): Promise<{ deal: DealSummary; track: Track; defaulted: boolean }> {
  const tracks = await deps.deals.tracks();
  const { deal, track, defaulted } = await loadDealWithTrack(deps.agile, tracks, dealId);
  return { deal: toDealSummary(deal), track, defaulted };
}

/** Deal picker options: by name, the user's recent and own deals first, within budgetMs. */
export async function searchDealOptions(
  deps: Pick<Deps, 'deals' | 'slackUsers' | 'owners' | 'store' | 'teamId' | 'connection'>,
  userId: string,
  query: string,
  budgetMs: number,
): Promise<{ deals: DealSummary[]; complete: boolean }> {
  // The user's Agile id ranks their deals first; it is cached, and never worth waiting for.
  let ownerId: string | undefined;
  agileEmailFor(deps, userId)
    .then((email) => deps.owners.defaultFor(email))
    .then((u) => {
      ownerId = u?.id;
    })
    .catch(() => undefined);
  return deps.deals.searchWithin(
    query,
    budgetMs,
    (): DealRanking => ({ ownerId, recentIds: deps.deals.recentFor(userId) }),
  );
}

interface MoveWrite {
  dealId: string;
  milestone: string;
  reason?: string;
  note?: string;
}

/** Moves once per key; a move that wrote something puts the deal first in the user's picker. */
async function moveOnce(
  deps: MoveDeps,
  actor: Actor,
  key: string,
  req: MoveWrite,
  options: { ttlSec?: number; refuseUnchanged?: boolean } = {},
): Promise<OnceOutcome<MoveResult>> {
  return runOnce(
    deps.store,
    key,
    async (attempt) => {
      const [tracks, profile] = await Promise.all([
        deps.deals.tracks(),
        deps.slackUsers.profile(actor.userId),
      ]);
      const result = await audited(
        deps.audit,
        {
          action: 'deal.move',
          actor,
          summary: `Deal ${req.dealId} to ${req.milestone}`,
          ids: { dealId: req.dealId },
          // A deal already at that milestone: nothing was written, nothing to record.
          written: (r) =>
            r.unchanged
              ? null
              : {
                  recordIds: { dealId: r.dealId },
                  summary: `${r.name}: ${r.before || '—'} → ${r.after}`,
                },
        },
        () => moveDeal(deps.agile, tracks, { ...req, actorName: profile.name }, attempt),
      );
      // The modal refuses it (the deal reached that milestone after the modal was opened).
      if (result.unchanged && options.refuseUnchanged) {
        throw new MoveError('already_at_milestone', alreadyAtMilestoneMessage(result.after));
      }
      deps.deals.touched(actor.userId, {
        id: result.dealId,
        name: result.name,
        milestone: result.after,
        value: result.value,
      });
      return result;
    },
    { ttlSec: options.ttlSec },
  );
}

/** The Move modal submitted (validated): once per modal; nothing written is a refusal, not a success. */
export function moveFromModal(
  deps: MoveDeps,
  actor: Actor,
  req: MoveWrite & { viewId: string },
): Promise<OnceOutcome<MoveResult>> {
  const { viewId, ...write } = req;
  return moveOnce(deps, actor, onceKey('move.modal', actor.teamId, viewId), write, { refuseUnchanged: true });
}

export type QuickMoveOutcome =
  | { kind: 'no_deal'; typed: string }
  /** None of the deals named like that is on a track with that milestone. */
  | { kind: 'no_fit'; typed: string; milestone: string; tracks: { name: string; milestones: string[] }[] }
  /** Several can: the user picks (`excluded` more are named like that but cannot take it). */
  | {
      kind: 'ambiguous';
      typed: string;
      deals: DealSummary[];
      milestone: string;
      reason?: string;
      excluded: number;
    }
  | { kind: 'moved'; result: MoveResult; replayed: boolean }
  /** The same move is being written by an earlier send. */
  | { kind: 'in_progress' };

const normalised = (text: string | undefined) => text?.trim().replace(/\s+/g, ' ').toLocaleLowerCase() ?? '';

function moved(outcome: OnceOutcome<MoveResult>): QuickMoveOutcome {
  return outcome.status === 'done'
    ? { kind: 'moved', result: outcome.result, replayed: outcome.replayed }
    : { kind: 'in_progress' };
}

/**
 * `/crm move <deal id | name> to <milestone> [because <reason>]`: finds the deal, then moves it once.
 * The same move sent again within QUICK_PATH_TTL_SEC (a re-send: every send has a new trigger_id) is
 * answered from the first one instead of writing again. Refusals throw MoveError.
 */
export async function quickMove(
  deps: MoveDeps,
  actor: Actor,
  req: { dealText: string; milestone: string; reason?: string },
): Promise<QuickMoveOutcome> {
  const { dealText, milestone, reason } = req;
  let dealId: string | undefined;
  if (/^\d+$/.test(dealText)) {
    dealId = dealText;
  } else {
    const [deals, tracks] = await Promise.all([deps.deals.fresh(), deps.deals.tracks()]);
    const matches = matchDealsByName(dealText, deals);
    if (matches.length === 0) return { kind: 'no_deal', typed: dealText };
    // Several deals: offer only those whose track has the milestone (a click on another could only fail).
    const fit = matches.length > 1 ? fitMilestone(matches, tracks, milestone) : undefined;
    if (fit?.kind === 'none') return { kind: 'no_fit', typed: dealText, milestone, tracks: fit.tracks };
    const candidates = fit?.deals ?? matches;
    if (candidates.length > 1) {
      const excluded = matches.length - candidates.length;
      return { kind: 'ambiguous', typed: dealText, deals: candidates, milestone, reason, excluded };
    }
    dealId = candidates[0]?.id;
  }
  if (!dealId) return { kind: 'no_deal', typed: dealText };
  const key = onceKey(
    'move.quick',
    actor.teamId,
    actor.userId,
    dealId,
    normalised(milestone),
    normalised(reason),
  );
  return moved(
    await moveOnce(deps, actor, key, { dealId, milestone, reason }, { ttlSec: QUICK_PATH_TTL_SEC }),
  );
}

/**
 * "Move this one" after an ambiguous name: one move per question (the message it was asked in), so a
 * double click, or a second button clicked before the first answer replaced the question, moves once.
 */
export async function moveChosenDeal(
  deps: MoveDeps,
  actor: Actor,
  req: { channel?: string; messageTs: string; dealId: string; milestone: string; reason?: string },
): Promise<QuickMoveOutcome> {
  const key = onceKey('move.pick', actor.teamId, req.channel, req.messageTs, actor.userId);
  return moved(
    await moveOnce(deps, actor, key, { dealId: req.dealId, milestone: req.milestone, reason: req.reason }),
  );
}

export type { Actor };
