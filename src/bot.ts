import type { CustomRoute } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { registerListeners } from './listeners/index.js';
import { createLogger } from './logger.js';
import { createSlackApp, type SlackApp } from './slack/create-app.js';

export interface BotOptions {
  config: Config;
  logger?: Logger;
  now?: () => Date;
  extraRoutes?: CustomRoute[];
}

export interface Bot {
  slack: SlackApp;
  logger: Logger;
  /** Starts the HTTP server (port 0 = ephemeral) and background work; resolves with the bound port. */
  start(port?: number): Promise<{ port: number | null }>;
  stop(): Promise<void>;
}

/** The composition root shared by main.ts and the end-to-end tests: one code path for both. */
export async function createBot({ config, logger, extraRoutes }: BotOptions): Promise<Bot> {
  const log = logger ?? createLogger(config.logLevel);
  const slack = createSlackApp({ config, logger: log, extraRoutes });
  registerListeners(slack.app, { logger: log });
  return {
    slack,
    logger: log,
    start: (port) => slack.start(port),
    stop: () => slack.stop(),
  };
}
