import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms`, or less once `signal` aborts (shutdown). The one sleep: the Agile client's backoff, the
 * digest poster and the scheduler take it injected, so tests drive time themselves.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  delay(ms, undefined, { signal }).then(
    () => undefined,
    () => undefined,
  );
