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
  const ttlMs = opts.ttlMs ?? 60_000;
  const maxEntries = opts.maxEntries ?? 500;
  const now = opts.now ?? (() => new Date());
  const cache = new Map<string, { at: number; items: T[] }>();
  const inflight = new Map<string, Promise<T[]>>();

  const search = (query: string): Promise<T[]> => {
    const key = opts.keyOf(query);
    const hit = cache.get(key);
    if (hit && now().getTime() - hit.at < ttlMs) return Promise.resolve(hit.items);
    let pending = inflight.get(key);
    if (!pending) {
      pending = opts
        .fetch(query)
        .then((items) => {
          cache.delete(key);
          if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
          cache.set(key, { at: now().getTime(), items });
          return items;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  };

  const fromCache = (query: string): T[] => {
    const key = opts.keyOf(query);
    const exact = cache.get(key);
    if (exact) return exact.items;
    if (!opts.fallback) return [];
    const view = new Map<string, T[]>();
    for (const [k, v] of cache) view.set(k, v.items);
    return opts.fallback(key, view);
  };

  return {
    search,
    async searchWithin(query, budgetMs) {
      try {
        const result = await within(search(query), budgetMs);
        if (result === TIMEOUT) return { items: fromCache(query), complete: false };
        return { items: result, complete: true };
      } catch {
        return { items: fromCache(query), complete: false };
      }
    },
    prefetch(query) {
      search(query).catch(() => undefined);
    },
  };
}
