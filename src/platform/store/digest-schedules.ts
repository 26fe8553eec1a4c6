import { randomUUID } from 'node:crypto';
import { affected, type RepoContext, toNumber } from './context.js';
import { type DigestRun, toDigestRun } from './digest-runs.js';
import type { DigestRunsTable, DigestSchedulesTable } from './schema.js';

export interface DigestSchedule {
  /** Stable across upserts of the same channel; digest runs refer to it. */
  id: string;
  teamId: string;
  channelId: string;
  /** Local time of day, HH:MM (24 h). */
  time: string;
  /** IANA zone, e.g. Europe/Paris. */
  timeZone: string;
  horizonDays: number;
  weekdaysOnly: boolean;
  /** Only tasks of these owners; null = everyone's. ('me' is resolved to an email before saving.) */
  ownerEmails: string[] | null;
  enabled: boolean;
  createdBy: string;
  updatedBy: string;
  createdMs: number;
  updatedMs: number;
  /** The run with the latest local date, for status and catch-up; null if it never ran. */
  lastRun: DigestRun | null;
}

export type DigestScheduleInput = Pick<
  DigestSchedule,
  'teamId' | 'channelId' | 'time' | 'timeZone' | 'horizonDays' | 'weekdaysOnly' | 'ownerEmails'
> & {
  enabled?: boolean;
  /** Slack user id saving the schedule. */
  userId: string;
};

/** One digest schedule per channel. */
export interface DigestSchedulesRepository {
  /** Creates the channel's schedule or replaces its settings (keeping id, createdBy and createdMs). */
  upsert(input: DigestScheduleInput): Promise<DigestSchedule>;
  get(channelId: string): Promise<DigestSchedule | undefined>;
  /** True if there was one. */
  delete(channelId: string): Promise<boolean>;
  /** Every enabled schedule with its last run, in one query (the scheduler's per-minute read). */
  listEnabled(): Promise<DigestSchedule[]>;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function createDigestSchedulesRepository({ db, nowMs }: RepoContext): DigestSchedulesRepository {
  const base = () =>
    db
      .selectFrom('digest_schedules as s')
      .leftJoin('digest_runs as r', (join) =>
        join.onRef('r.schedule_id', '=', 's.id').on('r.local_date', '=', (eb) =>
          eb
            .selectFrom('digest_runs as r2')
            .select((eb2) => eb2.fn.max('r2.local_date').as('max_date'))
            .whereRef('r2.schedule_id', '=', 's.id'),
        ),
      )
      .selectAll('s')
      .select([
        'r.id as r_id',
        'r.schedule_id as r_schedule_id',
        'r.local_date as r_local_date',
        'r.status as r_status',
        'r.instance_id as r_instance_id',
        'r.attempts as r_attempts',
        'r.message_ts as r_message_ts',
        'r.error as r_error',
        'r.claimed_ms as r_claimed_ms',
        'r.updated_ms as r_updated_ms',
        'r.posted_ms as r_posted_ms',
        'r.thread_total as r_thread_total',
        'r.thread_posted as r_thread_posted',
      ]);

  type Row = DigestSchedulesTable & {
    [K in Exclude<keyof DigestRunsTable, 'thread_json'> as `r_${K}`]: DigestRunsTable[K] | null;
  };

  const toSchedule = (r: Row): DigestSchedule => ({
    id: r.id,
    teamId: r.team_id,
    channelId: r.channel_id,
    time: r.time_hhmm,
    timeZone: r.time_zone,
    horizonDays: toNumber(r.horizon_days),
    weekdaysOnly: toNumber(r.weekdays_only) === 1,
    ownerEmails: r.owner_emails_json === null ? null : (JSON.parse(r.owner_emails_json) as string[]),
    enabled: toNumber(r.enabled) === 1,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    createdMs: toNumber(r.created_ms),
    updatedMs: toNumber(r.updated_ms),
    lastRun:
      r.r_id === null
        ? null
        : toDigestRun({
            id: r.r_id,
            schedule_id: r.r_schedule_id ?? r.id,
            local_date: r.r_local_date ?? '',
            status: r.r_status ?? 'claimed',
            instance_id: r.r_instance_id ?? '',
            attempts: r.r_attempts ?? 0,
            message_ts: r.r_message_ts,
            error: r.r_error,
            claimed_ms: r.r_claimed_ms ?? 0,
            updated_ms: r.r_updated_ms ?? 0,
            posted_ms: r.r_posted_ms,
            thread_total: r.r_thread_total ?? 0,
            thread_posted: r.r_thread_posted ?? 0,
          }),
  });

  const get = async (channelId: string) => {
    const row = await base().where('s.channel_id', '=', channelId).executeTakeFirst();
    return row ? toSchedule(row as Row) : undefined;
  };

  return {
    get,

    async upsert(input) {
      if (!HHMM.test(input.time)) throw new RangeError(`time must be HH:MM, got ${input.time}`);
      if (!Number.isInteger(input.horizonDays) || input.horizonDays < 0) {
        throw new RangeError(`horizonDays must be a whole number ≥ 0, got ${input.horizonDays}`);
      }
      const now = nowMs();
      const settings = {
        time_hhmm: input.time,
        time_zone: input.timeZone,
        horizon_days: input.horizonDays,
        weekdays_only: input.weekdaysOnly ? 1 : 0,
        owner_emails_json: input.ownerEmails === null ? null : JSON.stringify(input.ownerEmails),
        enabled: input.enabled === false ? 0 : 1,
        updated_by: input.userId,
        updated_ms: now,
      };
      await db
        .insertInto('digest_schedules')
        .values({
          id: randomUUID(),
          team_id: input.teamId,
          channel_id: input.channelId,
          created_by: input.userId,
          created_ms: now,
          ...settings,
        })
        .onConflict((oc) => oc.columns(['channel_id', 'team_id']).doUpdateSet(settings))
        .execute();
      const saved = await get(input.channelId);
      if (!saved) throw new Error('digest schedule vanished right after it was saved');
      return saved;
    },

    async delete(channelId) {
      const r = await db
        .deleteFrom('digest_schedules')
        .where('channel_id', '=', channelId)
        .executeTakeFirst();
      return affected(r) > 0;
    },

    async listEnabled() {
      const rows = await base().where('s.enabled', '=', 1).orderBy('s.id').execute();
      return rows.map((r) => toSchedule(r as Row));
    },
  };
}
