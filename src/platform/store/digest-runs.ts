import { randomUUID } from 'node:crypto';
import { affected, type RepoContext, toNumber } from './context.js';
import type { DigestRunsTable } from './schema.js';

export type DigestRunStatus = 'claimed' | 'posted' | 'failed';

export interface DigestRun {
  id: string;
  scheduleId: string;
  /** The schedule's local calendar day, YYYY-MM-DD. */
  localDate: string;
  status: DigestRunStatus;
  /** Which app instance holds it (claimed it, or took it over). */
  instanceId: string;
  /** Post attempts: failed ones, ones cut short by a dead holder (counted at takeover), the successful one. */
  attempts: number;
  messageTs: string | null;
  error: string | null;
  claimedMs: number;
  /** Last write; while 'claimed' also the holder's heartbeat (see heartbeat/takeOver). */
  updatedMs: number;
  postedMs: number | null;
  /** Thread replies to post under the main message, and how many are out (a run cut short resumes). */
  threadTotal: number;
  threadPosted: number;
}

export interface TakeOverInput {
  runId: string;
  /** The run's updatedMs as the caller read it: the compare in compare-and-swap. */
  seenUpdatedMs: number;
  instanceId: string;
  /** Only a heartbeat at least this old (by the store's clock) is stale. */
  staleAfterMs: number;
}

/** One run per (schedule, local date): the row that makes N instances post a digest exactly once. */
export interface DigestRunsRepository {
  /**
   * INSERT … ON CONFLICT DO NOTHING: resolves to the new run only for the one caller that inserted it,
   * to null for everyone else (another instance, or an earlier life of this one, already has it).
   */
  claim(scheduleId: string, localDate: string, instanceId: string): Promise<DigestRun | null>;
  /**
   * The main message is out: status 'posted', and `thread` (the replies still to post under it, any
   * JSON values) kept until threadProgress reports them all posted.
   */
  markPosted(runId: string, messageTs: string, thread?: readonly unknown[]): Promise<void>;
  /**
   * `posted` replies of the run's thread are out (the heartbeat too); the kept replies are dropped once
   * all are. False when `instanceId` no longer holds the run (another instance took the thread over).
   */
  threadProgress(runId: string, instanceId: string, posted: number): Promise<boolean>;
  /** The replies kept by markPosted while some are still to post; null when none are. */
  pendingThread(runId: string): Promise<unknown[] | null>;
  /**
   * Compare-and-swap takeover of a posted run whose thread replies stopped part way (its holder stopped
   * heart-beating): same rules as takeOver, for a run 'posted' with threadPosted < threadTotal.
   */
  takeOverThread(input: TakeOverInput): Promise<DigestRun | null>;
  /**
   * Shutdown: makes the runs among `runIds` that `instanceId` holds stale at once (heartbeat 0), so the
   * next tick of any instance takes them over instead of waiting for the heartbeat to age.
   */
  letGo(instanceId: string, runIds: readonly string[]): Promise<void>;
  /** Records a final failure (attempts + 1): the run is done, status 'failed'. */
  markFailed(runId: string, error: string): Promise<void>;
  /**
   * Records a failed attempt that will be retried (attempts + 1, error kept): the run stays 'claimed',
   * so a holder that dies while backing off leaves it to be taken over. False if `instanceId` no longer holds it.
   */
  noteFailedAttempt(runId: string, instanceId: string, error: string): Promise<boolean>;
  /**
   * Refreshes the heartbeat (updated_ms) of the runs among `runIds` that `instanceId` still holds
   * ('claimed', or 'posted' with thread replies still to post); resolves to how many it touched. Keyed by run id, not by instance alone, so a restarted
   * process reusing an instance id does not keep its previous life's orphaned runs looking alive.
   */
  heartbeat(instanceId: string, runIds: readonly string[]): Promise<number>;
  /**
   * Compare-and-swap takeover of a run whose holder stopped heart-beating: succeeds only while the run
   * is 'claimed', has no main message (message_ts null), its updated_ms is still `seenUpdatedMs` and
   * at least `staleAfterMs` old. Exactly one of several concurrent callers gets the run (attempts + 1,
   * heartbeat now, held by `instanceId`); the others get null.
   */
  takeOver(input: TakeOverInput): Promise<DigestRun | null>;
  find(scheduleId: string, localDate: string): Promise<DigestRun | undefined>;
  /** The run with the latest local date, if any. */
  latestForSchedule(scheduleId: string): Promise<DigestRun | undefined>;
  /**
   * Deletes finished runs (posted or failed) last written before `cutoffMs`, keeping each schedule's
   * latest run (latestForSchedule) and every run still 'claimed'; resolves to how many it deleted.
   */
  purgeOlderThan(cutoffMs: number): Promise<number>;
}

export function toDigestRun(r: Omit<DigestRunsTable, 'thread_json'>): DigestRun {
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    localDate: r.local_date,
    status: r.status,
    instanceId: r.instance_id,
    attempts: toNumber(r.attempts),
    messageTs: r.message_ts,
    error: r.error,
    claimedMs: toNumber(r.claimed_ms),
    updatedMs: toNumber(r.updated_ms),
    postedMs: r.posted_ms === null ? null : toNumber(r.posted_ms),
    threadTotal: toNumber(r.thread_total ?? 0),
    threadPosted: toNumber(r.thread_posted ?? 0),
  };
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HEARTBEAT_CHUNK = 500;

export function createDigestRunsRepository({ db, nowMs }: RepoContext): DigestRunsRepository {
  return {
    async claim(scheduleId, localDate, instanceId) {
      if (!LOCAL_DATE.test(localDate)) throw new RangeError(`localDate must be YYYY-MM-DD, got ${localDate}`);
      const now = nowMs();
      const row: DigestRunsTable = {
        id: randomUUID(),
        schedule_id: scheduleId,
        local_date: localDate,
        status: 'claimed',
        instance_id: instanceId,
        attempts: 0,
        message_ts: null,
        error: null,
        claimed_ms: now,
        updated_ms: now,
        posted_ms: null,
        thread_json: null,
        thread_total: 0,
        thread_posted: 0,
      };
      const r = await db
        .insertInto('digest_runs')
        .values(row)
        .onConflict((oc) => oc.columns(['schedule_id', 'local_date']).doNothing())
        .executeTakeFirst();
      return affected(r) === 1 ? toDigestRun(row) : null;
    },

    async markPosted(runId, messageTs, thread = []) {
      const now = nowMs();
      await db
        .updateTable('digest_runs')
        .set((eb) => ({
          status: 'posted',
          message_ts: messageTs,
          error: null,
          attempts: eb('attempts', '+', 1),
          posted_ms: now,
          updated_ms: now,
          thread_json: thread.length > 0 ? JSON.stringify(thread) : null,
          thread_total: thread.length,
          thread_posted: 0,
        }))
        .where('id', '=', runId)
        .execute();
    },

    async threadProgress(runId, instanceId, posted) {
      const r = await db
        .updateTable('digest_runs')
        .set((eb) => ({
          thread_posted: posted,
          updated_ms: nowMs(),
          thread_json: eb
            .case()
            .when('thread_total', '<=', posted)
            .then(null)
            .else(eb.ref('thread_json'))
            .end(),
        }))
        .where('id', '=', runId)
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async pendingThread(runId) {
      const row = await db
        .selectFrom('digest_runs')
        .select(['thread_json'])
        .where('id', '=', runId)
        .executeTakeFirst();
      return row?.thread_json ? (JSON.parse(row.thread_json) as unknown[]) : null;
    },

    async takeOverThread({ runId, seenUpdatedMs, instanceId, staleAfterMs }) {
      const now = nowMs();
      if (now - seenUpdatedMs < staleAfterMs) return null;
      const row = await db
        .updateTable('digest_runs')
        .set({ instance_id: instanceId, updated_ms: now })
        .where('id', '=', runId)
        .where('status', '=', 'posted')
        .where((eb) => eb('thread_posted', '<', eb.ref('thread_total')))
        .where('updated_ms', '=', seenUpdatedMs)
        .returningAll()
        .executeTakeFirst();
      return row ? toDigestRun(row) : null;
    },

    async letGo(instanceId, runIds) {
      for (let i = 0; i < runIds.length; i += HEARTBEAT_CHUNK) {
        await db
          .updateTable('digest_runs')
          .set({ updated_ms: 0 })
          .where('id', 'in', runIds.slice(i, i + HEARTBEAT_CHUNK))
          .where('instance_id', '=', instanceId)
          .where((eb) =>
            eb.or([
              eb('status', '=', 'claimed'),
              eb.and([eb('status', '=', 'posted'), eb('thread_posted', '<', eb.ref('thread_total'))]),
            ]),
          )
          .execute();
      }
    },

    async markFailed(runId, error) {
      await db
        .updateTable('digest_runs')
        .set((eb) => ({
          status: 'failed',
          error: error.slice(0, 2000),
          attempts: eb('attempts', '+', 1),
          updated_ms: nowMs(),
        }))
        .where('id', '=', runId)
        .execute();
    },

    async noteFailedAttempt(runId, instanceId, error) {
      const r = await db
        .updateTable('digest_runs')
        .set((eb) => ({ error: error.slice(0, 2000), attempts: eb('attempts', '+', 1), updated_ms: nowMs() }))
        .where('id', '=', runId)
        .where('instance_id', '=', instanceId)
        .where('status', '=', 'claimed')
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async heartbeat(instanceId, runIds) {
      let touched = 0;
      // Chunks keep the IN list far below SQLite's bound-parameter limit.
      for (let i = 0; i < runIds.length; i += HEARTBEAT_CHUNK) {
        const r = await db
          .updateTable('digest_runs')
          .set({ updated_ms: nowMs() })
          .where('id', 'in', runIds.slice(i, i + HEARTBEAT_CHUNK))
          .where('instance_id', '=', instanceId)
          .where((eb) =>
            eb.or([
              eb('status', '=', 'claimed'),
              eb.and([eb('status', '=', 'posted'), eb('thread_posted', '<', eb.ref('thread_total'))]),
            ]),
          )
          .executeTakeFirst();
        touched += affected(r);
      }
      return touched;
    },

    async takeOver({ runId, seenUpdatedMs, instanceId, staleAfterMs }) {
      const now = nowMs();
      if (now - seenUpdatedMs < staleAfterMs) return null;
      const row = await db
        .updateTable('digest_runs')
        .set((eb) => ({ instance_id: instanceId, updated_ms: now, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', runId)
        .where('status', '=', 'claimed')
        .where('message_ts', 'is', null)
        .where('updated_ms', '=', seenUpdatedMs)
        .returningAll()
        .executeTakeFirst();
      return row ? toDigestRun(row) : null;
    },

    async find(scheduleId, localDate) {
      const row = await db
        .selectFrom('digest_runs')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .where('local_date', '=', localDate)
        .executeTakeFirst();
      return row ? toDigestRun(row) : undefined;
    },

    async purgeOlderThan(cutoffMs) {
      const r = await db
        .deleteFrom('digest_runs')
        .where('updated_ms', '<', cutoffMs)
        .where('status', '<>', 'claimed')
        .where((eb) =>
          eb(
            'local_date',
            '<',
            eb
              .selectFrom('digest_runs as latest')
              .select((x) => x.fn.max('latest.local_date').as('d'))
              .whereRef('latest.schedule_id', '=', 'digest_runs.schedule_id'),
          ),
        )
        .executeTakeFirst();
      return affected(r);
    },

    async latestForSchedule(scheduleId) {
      const row = await db
        .selectFrom('digest_runs')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .orderBy('local_date', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toDigestRun(row) : undefined;
    },
  };
}
