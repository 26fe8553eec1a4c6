import type { CustomRoute } from '@slack/bolt';
import type { Logger } from 'pino';
import { type AgileClient, createAgileClient } from './agile/index.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { registerListeners } from './listeners/index.js';
import { createLogger } from './logger.js';
import { type AgileSimulator, startAgileSimulator } from './sandbox/agile-simulator.js';
import { createContactSearch } from './services/contact-search.js';
import { createOwnerDirectory } from './services/owner-directory.js';
import { createSlackApp, type SlackApp } from './slack/create-app.js';
import { createSlackUserDirectory } from './slack/user-directory.js';
import { openStore, type Store } from './store/index.js';

export interface BotOptions {
  config: Config;
  logger?: Logger;
  now?: () => Date;
  extraRoutes?: CustomRoute[];
  /** Agile client options for tests (shorter timeouts, no backoff). */
  agileOptions?: { timeoutMs?: number; retries?: number; retryBaseDelayMs?: number };
}

export interface Bot {
  slack: SlackApp;
  logger: Logger;
  deps: Deps;
  /** The embedded Agile sandbox, when no Agile account is configured (console mode). */
  sandbox: AgileSimulator | null;
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
  agileOptions,
}: BotOptions): Promise<Bot> {
  const log = logger ?? createLogger(config.logLevel);
  const sandbox = config.agile ? null : await startAgileSimulator({ now });
  const agileConfig = config.agile ?? { baseUrl: sandbox?.url ?? '', ...sandbox?.credentials };
  const agile: AgileClient = createAgileClient({
    baseUrl: agileConfig.baseUrl,
    email: agileConfig.email ?? '',
    apiKey: agileConfig.apiKey ?? '',
    logger: log.child({ component: 'agile' }),
    ...agileOptions,
  });
  const store: Store = await openStore(config.database, { logger: log.child({ component: 'store' }), now });
  const slack = createSlackApp({ config, logger: log, extraRoutes, now });
  const deps: Deps = {
    logger: log,
    agile,
    store,
    now,
    slackUsers: createSlackUserDirectory(slack.app.client, log, now),
    owners: createOwnerDirectory(agile, now),
    contactSearch: createContactSearch(agile, now),
  };
  registerListeners(slack.app, deps);

  return {
    slack,
    logger: log,
    deps,
    sandbox,
    start: (port) => slack.start(port),
    async stop() {
      await slack.stop();
      await store.close();
      await sandbox?.close();
    },
  };
}
