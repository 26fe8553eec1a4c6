import { affected, type RepoContext } from './context.js';

export type ClaimResult =
  /** `afterUnknown`: an earlier write under this key got no answer; check whether it landed first. */
  | { status: 'claimed'; afterUnknown?: true }
  | { status: 'in_progress' }
  | { status: 'done'; result: unknown };

/**
 * "Nothing written twice" for view submissions and button clicks: claim a key before the write,
 * complete it with the write's result, release it if the write failed so the user can retry.
 */
export interface IdempotencyRepository {
  /**
   * Atomic insert-if-absent. An in-progress key is a lease of `leaseSec` (renewed while the write
   * runs, see runOnce). A lapsed lease (its holder was killed mid-write) or an unknown key is claimed
   * again with `afterUnknown`: that write may have landed. A done key past its expiry is a plain claim.
   */
  claim(key: string, leaseSec: number): Promise<ClaimResult>;
  /** Extends the lease of a key still in progress; false when it is no longer in progress. */
  renew(key: string, leaseSec: number): Promise<boolean>;
  /**
   * Records the JSON-serialisable result that later claims of the key will see, for `keepSec` from
   * now (a repeated submission within it replays the result); without it the current expiry stays.
   */
  complete(key: string, result: unknown, keepSec?: number): Promise<void>;
  /** Forgets an in-progress key (the write failed) so a retry can claim it. */
  release(key: string): Promise<void>;
  /** Forgets a done key: its write was undone (features/undo), so the same intent may write again. */
  forget(key: string): Promise<void>;
  /**
   * The write got no answer (timeout, connection dropped after sending): it may have been saved. The
   * key stays, in state unknown, until it expires; the next claim gets it with `afterUnknown`.
   */
  markUnknown(key: string, ttlSec: number): Promise<void>;
  /** Keys this store instance claimed and has neither completed nor released: its writes in flight. */
  held(): string[];
  /**
   * Deletes expired keys; returns how many. A lapsed lease (a write whose process died) is kept
   * ORPHANED_KEEP_MS longer: until then the next claim of it is told `afterUnknown`.
   */
  purgeExpired(): Promise<number>;
}

/**
 * How long a key left in progress by a dead process (its lease lapsed) is kept before purgeExpired
 * deletes it: as long as runOnce remembers an unknown outcome, for the same reason.
 */
export const ORPHANED_KEEP_MS = 60 * 60 * 1000;

export function createIdempotencyRepository({ db, nowMs }: RepoContext): IdempotencyRepository {
  const held = new Set<string>();
  return {
    async claim(key, ttlSec) {
      // A key released or purged between our statements makes us go round again; bounded for safety.
      for (let attempt = 0; attempt < 5; attempt++) {
        const now = nowMs();
        const expires = now + Math.round(ttlSec * 1000);
        const inserted = await db
          .insertInto('idempotency_keys')
          .values({ key, status: 'in_progress', result_json: null, created_ms: now, expires_ms: expires })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        if (affected(inserted) === 1) {
          held.add(key);
          return { status: 'claimed' };
        }

        // A key left in progress past its lease: its holder died mid-write (a renewing holder never lets
        // it lapse). Whether that write reached the CRM is unknown, so the takeover checks first.
        const orphaned = await db
          .updateTable('idempotency_keys')
          .set({ status: 'in_progress', created_ms: now, expires_ms: expires })
          .where('key', '=', key)
          .where('status', '=', 'in_progress')
          .where('expires_ms', '<=', now)
          .executeTakeFirst();
        if (affected(orphaned) === 1) {
          held.add(key);
          return { status: 'claimed', afterUnknown: true };
        }

        // A done or unknown key past its expiry: the same intent is a new write.
        const takenOver = await db
          .updateTable('idempotency_keys')
          .set({
            status: 'in_progress',
            result_json: null,
            created_ms: now,
            expires_ms: expires,
            completed_ms: null,
          })
          .where('key', '=', key)
          .where('expires_ms', '<=', now)
          .executeTakeFirst();
        if (affected(takenOver) === 1) {
          held.add(key);
          return { status: 'claimed' };
        }

        // A write whose outcome is unknown: one retry at a time takes the key over to check it, under a
        // lease of its own (not the unknown key's long expiry), so a retry that dies too frees it soon.
        const afterUnknown = await db
          .updateTable('idempotency_keys')
          .set({ status: 'in_progress', expires_ms: expires })
          .where('key', '=', key)
          .where('status', '=', 'unknown')
          .executeTakeFirst();
        if (affected(afterUnknown) === 1) {
          held.add(key);
          return { status: 'claimed', afterUnknown: true };
        }

        const row = await db
          .selectFrom('idempotency_keys')
          .select(['status', 'result_json'])
          .where('key', '=', key)
          .executeTakeFirst();
        if (!row) continue;
        if (row.status === 'done') {
          return { status: 'done', result: row.result_json === null ? null : JSON.parse(row.result_json) };
        }
        return { status: 'in_progress' };
      }
      return { status: 'in_progress' };
    },

    async renew(key, leaseSec) {
      const r = await db
        .updateTable('idempotency_keys')
        .set({ expires_ms: nowMs() + Math.round(leaseSec * 1000) })
        .where('key', '=', key)
        .where('status', '=', 'in_progress')
        .executeTakeFirst();
      return affected(r) === 1;
    },

    async complete(key, result, keepSec) {
      const now = nowMs();
      await db
        .updateTable('idempotency_keys')
        .set({
          status: 'done',
          result_json: JSON.stringify(result ?? null),
          completed_ms: now,
          ...(keepSec === undefined ? {} : { expires_ms: now + Math.round(keepSec * 1000) }),
        })
        .where('key', '=', key)
        .execute();
      held.delete(key);
    },

    async markUnknown(key, ttlSec) {
      await db
        .updateTable('idempotency_keys')
        .set({ status: 'unknown', result_json: null, expires_ms: nowMs() + Math.round(ttlSec * 1000) })
        .where('key', '=', key)
        .where('status', '=', 'in_progress')
        .execute();
      held.delete(key);
    },

    async forget(key) {
      await db.deleteFrom('idempotency_keys').where('key', '=', key).where('status', '=', 'done').execute();
    },

    async release(key) {
      await db
        .deleteFrom('idempotency_keys')
        .where('key', '=', key)
        .where('status', '=', 'in_progress')
        .execute();
      held.delete(key);
    },

    held() {
      return [...held];
    },

    async purgeExpired() {
      const now = nowMs();
      // A lapsed lease is an orphaned write, its outcome unknown: kept like an unknown key, so that a
      // retry within the hour still checks whether it landed (see claim) instead of writing blindly.
      const r = await db
        .deleteFrom('idempotency_keys')
        .where('expires_ms', '<=', now)
        .where((eb) =>
          eb.or([eb('status', '!=', 'in_progress'), eb('expires_ms', '<=', now - ORPHANED_KEEP_MS)]),
        )
        .executeTakeFirst();
      return affected(r);
    },
  };
}
