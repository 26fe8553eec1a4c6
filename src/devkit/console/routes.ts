import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ActionRequest, ConsoleSlack, SuggestRequest } from './console-slack.js';
import { renderConsolePage } from './page.js';
import { readBody, type SlackWebApi } from './slack-web-api.js';

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
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function consoleRoutes({ api, slack, logger, port }: ConsoleRoutesOptions): ConsoleRoutes {
  const streams = new Set<ServerResponse>();
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

  // Another web page open in the same browser must not drive the console: only our own host names
  // (DNS rebinding), and JSON bodies only (a cross-site form cannot send them without CORS).
  const trusted = (req: IncomingMessage, res: ServerResponse, needJson: boolean): boolean => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      sendJson(res, 403, { ok: false, error: 'unknown host' });
      return false;
    }
    if (needJson && !req.headers['content-type']?.startsWith('application/json')) {
      sendJson(res, 415, { ok: false, error: 'JSON only' });
      return false;
    }
    return true;
  };

  const webApi = (req: IncomingMessage, res: ServerResponse) => {
    api
      .handle(req, res)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { ok: false, error: 'unknown_method' });
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'console Web API failed');
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
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
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(renderConsolePage(slack.snapshot(), channelName));
      },
    },
    {
      path: '/favicon.ico',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(204).end();
      },
    },
    {
      path: '/console/:file',
      method: ['GET'],
      handler: (req, res) => {
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
        readBody(req, 256 * 1024)
          .then((raw) => op(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}))
          .then((out) => sendJson(res, 200, out))
          .catch((err: unknown) => {
            logger.warn({ err, op: opName }, 'console operation failed');
            sendJson(res, 400, { ok: false, error: (err as Error).message });
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
