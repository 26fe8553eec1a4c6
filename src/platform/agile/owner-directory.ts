import { LRUCache } from 'lru-cache';
import type { AgileClient, DomainUser } from './index.js';

export interface OwnerDirectory {
  list(): Promise<DomainUser[]>;
  /** The Agile user with this email (case-insensitive), if any. */
  byEmail(email: string | undefined): Promise<DomainUser | undefined>;
  /** The Agile user behind the API key: the default owner when a Slack user has no Agile account. */
  apiUser(): Promise<DomainUser | undefined>;
}

const TTL_MS = 10 * 60 * 1000;

/**
 * Domain users change rarely; one cached list per 10 minutes keeps modals and digests fast. A failed
 * read is not kept (the next call asks again) and no stale list is served after the 10 minutes: a
 * form without owners says so rather than offering people who may have left.
 */
export function createOwnerDirectory(agile: AgileClient, now: () => Date = () => new Date()): OwnerDirectory {
  const users = new LRUCache<'users', DomainUser[]>({
    max: 1,
    ttl: TTL_MS,
    ttlResolution: 0,
    perf: { now: () => now().getTime() },
    fetchMethod: () => agile.users.list(),
  });
  // The API key's user does not change while the process runs: kept until a read fails.
  const apiUser = new LRUCache<'current', DomainUser>({
    max: 1,
    fetchMethod: () => agile.users.current(),
  });
  const list = async (): Promise<DomainUser[]> => (await users.fetch('users')) ?? [];
  return {
    list,
    async byEmail(email) {
      if (!email) return undefined;
      const wanted = email.trim().toLowerCase();
      return (await list()).find((u) => u.email?.toLowerCase() === wanted);
    },
    async apiUser() {
      return apiUser.fetch('current').catch(() => undefined);
    },
  };
}
