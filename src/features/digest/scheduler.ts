import { hostname } from 'node:os';
import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import type { Metrics } from '../../platform/metrics.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { sleep as realSleep, type Sleep } from '../../platform/sleep.js';
import type { DigestRun, DigestSchedule as StoredSchedule } from '../../platform/store/index.js';
import { createTicker } from '../../platform/ticker.js';
import { crmChannelCheck } from '../access/external-channel.js';
import {
  digestFailureOf,
  type LoadedDigest,
  loadDigest,
  type PostHooks,
  type PostProgress,
  postDigest,
  settingsOfSchedule,
} from './digest-run.js';
import {
  CHANNEL_ERRORS,
  classifySlackError,
  DIGEST_EVENT_TYPE,
  DigestPostError,
  type DigestPoster,
  EXTERNAL_CHANNEL_ERROR,
} from './poster.js';
import { buildDigestFailureNotice } from './reply-views.js';
import { dueRunOf, localDate } from './schedule.js';
import { buildDigestMessages, type DigestMessages } from './views.js';

export type SchedulerDeps = Pick<Deps, 'agile' | 'owners' | 'slackUsers' | 'logger' | 'store' | 'now'> &
  /**
   * The team's admin settings and Slack client: before each attempt the digest's channel is checked, and
   * one shared with another organisation since the schedule was set is skipped unless the admin allows
   * it. Every team's deps carry both; only scheduling-mechanics tests leave them out (no check then).
   */
  Partial<Pick<Deps, 'settings' | 'slackClient'>> & {
    /**
     * Each schedule's team (its Agile account, its Slack token and poster); null = not installed or not
     * connected: its digests are skipped. Without it every schedule is this deps' (one workspace).
     */
    forTeam?: (teamId: string) => Promise<Deps | null>;
  };

/** Where one schedule's digest is read and posted. */
interface TeamTarget {
  deps: SchedulerDeps;
  poster: DigestPoster;
}

export interface DigestSchedulerOptions {
  deps: SchedulerDeps;
  poster: DigestPoster;
  /** Recorded on the runs this instance claims. */
  instanceId?: string;
  /** Fixed tick period (tests); default: every minute, aligned to the wall-clock minute. */
  tickMs?: number;
  /** Waits between attempts of a failed digest; attempts = length + 1. */
  retryDelaysMs?: number[];
  /**
   * A claimed run whose heartbeat is this old is taken over (its holder is presumed dead). Holders
   * beat on every tick (each minute), so the default leaves room for several missed beats.
   */
  staleClaimMs?: number;
  /** Retry backoff waits; cut short by stop(). */
  sleep?: Sleep;
  /** Runs, failed attempts and tick lag (crm_digest_*); the last tick for `/crm status`. */
  metrics?: Metrics;
}

export interface TickReport {
  schedules: number;
  /** Runs due at this tick (claimed by anyone). */
  due: number;
  /** Runs this instance won and is posting. */
  claimed: number;
  /** Today's runs this instance took over from a holder that stopped heart-beating. */
  takenOver: number;
}

export interface DigestScheduler {
  readonly instanceId: string;
  /** First tick at once (catch-up after a restart), then every minute. */
  start(): void;
  /** Stops ticking, cuts retry waits short and waits for digests being posted. */
  stop(): Promise<void>;
  /** One pass over the enabled schedules: claims what is due and starts posting it. */
  tick(): Promise<TickReport>;
  /** Resolves when every digest claimed so far is posted or given up. */
  idle(): Promise<void>;
}

const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000];
/** Ticks land just after the minute turns, so HH:MM has been reached on every wall clock. */
const TICK_OFFSET_MS = 500;
const MINUTE_MS = 60_000;
const DEFAULT_STALE_CLAIM_MS = 5 * MINUTE_MS;

export function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The schedule's latest run when another instance may take it over: still 'claimed' for today's local
 * date (never yesterday's digest today), no main message posted, heartbeat at least `staleClaimMs` old.
 */
export function staleRunOf(schedule: StoredSchedule, now: Date, staleClaimMs: number): DigestRun | null {
  const run = schedule.lastRun;
  if (run?.status !== 'claimed' || run.messageTs !== null) return null;
  if (now.getTime() - run.updatedMs < staleClaimMs) return null;
  return run.localDate === localDate(now, schedule.timeZone) ? run : null;
}

/**
 * The schedule's latest run when its thread replies stopped part way and another instance may resume
 * them: 'posted' today, replies left, heartbeat at least `staleClaimMs` old (or let go at shutdown).
 */
export function staleThreadRunOf(
  schedule: StoredSchedule,
  now: Date,
  staleClaimMs: number,
): DigestRun | null {
  const run = schedule.lastRun;
  if (run?.status !== 'posted' || run.messageTs === null || run.threadPosted >= run.threadTotal) return null;
  if (now.getTime() - run.updatedMs < staleClaimMs) return null;
  return run.localDate === localDate(now, schedule.timeZone) ? run : null;
}

/**
 * Whether the team's digest may go into `channel` now: false when it is shared with another organisation
 * and the admin does not allow that. A channel Slack will not describe throws its error as a
 * DigestPostError (channel_not_found: not retried, like a post there; a network error: retried).
 */
async function mayPostIn(team: SchedulerDeps, channel: string): Promise<boolean> {
  if (!team.settings || !team.slackClient) return true;
  const check = await crmChannelCheck(team.settings, team.slackClient, channel);
  if (check.kind === 'unknown') throw classifySlackError(check.error);
  return check.kind === 'allowed';
}

/** This instance no longer holds the run (another took it over): stop posting, report nothing. */
class TakenOver extends Error {}

/** The scheduled digest: no schedule label (the channel knows its own digest). */
function render(digest: LoadedDigest): DigestMessages {
  return buildDigestMessages(digest.model, { mentions: digest.mentions });
}

function describeFailure(err: unknown): string {
  if (err instanceof DigestPostError) return `${err.code}: ${err.message}`;
  if (isAgileError(err)) return `agile: ${describeAgileError(err)}`;
  return err instanceof Error ? err.message : String(err);
}

export function createDigestScheduler(opts: DigestSchedulerOptions): DigestScheduler {
  const { deps, poster } = opts;
  const log = deps.logger.child({ component: 'digest-scheduler' });
  const instanceId = opts.instanceId ?? defaultInstanceId();
  const retryDelays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const staleClaimMs = opts.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS;
  const jobs = new Set<Promise<void>>();
  /** Ids of the runs this instance is posting (queued, posting or backing off): its heartbeat list. */
  const held = new Set<string>();
  const sleep = opts.sleep ?? realSleep;
  const shutdown = new AbortController();
  /** When the timer's tick is due (epoch ms, injected clock): its lag is measured against it. */
  let dueAtMs: number | undefined;
  /** When the timer now set is due: dueAtMs once it fires. */
  let timerDueMs: number | undefined;

  /** Teams already logged as skipped (logged once, not every minute). */
  const skippedTeams = new Set<string>();

  async function targetOf(teamId: string): Promise<TeamTarget | null> {
    if (!deps.forTeam) return { deps, poster };
    const team = await deps.forTeam(teamId);
    if (!team) {
      if (!skippedTeams.has(teamId)) {
        skippedTeams.add(teamId);
        log.info({ teamId }, 'digests skipped: the workspace is not installed or not connected to Agile');
      }
      return null;
    }
    skippedTeams.delete(teamId);
    return { deps: team, poster: team.digestPoster };
  }

  async function execute(schedule: StoredSchedule, run: DigestRun, target: TeamTarget): Promise<void> {
    const { poster } = target;
    const channel = schedule.channelId;
    const runLog = log.child({ channel, scheduleId: schedule.id, localDate: run.localDate, runId: run.id });
    // A run taken over after its main message resumes its thread replies from the stored progress.
    const progress: PostProgress =
      run.messageTs === null
        ? { threadPosted: 0 }
        : { mainTs: run.messageTs, threadPosted: run.threadPosted };
    let posted = run.messageTs !== null;
    let recorded = posted;
    const hooks: PostHooks = {
      metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { run_id: run.id } },
      // The run leaves 'claimed' (and so can never be taken over as unposted) the moment its main message
      // is out; its thread replies are kept with it until they are all posted.
      onMainPosted: async (ts) => {
        posted = true;
        await deps.store.digestRuns.markPosted(run.id, ts, prepared?.thread ?? []);
        recorded = true;
      },
      onReplyPosted: async (count) => {
        if (!(await deps.store.digestRuns.threadProgress(run.id, instanceId, count))) throw new TakenOver();
      },
    };
    const recordPosted = (ts: string) => hooks.onMainPosted?.(ts) ?? Promise.resolve();
    let prepared: DigestMessages | undefined;
    if (run.messageTs !== null) {
      const thread = await deps.store.digestRuns.pendingThread(run.id);
      if (!thread) {
        await deps.store.digestRuns.threadProgress(run.id, instanceId, run.threadTotal);
        return;
      }
      // The main message is out already (progress.mainTs is set): only the thread is posted.
      prepared = { main: { text: '', blocks: [] }, thread: thread as DigestMessages['thread'] };
      runLog.info(
        { ts: run.messageTs, from: run.threadPosted, of: run.threadTotal },
        'resuming digest thread replies',
      );
    }
    const skipExternal = async () => {
      runLog.warn(
        { posted },
        'digest not posted: the channel is shared with another organisation (the schedule is kept)',
      );
      opts.metrics?.digestRuns.inc({ outcome: 'skipped' });
      // Today's run is done either way: `/crm digest status` says why; tomorrow's is checked again.
      await (posted
        ? deps.store.digestRuns.threadProgress(run.id, instanceId, prepared?.thread.length ?? run.threadTotal)
        : deps.store.digestRuns.markFailed(
            run.id,
            `${EXTERNAL_CHANNEL_ERROR}: shared with another organisation`,
          )
      ).catch((err: unknown) => runLog.error({ err }, 'could not record the skipped digest'));
    };
    let lastError: unknown;
    const attempts = retryDelays.length + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        // Checked at post time (cached five minutes): a channel shared with another organisation since
        // the schedule was set gets nothing. The schedule stays: it resumes once the channel is
        // unshared or an admin allows such channels.
        if (!(await mayPostIn(target.deps, channel))) {
          await skipExternal();
          return;
        }
        // Built once: a retry resumes the same messages where posting stopped.
        prepared ??= render(await loadDigest(target.deps, settingsOfSchedule(schedule), deps.now()));
        if (progress.mainTs === undefined) {
          // Still ours? Heartbeats can stall (a frozen process, an unreachable database) long enough for
          // another instance to take the run over; then that instance posts it, not this one.
          if ((await deps.store.digestRuns.heartbeat(instanceId, [run.id])) === 0) {
            runLog.warn('digest run was taken over by another instance; not posting it');
            return;
          }
          // Taken over, or a retry after an attempt whose answer was lost: the main message may be out
          // already. Its metadata names the run, so look before posting it (never a second one).
          if (run.attempts > 0 || attempt > 1) {
            const found = await poster.findPosted(channel, run.id, run.claimedMs).catch((err: unknown) => {
              runLog.warn({ err }, 'could not read the channel history to check for an earlier post');
              return null;
            });
            if (found) {
              runLog.info(
                { ts: found },
                'digest main message was already posted; continuing with its thread',
              );
              progress.mainTs = found;
              await recordPosted(found);
            }
          }
        } else if (!recorded) {
          await recordPosted(progress.mainTs);
        }
        await postDigest(poster, channel, prepared, progress, hooks);
        runLog.info({ attempt, ts: progress.mainTs, replies: progress.threadPosted }, 'digest posted');
        opts.metrics?.digestRuns.inc({ outcome: 'posted' });
        return;
      } catch (err) {
        if (err instanceof TakenOver) {
          runLog.warn('digest thread was taken over by another instance; stopping here');
          return;
        }
        lastError = err;
        runLog.warn({ err, attempt }, 'digest attempt failed');
        opts.metrics?.digestAttemptFailures.inc();
        const permanent = err instanceof DigestPostError && err.permanent;
        // Shutting down is no verdict on the digest: the run stays 'claimed' and, once its heartbeat is
        // stale, the next instance (or this one restarted) takes it over the same local day.
        const final = !ticker.stopped && (permanent || attempt === attempts);
        if (!posted) {
          const failure = describeFailure(err);
          await (final
            ? deps.store.digestRuns.markFailed(run.id, failure)
            : deps.store.digestRuns.noteFailedAttempt(run.id, instanceId, failure)
          ).catch((e: unknown) => runLog.error({ err: e }, 'could not record the failed digest attempt'));
        }
        if (final || ticker.stopped) break;
        await sleep(retryDelays[attempt - 1] ?? 0, shutdown.signal);
        if (ticker.stopped) break;
      }
    }
    if (posted && !recorded) {
      runLog.error({ ts: progress.mainTs }, 'digest posted but its run could not be recorded as posted');
    }
    if (ticker.stopped) return;
    opts.metrics?.digestRuns.inc({ outcome: 'failed' });
    const code = lastError instanceof DigestPostError ? lastError.code : undefined;
    if (code && CHANNEL_ERRORS.has(code)) {
      // Nothing can be said in a channel we cannot post to; the status command shows the error.
      runLog.error({ code }, 'digest not posted: channel unavailable');
      return;
    }
    runLog.error({ err: lastError }, 'digest given up after retries');
    await poster
      .post(
        channel,
        buildDigestFailureNotice(digestFailureOf(lastError), posted),
        posted ? progress.mainTs : undefined,
      )
      .catch((err: unknown) => runLog.error({ err }, 'could not report the failed digest in the channel'));
  }

  function launch(schedule: StoredSchedule, run: DigestRun, target: TeamTarget): void {
    held.add(run.id);
    const job = execute(schedule, run, target)
      .catch((err: unknown) => log.error({ err, runId: run.id }, 'digest job crashed'))
      .finally(() => {
        held.delete(run.id);
        jobs.delete(job);
      });
    jobs.add(job);
  }

  async function takeOverIfStale(schedule: StoredSchedule, now: Date): Promise<boolean> {
    const staleMain = staleRunOf(schedule, now, staleClaimMs);
    const stale = staleMain ?? staleThreadRunOf(schedule, now, staleClaimMs);
    if (!stale || held.has(stale.id)) return false;
    const target = await targetOf(schedule.teamId);
    if (!target) return false;
    const input = { runId: stale.id, seenUpdatedMs: stale.updatedMs, instanceId, staleAfterMs: staleClaimMs };
    const run = await (staleMain
      ? deps.store.digestRuns.takeOver(input)
      : deps.store.digestRuns.takeOverThread(input));
    if (!run) return false;
    log.warn(
      { scheduleId: schedule.id, localDate: run.localDate, runId: run.id, from: stale.instanceId },
      'took over a digest run whose instance stopped heart-beating',
    );
    launch(schedule, run, target);
    return true;
  }

  async function tickOnce(): Promise<TickReport> {
    if (held.size > 0) {
      await deps.store.digestRuns
        .heartbeat(instanceId, [...held])
        .catch((err: unknown) => log.warn({ err }, 'digest heartbeat failed'));
    }
    const now = deps.now();
    opts.metrics?.digestTick({
      atMs: now.getTime(),
      lagMs: Math.max(0, now.getTime() - (dueAtMs ?? now.getTime())),
    });
    dueAtMs = undefined;
    const schedules = await deps.store.digestSchedules.listEnabled();
    const report: TickReport = { schedules: schedules.length, due: 0, claimed: 0, takenOver: 0 };
    for (const schedule of schedules) {
      if (ticker.stopped) break;
      let due: { localDate: string } | null;
      try {
        due = dueRunOf(schedule, now);
      } catch (err) {
        log.warn({ err, scheduleId: schedule.id }, 'digest schedule cannot be evaluated');
        continue;
      }
      if (!due) {
        try {
          if (await takeOverIfStale(schedule, now)) report.takenOver++;
        } catch (err) {
          log.warn({ err, scheduleId: schedule.id }, 'could not take over a stale digest run');
        }
        continue;
      }
      report.due++;
      // Only a due schedule asks for its team (cached): a team gone or not connected is skipped.
      const target = await targetOf(schedule.teamId);
      if (!target) continue;
      const run = await deps.store.digestRuns.claim(schedule.id, due.localDate, instanceId);
      if (!run) continue;
      report.claimed++;
      launch(schedule, run, target);
    }
    return report;
  }

  const ticker = createTicker({
    work: tickOnce,
    delayMs: () => {
      const delay = opts.tickMs ?? MINUTE_MS - (deps.now().getTime() % MINUTE_MS) + TICK_OFFSET_MS;
      timerDueMs = deps.now().getTime() + delay;
      return delay;
    },
    onFire: () => {
      dueAtMs = timerDueMs;
    },
    onError: (err) => log.error({ err }, 'digest tick failed'),
  });

  const scheduler: DigestScheduler = {
    instanceId,
    // A slow database must not stack ticks: a tick still running answers for the next one.
    tick: ticker.tick,
    start: ticker.start,
    async stop() {
      const stopping = ticker.stop();
      shutdown.abort();
      await stopping;
      const holding = [...held];
      await scheduler.idle();
      // Runs cut short (main message or thread replies still to post) are let go, so the next tick of
      // any instance resumes them instead of waiting for this one's heartbeat to go stale.
      if (holding.length > 0) {
        await deps.store.digestRuns
          .letGo(instanceId, holding)
          .catch((err: unknown) => log.warn({ err }, 'could not let go of unfinished digest runs'));
      }
    },
    async idle() {
      while (jobs.size > 0) await Promise.all([...jobs]);
    },
  };
  return scheduler;
}
