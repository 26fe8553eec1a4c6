/**
 * Table types as Kysely sees them. Times are epoch milliseconds in BIGINT columns named `…_ms`
 * (int8 is parsed to a JS number on PostgreSQL, see open-store.ts); JSON is TEXT on both databases;
 * booleans are INTEGER 0/1 because SQLite has no boolean type and the schema is the same on both.
 */
export interface IdempotencyKeysTable {
  key: string;
  /** unknown: the write got no answer and may have been saved (see runOnce). */
  status: 'in_progress' | 'done' | 'unknown';
  result_json: string | null;
  created_ms: number;
  expires_ms: number;
  completed_ms: number | null;
}

export interface LoggedMessagesTable {
  /** Null on rows recorded before migration 010 (they name no team; kept as they were). */
  team_id: string | null;
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

export interface WorkspaceSettingsTable {
  team_id: string;
  /** WorkspaceSettings as JSON (platform/workspace/settings.ts parses it, defaults for unknown keys). */
  settings: string;
  updated_by: string;
  updated_ms: number;
}

export interface UserLinksTable {
  team_id: string;
  slack_user_id: string;
  agile_email: string;
  set_by: string;
  set_ms: number;
}

export interface ThreadLogsTable {
  id: string;
  team_id: string;
  channel_id: string;
  thread_ts: string;
  target_kind: string;
  target_id: string;
  target_name: string;
  logged_by: string;
  note_ids_json: string;
  view_id: string | null;
  created_ms: number;
}

export interface FollowsTable {
  id: string;
  team_id: string;
  channel_id: string;
  kind: 'deal' | 'contact' | 'ticket';
  record_id: string;
  label: string;
  /** The channel message whose thread gets the updates; null while the follow is being announced. */
  thread_ts: string | null;
  created_by: string;
  created_ms: number;
  /** What the last poll saw (JSON); null until the first poll sets the baseline. */
  snapshot_json: string | null;
  /** The poll slot that wrote snapshot_json: a snapshot is only replaced by a later slot's. */
  snapshot_slot: number | null;
  updated_ms: number;
}

export interface FollowPollsTable {
  follow_id: string;
  slot: number;
  instance_id: string;
  claimed_ms: number;
}

/** Issue 10. `*_enc` columns hold platform/secrets.ts values (enc1:<kid>:<iv>:<tag>:<ct>). */
export interface SlackInstallationsTable {
  team_id: string;
  team_name: string | null;
  enterprise_id: string | null;
  bot_token_enc: string;
  bot_user_id: string;
  bot_id: string | null;
  /** The granted bot scopes, comma-separated (as Slack sends them). */
  scopes: string;
  installer_user_id: string;
  installed_ms: number;
  updated_ms: number;
}

export interface AgileWorkspaceAccountsTable {
  team_id: string;
  domain: string;
  email: string;
  api_key_enc: string;
  connected_by: string;
  connected_ms: number;
}

export interface AgilePersonalAccountsTable {
  team_id: string;
  slack_user_id: string;
  email: string;
  api_key_enc: string;
  connected_ms: number;
}

export interface PendingSendsTable {
  id: string;
  team_id: string;
  user_id: string;
  /** Where the confirmation is (JSON: the DM's channel and ts); null until it is posted. */
  target_json: string | null;
  ticket_id: string;
  /** What is sent, exactly as typed, and what the confirmations show (JSON). */
  payload_json: string;
  /** The send's runOnce key: one send per hold, even across instances and restarts. */
  idempotency_key: string;
  due_ms: number;
  status: 'held' | 'sending' | 'sent' | 'cancelled' | 'failed';
  claimed_by: string | null;
  claimed_ms: number | null;
  /** How long a claim lasts: a 'sending' row whose claim is older is re-claimed (its holder died). */
  lease_ms: number | null;
  /** Claims so far: from the second on, the send first checks whether the reply landed. */
  attempts: number;
  created_ms: number;
  updated_ms: number;
  error: string | null;
}

export interface UndoActionsTable {
  id: string;
  team_id: string;
  user_id: string;
  kind: string;
  /** JSON: the Agile ids the write touched, as strings (they exceed 2^53). */
  refs_json: string;
  /** JSON: what the undo restores (null for a create, which the undo deletes). */
  previous_json: string | null;
  /** JSON: the fields the write set, as Agile showed them after it; compared before undoing. */
  fingerprint_json: string;
  created_ms: number;
  expires_ms: number;
  status: 'open' | 'undoing' | 'undone' | 'expired' | 'failed';
  undone_ms: number | null;
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
  workspace_settings: WorkspaceSettingsTable;
  user_links: UserLinksTable;
  thread_logs: ThreadLogsTable;
  follows: FollowsTable;
  follow_polls: FollowPollsTable;
  slack_installations: SlackInstallationsTable;
  agile_workspace_accounts: AgileWorkspaceAccountsTable;
  agile_personal_accounts: AgilePersonalAccountsTable;
  pending_sends: PendingSendsTable;
  undo_actions: UndoActionsTable;
  store_migrations: StoreMigrationsTable;
}
