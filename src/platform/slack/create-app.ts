import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App, type CustomRoute, HTTPReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { toBoltLogger } from '../logger.js';
import { type AckGate, createAckGate } from './ack-gate.js';

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  /** Extra HTTP routes beside /slack/events and /healthz (e.g. the local console). */
  extraRoutes?: CustomRoute[];
  /** Reported by /healthz. */
  health?: () => Record<string, unknown>;
  now?: () => Date;
}

export interface SlackApp {
  app: App;
  /** The bot-token Web API client for work outside a request (directories, scheduler). */
  client: WebClient;
  /** Lets post-ack work yield to requests still waiting for their ack (HTTP mode). */
  ackGate: AckGate;
  start(port?: number): Promise<{ port: number | null }>;
  stop(): Promise<void>;
}

/** Slack signs with a timestamp; Bolt rejects stale ones but accepts any future one, so we do. */
const MAX_CLOCK_SKEW_SEC = 5 * 60;

export function isFutureSlackTimestamp(req: IncomingMessage, nowMs: number): boolean {
  const header = req.headers['x-slack-request-timestamp'];
  const ts = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(ts) && ts > Math.floor(nowMs / 1000) + MAX_CLOCK_SKEW_SEC;
}

/**
 * Bolt's own single-token authorization calls auth.test once at construction and caches a failure
 * forever (an unhandled rejection at start-up when Slack is unreachable). This one asks lazily, caches
 * success, and asks again after a failure.
 */
function cachedAuthorize(
  client: WebClient,
  botToken: string,
  known: { botUserId?: string; botId?: string },
  logger: Logger,
) {
  let identity: Promise<{ botUserId?: string; botId?: string }> | undefined =
    known.botUserId && known.botId
      ? Promise.resolve({ botUserId: known.botUserId, botId: known.botId })
      : undefined;
  return async () => {
    identity ??= client.auth
      .test()
      .then((r) => ({ botUserId: r.user_id, botId: r.bot_id }))
      .catch((err) => {
        identity = undefined;
        logger.error({ err }, 'auth.test failed: is SLACK_BOT_TOKEN right and Slack reachable?');
        throw err;
      });
    return { botToken, ...(await identity) };
  };
}

/**
 * Bolt in HTTP mode (every Slack request on POST /slack/events, signatures verified) or Socket Mode
 * when SLACK_APP_TOKEN is set. The console mode uses HTTP mode too: same code path as production.
 */
export function createSlackApp({
  config,
  logger,
  extraRoutes = [],
  health,
  now = () => new Date(),
}: SlackAppOptions): SlackApp {
  const startedAt = new Date().toISOString();
  const boltLogger = toBoltLogger(logger);
  const healthRoute: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', mode: config.slack.mode, startedAt, ...health?.() }));
    },
  };
  const ackGate = createAckGate();
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
    // Interactive calls must fail fast: the SDK's default retries for ~30 minutes.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 10_000,
  };

  const client = new WebClient(config.slack.botToken, { ...clientOptions, logger: boltLogger });
  const authorize = cachedAuthorize(client, config.slack.botToken ?? '', config.slack, logger);
  const socket = config.slack.mode === 'socket';
  let app: App;
  if (socket) {
    app = new App({
      authorize,
      appToken: config.slack.appToken,
      socketMode: true,
      logger: boltLogger,
      clientOptions,
    });
  } else {
    const receiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret ?? '',
      endpoints: '/slack/events',
      customRoutes: [healthRoute, ...extraRoutes],
      logger: boltLogger,
    });
    const boltListener = receiver.requestListener;
    receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
      if (isFutureSlackTimestamp(req, now().getTime())) {
        logger.warn({ path: req.url }, 'rejected a Slack request with a future timestamp');
        res.writeHead(401).end();
        return;
      }
      if (req.method === 'POST') ackGate.track(res);
      boltListener(req, res);
    };
    app = new App({
      authorize,
      receiver,
      logger: boltLogger,
      clientOptions,
    });
  }

  return {
    app,
    client,
    ackGate,
    async start(port = config.port) {
      if (socket) {
        await app.start();
        return { port: null };
      }
      // The local console is a development tool: never reachable from another machine.
      const listen = config.slack.mode === 'console' ? { port, host: '127.0.0.1' } : port;
      const server = (await app.start(listen)) as Server;
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : port };
    },
    async stop() {
      await app.stop();
    },
  };
}
