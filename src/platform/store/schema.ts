/**
 * Table types as Kysely sees them. Times are epoch milliseconds in BIGINT columns named `…_ms`
 * (int8 is parsed to a JS number on PostgreSQL, see open-store.ts); JSON is TEXT on both databases;
 * booleans are INTEGER 0/1 because SQLite has no boolean type and the schema is the same on both.
 */
export interface IdempotencyKeysTable {
  key: string;
  status: 'in_progress' | 'done';
  result_json: string | null;
  created_ms: number;
  expires_ms: number;
  completed_ms: number | null;
}

export interface LoggedMessagesTable {
  channel_id: string;
  message_ts: string;
  contact_id: string;
  note_id: string;
  permalink: string | null;
  logged_by: string;
  created_ms: number;
}

export interface DigestSchedulesTable {
  id: string;
  team_id: string;
  channel_id: string;
  time_hhmm: string;
  time_zone: string;
  horizon_days: number;
  weekdays_only: number;
  owner_emails_json: string | null;
  enabled: number;
  created_by: string;
  updated_by: string;
  created_ms: number;
  updated_ms: number;
}

export interface DigestRunsTable {
  id: string;
  schedule_id: string;
  local_date: string;
  status: 'claimed' | 'posted' | 'failed';
  instance_id: string;
  attempts: number;
  message_ts: string | null;
  error: string | null;
  claimed_ms: number;
  updated_ms: number;
  posted_ms: number | null;
  /** The thread replies (JSON array) while some are still to post; null once all are out. */
  thread_json: string | null;
  thread_total: number;
  thread_posted: number;
}

export interface DigestActionsTable {
  action_key: string;
  run_id: string | null;
  task_id: string;
  action: string;
  actor_user_id: string;
  detail_json: string | null;
  created_ms: number;
}

export interface KvCacheTable {
  key: string;
  value_json: string;
  expires_ms: number;
}

export interface AuditLogTable {
  id: string;
  at_ms: number;
  team_id: string;
  slack_user_id: string;
  agile_user: string;
  action: string;
  record_ids_json: string;
  summary: string;
  outcome: 'ok' | 'failed' | 'unknown';
  error_kind: string | null;
  request_id: string | null;
}

export interface StoreMigrationsTable {
  name: string;
  applied_ms: number;
}

export interface Database {
  idempotency_keys: IdempotencyKeysTable;
  logged_messages: LoggedMessagesTable;
  digest_schedules: DigestSchedulesTable;
  digest_runs: DigestRunsTable;
  digest_actions: DigestActionsTable;
  kv_cache: KvCacheTable;
  audit_log: AuditLogTable;
  store_migrations: StoreMigrationsTable;
}
