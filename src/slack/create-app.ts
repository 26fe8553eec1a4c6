import type { Server } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { toBoltLogger } from '../logger.js';

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  /** Extra HTTP routes beside /slack/events and /healthz (e.g. the local console). */
  extraRoutes?: CustomRoute[];
  /** Reported by /healthz. */
  health?: () => Record<string, unknown>;
}

export interface SlackApp {
  app: App;
  start(port?: number): Promise<{ port: number | null }>;
  stop(): Promise<void>;
}

/**
 * Bolt in HTTP mode (every Slack request on POST /slack/events, signatures verified) or Socket Mode
 * when SLACK_APP_TOKEN is set. The console mode uses HTTP mode too: same code path as production.
 */
export function createSlackApp({ config, logger, extraRoutes = [], health }: SlackAppOptions): SlackApp {
  const startedAt = new Date().toISOString();
  const healthRoute: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', mode: config.slack.mode, startedAt, ...health?.() }));
    },
  };
  const socket = config.slack.mode === 'socket';
  const app = new App({
    token: config.slack.botToken,
    signingSecret: config.slack.signingSecret ?? '',
    appToken: config.slack.appToken,
    socketMode: socket,
    endpoints: '/slack/events',
    customRoutes: [healthRoute, ...extraRoutes],
    port: config.port,
    logger: toBoltLogger(logger),
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      // Interactive calls must fail fast: the SDK's default retries for ~30 minutes.
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
      timeout: 10_000,
    },
  });

  let server: Server | undefined;
  return {
    app,
    async start(port = config.port) {
      const started = (await app.start(port)) as unknown;
      if (started && typeof (started as Server).address === 'function') {
        server = started as Server;
        const address = server.address();
        return { port: typeof address === 'object' && address ? address.port : port };
      }
      return { port: socket ? null : port };
    },
    async stop() {
      await app.stop();
    },
  };
}
