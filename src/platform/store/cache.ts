import { affected, type RepoContext } from './context.js';

/** A small shared key-value cache with expiry (e.g. users.lookupByEmail results), shared by instances. */
export interface CacheRepository {
  /** The value if present and not expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serialisable value for ttlSec seconds (replacing any previous one). */
  set(key: string, value: unknown, ttlSec: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes expired entries; returns how many. */
  purgeExpired(): Promise<number>;
}

export function createCacheRepository({ db, nowMs }: RepoContext): CacheRepository {
  return {
    async get<T>(key: string) {
      const row = await db
        .selectFrom('kv_cache')
        .select('value_json')
        .where('key', '=', key)
        .where('expires_ms', '>', nowMs())
        .executeTakeFirst();
      return row ? (JSON.parse(row.value_json) as T) : undefined;
    },

    async set(key, value, ttlSec) {
      const row = {
        value_json: JSON.stringify(value ?? null),
        expires_ms: nowMs() + Math.round(ttlSec * 1000),
      };
      await db
        .insertInto('kv_cache')
        .values({ key, ...row })
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
        .execute();
    },

    async delete(key) {
      await db.deleteFrom('kv_cache').where('key', '=', key).execute();
    },

    async purgeExpired() {
      const r = await db.deleteFrom('kv_cache').where('expires_ms', '<=', nowMs()).executeTakeFirst();
      return affected(r);
    },
  };
}
