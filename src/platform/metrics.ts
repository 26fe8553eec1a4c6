import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Where a Slack request came in (the Bolt listener kind). */
export type SlackSurface = 'command' | 'shortcut' | 'view' | 'action' | 'options' | 'event';

/** What `/crm status` reads back from the scheduler's last tick. */
export interface DigestTick {
  /** When the tick ran (epoch ms, injected clock). */
  atMs: number;
  /** How late it ran after the minute it was due for. */
  lagMs: number;
}

/**
 * The bot's Prometheus metrics, one registry per bot (tests run several bots in one process). Label
 * values are always from small fixed sets (registered ids, endpoint templates, status codes): never a
 * user id, an email or a CRM id.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly slackRequests: Counter<'surface' | 'id' | 'outcome'>;
  readonly slackAckSeconds: Histogram<'surface' | 'id'>;
  readonly viewsOpenSeconds: Histogram;
  readonly slackApiCalls: Counter<'method' | 'status'>;
  readonly slackApiRateLimited: Counter<'method'>;
  readonly agileRequests: Counter<'method' | 'endpoint' | 'status'>;
  readonly agileRequestSeconds: Histogram<'method' | 'endpoint'>;
  readonly digestRuns: Counter<'outcome'>;
  readonly digestAttemptFailures: Counter;
  readonly cacheLookups: Counter<'cache' | 'result'>;
  /** Followed records handled by this instance's polls: posted (updates), ended, skipped. */
  readonly followUpdates: Counter<'result'>;
  readonly followPollSeconds: Histogram;
  /** Records a scheduler tick (gauges) and keeps it for `/crm status`. */
  digestTick(tick: DigestTick): void;
  lastDigestTick(): DigestTick | null;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Listener work still running after its ack (read at scrape time). */
  inFlight?: () => number;
  /** Node's process metrics (CPU, memory, GC, event-loop lag); default on. */
  processMetrics?: boolean;
}

/** Slack's 3 s rule sits in the middle of these. */
const LATENCY_BUCKETS_SEC = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const inFlight = opts.inFlight;
  new Gauge({
    name: 'crm_in_flight_work',
    help: 'Slack listener work still running (after its ack: CRM calls, view updates, confirmations)',
    registers,
    collect() {
      this.set(inFlight?.() ?? 0);
    },
  });
  const tickLag = new Gauge({
    name: 'crm_digest_scheduler_lag_seconds',
    help: 'How late the last digest scheduler tick ran after the minute it was due for',
    registers,
  });
  const tickAt = new Gauge({
    name: 'crm_digest_scheduler_last_tick_seconds',
    help: 'When the digest scheduler last ticked (Unix time, seconds)',
    registers,
  });
  let lastTick: DigestTick | null = null;
  return {
    registry,
    slackRequests: new Counter({
      name: 'crm_slack_requests_total',
      help: 'Slack requests handled, by surface, registered id (or /crm sub-command) and outcome (ok, error, refused)',
      labelNames: ['surface', 'id', 'outcome'],
      registers,
    }),
    slackAckSeconds: new Histogram({
      name: 'crm_slack_ack_seconds',
      help: 'From receiving a Slack request to its ack (Slack gives up after 3 s)',
      labelNames: ['surface', 'id'],
      buckets: LATENCY_BUCKETS_SEC,
      registers,
    }),
    viewsOpenSeconds: new Histogram({
      name: 'crm_slack_views_open_seconds',
      help: "From receiving a Slack request to Slack's answer to its views.open (trigger ids expire after 3 s)",
      buckets: LATENCY_BUCKETS_SEC,
      registers,
    }),
    slackApiCalls: new Counter({
      name: 'crm_slack_api_calls_total',
      help: 'Slack Web API calls (and response_url posts) by method and HTTP status',
      labelNames: ['method', 'status'],
      registers,
    }),
    slackApiRateLimited: new Counter({
      name: 'crm_slack_api_rate_limited_total',
      help: 'Slack Web API calls answered 429 (rate limited), by method',
      labelNames: ['method'],
      registers,
    }),
    agileRequests: new Counter({
      name: 'crm_agile_requests_total',
      help: 'Agile CRM HTTP requests (each attempt) by method, endpoint template and status',
      labelNames: ['method', 'endpoint', 'status'],
      registers,
    }),
    agileRequestSeconds: new Histogram({
      name: 'crm_agile_request_seconds',
      help: 'Agile CRM HTTP request latency (each attempt) by method and endpoint template',
      labelNames: ['method', 'endpoint'],
      buckets: LATENCY_BUCKETS_SEC,
      registers,
    }),
    digestRuns: new Counter({
      name: 'crm_digest_runs_total',
      help: 'Digest runs this instance finished, by outcome (posted, failed, skipped: an external channel)',
      labelNames: ['outcome'],
      registers,
    }),
    digestAttemptFailures: new Counter({
      name: 'crm_digest_attempt_failures_total',
      help: 'Failed digest post attempts (retried or final)',
      registers,
    }),
    cacheLookups: new Counter({
      name: 'crm_cache_lookups_total',
      help: 'Cache fetches by cache and result (hit, stale, miss, inflight, refresh)',
      labelNames: ['cache', 'result'],
      registers,
    }),
    followUpdates: new Counter({
      name: 'crm_follow_updates_total',
      help: 'Follow polls of this instance: thread updates posted, follows ended (record gone), follows skipped (429 backoff, failed read)',
      labelNames: ['result'],
      registers,
    }),
    followPollSeconds: new Histogram({
      name: 'crm_follow_poll_seconds',
      help: 'Duration of one poll of the followed records (claims, CRM reads, diff, thread posts)',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    }),
    digestTick(tick) {
      lastTick = tick;
      tickLag.set(tick.lagMs / 1000);
      tickAt.set(tick.atMs / 1000);
    },
    lastDigestTick: () => lastTick,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Counts one lru-cache `fetch` by the status lru-cache filled in (`status.fetch`). */
export function countCacheFetch(
  metrics: Metrics | undefined,
  cache: string,
  status: { fetch?: string },
): void {
  if (metrics && status.fetch) metrics.cacheLookups.inc({ cache, result: status.fetch });
}

/**
 * An Agile path as a low-cardinality label: only plain-word segments (`api`, `contacts`, `search`,
 * `email`) stay; anything else (ids, emails, phone numbers) becomes `:id`.
 */
export function endpointTemplate(path: string): string {
  const bare = path.split('?')[0] ?? '';
  return bare
    .split('/')
    .map((segment) => (/^[A-Za-z_-]{1,30}$/.test(segment) ? segment : ':id'))
    .join('/');
}
