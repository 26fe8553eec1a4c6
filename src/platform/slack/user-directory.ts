import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { countCacheFetch, type Metrics } from '../metrics.js';

export interface SlackUserProfile {
  id: string;
  /** Real name, else display name, else the id: what a note says "Logged from Slack by …". */
  name: string;
  /** IANA zone from users.info; UTC when Slack does not say. */
  timeZone: string;
  email?: string;
  /** Workspace admin or owner (users.info is_admin / is_owner): may run admin commands. */
  isAdmin: boolean;
  /** Workspace owner or primary owner (users.info is_owner). */
  isOwner: boolean;
  /** Multi-channel guest (users.info is_restricted). */
  isRestricted: boolean;
  /** Single-channel guest (users.info is_ultra_restricted). */
  isUltraRestricted: boolean;
  /** The user's home team (users.info team_id); another organisation's id for a Slack Connect user. */
  teamId?: string;
  /** users.info is_stranger: a user from another organisation this workspace shares nothing with but a channel. */
  isStranger: boolean;
}

/** What profile() answers when Slack could not be asked: a plain member in UTC. */
export function unknownProfile(userId: string): SlackUserProfile {
  return {
    id: userId,
    name: userId,
    timeZone: 'UTC',
    isAdmin: false,
    isOwner: false,
    isRestricted: false,
    isUltraRestricted: false,
    isStranger: false,
  };
}

export interface SlackUserDirectory {
  profile(userId: string): Promise<SlackUserProfile>;
  /** Slack user id for an email (users.lookupByEmail, tier 3: cached, misses too). */
  userIdForEmail(email: string): Promise<string | undefined>;
}

const TTL_MS = 15 * 60 * 1000;
const MAX_ENTRIES = 5000;

/** A cached lookupByEmail answer: a known miss (users_not_found) is cached as `{}`. */
type EmailAnswer = { userId?: string };

/**
 * Slack profiles behind a small in-memory TTL cache. A failed lookup degrades (UTC, id as name)
 * rather than failing the user's action: a time zone is not worth losing what they typed. Failures
 * are not cached: the next call asks Slack again.
 */
export function createSlackUserDirectory(
  client: WebClient,
  logger: Logger,
  now: () => Date = () => new Date(),
  metrics?: Metrics,
  /** Profiles kept (lru-cache allocates for all of them up front: per-team directories keep fewer). */
  maxEntries: number = MAX_ENTRIES,
): SlackUserDirectory {
  const clock = { ttl: TTL_MS, ttlResolution: 0, max: maxEntries, perf: { now: () => now().getTime() } };

  const profiles = new LRUCache<string, SlackUserProfile>({
    ...clock,
    fetchMethod: async (userId) => {
      try {
        const u = (await client.users.info({ user: userId })).user;
        return {
          id: userId,
          name: u?.real_name || u?.profile?.real_name || u?.profile?.display_name || u?.name || userId,
          timeZone: u?.tz || 'UTC',
          email: u?.profile?.email || undefined,
          isAdmin: Boolean(u?.is_admin || u?.is_owner),
          isOwner: Boolean(u?.is_owner || u?.is_primary_owner),
          isRestricted: Boolean(u?.is_restricted),
          isUltraRestricted: Boolean(u?.is_ultra_restricted),
          ...(u?.team_id ? { teamId: u.team_id } : {}),
          isStranger: Boolean(u?.is_stranger),
        };
      } catch (err) {
        logger.warn({ err, userId }, 'users.info failed; using defaults');
        throw err;
      }
    },
  });

  const emails = new LRUCache<string, EmailAnswer>({
    ...clock,
    fetchMethod: async (email) => {
      try {
        return { userId: (await client.users.lookupByEmail({ email })).user?.id };
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        if (code === 'users_not_found') return {};
        logger.warn({ err }, 'users.lookupByEmail failed');
        throw err;
      }
    },
  });

  return {
    async profile(userId) {
      const status: LRUCache.Status<string, SlackUserProfile> = {};
      const pending = profiles.fetch(userId, { status });
      countCacheFetch(metrics, 'slack_users', status);
      const found = await pending.catch(() => undefined);
      return found ?? unknownProfile(userId);
    },
    async userIdForEmail(email) {
      const answer = await emails.fetch(email.trim().toLowerCase()).catch(() => undefined);
      return answer?.userId;
    },
  };
}
