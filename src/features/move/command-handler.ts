import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import type { Track } from '../../platform/agile/index.js';
import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import { runOnce } from '../../platform/store/run-once.js';
import {
  type DealSummary,
  dealDirectoryFor,
  fitMilestone,
  loadDealWithTrack,
  MoveError,
  type MoveResult,
  matchDealsByName,
  moveDeal,
  toDealSummary,
} from '../pipeline/deals.js';
import { isLostMilestone } from '../pipeline/milestones.js';
import {
  buildDealChoices,
  buildMoveConfirmation,
  buildMoveModal,
  buildNoMilestoneFit,
  type MoveFormData,
} from './modal-view.js';

/**
 * private_metadata of the Move modal: where to confirm, and the picked deal with its track's
 * milestones (exact names) and which of them mean lost, so a submission is validated with no I/O.
 */
export const moveModalMetadata = z.object({
  c: z.string().optional(),
  d: z.string().optional(),
  n: z.string().optional(),
  cur: z.string().optional(),
  v: z.number().optional(),
  tn: z.string().optional(),
  df: z.boolean().optional(),
  ms: z.array(z.string()).optional(),
  lost: z.array(z.string()).optional(),
});
export type MoveModalMetadata = z.output<typeof moveModalMetadata>;

export function readMoveMetadata(raw: string | undefined): MoveModalMetadata {
  return decodeMetadata(raw, moveModalMetadata) ?? {};
}

/** Long names give way first, then the milestone list (the submission re-checks against Agile). */
export function encodeMoveMetadata(meta: MoveModalMetadata): string {
  const attempts: MoveModalMetadata[] = [
    meta,
    { ...meta, n: meta.n?.slice(0, 150), tn: meta.tn?.slice(0, 100) },
    { c: meta.c, d: meta.d, cur: meta.cur?.slice(0, 100), lost: meta.lost?.slice(0, 5) },
    { c: meta.c, d: meta.d },
  ];
  for (const m of attempts) {
    try {
      return encodeMetadata(m);
    } catch {
      // try a smaller one
    }
  }
  return encodeMetadata({ c: meta.c });
}

/** The form data (and metadata) for a picked deal: its track's milestones, exactly as Agile spells them. */
export function moveFormFor(
  channel: string | undefined,
  deal: DealSummary,
  track: Track,
  defaulted: boolean,
): { meta: MoveModalMetadata; form: Omit<MoveFormData, 'metadata'> } {
  const meta: MoveModalMetadata = {
    c: channel,
    d: deal.id,
    n: deal.name,
    cur: deal.milestone,
    v: deal.value,
    tn: track.name,
    df: defaulted,
    ms: track.milestoneList,
    lost: track.milestoneList.filter((m) => isLostMilestone(track, m)),
  };
  return { meta, form: { deal, track: { name: track.name, milestones: track.milestoneList, defaulted } } };
}

/** The form rebuilt from metadata alone (a failed slow save: no CRM call needed). */
export function moveFormFromMetadata(meta: MoveModalMetadata): Omit<MoveFormData, 'metadata'> {
  if (!meta.d) return {};
  const deal = { id: meta.d, name: meta.n ?? `Deal ${meta.d}`, milestone: meta.cur, value: meta.v };
  if (!meta.ms) return { deal };
  return { deal, track: { name: meta.tn ?? '', milestones: meta.ms, defaulted: meta.df ?? false } };
}

export interface OpenMoveModalArgs {
  client: WebClient;
  triggerId: string;
  userId: string;
  channel?: string;
  /** Prefill with this deal (the Move button). */
  dealId?: string;
}

/** Fills a Move modal with a deal and its milestones (after views.open or a deal pick). */
export async function showDealInMoveModal(
  client: WebClient,
  deps: Deps,
  target: {
    viewId: string;
    hash?: string;
    channel?: string;
    dealId: string;
    values?: MoveFormData['values'];
  },
): Promise<void> {
  const dir = dealDirectoryFor(deps.agile, deps.now);
  try {
    const tracks = await dir.tracks();
    const { deal, track, defaulted } = await loadDealWithTrack(deps.agile, tracks, target.dealId);
    const { meta, form } = moveFormFor(target.channel, toDealSummary(deal), track, defaulted);
    await client.views.update({
      view_id: target.viewId,
      ...(target.hash ? { hash: target.hash } : {}),
      view: buildMoveModal({ ...form, values: target.values, metadata: encodeMoveMetadata(meta) }),
    });
  } catch (err) {
    deps.logger.warn({ err }, 'could not load the deal into the Move modal');
    const message =
      err instanceof MoveError ? err.message : `Could not load the deal: ${describeAgileError(err)}.`;
    await client.views
      .update({
        view_id: target.viewId,
        view: buildMoveModal({
          metadata: encodeMoveMetadata({ c: target.channel }),
          values: target.values,
          error: message,
        }),
      })
      .catch((e) => deps.logger.error({ err: e }, 'could not show the failure in the modal'));
  }
}

/** Opens the Move modal AT ONCE; with a deal id, fills that deal's milestones right after. */
export async function openMoveModal(args: OpenMoveModalArgs, deps: Deps): Promise<void> {
  const dir = dealDirectoryFor(deps.agile, deps.now);
  // The picker's first options load should find the deal list already cached.
  dir.prefetch();
  dir.tracks().catch(() => undefined);
  const opened = await args.client.views.open({
    trigger_id: args.triggerId,
    view: buildMoveModal({
      metadata: encodeMoveMetadata({ c: args.channel }),
      loading: Boolean(args.dealId),
    }),
  });
  const viewId = opened.view?.id;
  if (!viewId || !args.dealId) return;
  await showDealInMoveModal(args.client, deps, {
    viewId,
    hash: opened.view?.hash,
    channel: args.channel,
    dealId: args.dealId,
  });
}

/** `/crm move`. */
export const openMoveModalFromCommand: ModalOpener = async ({ command, client }, deps) => {
  await openMoveModal(
    { client, triggerId: command.trigger_id, userId: command.user_id, channel: command.channel_id },
    deps,
  );
};

/** `… to Lost because <reason>`: the grammar splits at the last " to ", so the reason is taken first. */
export function splitReason(text: string): { deal: string; milestone: string; reason?: string } | undefined {
  const rest = text.replace(/^\s*move\s+/i, '');
  const because = /\s+because\s+/i.exec(rest);
  const head = because ? rest.slice(0, because.index) : rest;
  const reason = because ? rest.slice(because.index + because[0].length).trim() : undefined;
  const tos = [...head.matchAll(/\s+to\s+(?=\S)/giu)];
  const lastTo = tos.at(-1);
  if (!lastTo || lastTo.index === undefined) return undefined;
  const deal = head.slice(0, lastTo.index).trim();
  const milestone = head.slice(lastTo.index + lastTo[0].length).trim();
  if (!deal || !milestone) return undefined;
  return { deal, milestone, ...(reason ? { reason } : {}) };
}

/** The user words for a move that did not happen (nothing was written). */
export function describeMoveFailure(err: unknown, typedMilestone: string): SlackMessage {
  if (err instanceof MoveError) {
    if (err.kind === 'unknown_milestone') {
      return buildNotice(
        'error',
        `${err.message} Valid milestones: ${err.validMilestones.join(', ') || 'none'}.`,
        `You typed: ${typedMilestone}`,
      );
    }
    if (err.kind === 'reason_required') {
      return buildNotice(
        'error',
        `${err.message} Use the form (\`/crm move\`) or type \`/crm move <deal> to ${typedMilestone} because <reason>\`.`,
      );
    }
    return buildNotice('error', err.message);
  }
  return buildNotice('error', `Sorry, the deal was not moved: ${describeAgileError(err)}`);
}

/** Moves once per key, remembering the deal as touched by this user. */
export async function moveOnce(
  deps: Deps,
  key: string,
  userId: string,
  req: { dealId: string; milestone: string; reason?: string },
): Promise<MoveResult | undefined> {
  const dir = dealDirectoryFor(deps.agile, deps.now);
  const tracks = await dir.tracks();
  const profile = await deps.slackUsers.profile(userId);
  const outcome = await runOnce(deps.store, key, () =>
    moveDeal(deps.agile, tracks, { ...req, actorName: profile.name }),
  );
  if (outcome.status !== 'done') return undefined;
  const r = outcome.result;
  dir.touched(userId, { id: r.dealId, name: r.name, milestone: r.after, value: r.value });
  return r;
}

/** `/crm move <deal id | deal name> to <milestone> [because <reason>]`: moves at once. */
export const moveCommandHandler: CommandHandler<'move'> = async (cmd, { command, respond }, deps) => {
  const split = splitReason(command.text ?? '');
  const milestone = split?.milestone ?? cmd.milestone;
  const reason = split?.reason;
  const dealText = split?.deal ?? (cmd.deal.kind === 'id' ? cmd.deal.id : cmd.deal.name);
  const reply = (m: SlackMessage) => respond({ response_type: 'ephemeral', ...m });

  let dealId: string | undefined;
  if (/^\d+$/.test(dealText)) {
    dealId = dealText;
  } else {
    const dir = dealDirectoryFor(deps.agile, deps.now);
    const [deals, tracks] = await Promise.all([dir.fresh(), dir.tracks()]);
    const matches = matchDealsByName(dealText, deals);
    if (matches.length === 0) {
      await reply(
        buildNotice(
          'error',
          `No deal is named like “${dealText}”. Check the name, use the deal id, or type \`/crm move\` to pick it from a list.`,
        ),
      );
      return;
    }
    // Several deals: offer only those whose track has the milestone (a click on another could only fail).
    const fit = matches.length > 1 ? fitMilestone(matches, tracks, milestone) : undefined;
    if (fit?.kind === 'none') {
      await reply(buildNoMilestoneFit(dealText, milestone, fit.tracks));
      return;
    }
    const candidates = fit?.deals ?? matches;
    if (candidates.length > 1) {
      await reply(
        buildDealChoices(dealText, candidates, milestone, reason, matches.length - candidates.length),
      );
      return;
    }
    dealId = candidates[0]?.id;
  }
  if (!dealId) return;
  try {
    const result = await moveOnce(deps, `move-cmd:${command.trigger_id}`, command.user_id, {
      dealId,
      milestone,
      reason,
    });
    if (result) await reply(buildMoveConfirmation(result));
  } catch (err) {
    if (!(err instanceof MoveError)) deps.logger.warn({ err }, 'quick move failed');
    await reply(describeMoveFailure(err, milestone));
  }
};
