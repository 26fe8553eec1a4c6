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
  /** Which app instance claimed it. */
  instanceId: string;
  /** Finished post attempts (failed ones plus the successful one). */
  attempts: number;
  messageTs: string | null;
  error: string | null;
  claimedMs: number;
  updatedMs: number;
  postedMs: number | null;
}

/** One run per (schedule, local date): the row that makes N instances post a digest exactly once. */
export interface DigestRunsRepository {
  /**
   * INSERT … ON CONFLICT DO NOTHING: resolves to the new run only for the one caller that inserted it,
   * to null for everyone else (another instance, or an earlier life of this one, already has it).
   */
  claim(scheduleId: string, localDate: string, instanceId: string): Promise<DigestRun | null>;
  markPosted(runId: string, messageTs: string): Promise<void>;
  /** Records a failed attempt (attempts + 1); the caller decides whether to retry. */
  markFailed(runId: string, error: string): Promise<void>;
  find(scheduleId: string, localDate: string): Promise<DigestRun | undefined>;
  /** The run with the latest local date, if any. */
  latestForSchedule(scheduleId: string): Promise<DigestRun | undefined>;
}

export function toDigestRun(r: DigestRunsTable): DigestRun {
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
  };
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

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
      };
      const r = await db
        .insertInto('digest_runs')
        .values(row)
        .onConflict((oc) => oc.columns(['schedule_id', 'local_date']).doNothing())
        .executeTakeFirst();
      return affected(r) === 1 ? toDigestRun(row) : null;
    },

    async markPosted(runId, messageTs) {
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
        }))
        .where('id', '=', runId)
        .execute();
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

    async find(scheduleId, localDate) {
      const row = await db
        .selectFrom('digest_runs')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .where('local_date', '=', localDate)
        .executeTakeFirst();
      return row ? toDigestRun(row) : undefined;
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
