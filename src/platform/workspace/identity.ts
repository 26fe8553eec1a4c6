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
  store: {
    userLinks: Pick<Store['userLinks'], 'get'>;
    /** A member's own stored personal connection (`/crm connect me`), for anyone but the acting user. */
    workspaces: Pick<Store['workspaces'], 'getPersonalAccount'>;
  };
  teamId: string;
  connection: Pick<Connection, 'personal'>;
  slackUsers: Pick<SlackUserDirectory, 'profile'>;
}

/**
 * The Agile user a Slack user is, as an email: an admin's manual override (App Home's user mapping),
 * else their personal Agile connection's email, else their Slack profile email (Slack only exposes
 * confirmed emails). The one way "who is this Slack user in Agile" is answered (digest owner checks
 * and Reassign, `/crm digest on … owner me`, App Home and its mapping, the default owner of new tasks,
 * deals and contacts, the deal pickers' ranking).
 *
 * `deps.connection.personal` belongs to the request's acting user: it answers when `slackUserId` is
 * that user; anyone else's personal connection is read from the store (`store.workspaces`). Pass
 * `actingUserId` whenever `slackUserId` may be someone else.
 */
export async function agileIdentityFor(
  deps: IdentityDeps,
  slackUserId: string,
  actingUserId: string = slackUserId,
): Promise<AgileIdentity | null> {
  const link = await deps.store.userLinks.get(deps.teamId, slackUserId);
  if (link) return { email: link.agileEmail.toLowerCase(), source: 'override' };
  const personal =
    slackUserId === actingUserId
      ? deps.connection.personal
      : await deps.store.workspaces.getPersonalAccount(deps.teamId, slackUserId);
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
