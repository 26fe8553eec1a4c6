import { parse as parseLosslessJson } from 'lossless-json';
import { type FetchContext, type FetchResponse, ofetch } from 'ofetch';
import type { Logger } from 'pino';
import { z } from 'zod';
import { endpointTemplate, type Metrics } from '../metrics.js';
import { sleep as defaultSleep } from '../sleep.js';
import { AgileError, errorFromResponse, isAgileError, type RedactedRequest } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
type QueryValue = string | number | boolean | undefined;

export interface AgileHttpOptions {
  /** e.g. "https://{domain}.agilecrm.com/dev/"; paths are appended ("api/contacts"). */
  baseUrl: string;
  email: string;
  apiKey: string;
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for requests that cannot duplicate anything. Default 2. */
  retries?: number;
  /** First backoff delay; doubles each attempt. Default 250 ms. */
  retryBaseDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails as rate_limited. Default 30 s. */
  maxRetryAfterMs?: number;
  logger?: Logger;
  /** Waits between attempts. Default setTimeout; tests inject one that records the delay and returns. */
  sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds: reads Retry-After dates and times requests for the logs. Default Date.now. */
  now?: () => number;
  /** Counts and times each attempt (crm_agile_requests_total, crm_agile_request_seconds). */
  metrics?: Metrics;
}

export interface RequestSpec<S extends z.ZodType> {
  method: HttpMethod;
  /** Relative to the base URL, without a leading slash, segments already encoded (see `path`). */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body (a plain object), serialised by ofetch with JSON.stringify (ids must already be strings). */
  json?: unknown;
  /** Form body (application/x-www-form-urlencoded); JSON inside values is the caller's JSON.stringify. */
  form?: Record<string, QueryValue>;
  schema: S;
  /**
   * May this request be sent again after a failure? Defaults to true for GET/PUT/DELETE (idempotent
   * in Agile) and false for POST (a create must never be re-sent blindly). Read-only POSTs say true.
   */
  retry?: boolean;
  /** Turns the parsed JSON into what the schema expects (e.g. strip paging fields). */
  prepare?: (data: unknown) => unknown;
  /** A 2xx whose body is not JSON: map it to an error (default: bad_response). */
  onNonJson?: (text: string, request: RedactedRequest) => AgileError;
}

export interface AgileHttp {
  request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S> | null>;
}

/** Encodes each dynamic path segment: `path\`api/contacts/${id}\`` never lets an id add a slash. */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce(
    (out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''),
    '',
  );
}

/**
 * JSON.parse that cannot round an id: integer literals outside the safe range come back as their
 * exact decimal string; everything else as a number. Ids lie between 2^52 and 2^53, so this matters.
 */
export function parseJsonLossless(text: string): unknown {
  return parseLosslessJson(text, null, (value: string) => {
    if (/^-?\d+$/.test(value)) {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value;
    }
    return Number(value);
  });
}

function parseRetryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function cleanValues(values: Record<string, QueryValue> | undefined): Record<string, string> | undefined {
  if (!values) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** A response body as ofetch's parseResponse hands it to us: the text, and its JSON value if it is JSON. */
interface AnswerBody {
  text: string;
  json: boolean;
  value: unknown;
}

/** Never throws: error bodies and non-JSON 2xx answers are text that the errors and `decode` read. */
function readBody(text: string): AnswerBody {
  try {
    return { text, json: true, value: parseJsonLossless(text) };
  } catch {
    return { text, json: false, value: undefined };
  }
}

// Whether a 500 is worth retrying depends on its body (a Java exception is bad input): the
// onResponseError hook judges that. ofetch also counts "no answer" (network error, timeout) as 500.
const RETRY_STATUS_CODES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * ofetch stops its timeout once the headers arrive, and reads the body outside its retry handling:
 * reading the whole body inside fetch puts a stalled body under the same timeout and retry policy.
 */
async function fetchWholeBody(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

export function createAgileHttp(options: AgileHttpOptions): AgileHttp {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const baseDelayMs = options.retryBaseDelayMs ?? 250;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const baseURL = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const authorization = `Basic ${Buffer.from(`${options.email}:${options.apiKey}`).toString('base64')}`;
  const startedAt = new WeakMap<FetchContext, number>();
  const elapsedMs = (ctx: FetchContext) => now() - (startedAt.get(ctx) ?? now());

  const metrics = options.metrics;
  /** One attempt done: `status` is the HTTP status, or `timeout` / `network` when none came. */
  function measure(ctx: FetchContext, status: string): void {
    if (!metrics) return;
    const labels = { method: ctx.options.method ?? 'GET', endpoint: endpointTemplate(redact(ctx).path) };
    metrics.agileRequests.inc({ ...labels, status });
    metrics.agileRequestSeconds.observe(labels, elapsedMs(ctx) / 1000);
  }

  /** Method and path (no query, no headers, no body) of the request ofetch is sending. */
  function redact(ctx: FetchContext): RedactedRequest {
    const url = (typeof ctx.request === 'string' ? ctx.request : ctx.request.url).split('?')[0] ?? '';
    return {
      method: ctx.options.method ?? 'GET',
      path: url.startsWith(baseURL) ? url.slice(baseURL.length) : url,
    };
  }

  /**
   * The retry policy, run by the error hooks just before ofetch decides whether to retry: throws the
   * final AgileError unless the failure is transient and attempts remain, else waits and returns so
   * that ofetch sends the request again. Waiting here rather than through ofetch's `retryDelay`
   * (synchronous, its own setTimeout) lets tests inject `sleep` and lets a Retry-After that is too
   * long fail at once as rate_limited instead of being waited for.
   */
  async function retryOrThrow(ctx: FetchContext, error: AgileError, retryAfterMs?: number): Promise<void> {
    const retriesLeft = typeof ctx.options.retry === 'number' ? ctx.options.retry : 0;
    const transient = error.kind === 'rate_limited' || error.kind === 'unavailable';
    if (!transient || retriesLeft <= 0) throw error;
    const attempt = retries - retriesLeft + 1;
    const delay = retryAfterMs ?? baseDelayMs * 2 ** (attempt - 1);
    if (delay > maxRetryAfterMs) throw error;
    logger?.warn(
      { agile: { ...error.request, status: error.status, attempt, retryInMs: delay } },
      'agile request failed; retrying',
    );
    await sleep(delay);
  }

  // The one instance every Agile call goes through.
  const api = ofetch.create(
    {
      baseURL,
      headers: { Accept: 'application/json', Authorization: authorization },
      timeout: timeoutMs,
      retryStatusCodes: RETRY_STATUS_CODES,
      retryDelay: 0, // retryOrThrow has waited already
      parseResponse: readBody,
      onRequest(ctx) {
        // ofetch 1.5 hands the first attempt's timeout signal on to its retries (already aborted after
        // a timeout, disarmed otherwise: unjs/ofetch#621); cleared, ofetch arms a fresh one per attempt.
        ctx.options.signal = undefined;
        startedAt.set(ctx, now());
      },
      onResponse(ctx) {
        measure(ctx, String(ctx.response.status));
        logger?.debug(
          { agile: { ...redact(ctx), status: ctx.response.status, ms: elapsedMs(ctx) } },
          'agile request',
        );
      },
      async onResponseError(ctx) {
        const { response } = ctx;
        const body = (response._data as AnswerBody | undefined)?.text;
        const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), now());
        const error = errorFromResponse({
          status: response.status,
          body,
          request: redact(ctx),
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
        await retryOrThrow(ctx, error, retryAfterMs);
      },
      async onRequestError(ctx) {
        const error = transportError(ctx.error, redact(ctx), timeoutMs);
        measure(ctx, error.timedOut ? 'timeout' : 'network');
        logger?.warn({ agile: { ...error.request, ms: elapsedMs(ctx), kind: error.kind } }, error.message);
        await retryOrThrow(ctx, error);
      },
    },
    { fetch: fetchWholeBody },
  );

  async function request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S> | null> {
    const redacted: RedactedRequest = { method: spec.method, path: spec.path };
    const retryable = spec.retry ?? spec.method !== 'POST';
    let response: FetchResponse<AnswerBody>;
    try {
      response = await api.raw<AnswerBody>(spec.path, {
        method: spec.method,
        query: cleanValues(spec.query),
        ...(spec.form !== undefined
          ? { body: cleanValues(spec.form), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
          : { body: spec.json as Record<string, unknown> | undefined }),
        retry: retryable ? retries : 0,
      });
    } catch (err) {
      // The hooks throw AgileErrors; anything else escaped them (e.g. a failure inside ofetch).
      throw isAgileError(err) ? err : transportError(err, redacted, timeoutMs);
    }
    return decode(spec, response, redacted);
  }

  function decode<S extends z.ZodType>(
    spec: RequestSpec<S>,
    response: FetchResponse<AnswerBody>,
    redacted: RedactedRequest,
  ): z.output<S> | null {
    const { status } = response;
    const body = response._data;
    if (status < 200 || status >= 300) {
      throw errorFromResponse({ status, body: body?.text, request: redacted });
    }
    const text = body?.text.trim() ?? '';
    // 204 or an empty body means "none" (no such contact, empty list, done).
    if (status === 204 || text === '') return null;
    if (!body?.json) {
      if (spec.onNonJson) throw spec.onNonJson(text, redacted);
      const looksXml = text.startsWith('<');
      throw new AgileError({
        kind: 'bad_response',
        badAnswer: 'not_json',
        status,
        request: redacted,
        message: `Agile CRM answered ${redacted.method} ${redacted.path} with ${looksXml ? 'XML/HTML' : 'non-JSON text'} (${text.slice(0, 80)})`,
      });
    }
    const data = spec.prepare ? spec.prepare(body.value) : body.value;
    const result = spec.schema.safeParse(data);
    if (!result.success) {
      const detail = z.prettifyError(result.error);
      logger?.warn({ agile: { ...redacted, status } }, `agile answer did not match the schema: ${detail}`);
      throw new AgileError({
        kind: 'bad_response',
        badAnswer: 'wrong_shape',
        status,
        request: redacted,
        message: `Agile CRM answer to ${redacted.method} ${redacted.path} has an unexpected shape: ${detail}`,
        cause: result.error,
      });
    }
    return result.data;
  }

  return { request };
}

function isTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error && e.name === 'TimeoutError') return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/** A request that got no answer: timed out, or the CRM could not be reached. */
function transportError(cause: unknown, request: RedactedRequest, timeoutMs: number): AgileError {
  if (isTimeout(cause)) {
    return new AgileError({
      kind: 'unavailable',
      timedOut: true,
      request,
      cause,
      message: `Agile CRM did not answer ${request.method} ${request.path} within ${timeoutMs} ms`,
    });
  }
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new AgileError({
    kind: 'unavailable',
    request,
    cause,
    message: `could not reach Agile CRM for ${request.method} ${request.path}: ${detail}`,
  });
}
