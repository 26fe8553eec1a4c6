import { hostname } from 'node:os';
import PQueue from 'p-queue';
import type { Deps } from '../../app/deps.js';
import { type Contact, type Deal, isAgileError, type Note, type Track } from '../../platform/agile/index.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import type { Follow } from '../../platform/store/index.js';
import { onceKey, runOnce } from '../../platform/store/run-once.js';
import { createTicker } from '../../platform/ticker.js';
import { crmChannelCheck } from '../access/external-channel.js';
import { CHANNEL_ERRORS, DigestPostError } from '../digest/poster.js';
import { isLostMilestone, isWonMilestone, trackOfDeal } from '../pipeline/milestones.js';
import { type ThreadMessage, toThreadMessage } from '../ticket/tickets.js';
import {
  type DealOutcome,
  diffRecord,
  type FollowChange,
  type Observed,
  parseSnapshot,
  snapshotOf,
} from './snapshot.js';
import { refOfFollow } from './use-case.js';
import {
  buildDealChangeMessage,
  buildFollowEndedMessage,
  buildMoreUpdatesMessage,
  buildNoteMessage,
  buildTicketMessageUpdate,
  type RecordRef,
} from './views.js';

/**
 * Polls the followed records (no webhooks: Agile's are an Enterprise feature) and posts what changed
 * into each follow's thread. Every instance ticks once per interval; a (follow, slot) claim in the
 * store decides which instance polls a follow in that slot, so N instances post each change once.
 */

export type PollerDeps = Pick<Deps, 'store' | 'logger' | 'now' | 'forTeam' | 'metrics'>;

export interface FollowPollerOptions {
  deps: PollerDeps;
  intervalMs: number;
  instanceId?: string;
  /** Agile reads in flight at once, per team. */
  concurrency?: number;
  /** From this many followed deals of one team, deals are read through the paged list instead of one by one. */
  dealListThreshold?: number;
  /** A followed contact's existence is checked every this many slots (its notes every slot). */
  contactCheckEvery?: number;
}

export interface PollReport {
  slot: number;
  follows: number;
  /** Follows this instance won for the slot. */
  claimed: number;
  /** Records read (a record followed in several channels is read once). */
  records: number;
  /** Thread messages posted. */
  posted: number;
  /** Follows ended because their record is gone. */
  ended: number;
  /** Claimed follows not polled: their team is backing off after a 429, not connected, or the read failed. */
  skipped: number;
}

export interface FollowPoller {
  readonly instanceId: string;
  /** A first poll at once, then one per interval (aligned to the interval's slots). */
  start(): void;
  stop(): Promise<void>;
  tick(): Promise<PollReport>;
}

const NOTE_POSTS_PER_POLL = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
const TICK_OFFSET_MS = 250;

type Read =
  | { kind: 'observed'; observed: Observed; outcomeOf: (milestone: string) => DealOutcome }
  | { kind: 'gone' }
  | { kind: 'failed' };

class RateLimited extends Error {
  constructor(readonly retryAfterMs: number | undefined) {
    super('Agile rate limit');
  }
}

class NotPosted extends Error {
  constructor(readonly result: 'channel_gone' | 'failed' | 'withheld') {
    super(`follow update not posted: ${result}`);
  }
}

const recordKey = (f: Pick<Follow, 'kind' | 'recordId'>) => `${f.kind}:${f.recordId}`;

/** A small stable spread of contacts over slots, so their existence checks do not all fall in one. */
function spread(id: string, every: number): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % every;
}

/** The messages one poll's changes become, in order; `broadcast` marks won/lost. */
export function messagesFor(
  ref: RecordRef,
  changes: readonly FollowChange[],
): { message: SlackMessage; broadcast: boolean }[] {
  const out: { message: SlackMessage; broadcast: boolean }[] = [];
  const fields = changes.filter((c) => c.type !== 'note' && c.type !== 'ticket_message');
  if (fields.length > 0) {
    const outcome = fields.find((c) => c.type === 'milestone')?.outcome ?? null;
    out.push({ message: buildDealChangeMessage(ref, fields), broadcast: outcome !== null });
  }
  const items = changes.filter((c) => c.type === 'note' || c.type === 'ticket_message');
  for (const c of items.slice(0, NOTE_POSTS_PER_POLL)) {
    if (c.type === 'note') out.push({ message: buildNoteMessage(ref, c), broadcast: false });
    else if (c.type === 'ticket_message')
      out.push({ message: buildTicketMessageUpdate(ref, c), broadcast: false });
  }
  if (items.length > NOTE_POSTS_PER_POLL) {
    out.push({ message: buildMoreUpdatesMessage(ref, items.length - NOTE_POSTS_PER_POLL), broadcast: false });
  }
  return out;
}

export function createFollowPoller(opts: FollowPollerOptions): FollowPoller {
  const { deps } = opts;
  const log = deps.logger.child({ component: 'follow-poller' });
  /** Teams whose polls are skipped, logged once (not every interval). */
  const skippedTeams = new Set<string>();
  const instanceId =
    opts.instanceId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const intervalMs = Math.max(1, opts.intervalMs);
  const concurrency = opts.concurrency ?? 4;
  const dealListThreshold = opts.dealListThreshold ?? 10;
  const contactCheckEvery = Math.max(1, opts.contactCheckEvery ?? 10);
  /** Team → epoch ms until which its polls are skipped (Agile answered 429). */
  const backoffUntil = new Map<string, number>();

  async function readTeam(
    teamDeps: Deps,
    follows: Follow[],
    slot: number,
    report: PollReport,
  ): Promise<Map<string, Read>> {
    const agile = teamDeps.agile;
    const reads = new Map<string, Read>();
    const queue = new PQueue({ concurrency });
    let limited: RateLimited | undefined;
    const call = async <T>(fn: () => Promise<T>): Promise<T> => {
      if (limited) throw limited;
      try {
        return await fn();
      } catch (err) {
        if (isAgileError(err) && err.kind === 'rate_limited') {
          limited ??= new RateLimited(err.retryAfterMs);
          queue.clear();
          throw limited;
        }
        throw err;
      }
    };
    const absent = (err: unknown) => isAgileError(err) && err.kind === 'not_found';

    const records = new Map<string, Follow>();
    for (const f of follows) if (!records.has(recordKey(f))) records.set(recordKey(f), f);
    report.records += records.size;
    const deals = [...records.values()].filter((f) => f.kind === 'deal');

    // Tracks tell won from lost; cached by the deal directory (a minute), so rarely a call.
    let tracks: Track[] = [];
    if (deals.length > 0) {
      try {
        tracks = await call(() => teamDeps.deals.tracks());
      } catch (err) {
        if (err instanceof RateLimited) return backOff(follows[0]?.teamId ?? '', err, reads);
        log.warn({ err }, 'could not read the tracks; won and lost are told by milestone names');
      }
    }
    const outcomeFor = (deal: Deal) => (milestone: string) => {
      const track = trackOfDeal(deal, tracks)?.track;
      if (isWonMilestone(track, milestone)) return 'won' as const;
      if (track ? isLostMilestone(track, milestone) : /lost|churn/i.test(milestone)) return 'lost' as const;
      return null;
    };

    // Many followed deals: one paged list (200 a page) instead of one read each, stopping once all are seen.
    const listed = new Map<string, Deal>();
    if (deals.length >= dealListThreshold) {
      const wanted = new Set(deals.map((d) => d.recordId));
      try {
        await call(async () => {
          for await (const deal of agile.deals.iterate({ pageSize: 200 })) {
            if (!wanted.delete(deal.id)) continue;
            listed.set(deal.id, deal);
            // Leaving the loop stops the paging: no page is read past the last followed deal.
            if (wanted.size === 0) break;
          }
        });
      } catch (err) {
        if (err instanceof RateLimited) return backOff(follows[0]?.teamId ?? '', err, reads);
        log.warn({ err }, 'could not list the deals; reading followed deals one by one');
      }
    }

    const readDeal = async (f: Follow) => {
      const deal =
        listed.get(f.recordId) ??
        (await call(() => agile.deals.get(f.recordId)).catch((err: unknown) => {
          if (absent(err)) return null;
          throw err;
        }));
      if (!deal) return reads.set(recordKey(f), { kind: 'gone' });
      const notes: Note[] = await call(() => agile.notes.listForDeal(f.recordId));
      reads.set(recordKey(f), {
        kind: 'observed',
        observed: { kind: 'deal', deal, notes },
        outcomeOf: outcomeFor(deal),
      });
    };

    const readContact = async (f: Follow) => {
      const before = parseSnapshot(f.snapshotJson, 'contact');
      const notes: Note[] = await call(() => agile.notes.listForContact(f.recordId)).catch((err: unknown) => {
        if (absent(err)) return [];
        throw err;
      });
      const check =
        before === null ||
        (notes.length === 0 && before.kind === 'contact' && before.noteIds.length > 0) ||
        (slot + spread(f.recordId, contactCheckEvery)) % contactCheckEvery === 0;
      let contact: Contact | null = null;
      if (check) {
        contact = await call(() => agile.contacts.get(f.recordId)).catch((err: unknown) => {
          if (absent(err)) return null;
          throw err;
        });
        if (!contact) return reads.set(recordKey(f), { kind: 'gone' });
      }
      reads.set(recordKey(f), {
        kind: 'observed',
        observed: { kind: 'contact', contact, notes },
        outcomeOf: () => null,
      });
    };

    const readTicket = async (f: Follow) => {
      const raw = await call(() => agile.tickets.messages(f.recordId)).catch((err: unknown) => {
        // Agile refuses the notes of a ticket it does not have (404, or 400 "not found").
        if (isAgileError(err) && (err.kind === 'not_found' || err.kind === 'invalid')) return [];
        throw err;
      });
      const messages: ThreadMessage[] = raw.map(toThreadMessage);
      // Every ticket has at least its first message: none at all means it was deleted.
      if (messages.length === 0) return reads.set(recordKey(f), { kind: 'gone' });
      reads.set(recordKey(f), {
        kind: 'observed',
        observed: { kind: 'ticket', messages },
        outcomeOf: () => null,
      });
    };

    for (const f of records.values()) {
      const read = f.kind === 'deal' ? readDeal : f.kind === 'contact' ? readContact : readTicket;
      queue
        .add(() =>
          read(f).catch((err: unknown) => {
            if (err instanceof RateLimited) return;
            log.warn({ err, kind: f.kind, recordId: f.recordId }, 'could not read a followed record');
            reads.set(recordKey(f), { kind: 'failed' });
          }),
        )
        .catch(() => undefined);
    }
    await queue.onIdle();
    return limited ? backOff(follows[0]?.teamId ?? '', limited, reads) : reads;
  }

  /** Skips the rest of the slot and the team's polls until Retry-After (at least one interval). */
  function backOff(teamId: string, limited: RateLimited, reads: Map<string, Read>): Map<string, Read> {
    const waitMs = Math.max(limited.retryAfterMs ?? intervalMs, intervalMs);
    backoffUntil.set(teamId, deps.now().getTime() + waitMs);
    log.warn({ teamId, waitMs }, 'Agile rate limited the follow polls; backing off');
    return reads;
  }

  async function post(
    teamDeps: Deps,
    f: Follow,
    message: SlackMessage,
    broadcast: boolean,
  ): Promise<'ok' | 'channel_gone' | 'failed' | 'withheld'> {
    // The channel may have been shared with another organisation since the follow began: no CRM
    // content goes there unless the admin allows it (when Slack will not say, the post itself tells).
    const check = await crmChannelCheck(teamDeps.settings, teamDeps.slackClient, f.channelId);
    if (check.kind === 'external') {
      log.warn(
        { followId: f.id, channel: f.channelId },
        'follow update withheld: the channel is shared with another organisation',
      );
      return 'withheld';
    }
    try {
      await teamDeps.digestPoster.post(f.channelId, message, f.threadTs ?? undefined, { broadcast });
      return 'ok';
    } catch (err) {
      const code = err instanceof DigestPostError ? err.code : undefined;
      log.warn({ err, followId: f.id, channel: f.channelId }, 'could not post a follow update');
      return code && CHANNEL_ERRORS.has(code) ? 'channel_gone' : 'failed';
    }
  }

  async function apply(
    teamDeps: Deps,
    f: Follow,
    read: Read,
    slot: number,
    report: PollReport,
  ): Promise<void> {
    const ref = refOfFollow(teamDeps, f);
    if (read.kind === 'failed') {
      report.skipped++;
      return;
    }
    if (read.kind === 'gone') {
      // Only the instance whose delete removed the follow says so: one message.
      if (await deps.store.follows.remove(f.id)) {
        report.ended++;
        if ((await post(teamDeps, f, buildFollowEndedMessage(ref), true)) === 'ok') report.posted++;
      }
      return;
    }
    const before = parseSnapshot(f.snapshotJson, f.kind);
    const changes = diffRecord(before, read.observed, read.outcomeOf);
    let after = snapshotOf(read.observed);
    // A poll that did not re-read the contact keeps the name it had.
    if (after.kind === 'contact' && after.name === '' && before?.kind === 'contact')
      after = { ...after, name: before.name };
    for (const [i, { message, broadcast }] of messagesFor(ref, changes).entries()) {
      // Keyed by the snapshot this diff started from: a poll repeating it (the snapshot could not be saved,
      // the instance died after posting) finds the update already posted and does not post it again.
      const key = onceKey('follow.update', f.teamId, f.id, f.snapshotSlot, i, message.text);
      const result = await runOnce(deps.store, key, async () => {
        const posted = await post(teamDeps, f, message, broadcast);
        if (posted !== 'ok') throw new NotPosted(posted);
        return posted;
      })
        .then((once) => (once.status === 'done' && !once.replayed ? 'ok' : 'already'))
        .catch((err: unknown) => {
          if (err instanceof NotPosted) return err.result;
          throw err;
        });
      // Withheld (an externally shared channel): skipped for good, so no burst of old news follows
      // if the channel is unshared or the admin allows it.
      if (result === 'already' || result === 'withheld') continue;
      if (result === 'channel_gone') {
        // Archived, deleted, or the bot was removed: nobody can read the thread any more.
        await deps.store.follows.remove(f.id);
        report.ended++;
        return;
      }
      // Not saved: the next poll diffs against the old snapshot and tries again.
      if (result === 'failed') return;
      report.posted++;
    }
    await deps.store.follows.saveSnapshot(f.id, slot, JSON.stringify(after));
  }

  async function tickOnce(): Promise<PollReport> {
    const nowMs = deps.now().getTime();
    const slot = Math.floor(nowMs / intervalMs);
    const report: PollReport = {
      slot,
      follows: 0,
      claimed: 0,
      records: 0,
      posted: 0,
      ended: 0,
      skipped: 0,
    };
    const follows = await deps.store.follows.listActive();
    report.follows = follows.length;
    if (follows.length === 0) return report;
    const won = new Set(
      await deps.store.follows.claimPolls(
        follows.map((f) => f.id),
        slot,
        instanceId,
      ),
    );
    report.claimed = won.size;
    const byTeam = new Map<string, Follow[]>();
    for (const f of follows) {
      if (!won.has(f.id)) continue;
      const list = byTeam.get(f.teamId) ?? [];
      list.push(f);
      byTeam.set(f.teamId, list);
    }
    for (const [teamId, teamFollows] of byTeam) {
      if (ticker.stopped) break;
      if ((backoffUntil.get(teamId) ?? 0) > nowMs) {
        report.skipped += teamFollows.length;
        continue;
      }
      const teamDeps = await deps.forTeam(teamId);
      if (!teamDeps) {
        report.skipped += teamFollows.length;
        if (!skippedTeams.has(teamId)) {
          skippedTeams.add(teamId);
          log.info(
            { teamId },
            'follow polls skipped: the workspace is not installed or not connected to Agile',
          );
        }
        continue;
      }
      skippedTeams.delete(teamId);
      const reads = await readTeam(teamDeps, teamFollows, slot, report);
      for (const f of teamFollows) {
        const read = reads.get(recordKey(f));
        if (!read) {
          report.skipped++;
          continue;
        }
        await apply(teamDeps, f, read, slot, report).catch((err: unknown) =>
          log.error({ err, followId: f.id }, 'follow update failed'),
        );
      }
    }
    await deps.store.follows
      .purgePollsBefore(nowMs - Math.max(DAY_MS, 10 * intervalMs))
      .catch((err: unknown) => log.warn({ err }, 'could not purge old follow poll claims'));
    if (report.posted + report.ended + report.skipped > 0) log.info(report, 'follow poll');
    return report;
  }

  // A slow poll must not stack: one still running answers for the next tick.
  const ticker = createTicker({
    async work() {
      const stopTimer = deps.metrics.followPollSeconds.startTimer();
      const report = await tickOnce();
      if (report.follows > 0) stopTimer();
      for (const result of ['posted', 'ended', 'skipped'] as const) {
        if (report[result] > 0) deps.metrics.followUpdates.inc({ result }, report[result]);
      }
      return report;
    },
    delayMs: () => intervalMs - (deps.now().getTime() % intervalMs) + TICK_OFFSET_MS,
    onError: (err) => log.error({ err }, 'follow poll failed'),
  });
  return { instanceId, tick: ticker.tick, start: ticker.start, stop: ticker.stop };
}
