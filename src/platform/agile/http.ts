import { parse as parseLosslessJson } from 'lossless-json';
import { ofetch } from 'ofetch';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AgileError, errorFromResponse, type RedactedRequest } from './errors.js';

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
  sleep?: (ms: number) => Promise<void>;
}

export interface RequestSpec<S extends z.ZodType> {
  method: HttpMethod;
  /** Relative to the base URL, without a leading slash, segments already encoded (see `path`). */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body, serialised with JSON.stringify (ids must already be strings). */
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

function cleanQuery(query: Record<string, QueryValue> | undefined): Record<string, string> | undefined {
  if (!query) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = String(v);
  return out;
}

interface RawAnswer {
  status: number;
  text: string;
  retryAfter: string | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAgileHttp(options: AgileHttpOptions): AgileHttp {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const baseDelayMs = options.retryBaseDelayMs ?? 250;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  const logger = options.logger;
  const baseURL = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const authorization = `Basic ${Buffer.from(`${options.email}:${options.apiKey}`).toString('base64')}`;

  // The one instance every Agile call goes through. Retries and timeouts are ours, not ofetch's,
  // so that a POST is never repeated and the timeout also covers reading the body.
  const api = ofetch.create({
    baseURL,
    headers: { Accept: 'application/json', Authorization: authorization },
    retry: false,
    ignoreResponseError: true,
    responseType: 'text',
  });

  async function sendOnce(spec: RequestSpec<z.ZodType>): Promise<RawAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), timeoutMs);
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (spec.form !== undefined) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) params.append(k, String(v));
      body = params.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['Content-Type'] = 'application/json';
    }
    try {
      const response = await api.raw<string, 'text'>(spec.path, {
        method: spec.method,
        query: cleanQuery(spec.query),
        body,
        headers,
        signal: controller.signal,
        responseType: 'text',
      });
      return {
        status: response.status,
        text: typeof response._data === 'string' ? response._data : '',
        retryAfter: response.headers.get('retry-after'),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async function request<S extends z.ZodType>(spec: RequestSpec<S>): Promise<z.output<S> | null> {
    const redacted: RedactedRequest = { method: spec.method, path: spec.path };
    const retryable = spec.retry ?? spec.method !== 'POST';
    const maxAttempts = retryable ? retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let answer: RawAnswer;
      try {
        answer = await sendOnce(spec);
      } catch (cause) {
        const error = transportError(cause, redacted, timeoutMs);
        logger?.warn(
          { agile: { ...redacted, attempt, ms: Date.now() - started, kind: error.kind } },
          error.message,
        );
        if (attempt < maxAttempts) {
          await sleep(baseDelayMs * 2 ** (attempt - 1));
          continue;
        }
        throw error;
      }
      const { status } = answer;
      logger?.debug({ agile: { ...redacted, status, attempt, ms: Date.now() - started } }, 'agile request');
      if (status >= 200 && status < 300) return decode(spec, answer, redacted);

      const retryAfterMs = parseRetryAfterMs(answer.retryAfter, Date.now());
      const error = errorFromResponse({ status, body: answer.text, request: redacted, retryAfterMs });
      const transient = status === 429 || error.kind === 'unavailable';
      if (transient && attempt < maxAttempts) {
        const delay = retryAfterMs ?? baseDelayMs * 2 ** (attempt - 1);
        if (delay <= maxRetryAfterMs) {
          logger?.warn(
            { agile: { ...redacted, status, attempt, retryInMs: delay } },
            'agile request failed; retrying',
          );
          await sleep(delay);
          continue;
        }
      }
      throw error;
    }
  }

  function decode<S extends z.ZodType>(
    spec: RequestSpec<S>,
    answer: RawAnswer,
    redacted: RedactedRequest,
  ): z.output<S> | null {
    const text = answer.text.trim();
    // 204 or an empty body means "none" (no such contact, empty list, done).
    if (answer.status === 204 || text === '') return null;
    let data: unknown;
    try {
      data = parseJsonLossless(text);
    } catch {
      if (spec.onNonJson) throw spec.onNonJson(text, redacted);
      const looksXml = text.startsWith('<');
      throw new AgileError({
        kind: 'bad_response',
        status: answer.status,
        request: redacted,
        badAnswer: 'not_json',
        message: `Agile CRM answered ${redacted.method} ${redacted.path} with ${looksXml ? 'XML/HTML' : 'non-JSON text'} (${text.slice(0, 80)})`,
      });
    }
    if (spec.prepare) data = spec.prepare(data);
    const result = spec.schema.safeParse(data);
    if (!result.success) {
      const detail = z.prettifyError(result.error);
      logger?.warn(
        { agile: { ...redacted, status: answer.status } },
        `agile answer did not match the schema: ${detail}`,
      );
      throw new AgileError({
        kind: 'bad_response',
        status: answer.status,
        request: redacted,
        badAnswer: 'wrong_shape',
        message: `Agile CRM answer to ${redacted.method} ${redacted.path} has an unexpected shape: ${detail}`,
        cause: result.error,
      });
    }
    return result.data;
  }

  return { request };
}

class TimeoutSignal extends Error {
  override readonly name = 'TimeoutError';
  constructor() {
    super('timed out');
  }
}

function isTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof TimeoutSignal) return true;
    if (e instanceof Error && e.name === 'TimeoutError') return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

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
