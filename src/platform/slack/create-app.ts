import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { App, type CustomRoute, HTTPReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { toBoltLogger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { type AckGate, createAckGate } from './ack-gate.js';
import { meteredSlackFetch } from './api-metrics.js';
import { BOT_SCOPES } from './ids.js';
import type { CachedInstallationStore } from './installation-store.js';
import { describeInstallFailure, installFailurePage, installSuccessPage, sendHtml } from './oauth-pages.js';

/** OAuth mode (README → Installing the Slack app): installs by "Add to Slack", tokens per team. */
export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  installationStore: CachedInstallationStore;
  /** The Agile domain a workspace is connected to, if any: the success page of a reinstall says so. */
  connectedDomain?: (teamId: string) => Promise<string | undefined>;
}

export const INSTALL_PATH = '/slack/install';
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

/** Slack's authorize page, beside its Web API (`https://slack.com/api/` → `https://slack.com/oauth/v2/authorize`). */
export function authorizeUrlFor(apiUrl: string | undefined): string {
  return new URL('../oauth/v2/authorize', apiUrl ?? 'https://slack.com/api/').toString();
}

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  /** Extra HTTP routes beside /slack/events and /healthz (e.g. the local console). */
  extraRoutes?: CustomRoute[];
  /** Reported by /healthz. */
  health?: () => Record<string, unknown>;
  now?: () => Date;
  /** Served on GET /metrics (HTTP and console modes; Socket Mode only on METRICS_PORT). */
  metrics: Metrics;
  /** OAuth mode: Bolt's installer on GET /slack/install and /slack/oauth_redirect, authorize per team. */
  oauth?: SlackOAuthOptions;
}

export interface SlackApp {
  app: App;
  /** The bot-token Web API client for work outside a request (single-workspace; token-less in OAuth mode). */
  client: WebClient;
  /** Web API client options every per-team client uses too (API URL, retries, metrics). */
  clientOptions: ConstructorParameters<typeof WebClient>[1];
  /** Lets post-ack work yield to requests still waiting for their ack (HTTP mode). */
  ackGate: AckGate;
  start(port?: number): Promise<{ port: number | null }>;
  stop(): Promise<void>;
}

/** What the receiver adds to Bolt's `context` for every request (see customPropertiesExtractor). */
export interface ReceiptContext {
  /** When the request reached the bot (epoch ms). */
  receivedAtMs?: number;
  /** Slack's X-Slack-Request-Timestamp header (epoch seconds, as sent). */
  slackRequestTimestamp?: string;
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Slack signs with a timestamp; Bolt rejects stale ones but accepts any future one, so we do. */
const MAX_CLOCK_SKEW_SEC = 5 * 60;

export function isFutureSlackTimestamp(req: IncomingMessage, nowMs: number): boolean {
  const ts = Number(firstHeader(req, 'x-slack-request-timestamp'));
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
 * Bolt's own OAuth flow on the HTTP receiver: GET /slack/install sets the state cookie and redirects to
 * Slack's authorize page (directInstall); GET /slack/oauth_redirect checks the state against the cookie,
 * exchanges the code with oauth.v2.access (at SLACK_API_URL) and saves the installation. Our pages say
 * what to do next, or why it failed with a link to try again.
 */
function oauthReceiverOptions(
  oauth: SlackOAuthOptions,
  apiUrl: string | undefined,
  clientOptions: ConstructorParameters<typeof WebClient>[1],
  logger: Logger,
) {
  // (apiUrl is in clientOptions as slackApiUrl; the authorize page sits beside it.)
  const log = logger.child({ component: 'slack-oauth' });
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: [...BOT_SCOPES],
    installationStore: oauth.installationStore,
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: OAUTH_REDIRECT_PATH,
      directInstall: true,
      stateVerification: true,
      authorizationUrl: authorizeUrlFor(apiUrl),
      clientOptions: { ...clientOptions, retryConfig: { retries: 1 } },
      callbackOptions: {
        success: async (
          installation: { team?: { id: string; name?: string }; appId?: string },
          _o: unknown,
          _req: IncomingMessage,
          res: ServerResponse,
        ) => {
          const teamId = installation.team?.id;
          log.info({ teamId }, 'app installed in a workspace');
          const connectedDomain =
            teamId && oauth.connectedDomain
              ? await oauth.connectedDomain(teamId).catch((err: unknown) => {
                  log.warn({ err, teamId }, 'could not tell whether the workspace is connected to Agile');
                  return undefined;
                })
              : undefined;
          // Slack's documented deep link into the app (its App Home) in that workspace.
          const slackUrl =
            teamId && installation.appId
              ? `https://slack.com/app_redirect?app=${encodeURIComponent(installation.appId)}&team=${encodeURIComponent(teamId)}`
              : undefined;
          sendHtml(res, 200, installSuccessPage(installation.team?.name, { connectedDomain, slackUrl }));
        },
        failure: (error: Error, _o: unknown, _req: IncomingMessage, res: ServerResponse) => {
          const reason = describeInstallFailure(error);
          log.warn({ err: error, reason }, 'app install failed');
          sendHtml(res, 400, installFailurePage(reason, INSTALL_PATH));
        },
      },
    },
  };
}

/** What a member of a workspace without an installation is told (on the request's response_url). */
export const NOT_INSTALLED_TEXT =
  "This workspace hasn't installed the Agile CRM app (or it was removed). A workspace admin can install it again from the app's install page (/slack/install).";

/**
 * OAuth mode: a request whose team has no installation fails Bolt's authorize and reaches no listener
 * (no CRM data). Its response_url (no token needed) still lets us say why; every other error is
 * logged and rethrown as Bolt's default handler does.
 */
function notInstalledAnswer(logger: Logger) {
  return async ({ error, body }: { error: Error & { code?: string }; body?: unknown }) => {
    if (error.code !== 'slack_bolt_authorization_error') {
      logger.error({ err: error }, 'unhandled error in a Slack listener');
      throw error;
    }
    const b = (body ?? {}) as { team_id?: string; team?: { id?: string }; response_url?: string };
    logger.warn(
      { teamId: b.team?.id ?? b.team_id },
      'request from a workspace without an installation refused',
    );
    if (typeof b.response_url !== 'string') return;
    fetch(b.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: NOT_INSTALLED_TEXT }),
      signal: AbortSignal.timeout(5000),
    }).catch((err: unknown) =>
      logger.warn({ err }, 'could not answer a request from a workspace without an installation'),
    );
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
  metrics,
  oauth,
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
  const metricsRoute: CustomRoute = {
    path: '/metrics',
    method: ['GET'],
    handler: (_req, res) => {
      metrics.render().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (err: unknown) => {
          logger.error({ err }, 'could not render the metrics');
          res.writeHead(500).end();
        },
      );
    },
  };
  const ackGate = createAckGate();
  const clientOptions = {
    slackApiUrl: config.slack.apiUrl,
    // Interactive calls must fail fast: the SDK's default retries for ~30 minutes.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    timeout: 10_000,
    fetch: meteredSlackFetch(metrics),
  };

  const client = new WebClient(config.slack.botToken, { ...clientOptions, logger: boltLogger });
  const authorize = cachedAuthorize(client, config.slack.botToken ?? '', config.slack, logger);
  const socket = config.slack.mode === 'socket';
  let app: App;
  let draining = false;
  // Socket Mode has no HTTP server of its own: metrics are served only when METRICS_PORT asks for one.
  const metricsServer =
    socket && config.metricsPort !== undefined
      ? createServer((req, res) => {
          const route = [healthRoute, metricsRoute].find((r) => req.method === 'GET' && req.url === r.path);
          if (route) route.handler(req as never, res);
          else res.writeHead(404).end();
        })
      : null;
  if (socket) {
    app = new App({
      authorize,
      appToken: config.slack.appToken,
      socketMode: true,
      logger: boltLogger,
      clientOptions,
    });
  } else {
    const receivedAt = new WeakMap<IncomingMessage, number>();
    const receiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret ?? '',
      endpoints: '/slack/events',
      customRoutes: [healthRoute, metricsRoute, ...extraRoutes],
      logger: boltLogger,
      customPropertiesExtractor: (req): ReceiptContext => ({
        receivedAtMs: receivedAt.get(req),
        slackRequestTimestamp: firstHeader(req, 'x-slack-request-timestamp'),
      }),
      ...(oauth ? oauthReceiverOptions(oauth, config.slack.apiUrl, clientOptions, logger) : {}),
    });
    const boltListener = receiver.requestListener;
    receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
      if (draining) {
        // Shutting down: a request on a kept-alive connection is refused, so Slack retries elsewhere.
        res.writeHead(503, { connection: 'close', 'retry-after': '1' }).end();
        return;
      }
      receivedAt.set(req, Date.now());
      if (isFutureSlackTimestamp(req, now().getTime())) {
        logger.warn({ path: req.url }, 'rejected a Slack request with a future timestamp');
        res.writeHead(401).end();
        return;
      }
      if (req.method === 'POST') ackGate.track(res);
      boltListener(req, res);
    };
    // OAuth mode: Bolt authorizes each request from its team's installation (receiver.installer).
    app = new App({
      ...(oauth ? { extendedErrorHandler: true } : { authorize }),
      receiver,
      logger: boltLogger,
      clientOptions,
    });
    if (oauth) app.error(notInstalledAnswer(logger));
  }

  return {
    app,
    client,
    clientOptions,
    ackGate,
    async start(port = config.port) {
      if (socket) {
        await app.start();
        if (metricsServer) {
          await new Promise<void>((resolve) => metricsServer.listen(config.metricsPort, resolve));
          logger.info({ port: config.metricsPort }, 'metrics served on GET /metrics');
        }
        return { port: null };
      }
      // The local console is a development tool: never reachable from another machine.
      const listen = config.slack.mode === 'console' ? { port, host: '127.0.0.1' } : port;
      const server = (await app.start(listen)) as Server;
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : port };
    },
    async stop() {
      draining = true;
      await app.stop();
      if (metricsServer?.listening) await new Promise((resolve) => metricsServer.close(resolve));
    },
  };
}
