import { LRUCache } from 'lru-cache';
import type { HomeAgileData } from './use-case.js';

/**
 * My App Home's Agile data, kept a minute per team and user (and Agile email: an override changes
 * whose tasks these are), so opening the tab again and again reads Agile at most once a minute.
 * Keyed by team: one cache serves every workspace. A failed read is not kept.
 */
export interface HomeAgileCache {
  get(
    teamId: string,
    userId: string,
    email: string,
    read: () => Promise<HomeAgileData>,
  ): Promise<HomeAgileData>;
  /** After my own change (Complete, Snooze, a new override): the next home reads Agile again. */
  forget(teamId: string, userId: string): void;
  /** The workspace uninstalled the app or disconnected Agile: drop every member's entry. */
  forgetTeam(teamId: string): void;
}

export const HOME_CACHE_TTL_MS = 60_000;
const MAX_USERS = 5000;

export function createHomeAgileCache(
  now: () => Date = () => new Date(),
  maxUsers: number = MAX_USERS,
): HomeAgileCache {
  const entries = new LRUCache<string, { email: string; data: HomeAgileData }>({
    max: maxUsers,
    ttl: HOME_CACHE_TTL_MS,
    ttlResolution: 0,
    perf: { now: () => now().getTime() },
  });
  // Two opens at once share one read.
  const reading = new Map<string, Promise<HomeAgileData>>();
  const keyOf = (teamId: string, userId: string) => `${teamId}:${userId}`;
  return {
    async get(teamId, userId, email, read) {
      const key = keyOf(teamId, userId);
      const cached = entries.get(key);
      if (cached && cached.email === email) return cached.data;
      const pending = reading.get(key);
      if (pending) return pending;
      const started: Promise<HomeAgileData> = read()
        .then((data) => {
          // Forgotten while reading (my own change landed meanwhile): answer, but do not keep it.
          if (reading.get(key) === started) entries.set(key, { email, data });
          return data;
        })
        .finally(() => {
          if (reading.get(key) === started) reading.delete(key);
        });
      reading.set(key, started);
      return started;
    },
    forget(teamId, userId) {
      const key = keyOf(teamId, userId);
      entries.delete(key);
      reading.delete(key);
    },
    forgetTeam(teamId) {
      const prefix = keyOf(teamId, '');
      for (const key of [...entries.keys(), ...reading.keys()]) {
        if (key.startsWith(prefix)) {
          entries.delete(key);
          reading.delete(key);
        }
      }
    },
  };
}
