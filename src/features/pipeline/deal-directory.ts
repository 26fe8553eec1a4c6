import { LRUCache } from 'lru-cache';
import { type AgileClient, collect, type Deal, type Track } from '../../platform/agile/index.js';
import { createCachedSearch } from '../../platform/cached-search.js';
import type { Metrics } from '../../platform/metrics.js';
import { type DealRanking, type DealSummary, rankDeals, toDealSummary } from './deal-search.js';

/** The deals and tracks the deal features read, cached so pickers answer within Slack's 3 s. */
export interface DealDirectory {
  /** Picker options: ranked within budgetMs, answered from the cache when the CRM is slow. */
  searchWithin(
    query: string,
    budgetMs: number,
    /** Read after the list arrives, so a lookup running alongside (the user's owner id) can still count. */
    ranking?: DealRanking | (() => DealRanking),
  ): Promise<{ deals: DealSummary[]; complete: boolean }>;
  /** All deals, fetched now (the quick path has time; a stale list would miss a new deal). */
  fresh(): Promise<DealSummary[]>;
  /** Warm the cache (a modal with a deal picker just opened). */
  prefetch(): void;
  /** Tracks with their milestones (cached a minute). */
  tracks(): Promise<Track[]>;
  /** A user moved or created this deal through the bot: it comes first for them, with its new milestone. */
  touched(userId: string, deal: Pick<DealSummary, 'id'> & Partial<DealSummary>): void;
  recentFor(userId: string): string[];
}

const ALL_KEY = 'all';
/** 5 × 200 deals: enough for a picker; the user's own deals are fetched separately so they are never cut. */
const MAX_PAGES = 5;
const RECENT_PER_USER = 20;
const RECENT_USERS = 1000;
/** Long enough for Agile's listing to catch up with a write. */
const OVERLAY_TTL_MS = 60_000;
const OVERLAY_MAX = 1000;
const TRACKS_TTL_MS = 60_000;

/** Built once in app/create-bot.ts (Deps.deals): the caches must outlive a request. */
export function createDealDirectory(
  agile: AgileClient,
  now: () => Date = () => new Date(),
  metrics?: Metrics,
): DealDirectory {
  // ttlResolution 0: read the injected clock on every check (lru-cache otherwise reuses it for 1 ms).
  const clock = { perf: { now: () => now().getTime() }, ttlResolution: 0 };
  // What the bot itself just changed, laid over the cached list until Agile's listing shows it.
  const overlay = new LRUCache<string, Partial<DealSummary>>({
    max: OVERLAY_MAX,
    ttl: OVERLAY_TTL_MS,
    ...clock,
  });
  const recent = new LRUCache<string, string[]>({ max: RECENT_USERS });
  // A failed read is not cached: the next call asks Agile again.
  const tracks = new LRUCache<typeof ALL_KEY, Track[]>({
    max: 1,
    ttl: TRACKS_TTL_MS,
    ...clock,
    fetchMethod: () => agile.tracks.list(),
  });
  const fetchAll = async (): Promise<DealSummary[]> => {
    const [pages, mine] = await Promise.all([
      collect(agile.deals.iterate({ maxPages: MAX_PAGES })),
      agile.deals.mine().catch(() => [] as Deal[]),
    ]);
    const byId = new Map<string, DealSummary>();
    for (const d of [...pages, ...mine]) byId.set(d.id, toDealSummary(d));
    return [...byId.values()];
  };
  const cached = createCachedSearch<DealSummary>({
    keyOf: () => ALL_KEY,
    now,
    fetch: fetchAll,
    metrics: { metrics, name: 'deals' },
  });
  const withOverlay = (deals: DealSummary[]): DealSummary[] => {
    if (overlay.size === 0) return deals;
    const ids = new Set(deals.map((d) => d.id));
    const merged = deals.map((d) => ({ ...d, ...overlay.get(d.id) }));
    for (const [id, data] of overlay.entries()) {
      if (!ids.has(id) && data.name) merged.push({ id, name: data.name, touchedSec: 0, ...data });
    }
    return merged;
  };

  return {
    async searchWithin(query, budgetMs, ranking = {}) {
      const { items, complete } = await cached.searchWithin(ALL_KEY, budgetMs);
      const r = typeof ranking === 'function' ? ranking() : ranking;
      return { deals: rankDeals(query, withOverlay(items), r), complete };
    },
    fresh: async () => withOverlay(await fetchAll()),
    prefetch: () => cached.prefetch(ALL_KEY),
    tracks: () => tracks.forceFetch(ALL_KEY),
    touched(userId, deal) {
      const touchedSec = Math.floor(now().getTime() / 1000);
      overlay.set(deal.id, { ...overlay.get(deal.id), ...deal, touchedSec });
      const list = [deal.id, ...(recent.get(userId) ?? []).filter((id) => id !== deal.id)];
      recent.set(userId, list.slice(0, RECENT_PER_USER));
    },
    recentFor: (userId) => recent.get(userId) ?? [],
  };
}
