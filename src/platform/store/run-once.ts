import type { Store } from './index.js';

export type OnceOutcome<T> = { status: 'done'; result: T; replayed: boolean } | { status: 'in_progress' };

/** A day: a repeated submission within it replays the first answer instead of writing again. */
const KEY_TTL_SEC = 24 * 60 * 60;

/**
 * Quick slash-command paths have no id of their own, so their key is the command itself: the same
 * command within this many seconds of the first (a sliding window, not a clock minute) is a re-send;
 * after it, the same text is a deliberate new write.
 */
export const QUICK_PATH_TTL_SEC = 60;

export interface RunOnceOptions {
  /** How long the key answers "done"/"in progress" (default a day); an expired key writes again. */
  ttlSec?: number;
}

/**
 * Runs `work` once per key (a view submission, a button click): a double click or a retried delivery
 * gets the first result back (replayed) or "in progress", never a second write. On failure the key
 * is released so the user can try again.
 */
export async function runOnce<T>(
  store: Store,
  key: string,
  work: () => Promise<T>,
  options: RunOnceOptions = {},
): Promise<OnceOutcome<T>> {
  const claim = await store.idempotency.claim(key, options.ttlSec ?? KEY_TTL_SEC);
  if (claim.status === 'done') return { status: 'done', result: claim.result as T, replayed: true };
  if (claim.status === 'in_progress') return { status: 'in_progress' };
  try {
    const result = await work();
    await store.idempotency.complete(key, result ?? null);
    return { status: 'done', result, replayed: false };
  } catch (err) {
    await store.idempotency.release(key);
    throw err;
  }
}
