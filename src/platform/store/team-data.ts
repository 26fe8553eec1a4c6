import type { Kysely } from 'kysely';
import { teamOfKey } from './run-once.js';
import type { Database } from './schema.js';

/**
 * The tables with a `team_id` column: each row of the team is deleted by deleteTeamData. A migration
 * that adds a table with `team_id` adds it here (the store test compares this list with the database).
 */
export const TEAM_TABLES = [
  'slack_installations',
  'agile_workspace_accounts',
  'agile_personal_accounts',
  'workspace_settings',
  'user_links',
  'digest_schedules',
  'follows',
  'thread_logs',
  'pending_sends',
  'undo_actions',
  'audit_log',
  'logged_messages',
] as const satisfies readonly (keyof Database)[];

/**
 * The tables without `team_id`, and how a team's rows are found in each (or why there are none). The
 * store test fails on a table in neither list, so a new table cannot be forgotten here.
 */
export const TABLES_WITHOUT_TEAM_ID = {
  digest_runs: 'by schedule_id: the runs of the team’s schedules',
  digest_actions: 'by run_id (the team’s runs) or by action_key (an idempotency key naming the team)',
  follow_polls: 'by follow_id: the poll claims of the team’s follows',
  idempotency_keys: 'by key: onceKey puts the team second (`<intent>:<teamId>:…`, teamOfKey)',
  kv_cache:
    'the Retry buttons’ pending writes, by the teamId in their JSON value (view-closed markers name no team)',
  store_migrations: 'not team data',
} as const satisfies Partial<Record<keyof Database, string>>;

/**
 * `app_uninstalled` and `tokens_revoked` (WorkspacesRepository.deleteTeam, issue 10): everything the
 * store holds for a team, in one transaction — its installation (the bot token), both kinds of Agile
 * connection, admin settings, user links, digest schedules (with their runs and button clicks), follows
 * (with their poll claims), thread-log and logged-message records, held public replies (they carry the
 * typed text), undo records (they carry earlier CRM values), its audit trail, its idempotency keys
 * (their results carry CRM data) and the Retry buttons' pending writes (they carry typed CRM text).
 * Left: logged-message markers recorded before migration 010 (they name no team) and view-closed
 * markers (a view id and `true`, gone within minutes).
 */
export async function deleteTeamData(db: Kysely<Database>, teamId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const schedules = trx.selectFrom('digest_schedules').select('id').where('team_id', '=', teamId);
    const runs = trx.selectFrom('digest_runs').select('id').where('schedule_id', 'in', schedules);
    await trx.deleteFrom('digest_actions').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('digest_runs').where('schedule_id', 'in', schedules).execute();
    const follows = trx.selectFrom('follows').select('id').where('team_id', '=', teamId);
    await trx.deleteFrom('follow_polls').where('follow_id', 'in', follows).execute();
    for (const table of TEAM_TABLES) {
      await trx.deleteFrom(table).where('team_id', '=', teamId).execute();
    }
    // Keys naming the team: LIKE narrows (its `_` may match more), teamOfKey decides.
    const like = `%${teamId}%`;
    const actions = await trx
      .selectFrom('digest_actions')
      .select('action_key')
      .where('action_key', 'like', like)
      .execute();
    const actionKeys = actions.map((r) => r.action_key).filter((k) => teamOfKey(k) === teamId);
    for (const chunk of chunks(actionKeys)) {
      await trx.deleteFrom('digest_actions').where('action_key', 'in', chunk).execute();
    }
    const idem = await trx.selectFrom('idempotency_keys').select('key').where('key', 'like', like).execute();
    const idemKeys = idem.map((r) => r.key).filter((k) => teamOfKey(k) === teamId);
    for (const chunk of chunks(idemKeys)) {
      await trx.deleteFrom('idempotency_keys').where('key', 'in', chunk).execute();
    }
    // Pending writes are keyed by a random id; the team is inside their JSON value.
    const pending = await trx
      .selectFrom('kv_cache')
      .select(['key', 'value_json'])
      .where('key', 'like', `${PENDING_WRITE_PREFIX}%`)
      .execute();
    const keys = pending.filter((r) => teamOf(r.value_json) === teamId).map((r) => r.key);
    for (const chunk of chunks(keys)) {
      await trx.deleteFrom('kv_cache').where('key', 'in', chunk).execute();
    }
  });
}

/** The kv_cache key prefix of the Retry buttons' pending writes (platform/slack/failed-write.ts). */
export const PENDING_WRITE_PREFIX = 'pending-write:';

/** IN lists stay well under SQLite's and PostgreSQL's bound-parameter limits. */
function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function teamOf(json: string): string | undefined {
  try {
    const v = JSON.parse(json) as { teamId?: unknown };
    return typeof v?.teamId === 'string' ? v.teamId : undefined;
  } catch {
    return undefined;
  }
}
