import type { CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AgileSimulator } from '../devkit/sandbox/agile-simulator.js';
import { createContactSearch } from '../features/contacts/contact-search.js';
import { digestOverview } from '../features/digest/overview.js';
import { createDigestPoster, type DigestPoster } from '../features/digest/poster.js';
import { createDigestScheduler, type DigestScheduler } from '../features/digest/scheduler.js';
import { createFollowPoller, type FollowPoller } from '../features/follow/poller.js';
import { createHomeService } from '../features/home/service.js';
import { createDealDirectory } from '../features/pipeline/deal-directory.js';
import { createHeldReplySender, type HeldReplySender } from '../features/ticket/held-sender.js';
import { createTicketService } from '../features/ticket/tickets.js';
import { type AgileClient, createAgileClient } from '../platform/agile/index.js';
import { createOwnerDirectory } from '../platform/agile/owner-directory.js';
import { createAuditTrail } from '../platform/audit.js';
import { agileBaseUrlFor, type Config } from '../platform/config.js';
import { createInFlight } from '../platform/in-flight.js';
import { createLogger, toBoltLogger } from '../platform/logger.js';
import { createMetrics } from '../platform/metrics.js';
import { createKeyring } from '../platform/secrets.js';
import { meteredSlackFetch } from '../platform/slack/api-metrics.js';
import { createSlackApp, type SlackApp } from '../platform/slack/create-app.js';
import {
  type CachedInstallationStore,
  createInstallationStore,
} from '../platform/slack/installation-store.js';
import { createSlackUserDirectory } from '../platform/slack/user-directory.js';
import type { Sleep } from '../platform/sleep.js';
import { createStoreHousekeeping, type StoreHousekeeping } from '../platform/store/housekeeping.js';
import { openStore, type Store } from '../platform/store/index.js';
import { TIMEOUT, within } from '../platform/within.js';
import { createAgileAccounts } from '../platform/workspace/accounts.js';
import type { Connection } from '../platform/workspace/connection.js';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../platform/workspace/settings.js';
import type { Deps } from './deps.js';
import { registerListeners } from './register.js';
import { createWorkspaces, type TeamAgileAccount, type TeamCore, type Workspaces } from './workspaces.js';

const DEFAULT_SHUTDOWN_TIMEOUT_SEC = 20;

export interface BotOptions {
  config: Config;
  logger?: Logger;
  now?: () => Date;
  extraRoutes?: CustomRoute[];
  /** The ack gate on every listener (on by default; the benchmark measures it both ways). */
  ackGate?: boolean;
  /** Agile client options for tests (shorter timeouts, no backoff). */
  agileOptions?: {
    timeoutMs?: number;
    retries?: number;
    retryBaseDelayMs?: number;
    maxRetryAfterMs?: number;
  };
  /** The digest scheduler (on by default); tests turn it off or speed it up. */
  scheduler?: {
    enabled?: boolean;
    tickMs?: number;
    instanceId?: string;
    /** Pause between two digest messages in one channel (Slack: about 1 per second). */
    perChannelIntervalMs?: number;
    retryDelaysMs?: number[];
    /** The poster's and the scheduler's waits (pacing, Retry-After, retry backoff); tests record them. */
    sleep?: Sleep;
  };
  /**
   * Single-workspace seeds (tests, the console): admin settings, the installing user and users
   * personally connected to Agile (by Slack user id), written to the store at start-up under the bot
   * token's team, so every mode reads them from the store. Ignored in OAuth mode.
   */
  workspace?: {
    settings?: Partial<WorkspaceSettings>;
    installerUserId?: string;
    personal?: Record<string, { email: string; apiKey: string }>;
    /** Whether AGILE_* set the workspace's account (default: they do when configured); tests of connect flows say false. */
    agileAccountFromEnv?: boolean;
  };
  /** The poller of followed records (on by default); tests turn its timer off and call tick(). */
  followPoller?: { enabled?: boolean; instanceId?: string };
  /** The sender of held public ticket replies (on by default; ticks every second); tests call tick(). */
  heldReplies?: { enabled?: boolean; instanceId?: string; tickMs?: number; leaseMs?: number };
}

export interface Bot {
  slack: SlackApp;
  logger: Logger;
  deps: Deps;
  /** The embedded Agile sandbox, when no Agile account is configured (console mode). */
  sandbox: AgileSimulator | null;
  /** Null when BotOptions.scheduler.enabled is false. */
  digestScheduler: DigestScheduler | null;
  /** Polls the records followed with `/crm follow`; its timer runs only when BotOptions.followPoller.enabled is not false. */
  followPoller: FollowPoller;
  /** Sends held public ticket replies when due (TICKET_REPLY_HOLD_SECONDS); its timer runs unless BotOptions.heldReplies.enabled is false. */
  heldReplies: HeldReplySender;
  /** Purges expired keys and cache entries and audit rows past AUDIT_RETENTION_DAYS (hourly once started). */
  housekeeping: StoreHousekeeping;
  /** Every team's deps (bounded LRU): deps.forTeam reads it; invalidate after changing a team's store rows. */
  workspaces: Workspaces;
  /** OAuth mode: the installations (cached); null in single-workspace mode. */
  installations: CachedInstallationStore | null;
  /** Starts the HTTP server (port 0 = ephemeral) and background work; resolves with the bound port. */
  start(port?: number): Promise<{ port: number | null }>;
  stop(): Promise<void>;
}

/** The composition root shared by main.ts and the end-to-end tests: one code path for both. */
export async function createBot({
  config,
  logger,
  now = () => new Date(),
  extraRoutes,
  ackGate = true,
  agileOptions,
  scheduler: schedulerOptions = {},
  workspace = {},
  followPoller: followPollerOptions = {},
  heldReplies: heldRepliesOptions = {},
}: BotOptions): Promise<Bot> {
  const log = logger ?? createLogger(config.logLevel, undefined, { pretty: config.logPretty });
  const startedAt = now();
  const inFlight = createInFlight();
  const metrics = createMetrics({ inFlight: () => inFlight.count });
  const oauth = config.slack.oauth;
  // The sandbox is loaded only when it runs (no Agile account: the console), never in production
  // (OAuth mode has no AGILE_* either: each workspace connects its own account).
  const sandbox =
    config.agile || oauth
      ? null
      : await (await import('../devkit/sandbox/agile-simulator.js')).startAgileSimulator({
          now,
          undocumented: config.simulator?.undocumented ?? true,
        });
  const agileConfig = config.agile ?? { baseUrl: sandbox?.url ?? '', ...sandbox?.credentials };
  const keyring = createKeyring(config.encryption.key, config.encryption.previousKey);
  const store: Store = await openStore(config.database, {
    logger: log.child({ component: 'store' }),
    now,
    keyring,
  });
  // Key rotation (README → Secrets at rest): values still under the previous key move to the current one.
  const reencrypted = await store.workspaces.reencryptStale();
  log.info(
    { reencrypted, keyId: keyring.currentId, keySource: config.encryption.source },
    'stored secrets checked against the encryption key',
  );
  const accounts = createAgileAccounts(store, log.child({ component: 'accounts' }));
  // Logins checked by /crm connect (and members' own clients): the console's sandbox serves `/{domain}/dev/`.
  const agileTemplate = sandbox ? sandbox.urlTemplate : config.agileBaseUrlTemplate;
  const agileAccountFromEnv = workspace.agileAccountFromEnv ?? config.agile !== null;
  const agileClientFor: Deps['agileClientFor'] = (domain, email, apiKey, options) =>
    createAgileClient({
      baseUrl: domain ? agileBaseUrlFor(agileTemplate, domain) : agileConfig.baseUrl,
      email,
      apiKey,
      logger: log.child({ component: 'agile' }),
      metrics,
      ...agileOptions,
      ...options,
    });
  const installations = oauth ? createInstallationStore(store.workspaces, now) : null;
  const slack = createSlackApp({
    config,
    logger: log,
    extraRoutes,
    now,
    metrics,
    ...(oauth && installations
      ? {
          oauth: {
            ...oauth,
            installationStore: installations,
            connectedDomain: async (teamId: string) =>
              (await store.workspaces.getWorkspaceAccount(teamId))?.domain,
          },
        }
      : {}),
  });
  const newAgileClient = (account: { baseUrl: string; email: string; apiKey: string }): AgileClient =>
    createAgileClient({
      ...account,
      logger: log.child({ component: 'agile' }),
      metrics,
      ...agileOptions,
    });
  // OAuth mode: no account until a workspace connects; its client answers every call with an error.
  const agile: AgileClient = newAgileClient({
    baseUrl: oauth ? NOT_CONNECTED_URL : agileConfig.baseUrl,
    email: agileConfig.email ?? '',
    apiKey: agileConfig.apiKey ?? '',
  });
  // Digests post in bulk: their own client, so a 429 pauses digests and not the users' clicks.
  const newBulkClient = (token: string) =>
    new WebClient(token, {
      slackApiUrl: config.slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 15_000,
      fetch: meteredSlackFetch(metrics),
      logger: toBoltLogger(log.child({ component: 'digest-slack' })),
    });
  const newPoster = (client: WebClient, maxChannels?: number) =>
    createDigestPoster({
      client,
      maxChannels,
      logger: log.child({ component: 'digest-poster' }),
      perChannelIntervalMs: schedulerOptions.perChannelIntervalMs,
      now,
      sleep: schedulerOptions.sleep,
    });
  const digestPoster = newPoster(config.slack.botToken ? newBulkClient(config.slack.botToken) : slack.client);
  /** OAuth mode: the posters of the teams in the cache (shutdown cuts their waits short too). */
  const teamPosters = new Map<string, DigestPoster>();
  const envDomain = config.agile ? (config.agile.domain ?? null) : oauth ? null : 'sandbox';
  const shared: Deps = {
    logger: log,
    agile,
    store,
    accounts,
    agileClientFor,
    agileAccountFromEnv,
    now,
    slackUsers: createSlackUserDirectory(slack.client, log, now, metrics),
    owners: createOwnerDirectory(agile, now, { apiEmail: agileConfig.email }),
    contactSearch: createContactSearch(agile, now, metrics),
    deals: createDealDirectory(agile, now, metrics),
    tickets: createTicketService({ agile, logger: log.child({ component: 'tickets' }), now }),
    afterPendingAcks: ackGate ? () => slack.ackGate.afterPendingAcks() : () => Promise.resolve(),
    inFlight,
    digestPoster,
    metrics,
    digestOverview: () => digestOverview(store, now()),
    startedAt,
    home: createHomeService(now),
    audit: createAuditTrail({
      store,
      logger: log.child({ component: 'audit' }),
      agileUser: agileConfig.email ?? '',
      retentionDays: config.auditRetentionDays,
    }),
    teamId: '',
    settings: { ...DEFAULT_SETTINGS, ...workspace.settings },
    // The top-level deps serve no request (listeners get their team's): no user, no personal account.
    connection: {
      workspace: oauth ? null : { domain: envDomain, email: agileConfig.email ?? '' },
      personal: null,
      installerUserId: workspace.installerUserId ?? null,
    } satisfies Connection,
    agileDomain: envDomain,
    slackClient: slack.client,
    followPollIntervalSec: config.pollIntervalSec,
    ticketReplyHoldSec: config.ticketReplyHoldSec,
    forTeam: (teamId) => workspaces.forTeam(teamId),
  };
  // The workspace's account: AGILE_* when configured (single workspace), else the one connected from Slack
  // (OAuth mode; the console, whose sandbox account is stored at start).
  const envAccount: TeamAgileAccount = {
    domain: envDomain,
    baseUrl: agileConfig.baseUrl,
    email: agileConfig.email ?? '',
    apiKey: agileConfig.apiKey ?? '',
  };
  const slackOf = async (teamId: string, fresh = false) => {
    const installed = await (installations && !fresh
      ? installations.get(teamId)
      : store.workspaces.getInstallation(teamId));
    if (installations) {
      return installed
        ? { botToken: installed.botToken, installerUserId: installed.installerUserId }
        : undefined;
    }
    // Single workspace: the env token; the installer is a store row (seeded from BotOptions.workspace).
    return { botToken: config.slack.botToken ?? '', installerUserId: installed?.installerUserId ?? null };
  };
  const workspaces: Workspaces = createWorkspaces({
    shared,
    repo: store.workspaces,
    slackOf: (teamId) => slackOf(teamId),
    freshSlackOf: (teamId) => slackOf(teamId, true),
    onStale: (teamId) => installations?.invalidate(teamId),
    nowMs: () => now().getTime(),
    accountOf: async (teamId) => {
      if (agileAccountFromEnv) return envAccount;
      const account = await store.workspaces.getWorkspaceAccount(teamId);
      if (!account) return undefined;
      return {
        domain: account.domain,
        baseUrl: agileBaseUrlFor(agileTemplate, account.domain),
        email: account.email,
        apiKey: account.apiKey,
      };
    },
    coreOf: (teamId, team, account): TeamCore => {
      // Single workspace: every team is the env one and shares the top-level clients and caches.
      if (!oauth) return shared;
      const teamLog = log.child({ teamId });
      const teamAgile = newAgileClient(account ?? { baseUrl: NOT_CONNECTED_URL, email: '', apiKey: '' });
      // Built on first use: a team whose digest is posted needs its poster, not its contact search.
      const lazy = <T>(make: () => T) => {
        let value: T | undefined;
        return () => {
          value ??= make();
          return value;
        };
      };
      const client = lazy(
        () => new WebClient(team.botToken, { ...slack.clientOptions, logger: toBoltLogger(teamLog) }),
      );
      const users = lazy(() =>
        createSlackUserDirectory(client(), teamLog, now, metrics, PER_TEAM_CACHE_ENTRIES),
      );
      const owners = lazy(() => createOwnerDirectory(teamAgile, now, { apiEmail: account?.email }));
      const contacts = lazy(() => createContactSearch(teamAgile, now, metrics));
      const deals = lazy(() => createDealDirectory(teamAgile, now, metrics));
      const tickets = lazy(() =>
        createTicketService({ agile: teamAgile, logger: teamLog.child({ component: 'tickets' }), now }),
      );
      const home = lazy(() => createHomeService(now, PER_TEAM_CACHE_ENTRIES));
      const poster = lazy(() => {
        const created = newPoster(newBulkClient(team.botToken), PER_TEAM_CACHE_ENTRIES);
        teamPosters.set(teamId, created);
        return created;
      });
      return {
        agile: teamAgile,
        get slackClient() {
          return client();
        },
        get slackUsers() {
          return users();
        },
        get owners() {
          return owners();
        },
        get contactSearch() {
          return contacts();
        },
        get deals() {
          return deals();
        },
        get tickets() {
          return tickets();
        },
        get home() {
          return home();
        },
        get digestPoster() {
          return poster();
        },
      };
    },
    personalClient: newAgileClient,
    onDrop: (dropped) => {
      teamPosters.delete(dropped.teamId);
    },
  });
  // One path reads settings: a change saved here drops the team's cached deps at once.
  const saveSettings = store.settings.save.bind(store.settings);
  store.settings.save = async (teamId, settings, byUserId) => {
    await saveSettings(teamId, settings, byUserId);
    workspaces.invalidate(teamId);
  };
  // Connect, disconnect, uninstall: the team's clients, caches and connection state are rebuilt.
  accounts.onChange((teamId) => workspaces.invalidate(teamId));
  const deps = shared;
  const housekeeping = createStoreHousekeeping({
    store,
    logger: log.child({ component: 'housekeeping' }),
    now,
    auditRetentionDays: config.auditRetentionDays,
  });
  const digestScheduler =
    schedulerOptions.enabled === false
      ? null
      : createDigestScheduler({
          deps,
          poster: digestPoster,
          instanceId: schedulerOptions.instanceId,
          tickMs: schedulerOptions.tickMs,
          retryDelaysMs: schedulerOptions.retryDelaysMs,
          sleep: schedulerOptions.sleep,
          metrics,
        });
  const followPoller = createFollowPoller({
    deps,
    intervalMs: config.pollIntervalSec * 1000,
    instanceId: followPollerOptions.instanceId ?? schedulerOptions.instanceId,
  });
  const heldReplies = createHeldReplySender({
    deps,
    instanceId: heldRepliesOptions.instanceId ?? schedulerOptions.instanceId,
    tickMs: heldRepliesOptions.tickMs,
    leaseMs: heldRepliesOptions.leaseMs,
  });
  /**
   * app_uninstalled and tokens_revoked (bot) end the same way (issue 10): every row the store holds for
   * the team (its token, Agile credentials, settings, schedules, follows, held replies, undo records,
   * idempotency keys, cached data; store/team-data.ts) is deleted in one transaction, and its cached
   * deps, clients and installation are dropped from memory. A reinstall starts from scratch.
   */
  const forgetTeam = async (teamId: string, event: 'app_uninstalled' | 'tokens_revoked') => {
    if (!teamId) return;
    // deleteTeam tells the accounts' listeners, which drop the team's cached deps (and its poster).
    await accounts.deleteTeam(teamId);
    installations?.invalidate(teamId);
    workspaces.invalidate(teamId);
    log.info({ teamId, event }, 'workspace gone: its data was deleted');
  };
  const lifecycle = {
    uninstalled: (teamId: string) => forgetTeam(teamId, 'app_uninstalled'),
    botTokensRevoked: (teamId: string) => forgetTeam(teamId, 'tokens_revoked'),
  };
  registerListeners(slack.app, deps, (teamId) => workspaces.teamDeps(teamId), oauth ? lifecycle : undefined);
  await seedWorkspace(workspace, { config, store, slack, log, oauth: oauth !== null });

  return {
    slack,
    logger: log,
    deps,
    sandbox,
    digestScheduler,
    followPoller,
    heldReplies,
    housekeeping,
    workspaces,
    installations,
    async start(port) {
      const started = await slack.start(port);
      digestScheduler?.start();
      if (followPollerOptions.enabled !== false) followPoller.start();
      // Held replies that fell due while no instance ran are sent at the first tick (once: claims are leased).
      if (heldRepliesOptions.enabled !== false) heldReplies.start();
      housekeeping.start();
      return started;
    },
    async stop() {
      // The drain (README → Shutdown): stop accepting requests, let the work they started finish (within
      // SHUTDOWN_TIMEOUT_SECONDS), then digests and the poster, then the store. What could not finish is
      // logged with its idempotency key: its lease lapses and a retry of it writes once.
      const deadlineMs = Date.now() + (config.shutdownTimeoutSeconds ?? DEFAULT_SHUTDOWN_TIMEOUT_SEC) * 1000;
      const remaining = () => Math.max(0, deadlineMs - Date.now());
      /** Waits for one step until the deadline (at least a second); past it, logs what was left behind. */
      const finish = async (step: Promise<unknown> | undefined, leftBehind: string) => {
        if (step && (await within(step, Math.max(1000, remaining()))) === TIMEOUT) log.error(leftBehind);
      };
      const schedulerStopped = digestScheduler?.stop();
      const pollerStopped = followPoller.stop();
      // Sends already started finish; claims not started are handed back (sent by the next instance).
      const heldStopped = heldReplies.stop();
      await slack.stop();
      if (inFlight.count > 0) {
        log.info({ inFlight: inFlight.count }, 'shutdown: waiting for work in flight');
        if ((await within(inFlight.idle(), remaining())) === TIMEOUT) {
          log.error(
            { inFlight: inFlight.count, idempotencyKeys: store.idempotency.held() },
            'shutdown deadline passed with work still in flight',
          );
        } else {
          log.info('shutdown: work in flight finished');
        }
      }
      // Cut the poster's waits short so digests being posted end quickly (a run left 'claimed' is resumed).
      digestPoster.close();
      for (const poster of teamPosters.values()) poster.close();
      await finish(schedulerStopped, 'shutdown deadline passed with a digest still being posted');
      // A poll stuck in CRM calls (10 s an attempt, retried) is left behind: the next interval polls again.
      await finish(
        pollerStopped,
        'shutdown deadline passed with a follow poll still running (its follows are polled again at the next interval)',
      );
      await finish(
        heldStopped,
        'shutdown deadline passed with a held ticket reply still being sent (its lease lapses, then it is checked and sent once)',
      );
      await finish(
        housekeeping.stop(),
        'shutdown deadline passed with a store purge still running (it runs again at the next start)',
      );
      const unfinished = store.idempotency.held();
      if (unfinished.length > 0) {
        log.error(
          { idempotencyKeys: unfinished },
          'shutdown: writes not finished (retryable once their lease lapses)',
        );
      }
      // A database that does not answer (partitioned) must not hold the exit.
      await finish(store.close(), 'shutdown deadline passed while closing the database connections');
      await sandbox?.close();
    },
  };
}

/**
 * Entries of each team's user, App Home and poster caches in OAuth mode (single-workspace mode keeps the
 * larger defaults): lru-cache allocates for all of them up front, and up to 500 teams are held at once.
 */
const PER_TEAM_CACHE_ENTRIES = 1000;

/** The Agile base URL of a workspace not connected yet: any call fails at once (nothing listens there). */
const NOT_CONNECTED_URL = 'http://agile-not-connected.invalid/dev/';

/**
 * BotOptions.workspace (tests, the console) written to the store at start-up, under the env token's
 * team, so settings, the installer and personal connections are read one way in every mode.
 */
async function seedWorkspace(
  seeds: NonNullable<BotOptions['workspace']>,
  ctx: { config: Config; store: Store; slack: SlackApp; log: Logger; oauth: boolean },
): Promise<void> {
  const personal = Object.entries(seeds.personal ?? {});
  if (ctx.oauth || (!seeds.settings && !seeds.installerUserId && personal.length === 0)) return;
  const auth = await ctx.slack.client.auth.test().catch((err: unknown) => {
    ctx.log.warn(
      { err },
      'auth.test failed: the workspace seeds (settings, installer, personal) were not stored',
    );
    return null;
  });
  const teamId = auth?.team_id;
  if (!teamId) return;
  const nowMs = Date.now();
  if (seeds.settings) {
    const current = await ctx.store.settings.get(teamId);
    await ctx.store.settings.save(teamId, { ...current, ...seeds.settings }, seeds.installerUserId ?? 'seed');
  }
  if (seeds.installerUserId) {
    await ctx.store.workspaces.saveInstallation({
      teamId,
      teamName: auth.team ?? null,
      enterpriseId: null,
      botToken: ctx.config.slack.botToken ?? '',
      botUserId: auth.user_id ?? '',
      botId: auth.bot_id ?? null,
      scopes: [],
      installerUserId: seeds.installerUserId,
      installedMs: nowMs,
    });
  }
  for (const [slackUserId, account] of personal) {
    await ctx.store.workspaces.setPersonalAccount(teamId, slackUserId, {
      slackUserId,
      email: account.email,
      apiKey: account.apiKey,
      connectedMs: nowMs,
    });
  }
}
