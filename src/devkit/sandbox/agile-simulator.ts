import type { Route } from './router.js';
import { contactRoutes } from './routes/contacts.js';
import { dealRoutes } from './routes/deals.js';
import { noteRoutes } from './routes/notes.js';
import { taskRoutes } from './routes/tasks.js';
import { ticketRoutes } from './routes/tickets.js';
import { trackRoutes } from './routes/tracks.js';
import { userRoutes } from './routes/users.js';
import { buildEmptyState, buildSeedState } from './seed.js';
import {
  type FailOnly,
  type FaultRule,
  type FaultState,
  noFaults,
  type RecordedRequest,
  startServer,
} from './server.js';
import type { SimulatorState } from './state.js';

export { BIG_ID_CONTACT_ID } from './seed.js';
export type { FaultRule, RecordedRequest, TargetedFault } from './server.js';
export type * from './state.js';

export interface SimulatorOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'sandbox@example.com'. */
  email?: string;
  /** Default 'sandbox-api-key'. */
  apiKey?: string;
  /**
   * Members' own Agile logins (email and REST API key), accepted besides the API user's: personal
   * connections are checked, and their writes authenticated, with these. Default: none.
   */
  members?: { email: string; apiKey: string }[];
  /** Domains served at `/<domain>/dev/…` (see `urlTemplate`); others answer 404. Default ['sandbox']. */
  domains?: string[];
  /** Load the seed dataset (default true). */
  seed?: boolean;
  now?: () => Date;
  /**
   * Serve the routes Agile has but its API reference does not list (api/users, api/users/current-user,
   * api/current-user; see UNDOCUMENTED_ROUTES). Default true; false = they answer 404 like any unknown
   * path, to prove the bot needs only the documented endpoints.
   */
  undocumented?: boolean;
  /** How many requests `requests` keeps (the most recent); default 1000. */
  maxRecordedRequests?: number;
}

export interface SimulatorFaults {
  /** Added delay before every response. */
  latencyMs: number;
  /** The next `count` requests answer `status` (body: `body` or a plain-text message). */
  failNext(
    count: number,
    status: number,
    body?: string,
    headers?: Record<string, string>,
    only?: FailOnly,
  ): void;
  /** The next `count` requests are never answered (until close()). */
  hangNext(count: number): void;
  /**
   * A fault for the requests matching `rule` only (method, path after /dev/), `times` times (default 1):
   * a status, a connection reset or a hang, before or after the request is applied (see TargetedFault).
   */
  inject(rule: FaultRule): void;
  reset(): void;
}

export interface AgileSimulator {
  /** Base URL to use as AGILE_BASE_URL, e.g. 'http://127.0.0.1:54321/dev/' (clients append 'api/...'). */
  url: string;
  credentials: { email: string; apiKey: string };
  /**
   * The base URL with a `{domain}` placeholder, e.g. 'http://127.0.0.1:54321/{domain}/dev/' (an
   * AGILE_BASE_URL template): served for `options.domains`, 404 for any other domain.
   */
  urlTemplate: string;
  /** Accepts one more member login (email and API key), e.g. a personal connection to try. */
  addMember(member: { email: string; apiKey: string }): void;
  /** The live in-memory data (replaced by reset()). */
  readonly state: SimulatorState;
  /** The requests received, in order: the most recent `maxRecordedRequests` (default 1000). */
  requests: RecordedRequest[];
  faults: SimulatorFaults;
  /** Restore seed data and the members given at start, clear requests and faults. */
  reset(): void;
  close(): Promise<void>;
}

/** The routes the API reference (shared/agile-crm-api.txt) does not list: all of them are the users'. */
export const UNDOCUMENTED_ROUTES: readonly Route[] = userRoutes();

export function simulatorRoutes(undocumented = true): Route[] {
  return [
    ...contactRoutes(),
    ...dealRoutes(),
    ...trackRoutes(),
    ...noteRoutes(),
    ...taskRoutes(),
    ...ticketRoutes(),
    ...(undocumented ? UNDOCUMENTED_ROUTES : []),
  ];
}

const DEFAULT_MAX_RECORDED_REQUESTS = 1000;

export async function startAgileSimulator(opts: SimulatorOptions = {}): Promise<AgileSimulator> {
  const credentials = {
    email: opts.email ?? 'sandbox@example.com',
    apiKey: opts.apiKey ?? 'sandbox-api-key',
  };
  const initialAccounts = () => [credentials, ...(opts.members ?? [])];
  const accounts = initialAccounts();
  const now = opts.now ?? (() => new Date());
  const seed = opts.seed ?? true;
  const initialState = () =>
    seed ? buildSeedState(now(), credentials.email) : buildEmptyState(credentials.email);
  let state = initialState();
  const requests: RecordedRequest[] = [];
  const faultState: FaultState = noFaults();
  const faults: SimulatorFaults = {
    get latencyMs() {
      return faultState.latencyMs;
    },
    set latencyMs(value: number) {
      faultState.latencyMs = value;
    },
    failNext(count, status, body, headers, only) {
      faultState.failOnly = only ? { ...only } : undefined;
      faultState.failCount = count;
      faultState.failStatus = status;
      faultState.failBody = body;
      faultState.failHeaders = headers;
    },
    hangNext(count) {
      faultState.hangCount = count;
    },
    inject(rule) {
      faultState.rules.push({ ...rule, remaining: rule.times ?? 1 });
    },
    reset() {
      Object.assign(faultState, noFaults());
    },
  };
  const host = opts.host ?? '127.0.0.1';
  const server = await startServer(
    {
      routes: simulatorRoutes(opts.undocumented ?? true),
      getState: () => state,
      accounts,
      domains: (opts.domains ?? ['sandbox']).map((d) => d.toLowerCase()),
      now,
      faults: faultState,
      requests,
      maxRequests: opts.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS,
    },
    host,
    opts.port ?? 0,
  );
  return {
    url: `http://${host}:${server.port}/dev/`,
    urlTemplate: `http://${host}:${server.port}/{domain}/dev/`,
    credentials,
    addMember(member) {
      accounts.push({ ...member });
    },
    get state() {
      return state;
    },
    requests,
    faults,
    reset() {
      state = initialState();
      requests.length = 0;
      accounts.splice(0, accounts.length, ...initialAccounts());
      faults.reset();
    },
    close: () => server.close(),
  };
}
