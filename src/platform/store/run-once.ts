import { createHash } from 'node:crypto';
import { isOutcomeUnknown } from '../agile/errors.js';
import type { Store } from './index.js';

export type OnceOutcome<T> = { status: 'done'; result: T; replayed: boolean } | { status: 'in_progress' };

/** What `work` is told about the key it runs under. */
export interface OnceAttempt {
  /**
   * An earlier write under this key got no answer and may have been saved: before writing again,
   * check whether it landed (the feature's landed.ts) and return that instead of writing twice.
   */
  afterUnknown: boolean;
}

/** An unknown outcome is remembered at least this long, so that a late retry still checks first. */
const UNKNOWN_TTL_SEC = 60 * 60;

/** A day: a repeated submission within it replays the first answer instead of writing again. */
const KEY_TTL_SEC = 24 * 60 * 60;

/**
 * An in-progress key is a short lease, renewed every LEASE_RENEW_MS while the write runs: a live write
 * keeps answering "in progress", one whose process was killed can be retried once the lease lapses.
 */
export const LEASE_SEC = 30;
const LEASE_RENEW_MS = 10_000;

/**
 * Quick slash-command paths have no id of their own, so their key is the command itself: the same
 * command within this many seconds of the first (a sliding window, not a clock minute) is a re-send;
 * after it, the same text is a deliberate new write.
 */
export const QUICK_PATH_TTL_SEC = 60;

/** Keys are stored as they are up to this length; longer ones keep a readable head plus a hash. */
const KEY_MAX = 200;

/**
 * The one idempotency-key builder. A key must name a repeated *intent*, not a delivery: a view
 * submission is its view id; a click is the message it was made on plus what it does; a quick
 * command is who typed what in which team (never the trigger_id, which changes on every send).
 * `intent` says what kind of write (e.g. 'note.quick'); the team comes next, always, so that a key
 * names its team (`<intent>:<teamId>:…`, see teamOfKey) and uninstalling deletes the team's keys; the
 * parts say which one.
 */
export function onceKey(
  intent: string,
  teamId: string,
  ...parts: Array<string | number | null | undefined>
): string {
  const key = [intent, teamId, ...parts.map((p) => (p === null || p === undefined ? '' : String(p)))].join(
    ':',
  );
  if (key.length <= KEY_MAX) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${key.slice(0, KEY_MAX - 33)}#${hash}`;
}

/**
 * The team a key built by onceKey names (its second `:` part), or undefined. A long key keeps its head,
 * so the team survives the hashing (intents and Slack team ids are far shorter than KEY_MAX).
 */
export function teamOfKey(key: string): string | undefined {
  const parts = key.split(':');
  return parts.length >= 2 && parts[1] ? parts[1] : undefined;
}

export interface RunOnceOptions {
  /** How long a done key replays its result (default a day); after it, the same key writes again. */
  ttlSec?: number;
  /** The in-progress lease and its renewal period (tests shorten them). */
  leaseSec?: number;
  leaseRenewMs?: number;
}

/**
 * Runs `work` once per key (a view submission, a button click): a double click or a retried delivery
 * gets the first result back (replayed) or "in progress", never a second write. On failure the key
 * is released so the user can try again — unless the write got no answer (isOutcomeUnknown: it may
 * have been saved): then the key records "unknown", and the next run of the same key is told so
 * (`afterUnknown`) and checks whether the write landed before writing again.
 */
export async function runOnce<T>(
  store: Pick<Store, 'idempotency'>,
  key: string,
  work: (attempt: OnceAttempt) => Promise<T>,
  options: RunOnceOptions = {},
): Promise<OnceOutcome<T>> {
  const ttlSec = options.ttlSec ?? KEY_TTL_SEC;
  const leaseSec = options.leaseSec ?? LEASE_SEC;
  const claim = await store.idempotency.claim(key, leaseSec);
  if (claim.status === 'done') return { status: 'done', result: claim.result as T, replayed: true };
  if (claim.status === 'in_progress') return { status: 'in_progress' };
  const heartbeat = setInterval(() => {
    // A missed renewal only shortens the lease; the write itself goes on.
    store.idempotency.renew(key, leaseSec).catch(() => undefined);
  }, options.leaseRenewMs ?? LEASE_RENEW_MS);
  heartbeat.unref();
  try {
    const result = await work({ afterUnknown: claim.afterUnknown === true });
    clearInterval(heartbeat);
    await store.idempotency.complete(key, result ?? null, ttlSec);
    return { status: 'done', result, replayed: false };
  } catch (err) {
    clearInterval(heartbeat);
    if (isOutcomeUnknown(err)) {
      await store.idempotency.markUnknown(key, Math.max(ttlSec, UNKNOWN_TTL_SEC));
    } else {
      await store.idempotency.release(key);
    }
    throw err;
  }
}
