import { LRUCache } from 'lru-cache';
import { type AgileClient, type DomainUser, isAgileError } from './index.js';

export interface OwnerDirectory {
  /**
   * The Agile users: api/users when the account serves it, else the owners the documented reads name
   * (so possibly a partial list, possibly empty).
   */
  list(): Promise<DomainUser[]>;
  /** The Agile user with this email (case-insensitive), if any. */
  byEmail(email: string | undefined): Promise<DomainUser | undefined>;
  /**
   * The Agile user behind the API key: the default owner when a Slack user has no Agile account.
   * Undefined when unknown: callers then omit the owner and Agile assigns the key's user itself.
   */
  apiUser(): Promise<DomainUser | undefined>;
  /**
   * The default owner for a Slack user: the Agile user with their email, else the API user, else
   * undefined (the owner is then left out and Agile assigns the key's user). Never throws.
   */
  defaultFor(email: string | undefined): Promise<DomainUser | undefined>;
}

export interface OwnerDirectoryOptions {
  /** AGILE_EMAIL, the API key's user: found among the gathered owners when api/users/current-user is missing. */
  apiEmail?: string;
}

const TTL_MS = 10 * 60 * 1000;
/** Records per documented read when the owners are gathered from what they name. */
const GATHER_PAGE_SIZE = 100;

/**
 * api/users and api/users/current-user are not in the API reference: an account (or a proxy) that
 * answers them 404/403/405 or with something unreadable does not have them, and is not asked again.
 * A 401, a 429, a 5xx or no answer says nothing about the endpoint.
 */
export function endpointMissing(err: unknown): boolean {
  if (!isAgileError(err)) return false;
  return (
    err.kind === 'not_found' ||
    err.kind === 'bad_response' ||
    err.kind === 'invalid' ||
    err.status === 403 ||
    err.status === 405
  );
}

/** Owners named by documented reads: contacts' and deals' `owner`, tasks' `taskOwner`; by id, first seen wins. */
async function gatherOwners(agile: AgileClient): Promise<DomainUser[]> {
  const reads = await Promise.allSettled([
    agile.deals.listPage({ pageSize: GATHER_PAGE_SIZE }).then((p) => p.items.map((d) => d.owner)),
    agile.tasks.basedPage({}, { pageSize: GATHER_PAGE_SIZE }).then((p) => p.items.map((t) => t.taskOwner)),
    agile.contacts.listPage({ pageSize: GATHER_PAGE_SIZE }).then((p) => p.items.map((c) => c.owner)),
  ]);
  const fulfilled = reads.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (fulfilled.length === 0) throw (reads[0] as PromiseRejectedResult).reason;
  const byId = new Map<string, DomainUser>();
  for (const owner of fulfilled.flat()) if (owner && !byId.has(owner.id)) byId.set(owner.id, owner);
  return [...byId.values()];
}

/**
 * Domain users change rarely; one cached list per 10 minutes keeps modals and digests fast. A failed
 * read is not kept (the next call asks again) and no stale list is served after the 10 minutes: a
 * form without owners says so rather than offering people who may have left.
 */
export function createOwnerDirectory(
  agile: AgileClient,
  now: () => Date = () => new Date(),
  options: OwnerDirectoryOptions = {},
): OwnerDirectory {
  const missing = { users: false, current: false };
  const readUsers = async (): Promise<DomainUser[]> => {
    if (!missing.users) {
      try {
        return await agile.users.list();
      } catch (err) {
        if (endpointMissing(err)) missing.users = true;
        // Whatever went wrong, the documented reads may still name the owners; if they fail too,
        // the first error is the one worth reporting.
        return gatherOwners(agile).catch(() => Promise.reject(err));
      }
    }
    return gatherOwners(agile);
  };
  const users = new LRUCache<'users', DomainUser[]>({
    max: 1,
    ttl: TTL_MS,
    ttlResolution: 0,
    perf: { now: () => now().getTime() },
    fetchMethod: readUsers,
  });
  // The API key's user does not change while the process runs: kept until a read fails.
  const apiUser = new LRUCache<'current', DomainUser>({
    max: 1,
    fetchMethod: () => agile.users.current(),
  });
  const list = async (): Promise<DomainUser[]> => (await users.fetch('users')) ?? [];
  const byEmail = async (email: string | undefined): Promise<DomainUser | undefined> => {
    if (!email) return undefined;
    const wanted = email.trim().toLowerCase();
    return (await list()).find((u) => u.email?.toLowerCase() === wanted);
  };
  const directory: OwnerDirectory = {
    list,
    byEmail,
    async defaultFor(email) {
      try {
        return (await byEmail(email)) ?? (await directory.apiUser());
      } catch {
        return undefined;
      }
    },
    async apiUser() {
      if (!missing.current) {
        try {
          const me = await apiUser.fetch('current');
          if (me) return me;
        } catch (err) {
          if (!endpointMissing(err)) return undefined;
          missing.current = true;
        }
      }
      return byEmail(options.apiEmail).catch(() => undefined);
    },
  };
  return directory;
}
