import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { checkBasicAuth, UNAUTHORIZED_BODY } from './auth.js';
import { javaException, type RouteContext, SimHttpError, type SimResponse } from './http.js';
import { matchRoute, type Route } from './router.js';
import { toJsonText, toXmlText } from './serialization.js';
import type { DomainUser, SimulatorState } from './state.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: string;
  status: number;
  /** The email of the account the request authenticated as (Basic auth), when it did. */
  user?: string;
  /** The Agile domain the request addressed (`/<domain>/dev/…`), or undefined for the plain `/dev/…`. */
  domain?: string;
  /** The latency fault this answer was held back by (ms), when one was set. */
  delayedMs?: number;
  /** The targeted fault (SimulatorFaults.inject) this request met, if any. */
  fault?: TargetedFault['kind'];
}

/**
 * What a targeted fault does to the request it matches:
 * - `status`: answered with that status/body/headers, nothing applied (a 400, 401, 429, 500 …);
 * - `drop`: the connection is reset before anything is applied;
 * - `hang`: never answered and never applied (the client times out; close() ends it);
 * - `apply-then-drop`: applied, then the connection is reset instead of answering;
 * - `apply-then-hang`: applied, and the answer never comes (the client times out);
 * - `apply-then-status`: applied, then answered with that status/body instead of the result (App
 *   Engine committed, then its gateway gave up with a 504, or the request hit its deadline: a 500
 *   naming DeadlineExceededException).
 */
export type TargetedFault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string>; contentType?: string }
  | { kind: 'drop' }
  | { kind: 'hang' }
  | { kind: 'apply-then-drop' }
  | { kind: 'apply-then-hang' }
  | { kind: 'apply-then-status'; status: number; body?: string; contentType?: string };

export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Matched against the path after /dev/ (e.g. /^api\/notes$/); a string must equal it. Any when absent. */
  path?: RegExp | string;
  fault: TargetedFault;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

export interface FaultState {
  latencyMs: number;
  failCount: number;
  failStatus: number;
  failBody: string | undefined;
  /** Extra headers on the simulated failures (e.g. Retry-After on a 429). */
  failHeaders: Record<string, string> | undefined;
  /** Only requests matching this fail (the first `skip` of them still succeed); others pass. */
  failOnly: FailOnly | undefined;
  hangCount: number;
  /** Targeted faults, first match wins; a rule is dropped once used up. */
  rules: ActiveRule[];
}

/** Which requests a failNext fault hits: e.g. the third POST api/notes is `{ method: 'POST', path: 'api/notes', skip: 2 }`. */
export interface FailOnly {
  method?: string;
  /** Matched against the path after /dev/, exactly. */
  path?: string;
  skip?: number;
}

/** No latency, no failures, no hangs: a fresh simulator and one after faults.reset(). */
export function noFaults(): FaultState {
  return {
    latencyMs: 0,
    failCount: 0,
    failStatus: 500,
    failBody: undefined,
    failHeaders: undefined,
    failOnly: undefined,
    hangCount: 0,
    rules: [],
  };
}

/**
 * The path after `/dev/` of `/dev/…` or `/<domain>/dev/…` (so a base URL template
 * `http://host/{domain}/dev/` reaches this simulator); null for a domain it does not serve or another path.
 */
export function devPathOf(
  pathname: string,
  domains: readonly string[],
): { path: string; domain?: string } | null {
  if (pathname.startsWith('/dev/')) return { path: pathname.slice('/dev/'.length) };
  const match = /^\/([^/]+)\/dev\/(.*)$/.exec(pathname);
  const domain = match?.[1]?.toLowerCase();
  if (!match || !domain || !domains.includes(domain)) return null;
  return { path: match[2] ?? '', domain };
}

function takeRule(faults: FaultState, method: string, path: string): TargetedFault | undefined {
  const index = faults.rules.findIndex(
    (r) =>
      (r.method === undefined || r.method === method) &&
      (r.path === undefined || (typeof r.path === 'string' ? r.path === path : r.path.test(path))),
  );
  const rule = faults.rules[index];
  if (!rule) return undefined;
  rule.remaining--;
  if (rule.remaining <= 0) faults.rules.splice(index, 1);
  return rule.fault;
}

export interface ServerDeps {
  routes: Route[];
  getState: () => SimulatorState;
  /** The API user's account first, then members' own (email and REST API key each). */
  accounts: readonly { email: string; apiKey: string }[];
  /** Domains served at `/<domain>/dev/…` (any other domain answers 404, as an unknown Agile domain). */
  domains: readonly string[];
  now: () => Date;
  faults: FaultState;
  requests: RecordedRequest[];
  /** The request log keeps the most recent this many (a long console session must not grow it forever). */
  maxRequests: number;
}

interface Rendered {
  status: number;
  contentType?: string;
  headers?: Record<string, string>;
  body: string;
}

function headerRecord(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function render(response: SimResponse, wantsJson: boolean): Rendered {
  if ('json' in response) {
    return wantsJson
      ? { status: response.status, contentType: 'application/json', body: toJsonText(response.json) }
      : {
          status: response.status,
          contentType: 'application/xml',
          body: toXmlText(response.json, response.xmlRoot ?? 'result'),
        };
  }
  if ('text' in response) return { status: response.status, contentType: 'text/plain', body: response.text };
  return { status: response.status, body: '' };
}

function accountUser(state: SimulatorState, email: string): DomainUser {
  return (
    state.users.find((u) => u.email === email) ??
    state.users[0] ?? {
      id: '5629585249009664',
      domain: 'sandbox',
      email,
      name: 'Sandbox Owner',
      isAdmin: true,
      isAccountOwner: true,
    }
  );
}

function dispatch(
  deps: ServerDeps,
  req: IncomingMessage,
  url: URL,
  rawBody: string,
  record: RecordedRequest,
): Rendered {
  const faults = deps.faults;
  if (faults.failCount > 0 && faults.failOnly) {
    const only = faults.failOnly;
    const matches =
      (only.method === undefined || only.method === req.method) &&
      (only.path === undefined || devPathOf(url.pathname, deps.domains)?.path === only.path);
    if (matches && (only.skip ?? 0) > 0) only.skip = (only.skip ?? 0) - 1;
    else if (matches) return failure(faults);
  } else if (faults.failCount > 0) {
    return failure(faults);
  }
  return route(deps, req, url, rawBody, record);
}

function failure(faults: FaultState): Rendered {
  faults.failCount--;
  return {
    status: faults.failStatus,
    contentType: 'text/plain',
    body: faults.failBody ?? `Simulated failure (status ${faults.failStatus})`,
    headers: faults.failHeaders,
  };
}

function route(
  deps: ServerDeps,
  req: IncomingMessage,
  url: URL,
  rawBody: string,
  record: RecordedRequest,
): Rendered {
  // An unknown domain has no account to check the key against: Not Found, before any authentication.
  const devPath = devPathOf(url.pathname, deps.domains);
  if (devPath === null && url.pathname !== '/dev' && !url.pathname.startsWith('/dev/'))
    return { status: 404, contentType: 'text/plain', body: 'Not Found' };
  const email = checkBasicAuth(req.headers.authorization, deps.accounts);
  if (email === undefined) return { status: 401, contentType: 'text/plain', body: UNAUTHORIZED_BODY };
  record.user = email;
  if (devPath === null) return { status: 404, contentType: 'text/plain', body: 'Not Found' };
  const method = req.method ?? 'GET';
  const match = matchRoute(deps.routes, method, devPath.path);
  if (match === undefined) return { status: 404, contentType: 'text/plain', body: 'Not Found' };
  if (match === 'method-not-allowed')
    return { status: 405, contentType: 'text/plain', body: 'Method Not Allowed' };
  const wantsJson = (req.headers.accept ?? '').toLowerCase().includes('application/json');
  const state = deps.getState();
  const ctx: RouteContext = {
    method,
    params: match.params,
    query: Object.fromEntries(url.searchParams),
    contentType: mediaType(req.headers['content-type']),
    rawBody,
    state,
    now: deps.now,
    currentUser: accountUser(state, email),
  };
  try {
    return render(match.handler(ctx), wantsJson);
  } catch (error) {
    const failure =
      error instanceof SimHttpError
        ? error
        : javaException('java.lang.NullPointerException', (error as Error).message ?? 'unexpected error');
    return { status: failure.status, contentType: failure.bodyContentType, body: failure.body };
  }
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export function startServer(deps: ServerDeps, host: string, port: number): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, out: Rendered, record: RecordedRequest) => {
    record.status = out.status;
    const headers: Record<string, string> = { ...out.headers };
    if (out.contentType) headers['content-type'] = `${out.contentType}; charset=utf-8`;
    res.writeHead(out.status, headers);
    res.end(out.status === 204 ? undefined : out.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://simulator.local');
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: headerRecord(req),
        body: rawBody,
        status: 0,
      };
      deps.requests.push(record);
      if (deps.requests.length > deps.maxRequests)
        deps.requests.splice(0, deps.requests.length - deps.maxRequests);
      if (deps.faults.hangCount > 0) {
        // Never answered; close() destroys the socket.
        deps.faults.hangCount--;
        return;
      }
      const served = devPathOf(url.pathname, deps.domains);
      if (served?.domain) record.domain = served.domain;
      const devPath = served?.path ?? url.pathname;
      const fault = takeRule(deps.faults, record.method, devPath);
      if (fault) {
        record.fault = fault.kind;
        if (fault.kind === 'status') {
          const body = fault.body ?? `Simulated failure (status ${fault.status})`;
          send(
            res,
            {
              status: fault.status,
              contentType: fault.contentType ?? 'text/plain',
              headers: fault.headers,
              body,
            },
            record,
          );
          return;
        }
        if (fault.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'hang') return;
        const applied = dispatch(deps, req, url, rawBody, record);
        record.status = applied.status;
        if (fault.kind === 'apply-then-status') {
          const body = fault.body ?? `Simulated failure after applying (status ${fault.status})`;
          send(res, { status: fault.status, contentType: fault.contentType ?? 'text/plain', body }, record);
          return;
        }
        if (fault.kind === 'apply-then-drop') req.socket.destroy();
        return; // apply-then-hang: the answer is never sent
      }
      const out = dispatch(deps, req, url, rawBody, record);
      if (deps.faults.latencyMs > 0) {
        record.delayedMs = deps.faults.latencyMs;
        const timer = setTimeout(() => {
          timers.delete(timer);
          send(res, out, record);
        }, deps.faults.latencyMs);
        timers.add(timer);
      } else {
        send(res, out, record);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      resolve({
        port: boundPort,
        close: () =>
          new Promise<void>((done) => {
            for (const timer of timers) clearTimeout(timer);
            timers.clear();
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
