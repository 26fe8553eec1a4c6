import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';

export interface SlackUserProfile {
  id: string;
  /** Real name, else display name, else the id: what a note says "Logged from Slack by …". */
  name: string;
  /** IANA zone from users.info; UTC when Slack does not say. */
  timeZone: string;
  email?: string;
}

export interface SlackUserDirectory {
  profile(userId: string): Promise<SlackUserProfile>;
  /** Slack user id for an email (users.lookupByEmail, tier 3: cached, misses too). */
  userIdForEmail(email: string): Promise<string | undefined>;
}

const TTL_MS = 15 * 60 * 1000;

/**
 * Slack profiles behind a small in-memory TTL cache. A failed lookup degrades (UTC, id as name)
 * rather than failing the user's action: a time zone is not worth losing what they typed.
 */
export function createSlackUserDirectory(
  client: WebClient,
  logger: Logger,
  now: () => Date = () => new Date(),
): SlackUserDirectory {
  const profiles = new Map<string, { at: number; value: Promise<SlackUserProfile> }>();
  const emails = new Map<string, { at: number; value: Promise<string | undefined> }>();

  const cached = <T>(
    map: Map<string, { at: number; value: Promise<T> }>,
    key: string,
    load: () => Promise<T>,
  ) => {
    const t = now().getTime();
    const hit = map.get(key);
    if (hit && t - hit.at < TTL_MS) return hit.value;
    const value = load();
    map.set(key, { at: t, value });
    return value;
  };

  return {
    profile(userId) {
      return cached(profiles, userId, async () => {
        try {
          const res = await client.users.info({ user: userId });
          const u = res.user;
          return {
            id: userId,
            name: u?.real_name || u?.profile?.real_name || u?.profile?.display_name || u?.name || userId,
            timeZone: u?.tz || 'UTC',
            email: u?.profile?.email || undefined,
          };
        } catch (err) {
          logger.warn({ err, userId }, 'users.info failed; using defaults');
          profiles.delete(userId);
          return { id: userId, name: userId, timeZone: 'UTC' };
        }
      });
    },
    userIdForEmail(email) {
      const key = email.trim().toLowerCase();
      return cached(emails, key, async () => {
        try {
          const res = await client.users.lookupByEmail({ email: key });
          return res.user?.id;
        } catch (err) {
          const code = (err as { data?: { error?: string } }).data?.error;
          if (code !== 'users_not_found') {
            logger.warn({ err }, 'users.lookupByEmail failed');
            emails.delete(key);
          }
          return undefined;
        }
      });
    },
  };
}
