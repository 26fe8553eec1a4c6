import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type AgileSimulator, startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { AgileError } from '../../../src/platform/agile/errors.js';
import { type AgileClientOptions, createAgileClient } from '../../../src/platform/agile/index.js';

/** A client pointed at the simulator with its credentials; `options` add to or override them. */
export function clientFor(sim: AgileSimulator, options: Partial<AgileClientOptions> = {}) {
  return createAgileClient({
    baseUrl: sim.url,
    email: sim.credentials.email,
    apiKey: sim.credentials.apiKey,
    ...options,
  });
}

/** A sleep that returns at once and records each delay it was asked for. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { sleep: async (ms) => void delays.push(ms), delays };
}

/** A simulator and a client pointed at it whose retries do not wait (its sleep returns at once). */
export async function startClientAndSimulator(overrides: Partial<AgileClientOptions> = {}) {
  const sim: AgileSimulator = await startAgileSimulator();
  const client = clientFor(sim, { timeoutMs: 2_000, sleep: recordingSleep().sleep, ...overrides });
  return { sim, client };
}

/**
 * The usual file setup: `set` receives the simulator and its client before the tests; the simulator
 * is reset before each test and closed after them all.
 */
export function useClientAndSimulator(
  set: (started: Awaited<ReturnType<typeof startClientAndSimulator>>) => void,
  overrides: Partial<AgileClientOptions> = {},
): void {
  let sim: AgileSimulator | undefined;
  beforeAll(async () => {
    const started = await startClientAndSimulator(overrides);
    sim = started.sim;
    set(started);
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    sim?.reset();
  });
}

export function lastRequest(sim: AgileSimulator) {
  const last = sim.requests.at(-1);
  if (!last) throw new Error('the simulator received no request');
  return last;
}

export function requestsTo(sim: AgileSimulator, method: string, pathPart: string) {
  return sim.requests.filter((r) => r.method === method && r.path.includes(pathPart));
}

const unexpectedSuccess = (): never => {
  throw new Error('expected the call to fail');
};
const asAgileError = (e: unknown): AgileError => {
  if (e instanceof AgileError) return e;
  throw e;
};

/** The AgileError a call fails with (fails the test if it succeeds or throws something else). */
export function failureOf(call: Promise<unknown>): Promise<AgileError> {
  return call.then(unexpectedSuccess, asAgileError);
}
