import type { SlackUserDirectory } from '../slack/user-directory.js';
import type { Store } from '../store/index.js';
import type { Connection } from './connection.js';

/** Where a Slack user's Agile email came from, strongest first. */
export type IdentitySource = 'override' | 'personal' | 'slack';

export interface AgileIdentity {
  /** Lower-cased. */
  email: string;
  source: IdentitySource;
}

export interface IdentityDeps {
  store: Pick<Store, 'userLinks'>;
  teamId: string;
  connection: Pick<Connection, 'personal'>;
  slackUsers: Pick<SlackUserDirectory, 'profile'>;
}

/**
 * The Agile user a Slack user is, as an email: an admin's manual override (App Home's user mapping),
 * else their personal Agile connection's email, else their Slack profile email (Slack only exposes
 * confirmed emails). `deps.connection.personal` belongs to the request's acting user, so it counts only
 * when `slackUserId` is that user: pass `actingUserId` whenever it may be someone else.
 */
export async function agileIdentityFor(
  deps: IdentityDeps,
  slackUserId: string,
  actingUserId: string = slackUserId,
): Promise<AgileIdentity | null> {
  const link = await deps.store.userLinks.get(deps.teamId, slackUserId);
  if (link) return { email: link.agileEmail.toLowerCase(), source: 'override' };
  const personal = slackUserId === actingUserId ? deps.connection.personal : null;
  if (personal?.email) return { email: personal.email.toLowerCase(), source: 'personal' };
  const profile = await deps.slackUsers.profile(slackUserId);
  if (profile.email) return { email: profile.email.toLowerCase(), source: 'slack' };
  return null;
}

/** agileIdentityFor's email alone (e.g. "is this user the task's owner"); undefined when unknown. */
export async function agileEmailFor(
  deps: IdentityDeps,
  slackUserId: string,
  actingUserId: string = slackUserId,
): Promise<string | undefined> {
  return (await agileIdentityFor(deps, slackUserId, actingUserId))?.email;
}
