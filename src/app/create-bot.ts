import type { CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AgileSimulator } from '../devkit/sandbox/agile-simulator.js';
import { createContactSearch } from '../features/contacts/contact-search.js';
import { digestOverview } from '../features/digest/overview.js';
import { createDigestPoster } from '../features/digest/poster.js';
import { createDigestScheduler, type DigestScheduler } from '../features/digest/scheduler.js';
import { createFollowPoller, type FollowPoller } from '../features/follow/poller.js';
import { createHomeService } from '../features/home/service.js';
import { createDealDirectory } from '../features/pipeline/deal-directory.js';
import { createHeldReplySender, type HeldReplySender } from '../features/ticket/held-sender.js';
import { createTicketService } from '../features/ticket/tickets.js';
import { type AgileClient, createAgileClient } from '../platform/agile/index.js';
import { createOwnerDirectory } from '../platform/agile/owner-directory.js';
import { createAuditTrail } from '../platform/audit.js';
import type { Config } from '../platform/config.js';
import { createInFlight } from '../platform/in-flight.js';
import { createLogger, toBoltLogger } from '../platform/logger.js';
import { createMetrics } from '../platform/metrics.js';
import { currentRequest } from '../platform/request-context.js';
import { meteredSlackFetch } from '../platform/slack/api-metrics.js';
import { createSlackApp, type SlackApp } from '../platform/slack/create-app.js';
import { createSlackUserDirectory } from '../platform/slack/user-directory.js';
import type { Sleep } from '../platform/sleep.js';
import { createStoreHousekeeping, type StoreHousekeeping } from '../platform/store/housekeeping.js';
import { openStore, type Store } from '../platform/store/index.js';
import { TIMEOUT, within } from '../platform/within.js';
import type { Connection } from '../platform/workspace/connection.js';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../platform/workspace/settings.js';
import type { Deps } from './deps.js';
import { registerListeners } from './register.js';

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
   * Single-workspace seeds of the permission model until the workspace store lands (issue 10): the
   * admin settings, the installing user, and users personally connected to Agile (by Slack user id).
   * The console and the tests use them; the OAuth mode reads all three from the store instead.
   */
  workspace?: {
    settings?: Partial<WorkspaceSettings>;
    installerUserId?: string;
    personal?: Record<string, { email: string; apiKey: string }>;
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
  // The sandbox is loaded only when it runs (no Agile account: the console), never in production.
  const sandbox = config.agile
    ? null
    : await (await import('../devkit/sandbox/agile-simulator.js')).startAgileSimulator({
        now,
        undocumented: config.simulator?.undocumented ?? true,
      });
  const agileConfig = config.agile ?? { baseUrl: sandbox?.url ?? '', ...sandbox?.credentials };
  const slack = createSlackApp({ config, logger: log, extraRoutes, now, metrics });
  const agile: AgileClient = createAgileClient({
    baseUrl: agileConfig.baseUrl,
    email: agileConfig.email ?? '',
    apiKey: agileConfig.apiKey ?? '',
    logger: log.child({ component: 'agile' }),
    metrics,
    ...agileOptions,
  });
  const store: Store = await openStore(config.database, { logger: log.child({ component: 'store' }), now });
  // Digests post in bulk: their own client, so a 429 pauses digests and not the users' clicks.
  const bulkClient = config.slack.botToken
    ? new WebClient(config.slack.botToken, {
        slackApiUrl: config.slack.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: 15_000,
        fetch: meteredSlackFetch(metrics),
        logger: toBoltLogger(log.child({ component: 'digest-slack' })),
      })
    : slack.client;
  const digestPoster = createDigestPoster({
    client: bulkClient,
    logger: log.child({ component: 'digest-poster' }),
    perChannelIntervalMs: schedulerOptions.perChannelIntervalMs,
    now,
    sleep: schedulerOptions.sleep,
  });
  const deps: Deps = {
    logger: log,
    agile,
    store,
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
    // The acting user's personal connection is the request's (the request context names the user).
    get connection(): Connection {
      const userId = currentRequest()?.userId;
      const personal = userId ? workspace.personal?.[userId] : undefined;
      return {
        workspace: {
          domain: config.agile ? (config.agile.domain ?? null) : 'sandbox',
          email: agileConfig.email ?? '',
        },
        personal: personal ? { email: personal.email } : null,
        installerUserId: workspace.installerUserId ?? null,
      };
    },
    agileDomain: config.agile ? (config.agile.domain ?? null) : 'sandbox',
    slackClient: slack.client,
    followPollIntervalSec: config.pollIntervalSec,
    ticketReplyHoldSec: config.ticketReplyHoldSec,
    // Single workspace for now: every team is this one (multi-workspace lands with issue 10).
    forTeam: async () => deps,
  };
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
  registerListeners(slack.app, deps);

  return {
    slack,
    logger: log,
    deps,
    sandbox,
    digestScheduler,
    followPoller,
    heldReplies,
    housekeeping,
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
      if (schedulerStopped && (await within(schedulerStopped, Math.max(1000, remaining()))) === TIMEOUT) {
        log.error('shutdown deadline passed with a digest still being posted');
      }
      await pollerStopped;
      if ((await within(heldStopped, Math.max(1000, remaining()))) === TIMEOUT) {
        log.error(
          'shutdown deadline passed with a held ticket reply still being sent (its lease lapses, then it is checked and sent once)',
        );
      }
      await housekeeping.stop();
      const unfinished = store.idempotency.held();
      if (unfinished.length > 0) {
        log.error(
          { idempotencyKeys: unfinished },
          'shutdown: writes not finished (retryable once their lease lapses)',
        );
      }
      await store.close();
      await sandbox?.close();
    },
  };
}
