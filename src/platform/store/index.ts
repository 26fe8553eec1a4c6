import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { type Logger, pino } from 'pino';
import type { DatabaseConfig } from '../config.js';
import { devKeyring, type Keyring } from '../secrets.js';
import { type AuditRepository, createAuditRepository } from './audit.js';
import { type CacheRepository, createCacheRepository } from './cache.js';
import type { RepoContext } from './context.js';
import { createDigestActionsRepository, type DigestActionsRepository } from './digest-actions.js';
import { createDigestRunsRepository, type DigestRunsRepository } from './digest-runs.js';
import { createDigestSchedulesRepository, type DigestSchedulesRepository } from './digest-schedules.js';
import { createFollowsRepository, type FollowsRepository } from './follows.js';
import { createIdempotencyRepository, type IdempotencyRepository } from './idempotency.js';
import { createLoggedMessagesRepository, type LoggedMessagesRepository } from './logged-messages.js';
import { migratePostgres, migrateSqlite } from './migrations.js';
import { createPendingSendsRepository, type PendingSendsRepository } from './pending-sends.js';
import { discardingBrokenClients } from './pg-pool.js';
import type { Database } from './schema.js';
import { createThreadLogsRepository, type ThreadLogsRepository } from './thread-logs.js';
import { createUndoActionsRepository, type UndoActionsRepository } from './undo-actions.js';
import { createUserLinksRepository, type UserLinksRepository } from './user-links.js';
import { createWorkspaceSettingsRepository, type WorkspaceSettingsRepository } from './workspace-settings.js';
import { createWorkspacesRepository, type WorkspacesRepository } from './workspaces.js';

export type {
  AuditEntry,
  AuditEntryInput,
  AuditOutcome,
  AuditQuery,
  AuditRecordIds,
  AuditRepository,
} from './audit.js';
export type { CacheRepository } from './cache.js';
export type { DigestAction, DigestActionInput, DigestActionsRepository } from './digest-actions.js';
export type { DigestRun, DigestRunStatus, DigestRunsRepository, TakeOverInput } from './digest-runs.js';
export type { DigestSchedule, DigestScheduleInput, DigestSchedulesRepository } from './digest-schedules.js';
export type { Follow, FollowInput, FollowKind, FollowsRepository } from './follows.js';
export type { ClaimResult, IdempotencyRepository } from './idempotency.js';
export type { LoggedMessage, LoggedMessageInput, LoggedMessagesRepository } from './logged-messages.js';
export { MIGRATIONS } from './migrations.js';
export type {
  PendingSend,
  PendingSendInput,
  PendingSendStatus,
  PendingSendsRepository,
} from './pending-sends.js';
export type { ThreadLog, ThreadLogInput, ThreadLogsRepository, ThreadLogTarget } from './thread-logs.js';
export type {
  UndoAction,
  UndoActionInput,
  UndoActionsRepository,
  UndoClaim,
  UndoStatus,
} from './undo-actions.js';
export type { UserLink, UserLinksRepository } from './user-links.js';
export type { WorkspaceSettingsRepository } from './workspace-settings.js';
export type {
  Installation,
  PersonalAgileAccount,
  WorkspaceAccountChange,
  WorkspaceAgileAccount,
  WorkspacesRepository,
} from './workspaces.js';

/** The bot's persistent state, on SQLite or PostgreSQL behind one interface. */
export interface Store {
  readonly kind: DatabaseConfig['kind'];
  readonly idempotency: IdempotencyRepository;
  readonly loggedMessages: LoggedMessagesRepository;
  readonly digestSchedules: DigestSchedulesRepository;
  readonly digestRuns: DigestRunsRepository;
  readonly digestActions: DigestActionsRepository;
  readonly cache: CacheRepository;
  /** Each workspace's admin settings (App Home). */
  readonly settings: WorkspaceSettingsRepository;
  /** Manual Slack user → Agile email overrides (App Home's user mapping). */
  readonly userLinks: UserLinksRepository;
  /** Whole Slack threads logged as notes ("Log thread to CRM"), to ask before logging one again. */
  readonly threadLogs: ThreadLogsRepository;
  /** Records followed in channels, their last-seen snapshots and the poll claims (features/follow). */
  readonly follows: FollowsRepository;
  /**
   * Slack installations and Agile connections, secrets encrypted at rest with OpenStoreOptions.keyring;
   * `workspaces.deleteTeam` removes everything the store holds for a team (app_uninstalled).
   */
  readonly workspaces: WorkspacesRepository;
  /** Public ticket replies held before sending, so their author can cancel them (features/ticket). */
  readonly pendingSends: PendingSendsRepository;
  /** Writes their authors may undo for 10 minutes (features/undo). */
  readonly undoActions: UndoActionsRepository;
  /** The database's applied migrations: how many, and the newest one's name (`/crm status`). */
  migrationState(): Promise<MigrationState>;
  /** Every write made from Slack (see platform/audit.ts); kept AUDIT_RETENTION_DAYS. */
  readonly audit: AuditRepository;
  /** Deletes expired idempotency keys and cache entries (call now and then, e.g. hourly). */
  purgeExpired(): Promise<{ idempotencyKeys: number; cacheEntries: number }>;
  close(): Promise<void>;
}

export interface MigrationState {
  applied: number;
  /** Name of the newest applied migration (names sort in order: `001_initial`, …); null if none. */
  latest: string | null;
}

export interface OpenStoreOptions {
  /** Injected clock; every stored time and every expiry check reads it. */
  now?: () => Date;
  logger?: Logger;
  /** PostgreSQL statement_timeout (default 10 s); tests shorten it. */
  statementTimeoutMs?: number;
  /** PostgreSQL: how long a new connection may take before the request fails (default 5 s); tests shorten it. */
  connectTimeoutMs?: number;
  /** Encrypts the stored secrets (bot tokens, Agile API keys); default: the fixed development key. */
  keyring?: Keyring;
}

/** Waits this long for another connection's write lock before SQLite reports SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
const PG_INT8_OID = 20;
/** PostgreSQL down or partitioned: a query fails within this, instead of hanging. */
const PG_CONNECT_TIMEOUT_MS = 5_000;
/** The server cancels any statement running longer than this; the client gives up a little later. */
const PG_STATEMENT_TIMEOUT_MS = 10_000;
/** TCP keepalive probes start after this much silence on a connection (the OS default is 2 hours). */
const PG_KEEPALIVE_DELAY_MS = 10_000;

/**
 * Opens the database and brings its schema up to date. Safe when several processes open the same
 * database at once: SQLite migrates under BEGIN IMMEDIATE, PostgreSQL under an advisory lock.
 */
export async function openStore(config: DatabaseConfig, opts: OpenStoreOptions = {}): Promise<Store> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const now = opts.now ?? (() => new Date());
  const nowMs = () => now().getTime();

  // Each driver is loaded only for its kind of DATABASE_URL: a process never holds both.
  let db: Kysely<Database>;
  if (config.kind === 'sqlite') {
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const sqlite = new BetterSqlite3(config.path);
    try {
      // busy_timeout first: switching to WAL itself needs a lock another process may hold.
      sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      migrateSqlite(sqlite, nowMs(), logger);
    } catch (err) {
      sqlite.close();
      throw err;
    }
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  } else {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: config.url,
      max: 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? PG_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      // TCP keepalive: a silently dropped idle connection (partition, NAT timeout) is noticed and replaced.
      keepAlive: true,
      keepAliveInitialDelayMillis: PG_KEEPALIVE_DELAY_MS,
      statement_timeout: opts.statementTimeoutMs ?? PG_STATEMENT_TIMEOUT_MS,
      query_timeout: (opts.statementTimeoutMs ?? PG_STATEMENT_TIMEOUT_MS) + 2_000,
      // Times are BIGINT epoch ms: parse int8 to a number for this pool only (no global pg.types change).
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8_OID && format !== 'binary'
            ? (v: string) => Number(v)
            : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', (err) => logger.warn({ err }, 'postgres idle client error'));
    // A client whose query timed out or lost its connection is destroyed, not reused (see pg-pool.ts).
    const kyselyPool = discardingBrokenClients(pool, (err) =>
      logger.warn({ err }, 'postgres connection discarded after a connection-level error'),
    );
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: kyselyPool }) });
    try {
      await migratePostgres(db, nowMs(), logger);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }

  const ctx: RepoContext = { db, nowMs };
  const idempotency = createIdempotencyRepository(ctx);
  const cache = createCacheRepository(ctx);
  let closed = false;
  return {
    kind: config.kind,
    idempotency,
    loggedMessages: createLoggedMessagesRepository(ctx),
    digestSchedules: createDigestSchedulesRepository(ctx),
    digestRuns: createDigestRunsRepository(ctx),
    digestActions: createDigestActionsRepository(ctx),
    cache,
    settings: createWorkspaceSettingsRepository(ctx),
    userLinks: createUserLinksRepository(ctx),
    threadLogs: createThreadLogsRepository(ctx),
    follows: createFollowsRepository(ctx),
    workspaces: createWorkspacesRepository(ctx, opts.keyring ?? devKeyring(), logger),
    pendingSends: createPendingSendsRepository(ctx),
    undoActions: createUndoActionsRepository(ctx),
    async migrationState() {
      const rows = await db.selectFrom('store_migrations').select('name').execute();
      const names = rows.map((r) => r.name).sort();
      return { applied: names.length, latest: names.at(-1) ?? null };
    },
    audit: createAuditRepository(ctx),
    async purgeExpired() {
      return { idempotencyKeys: await idempotency.purgeExpired(), cacheEntries: await cache.purgeExpired() };
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
