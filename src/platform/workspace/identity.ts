import type { SlackUserDirectory } from '../slack/user-directory.js';

/**
 * The Agile login email of a Slack user: who they are in Agile, for "is this the task's owner" checks.
 * Minimal version until the user mapping lands (H6, issue 10: a manual override from user_links, then
 * the user's personal connection): the Slack profile's email, lower-cased; undefined when Slack shows none.
 */
export async function agileEmailFor(
  deps: { slackUsers: SlackUserDirectory },
  slackUserId: string,
): Promise<string | undefined> {
  const email = (await deps.slackUsers.profile(slackUserId)).email;
  return email ? email.trim().toLowerCase() : undefined;
}
