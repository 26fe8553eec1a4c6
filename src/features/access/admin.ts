import type { Deps } from '../../app/deps.js';
import { isAdminOf } from './policy.js';

/**
 * The one admin check (`/crm status`, `/crm audit`, digest Reassign, admin settings, `/crm connect`):
 * a workspace admin or owner per Slack (users.info, cached), or the user who installed the app.
 */
export async function isWorkspaceAdmin(
  deps: Pick<Deps, 'slackUsers' | 'connection'>,
  userId: string,
): Promise<boolean> {
  if (userId && deps.connection.installerUserId === userId) return true;
  return isAdminOf(await deps.slackUsers.profile(userId), deps.connection, userId);
}
