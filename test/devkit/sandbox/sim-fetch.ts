// Raw HTTP helpers for the simulator tests (no typed client on purpose: these tests pin the wire format).
import { parse } from 'lossless-json';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type AgileSimulator,
  type SimulatorOptions,
  startAgileSimulator,
} from '../../../src/devkit/sandbox/agile-simulator.js';

/**
 * The usual file setup: one simulator started before the tests, reset before each test (unless
 * `reset: false`) and closed after them all. The returned handle forwards to that simulator.
 */
export function useSimulator(
  options: SimulatorOptions = {},
  { reset = true }: { reset?: boolean } = {},
): AgileSimulator {
  let sim: AgileSimulator | undefined;
  const started = (): AgileSimulator => {
    if (!sim) throw new Error('useSimulator: the simulator starts in beforeAll');
    return sim;
  };
  beforeAll(async () => {
    sim = await startAgileSimulator(options);
  });
  afterAll(async () => {
    await sim?.close();
  });
  if (reset)
    beforeEach(() => {
      sim?.reset();
    });
  return new Proxy({} as AgileSimulator, { get: (_target, key) => Reflect.get(started(), key) });
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface CallOptions {
  method?: string;
  json?: unknown;
  /** Raw JSON text (to send exact number literals). */
  jsonText?: string;
  form?: Record<string, string>;
  accept?: string | null;
  auth?: string | null;
  signal?: AbortSignal;
}

export function basic(email: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${email}:${apiKey}`).toString('base64')}`;
}

export async function call(sim: AgileSimulator, path: string, opts: CallOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? basic(sim.credentials.email, sim.credentials.apiKey) : opts.auth;
  if (auth !== null) headers.authorization = auth;
  const accept = opts.accept === undefined ? 'application/json' : opts.accept;
  if (accept !== null) headers.accept = accept;
  let body: string | undefined;
  if (opts.jsonText !== undefined || opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = opts.jsonText ?? JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(sim.url + path, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: opts.signal,
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** JSON body with every number as a string of its exact digits. */
// biome-ignore lint/suspicious/noExplicitAny: tests read loose wire JSON
export function json<T = any>(res: RawResponse): T {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${res.text}`);
  return parse(res.text, null, (digits) => (/^-?\d+$/.test(digits) ? digits : Number(digits))) as T;
}

export function prop(
  entity: { properties: { name: string; value: string }[] },
  name: string,
): string | undefined {
  return entity.properties.find((p) => p.name === name)?.value;
}
