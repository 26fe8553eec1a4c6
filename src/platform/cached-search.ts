import { LRUCache } from 'lru-cache';
import { countCacheFetch, type Metrics } from './metrics.js';
import { TIMEOUT, within } from './within.js';

export interface CachedSearchOptions<T> {
  /** The real (slow) search. */
  fetch: (query: string) => Promise<T[]>;
  /** Cache key of a query (e.g. case-folded text); queries with the same key share one fetch. */
  keyOf: (query: string) => string;
  /**
   * What to answer from the cache when the fetch is too slow and this exact key was never fetched:
   * e.g. the longest cached prefix narrowed locally. Default: nothing.
   */
  fallback?: (key: string, cached: ReadonlyMap<string, T[]>) => T[];
  ttlMs?: number;
  maxEntries?: number;
  now?: () => Date;
  /** Counts hits and misses as crm_cache_lookups_total{cache=name}. */
  metrics?: { metrics: Metrics | undefined; name: string };
}

export interface CachedSearch<T> {
  /** Fresh cached answer, else one shared in-flight fetch per key. */
  search(query: string): Promise<T[]>;
  /**
   * The same within `budgetMs` (Slack drops an options load after 3 s): on a slow or failing CRM,
   * answers from the cache (even stale, else the fallback) while the fetch goes on filling it.
   */
  searchWithin(query: string, budgetMs: number): Promise<{ items: T[]; complete: boolean }>;
  /** Starts a fetch without waiting (warm the cache when a modal opens); never rejects. */
  prefetch(query: string): void;
}

/** The shared "cached search with a time budget" behind the contact and deal pickers. */
export function createCachedSearch<T>(opts: CachedSearchOptions<T>): CachedSearch<T> {
  const now = opts.now ?? (() => new Date());
  const cache = new LRUCache<string, T[], string>({
    max: opts.maxEntries ?? 500,
    ttl: opts.ttlMs ?? 60_000,
    // Stale answers stay readable (the budget's fallback); `search` itself always asks for fresh ones.
    allowStale: true,
    noDeleteOnStaleGet: true,
    // A failed refresh answers the stale list rather than an error, and keeps it.
    allowStaleOnFetchRejection: true,
    // Read the injected clock on every check (tests move it); lru-cache reads a start of 0 as "no TTL".
    ttlResolution: 0,
    perf: { now: () => now().getTime() + 1 },
    fetchMethod: (_key, _stale, { context }) => opts.fetch(context),
  });

  /** Fresh items, else (a failed refresh) the stale ones; rejects when the fetch failed with none cached. */
  const fetchFresh = async (
    query: string,
    status: LRUCache.Status<string, T[], string> = {},
  ): Promise<T[]> => {
    const pending = cache.fetch(opts.keyOf(query), { context: query, allowStale: false, status });
    // lru-cache fills status.fetch (hit, miss, inflight, stale, refresh) before the fetch settles.
    countCacheFetch(opts.metrics?.metrics, opts.metrics?.name ?? 'search', status);
    const items = await pending;
    if (items === undefined) throw status.fetchError ?? new Error('search failed');
    return items;
  };

  const fromCache = (query: string): T[] => {
    const key = opts.keyOf(query);
    const exact = cache.get(key);
    if (exact) return exact;
    return opts.fallback ? opts.fallback(key, new Map(cache.entries())) : [];
  };

  return {
    search: (query) => fetchFresh(query),
    async searchWithin(query, budgetMs) {
      const status: LRUCache.Status<string, T[], string> = {};
      try {
        const result = await within(fetchFresh(query, status), budgetMs);
        if (result === TIMEOUT) return { items: fromCache(query), complete: false };
        return { items: result, complete: status.returnedStale !== true };
      } catch {
        return { items: fromCache(query), complete: false };
      }
    },
    prefetch(query) {
      fetchFresh(query).catch(() => undefined);
    },
  };
}
