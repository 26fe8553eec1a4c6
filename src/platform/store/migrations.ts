import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema.js';

/**
 * Ordered, append-only. Each is plain SQL that means the same on SQLite and PostgreSQL
 * (TEXT, INTEGER, BIGINT, composite keys, ON CONFLICT), so both databases get one schema.
 * Never edit an applied migration: add a new one.
 */
export const MIGRATIONS: readonly { name: string; statements: readonly string[] }[] = [
  {
    name: '001_initial',
    statements: [
      `CREATE TABLE idempotency_keys (
        key TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        result_json TEXT,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL,
        completed_ms BIGINT
      )`,
      'CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_ms)',
      `CREATE TABLE logged_messages (
        channel_id TEXT NOT NULL,
        message_ts TEXT NOT NULL,
        contact_id TEXT NOT NULL,
        note_id TEXT NOT NULL,
        permalink TEXT,
        logged_by TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        PRIMARY KEY (channel_id, message_ts, contact_id)
      )`,
      `CREATE TABLE digest_schedules (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        time_hhmm TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        horizon_days INTEGER NOT NULL,
        weekdays_only INTEGER NOT NULL,
        owner_emails_json TEXT,
        enabled INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
      )`,
      // channel_id first so get(channelId) uses this index too.
      'CREATE UNIQUE INDEX digest_schedules_channel ON digest_schedules (channel_id, team_id)',
      'CREATE INDEX digest_schedules_enabled ON digest_schedules (enabled)',
      `CREATE TABLE digest_runs (
        id TEXT PRIMARY KEY,
        schedule_id TEXT NOT NULL,
        local_date TEXT NOT NULL,
        status TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        message_ts TEXT,
        error TEXT,
        claimed_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL,
        posted_ms BIGINT
      )`,
      // The exactly-once key: one run per schedule and local day.
      'CREATE UNIQUE INDEX digest_runs_schedule_date ON digest_runs (schedule_id, local_date)',
      `CREATE TABLE digest_actions (
        action_key TEXT PRIMARY KEY,
        run_id TEXT,
        task_id TEXT NOT NULL,
        action TEXT NOT NULL,
        actor_user_id TEXT NOT NULL,
        detail_json TEXT,
        created_ms BIGINT NOT NULL
      )`,
      'CREATE INDEX digest_actions_run ON digest_actions (run_id)',
      `CREATE TABLE kv_cache (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        expires_ms BIGINT NOT NULL
      )`,
      'CREATE INDEX kv_cache_expires ON kv_cache (expires_ms)',
    ],
  },
  {
    name: '002_audit_log',
    statements: [
      `CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        at_ms BIGINT NOT NULL,
        team_id TEXT NOT NULL,
        slack_user_id TEXT NOT NULL,
        agile_user TEXT NOT NULL,
        action TEXT NOT NULL,
        record_ids_json TEXT NOT NULL,
        summary TEXT NOT NULL,
        outcome TEXT NOT NULL,
        error_kind TEXT,
        request_id TEXT
      )`,
      // The export reads a team's (or one user's) rows in a time window; retention deletes by time.
      'CREATE INDEX audit_log_team_at ON audit_log (team_id, at_ms)',
      'CREATE INDEX audit_log_user_at ON audit_log (slack_user_id, at_ms)',
      'CREATE INDEX audit_log_at ON audit_log (at_ms)',
    ],
  },
  {
    // Issue 10: Slack installations (OAuth mode) and Agile connections per workspace and per member.
    // The *_enc columns hold platform/secrets.ts values (enc1:<kid>:…), never a secret in clear.
    name: '003_workspaces',
    statements: [
      `CREATE TABLE slack_installations (
        team_id TEXT PRIMARY KEY,
        team_name TEXT,
        enterprise_id TEXT,
        bot_token_enc TEXT NOT NULL,
        bot_user_id TEXT NOT NULL,
        bot_id TEXT,
        scopes TEXT NOT NULL,
        installer_user_id TEXT NOT NULL,
        installed_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
      )`,
      `CREATE TABLE agile_workspace_accounts (
        team_id TEXT PRIMARY KEY,
        domain TEXT NOT NULL,
        email TEXT NOT NULL,
        api_key_enc TEXT NOT NULL,
        connected_by TEXT NOT NULL,
        connected_ms BIGINT NOT NULL
      )`,
      `CREATE TABLE agile_personal_accounts (
        team_id TEXT NOT NULL,
        slack_user_id TEXT NOT NULL,
        email TEXT NOT NULL,
        api_key_enc TEXT NOT NULL,
        connected_ms BIGINT NOT NULL,
        PRIMARY KEY (team_id, slack_user_id)
      )`,
    ],
  },
  {
    // A digest's thread replies, kept from its main message until the last reply is out: a run cut
    // short (shutdown, crash) resumes its replies where they stopped instead of losing them.
    name: '004_digest_progress',
    statements: [
      'ALTER TABLE digest_runs ADD COLUMN thread_json TEXT',
      'ALTER TABLE digest_runs ADD COLUMN thread_total INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE digest_runs ADD COLUMN thread_posted INTEGER NOT NULL DEFAULT 0',
    ],
  },
  {
    name: '005_thread_logs',
    statements: [
      `CREATE TABLE thread_logs (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        thread_ts TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        target_name TEXT NOT NULL,
        logged_by TEXT NOT NULL,
        note_ids_json TEXT NOT NULL,
        view_id TEXT,
        created_ms BIGINT NOT NULL
      )`,
      // "Was this thread logged before?" reads a thread's newest log.
      'CREATE INDEX thread_logs_thread ON thread_logs (team_id, channel_id, thread_ts, created_ms)',
    ],
  },
  {
    name: '006_follows',
    statements: [
      `CREATE TABLE follows (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        label TEXT NOT NULL,
        thread_ts TEXT,
        created_by TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        snapshot_json TEXT,
        snapshot_slot BIGINT,
        updated_ms BIGINT NOT NULL
      )`,
      // One follow of a record per channel; the channel's list reads by (team, channel).
      'CREATE UNIQUE INDEX follows_record ON follows (team_id, channel_id, kind, record_id)',
      `CREATE TABLE follow_polls (
        follow_id TEXT NOT NULL,
        slot BIGINT NOT NULL,
        instance_id TEXT NOT NULL,
        claimed_ms BIGINT NOT NULL,
        PRIMARY KEY (follow_id, slot)
      )`,
      'CREATE INDEX follow_polls_claimed ON follow_polls (claimed_ms)',
    ],
  },
  {
    // Undo: one row per confirmed write, open for 10 minutes; claimed once (status open → undone).
    name: '007_undo',
    statements: [
      `CREATE TABLE undo_actions (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        refs_json TEXT NOT NULL,
        previous_json TEXT,
        fingerprint_json TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL,
        status TEXT NOT NULL,
        undone_ms BIGINT
      )`,
      // Housekeeping deletes old rows by time.
      'CREATE INDEX undo_actions_created ON undo_actions (created_ms)',
    ],
  },
  {
    // App Home: a workspace's admin settings and manual Slack user → Agile email overrides.
    name: '008_workspace_settings',
    statements: [
      `CREATE TABLE workspace_settings (
        team_id TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_ms BIGINT NOT NULL
      )`,
      `CREATE TABLE user_links (
        team_id TEXT NOT NULL,
        slack_user_id TEXT NOT NULL,
        agile_email TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_ms BIGINT NOT NULL,
        PRIMARY KEY (team_id, slack_user_id)
      )`,
    ],
  },
  {
    // Public ticket replies held a few seconds before they are sent (so they can be cancelled).
    name: '009_pending_sends',
    statements: [
      `CREATE TABLE pending_sends (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        target_json TEXT,
        ticket_id TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        due_ms BIGINT NOT NULL,
        status TEXT NOT NULL,
        claimed_by TEXT,
        claimed_ms BIGINT,
        lease_ms BIGINT,
        attempts INTEGER NOT NULL,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL,
        error TEXT
      )`,
      'CREATE UNIQUE INDEX pending_sends_key ON pending_sends (idempotency_key)',
      // The sender reads what is due (held) or stranded (sending, lease lapsed).
      'CREATE INDEX pending_sends_due ON pending_sends (status, due_ms)',
    ],
  },
  {
    // Uninstalling (or a revoked bot token) deletes every row of the team (store/team-data.ts): the
    // logged-message markers now name their team (older rows stay null: they cannot be attributed),
    // and the tables it deletes from by team_id without an index starting with it get one.
    name: '010_team_cleanup',
    statements: [
      'ALTER TABLE logged_messages ADD COLUMN team_id TEXT',
      'CREATE INDEX logged_messages_team ON logged_messages (team_id)',
      'CREATE INDEX pending_sends_team ON pending_sends (team_id)',
      'CREATE INDEX undo_actions_team ON undo_actions (team_id)',
    ],
  },
];

const CREATE_MIGRATIONS_TABLE =
  'CREATE TABLE IF NOT EXISTS store_migrations (name TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)';

/**
 * SQLite: the whole run is one synchronous BEGIN IMMEDIATE transaction on the raw connection.
 * Other processes wait on the write lock (busy_timeout); other connections in this process cannot
 * interleave because nothing awaits in between (an async transaction here would block the thread
 * on busy_timeout while holding the lock it waits for).
 */
export function migrateSqlite(db: BetterSqlite3.Database, nowMs: number, logger: Logger): string[] {
  const run = db.transaction(() => {
    db.exec(CREATE_MIGRATIONS_TABLE);
    const applied = new Set(
      db
        .prepare('SELECT name FROM store_migrations')
        .all()
        .map((r) => (r as { name: string }).name),
    );
    const done: string[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.name)) continue;
      for (const statement of m.statements) db.exec(statement);
      db.prepare('INSERT INTO store_migrations (name, applied_ms) VALUES (?, ?)').run(m.name, nowMs);
      done.push(m.name);
    }
    return done;
  });
  const done = run.immediate();
  if (done.length > 0) logger.info({ migrations: done, database: 'sqlite' }, 'store migrations applied');
  return done;
}

/** Any constant shared by every instance of this app; names the advisory lock in pg_locks. */
const PG_MIGRATION_LOCK_KEY = 7_316_540_021;

/** PostgreSQL: DDL is transactional, so the run is one transaction serialised by an advisory lock. */
export async function migratePostgres(
  db: Kysely<Database>,
  nowMs: number,
  logger: Logger,
): Promise<string[]> {
  const done = await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(PG_MIGRATION_LOCK_KEY)})`.execute(trx);
    await sql.raw(CREATE_MIGRATIONS_TABLE).execute(trx);
    const rows = await trx.selectFrom('store_migrations').select('name').execute();
    const applied = new Set(rows.map((r) => r.name));
    const names: string[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.name)) continue;
      for (const statement of m.statements) await sql.raw(statement).execute(trx);
      await trx.insertInto('store_migrations').values({ name: m.name, applied_ms: nowMs }).execute();
      names.push(m.name);
    }
    return names;
  });
  if (done.length > 0) logger.info({ migrations: done, database: 'postgres' }, 'store migrations applied');
  return done;
}
