import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * `app_uninstalled` (WorkspacesRepository.deleteTeam). A new table with team data adds its delete here.
 *
 * Everything the store holds for a team, in one transaction: its installation, both kinds of Agile
 * connection, admin settings, user links, digest schedules (with their runs and button clicks),
 * follows (with their poll claims), thread-log records and the Retry buttons' pending writes (they
 * carry typed CRM text). Kept: the audit trail (purged after AUDIT_RETENTION_DAYS) and rows that name no
 * team (idempotency keys expiring within a day, logged-message markers keyed by channel).
 */
export async function deleteTeamData(db: Kysely<Database>, teamId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const schedules = trx.selectFrom('digest_schedules').select('id').where('team_id', '=', teamId);
    const runs = trx.selectFrom('digest_runs').select('id').where('schedule_id', 'in', schedules);
    await trx.deleteFrom('digest_actions').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('digest_runs').where('schedule_id', 'in', schedules).execute();
    await trx.deleteFrom('digest_schedules').where('team_id', '=', teamId).execute();
    const follows = trx.selectFrom('follows').select('id').where('team_id', '=', teamId);
    await trx.deleteFrom('follow_polls').where('follow_id', 'in', follows).execute();
    for (const table of [
      'follows',
      'thread_logs',
      'user_links',
      'workspace_settings',
      'agile_personal_accounts',
      'agile_workspace_accounts',
      'slack_installations',
    ] as const) {
      await trx.deleteFrom(table).where('team_id', '=', teamId).execute();
    }
    // Pending writes are keyed by a random id; the team is inside their JSON value.
    const pending = await trx
      .selectFrom('kv_cache')
      .select(['key', 'value_json'])
      .where('key', 'like', `${PENDING_WRITE_PREFIX}%`)
      .execute();
    const keys = pending.filter((r) => teamOf(r.value_json) === teamId).map((r) => r.key);
    if (keys.length > 0) await trx.deleteFrom('kv_cache').where('key', 'in', keys).execute();
  });
}

/** The kv_cache key prefix of the Retry buttons' pending writes (platform/slack/failed-write.ts). */
export const PENDING_WRITE_PREFIX = 'pending-write:';

function teamOf(json: string): string | undefined {
  try {
    const v = JSON.parse(json) as { teamId?: unknown };
    return typeof v?.teamId === 'string' ? v.teamId : undefined;
  } catch {
    return undefined;
  }
}
