import type { AgileClient, DomainUser } from './index.js';

export interface OwnerDirectory {
  list(): Promise<DomainUser[]>;
  /** The Agile user with this email (case-insensitive), if any. */
  byEmail(email: string | undefined): Promise<DomainUser | undefined>;
  /** The Agile user behind the API key: the default owner when a Slack user has no Agile account. */
  apiUser(): Promise<DomainUser | undefined>;
}

const TTL_MS = 10 * 60 * 1000;

/** Domain users change rarely; one cached list per 10 minutes keeps modals and digests fast. */
export function createOwnerDirectory(agile: AgileClient, now: () => Date = () => new Date()): OwnerDirectory {
  let cached: { at: number; users: Promise<DomainUser[]> } | undefined;
  let current: Promise<DomainUser | null> | undefined;
  const list = () => {
    const t = now().getTime();
    if (!cached || t - cached.at > TTL_MS) {
      const users = agile.users.list();
      cached = { at: t, users };
      users.catch(() => {
        if (cached?.users === users) cached = undefined;
      });
    }
    return cached.users;
  };
  return {
    list,
    async byEmail(email) {
      if (!email) return undefined;
      const wanted = email.trim().toLowerCase();
      return (await list()).find((u) => u.email?.toLowerCase() === wanted);
    },
    async apiUser() {
      current ??= agile.users.current().catch(() => {
        current = undefined;
        return null;
      });
      return (await current) ?? undefined;
    },
  };
}
