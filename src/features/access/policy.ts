import type { SlackUserProfile } from '../../platform/slack/user-directory.js';
import type { Connection } from '../../platform/workspace/connection.js';
import type { WorkspaceSettings } from '../../platform/workspace/settings.js';

/**
 * Who may do what: the permission rules as pure functions of plain facts (no I/O). The guard and the
 * features ask these; the README's "Who may do what" table describes them.
 */

/** Why a user may not use the app at all. */
export type EntryRefusal = 'external' | 'guest';

/** The facts a profile gives about who someone is (users.info). */
export type ProfileFacts = Pick<
  SlackUserProfile,
  'teamId' | 'isStranger' | 'isRestricted' | 'isUltraRestricted'
>;

/**
 * From the payload alone (no lookup): a user whose team, as the payload names it (`user.team_id`,
 * `user_team`), is not the request's team belongs to another organisation (Slack Connect).
 */
export function payloadEntryRefusal(
  requestTeamId: string,
  userTeamIds: readonly (string | undefined)[],
): EntryRefusal | undefined {
  if (!requestTeamId) return undefined;
  return userTeamIds.some((id) => id !== undefined && id !== '' && id !== requestTeamId)
    ? 'external'
    : undefined;
}

/**
 * From the user's profile: another organisation's user (`is_stranger`, or a home team that is not the
 * request's), or a guest (single- or multi-channel) unless the workspace lets guests in.
 */
export function profileEntryRefusal(
  requestTeamId: string,
  profile: ProfileFacts,
  settings: Pick<WorkspaceSettings, 'guestsAllowed'>,
): EntryRefusal | undefined {
  if (profile.isStranger) return 'external';
  if (requestTeamId && profile.teamId && profile.teamId !== requestTeamId) return 'external';
  if ((profile.isRestricted || profile.isUltraRestricted) && !settings.guestsAllowed) return 'guest';
  return undefined;
}

/** Workspace admins and owners (users.info is_admin / is_owner) and the user who installed the app. */
export function isAdminOf(
  profile: Pick<SlackUserProfile, 'isAdmin' | 'isOwner'>,
  connection: Pick<Connection, 'installerUserId'>,
  userId: string,
): boolean {
  return profile.isAdmin || profile.isOwner || (!!userId && connection.installerUserId === userId);
}

/**
 * A public ticket reply emails the customer: only someone with their own Agile account connected sends
 * one (Agile records them as its author). Private notes stay open to every member.
 */
export function mayReplyPublicly(connection: Pick<Connection, 'personal'>): boolean {
  return connection.personal !== null;
}

export type DigestAction = 'complete' | 'snooze' | 'reassign';

/** Who may press a digest button, in words for the refusal ("Only … can …"). */
export type DigestPermission = { allowed: true } | { allowed: false; who: 'owner' | 'owner_or_admin' };

/**
 * Complete / Snooze: the task's owner, or any member when the workspace allows it. Reassign: the task's
 * owner or an admin.
 */
export function digestPermission(input: {
  action: DigestAction;
  isTaskOwner: boolean;
  isAdmin: boolean;
  settings: Pick<WorkspaceSettings, 'anyMemberCompletesTasks'>;
}): DigestPermission {
  if (input.action === 'reassign') {
    return input.isTaskOwner || input.isAdmin ? { allowed: true } : { allowed: false, who: 'owner_or_admin' };
  }
  return input.isTaskOwner || input.settings.anyMemberCompletesTasks
    ? { allowed: true }
    : { allowed: false, who: 'owner' };
}

/**
 * Whether the rule needs to know the task's owner at all (reading the task costs an Agile call): not
 * when the workspace lets any member complete, nor for an admin's Reassign.
 */
export function digestNeedsOwner(input: {
  action: DigestAction;
  isAdmin: boolean;
  settings: Pick<WorkspaceSettings, 'anyMemberCompletesTasks'>;
}): boolean {
  if (input.action === 'reassign') return !input.isAdmin;
  return !input.settings.anyMemberCompletesTasks;
}

/** Matched by email, case and blanks aside; a task without an owner email has no owner to match. */
export function isOwnerByEmail(
  ownerEmail: string | undefined,
  actorEmails: readonly (string | undefined)[],
): boolean {
  const owner = ownerEmail?.trim().toLowerCase();
  if (!owner) return false;
  return actorEmails.some((e) => e !== undefined && e.trim().toLowerCase() === owner);
}

/** Contact cards go into channels shared with another organisation only when the workspace allows it. */
export function mayShareInto(
  channel: { isExtShared: boolean },
  settings: Pick<WorkspaceSettings, 'externalChannelsAllowed'>,
): boolean {
  return !channel.isExtShared || settings.externalChannelsAllowed;
}
