import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ActionRequest, ConsoleSlack, SuggestRequest } from './console-slack.js';
import { renderConsolePage } from './page.js';
import { BodyTooLargeError, readBody, type SlackWebApi } from './slack-web-api.js';

/**
 * The console's HTTP surface, served by Bolt's receiver beside /slack/events: the emulated Web API
 * (/api/{method}) and response_urls (/response/{id}) the bot calls, the page (/ and /console/*), and
 * the page's small JSON API with a server-sent event stream of changes.
 */

const STATIC: Record<string, { file: string; type: string }> = {
  'console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  'mrkdwn.js': { file: 'mrkdwn.js', type: 'text/javascript; charset=utf-8' },
  'console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};
const PUBLIC_DIR = new URL('./public/', import.meta.url);
/** The page's operations are small JSON objects; a form's values fit many times over. */
const OP_BODY_LIMIT = 256 * 1024;
/** Keeps proxies and browsers from closing a quiet event stream. */
const SSE_KEEPALIVE_MS = 15_000;

export interface ConsoleRoutes {
  routes: CustomRoute[];
  /** Ends the open event streams (the server cannot close while they are open). */
  closeStreams(): void;
}

export interface ConsoleRoutesOptions {
  api: SlackWebApi;
  slack: ConsoleSlack;
  logger: Logger;
  port: number;
  /**
   * This process's secret (consoleToken()): the page and its API need it, as `?token=` on the first
   * load (which sets it as a cookie for the page's own requests), that cookie, or an X-Console-Token
   * header. The Web API and response_urls the bot calls have their own secrets (the bot token, the
   * unguessable response id).
   */
  token: string;
}

/** A per-process random secret for the console's page and API. */
export function consoleToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function consoleRoutes({ api, slack, logger, port, token }: ConsoleRoutesOptions): ConsoleRoutes {
  const streams = new Set<ServerResponse>();
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  // Cookies are per host, not per port: the port in the name keeps two consoles apart.
  const cookieName = `crm_console_${port}`;

  // Another web page open in the same browser must not drive the console: only our own host names
  // (DNS rebinding), our own origin when the browser names one, and JSON bodies only.
  const local = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      sendJson(res, 403, { ok: false, error: 'unknown host' });
      return false;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      sendJson(res, 403, { ok: false, error: 'foreign origin' });
      return false;
    }
    return true;
  };
  const tokenOf = (req: IncomingMessage): string | undefined => {
    const header = req.headers['x-console-token'];
    return (
      (typeof header === 'string' ? header : undefined) ??
      cookieValue(req.headers.cookie, cookieName) ??
      new URL(req.url ?? '/', 'http://x').searchParams.get('token') ??
      undefined
    );
  };
  const trusted = (req: IncomingMessage, res: ServerResponse, needJson: boolean): boolean => {
    if (!local(req, res)) return false;
    if (!sameSecret(tokenOf(req), token)) {
      sendJson(res, 401, {
        ok: false,
        error: 'Open the console with the URL printed at start-up (it carries ?token=…).',
      });
      return false;
    }
    if (needJson && !req.headers['content-type']?.startsWith('application/json')) {
      sendJson(res, 415, { ok: false, error: 'JSON only' });
      return false;
    }
    return true;
  };
  const failed = (res: ServerResponse, err: unknown, status: number, error: string) => {
    if (res.headersSent) return;
    if (err instanceof BodyTooLargeError) sendJson(res, 413, { ok: false, error: 'request body too large' });
    else sendJson(res, status, { ok: false, error });
  };

  const webApi = (req: IncomingMessage, res: ServerResponse) => {
    if (!local(req, res)) return;
    api
      .handle(req, res)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { ok: false, error: 'unknown_method' });
      })
      .catch((err: unknown) => {
        if (!(err instanceof BodyTooLargeError)) logger.error({ err }, 'console Web API failed');
        failed(res, err, 500, 'internal_error');
      });
  };

  const ops: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    send: (b) =>
      slack.send(String(b.channel), String(b.text ?? ''), b.threadTs ? String(b.threadTs) : undefined),
    action: (b) => slack.action(b as unknown as ActionRequest),
    suggest: (b) => slack.suggest(b as unknown as SuggestRequest),
    submit: (b) => slack.submit(String(b.viewId), (b.values ?? {}) as Record<string, unknown>),
    close: (b) => slack.closeView(String(b.viewId), b.clear === true),
    shortcut: (b) =>
      slack.shortcut(String(b.channel), String(b.ts), b.callbackId ? String(b.callbackId) : undefined),
    home: () => slack.openHome(),
    // The digest's own command runs it for this channel, exactly as a person would.
    digest: (b) => slack.send(String(b.channel), '/crm digest now'),
  };

  const routes: CustomRoute[] = [
    { path: '/api/:method', method: ['POST'], handler: webApi },
    { path: '/response/:id', method: ['POST'], handler: webApi },
    // files.uploadV2 POSTs the bytes to the upload_url files.getUploadURLExternal gave out.
    { path: '/upload/:id', method: ['POST'], handler: webApi },
    {
      path: '/',
      method: ['GET'],
      handler: (req, res) => {
        if (!trusted(req, res, false)) return;
        const channelName = new URL(req.url ?? '/', 'http://x').searchParams.get('channel') ?? undefined;
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // The page's scripts, styles and API calls carry the token as this cookie (never readable by scripts).
          'set-cookie': `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`,
          'referrer-policy': 'no-referrer',
        });
        res.end(renderConsolePage(slack.snapshot(), channelName));
      },
    },
    {
      path: '/favicon.ico',
      method: ['GET'],
      handler: (req, res) => {
        if (local(req, res)) res.writeHead(204).end();
      },
    },
    {
      path: '/console/:file',
      method: ['GET'],
      handler: (req, res) => {
        if (!trusted(req, res, false)) return;
        const name = (req as IncomingMessage & { params?: Record<string, string> }).params?.file ?? '';
        const asset = STATIC[name];
        if (!asset) {
          res.writeHead(404).end();
          return;
        }
        let content: Buffer;
        try {
          content = readFileSync(new URL(asset.file, PUBLIC_DIR));
        } catch (err) {
          logger.error({ err, file: asset.file }, 'console asset missing');
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
        res.end(content);
      },
    },
    {
      path: '/console/api/state',
      method: ['GET'],
      handler: (req, res) => {
        if (trusted(req, res, false)) sendJson(res, 200, slack.snapshot());
      },
    },
    {
      path: '/console/api/events',
      method: ['GET'],
      handler: (req, res) => {
        if (!trusted(req, res, false)) return;
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(`data: ${slack.snapshot().version}\n\n`);
        const off = slack.onChange((version) => res.write(`data: ${version}\n\n`));
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
        streams.add(res);
        req.on('close', () => {
          off();
          clearInterval(keepAlive);
          streams.delete(res);
        });
      },
    },
    {
      path: '/console/api/:op',
      method: ['POST'],
      handler: (req, res) => {
        if (!trusted(req, res, true)) return;
        const opName = (req as IncomingMessage & { params?: Record<string, string> }).params?.op ?? '';
        const op = ops[opName];
        if (!op) {
          sendJson(res, 404, { ok: false, error: `unknown operation ${opName}` });
          return;
        }
        readBody(req, OP_BODY_LIMIT)
          .then((raw) => op(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}))
          .then((out) => sendJson(res, 200, out))
          .catch((err: unknown) => {
            logger.warn({ err, op: opName }, 'console operation failed');
            failed(res, err, 400, (err as Error).message);
          });
      },
    },
  ];

  return {
    routes,
    closeStreams() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
