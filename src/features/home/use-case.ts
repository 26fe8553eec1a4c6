import type { Deps } from '../../app/deps.js';
import { collect, type DomainUser, type Task } from '../../platform/agile/index.js';
import type { Actor } from '../../platform/slack/actor.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { channelLabel } from '../../platform/slack/format.js';
import { unknownProfile } from '../../platform/slack/user-directory.js';
import { onceKey, QUICK_PATH_TTL_SEC } from '../../platform/store/run-once.js';
import type { Connection } from '../../platform/workspace/connection.js';
import {
  type AgileIdentity,
  agileIdentityFor,
  type IdentityDeps,
} from '../../platform/workspace/identity.js';
import type { WorkspaceSettings } from '../../platform/workspace/settings.js';
import { isOpenDeal } from '../contact-card/use-case.js';
import { type DigestChange, writeTaskChange } from '../digest/click-use-case.js';
import type { DigestTask } from '../digest/digest-model.js';
import { toDigestTask } from '../digest/digest-run.js';
import { snoozedDueEpochSec } from '../digest/schedule.js';

export type HomeDeps = Pick<
  Deps,
  | 'agile'
  | 'store'
  | 'owners'
  | 'slackUsers'
  | 'logger'
  | 'now'
  | 'audit'
  | 'teamId'
  | 'connection'
  | 'agileDomain'
  | 'slackClient'
  | 'home'
>;

/** An open deal of mine as App Home lists it. */
export interface HomeDeal {
  id: string;
  name: string;
  milestone: string;
  value?: number;
}

/** What App Home shows from Agile for one user: cached a minute (see home-cache.ts). */
export interface HomeAgileData {
  /** The Agile user I am; undefined when no Agile user has my email. */
  owner?: { id: string; name: string };
  tasks: DigestTask[];
  deals: HomeDeal[];
}

export type HomeAgileView =
  | { kind: 'loaded'; data: HomeAgileData }
  /** Neither the workspace nor I am connected to Agile. */
  | { kind: 'not_connected' }
  /** No override, personal connection or Slack email tells who I am in Agile. */
  | { kind: 'no_email' }
  /** Reading Agile failed: the words say why. */
  | { kind: 'failed'; error: string };

/** A channel I am in with a digest schedule. */
export interface HomeDigest {
  channelId: string;
  /** `#sales`; undefined when Slack did not name it (the view then mentions the channel by id). */
  label?: string;
  time: string;
  timeZone: string;
  weekdaysOnly: boolean;
  horizonDays: number;
}

/** One Slack member in the admins' user mapping. */
export interface MappingRow {
  slackUserId: string;
  name: string;
  identity: AgileIdentity | null;
  /** The Agile user with that email; undefined when none has it. */
  agileUser?: AgileUserChoice;
}

/** How every member is matched (counts), above the short list. */
export interface MappingSummary {
  members: number;
  /** Members matched by each source. */
  override: number;
  personal: number;
  slack: number;
  /** Members with no Agile user: no email to match, or no Agile user has it. */
  unmatched: number;
}

export interface HomeAdminData {
  settings: WorkspaceSettings;
  /** The first members by name (a short list: "Map a member…" reaches everyone). */
  rows: MappingRow[];
  /** Members left out of the list (App Home's 100-block limit). */
  moreMembers: number;
  summary: MappingSummary;
  /** Agile users an override can name (with an email). */
  agileUsers: AgileUserChoice[];
  /** Reading the Agile users failed: the words say why (the override pickers are then left out). */
  agileUsersError?: string;
}

export interface HomeData {
  userId: string;
  timeZone: string;
  isAdmin: boolean;
  connection: Connection;
  agileDomain: string | null;
  identity: AgileIdentity | null;
  agile: HomeAgileView;
  digests: HomeDigest[];
  admin: HomeAdminData | null;
}

/** Members listed in the mapping summary at most (a row is one block; the view has 100). */
export const MAPPING_MAX_ROWS = 20;
/** Deal pages read for my deals without a personal connection (the deal list is not filtered by owner). */
const DEAL_PAGES = 5;
const TASK_PAGES = 3;

/** The request's team: the scoped deps' (multi-workspace), else the payload's (single-workspace mode). */
export function teamOf(deps: Pick<Deps, 'teamId'>, actor: Actor): string {
  return deps.teamId || actor.teamId;
}

export function isHomeAdmin(
  deps: Pick<Deps, 'connection'>,
  userId: string,
  profile: { isAdmin: boolean },
): boolean {
  return profile.isAdmin || deps.connection.installerUserId === userId;
}

/** The request's user is an admin (checked again on every mapping or settings change). */
export async function isActorHomeAdmin(deps: HomeDeps, actor: Actor): Promise<boolean> {
  const profile = await deps.slackUsers.profile(actor.userId);
  return isHomeAdmin(deps, actor.userId, profile);
}

function userOption(u: DomainUser): AgileUserChoice | undefined {
  if (!u.email) return undefined;
  return { id: String(u.id), name: u.name || u.email, email: u.email.toLowerCase() };
}

/** Reads my Agile tasks and deals (the cache's loader). Throws Agile errors. */
async function readAgile(deps: HomeDeps, email: string): Promise<HomeAgileData> {
  const owner = await deps.owners.byEmail(email);
  if (!owner) return { tasks: [], deals: [] };
  const ownerId = String(owner.id);
  const personal = deps.connection.personal?.email.toLowerCase() === email;
  const [tasks, deals] = await Promise.all([
    collect(deps.agile.tasks.iterateBased({ owner: ownerId, pending: true }, { maxPages: TASK_PAGES })),
    // With my own connection api/opportunity/my/deals is exactly mine; otherwise the documented list, by owner.
    personal ? deps.agile.deals.mine() : collect(deps.agile.deals.iterate({ maxPages: DEAL_PAGES })),
  ]);
  const users = new Map([[ownerId, owner]]);
  return {
    owner: { id: ownerId, name: owner.name || email },
    tasks: tasks
      .filter((t) => !t.is_complete)
      .map((t) => toDigestTask(t, users))
      .sort((a, b) => a.dueEpochSec - b.dueEpochSec),
    deals: deals
      .filter((d) => String(d.owner_id ?? d.owner?.id ?? '') === ownerId && isOpenDeal(d))
      .map((d) => ({
        id: String(d.id),
        name: d.name || `Deal ${d.id}`,
        milestone: d.milestone || 'No milestone',
        ...(d.expected_value === undefined ? {} : { value: d.expected_value }),
      })),
  };
}

async function agileView(deps: HomeDeps, teamId: string, userId: string, identity: AgileIdentity | null) {
  if (!deps.connection.workspace && !deps.connection.personal) return { kind: 'not_connected' } as const;
  if (!identity) return { kind: 'no_email' } as const;
  try {
    const data = await deps.home.cache.get(teamId, userId, identity.email, () =>
      readAgile(deps, identity.email),
    );
    return { kind: 'loaded', data } as const;
  } catch (err) {
    deps.logger.warn({ err }, 'App Home could not read Agile');
    return { kind: 'failed', error: describeAgileError(err) } as const;
  }
}

/** Channels I am in (users.conversations) that have a digest schedule in this team, named. */
async function myDigests(deps: HomeDeps, teamId: string, userId: string): Promise<HomeDigest[]> {
  const schedules = (await deps.store.digestSchedules.listEnabled()).filter((s) => s.teamId === teamId);
  if (schedules.length === 0) return [];
  const mine = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.slackClient.users.conversations({
      user: userId,
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const c of page.channels ?? []) if (c.id) mine.add(c.id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  const digests = schedules.filter((s) => mine.has(s.channelId));
  return Promise.all(
    digests.map(async (s) => {
      const name = await deps.slackClient.conversations
        .info({ channel: s.channelId })
        .then((r) => r.channel?.name)
        .catch(() => undefined);
      const label = channelLabel(name);
      return {
        channelId: s.channelId,
        ...(label ? { label } : {}),
        time: s.time,
        timeZone: s.timeZone,
        weekdaysOnly: s.weekdaysOnly,
        horizonDays: s.horizonDays,
      };
    }),
  );
}

/** An Agile user an override can name. */
export interface AgileUserChoice {
  id: string;
  name: string;
  email: string;
}

/** The Agile users an override can name (those with an email). Agile errors throw. */
async function agileUserChoices(deps: HomeDeps): Promise<AgileUserChoice[]> {
  return (await deps.owners.list()).map(userOption).filter((u) => u !== undefined);
}

/** agileUserChoices, with a failed read as words (the pickers are then left out). */
async function readAgileUserChoices(
  deps: HomeDeps,
): Promise<{ agileUsers: AgileUserChoice[]; agileUsersError?: string }> {
  try {
    return { agileUsers: await agileUserChoices(deps) };
  } catch (err) {
    return { agileUsers: [], agileUsersError: describeAgileError(err) };
  }
}

/** Members (not bots, not deactivated, by name) from users.list, with the email Slack shows. */
async function listMembers(deps: HomeDeps): Promise<{ id: string; name: string; email?: string }[]> {
  const members: { id: string; name: string; email?: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.slackClient.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const m of page.members ?? []) {
      if (!m.id || m.is_bot || m.deleted || m.id === 'USLACKBOT') continue;
      const name = m.real_name || m.profile?.real_name || m.name || m.id;
      members.push({ id: m.id, name, ...(m.profile?.email ? { email: m.profile.email } : {}) });
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return members.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Every member with the Agile user they map to (agileIdentityFor, with each member's own stored personal
 * connection); the first MAPPING_MAX_ROWS are listed, all are counted.
 */
async function mapping(deps: HomeDeps, teamId: string, adminUserId: string): Promise<HomeAdminData> {
  const settings = await deps.store.settings.get(teamId);
  const { agileUsers, agileUsersError } = await readAgileUserChoices(deps);
  const byEmail = new Map(agileUsers.map((u) => [u.email, u]));
  const members = await listMembers(deps);
  // One query each for the overrides and the personal connections, and users.list's emails: no
  // users.info or store read per member.
  const [linkList, personalList] = await Promise.all([
    deps.store.userLinks.list(teamId),
    deps.store.workspaces.listPersonalAccounts(teamId),
  ]);
  const links = new Map(linkList.map((l) => [l.slackUserId, l]));
  const personal = new Map(personalList.map((p) => [p.slackUserId, p]));
  const listed = new Map(members.map((m) => [m.id, m]));
  const identityDeps: IdentityDeps = {
    teamId,
    connection: deps.connection,
    store: {
      userLinks: { get: async (_team, id) => links.get(id) },
      workspaces: { getPersonalAccount: async (_team, id) => personal.get(id) },
    },
    slackUsers: {
      profile: async (id) => {
        const m = listed.get(id);
        return m
          ? { ...unknownProfile(id), name: m.name, ...(m.email ? { email: m.email } : {}) }
          : deps.slackUsers.profile(id);
      },
    },
  };
  const all = await Promise.all(
    members.map(async (m): Promise<MappingRow> => {
      const identity = await agileIdentityFor(identityDeps, m.id, adminUserId);
      const agileUser = identity ? byEmail.get(identity.email) : undefined;
      return { slackUserId: m.id, name: m.name, identity, ...(agileUser ? { agileUser } : {}) };
    }),
  );
  const summary: MappingSummary = { members: all.length, override: 0, personal: 0, slack: 0, unmatched: 0 };
  for (const row of all) {
    if (row.identity) summary[row.identity.source] += 1;
    if (!row.agileUser) summary.unmatched += 1;
  }
  const rows = all.slice(0, MAPPING_MAX_ROWS);
  return {
    settings,
    rows,
    moreMembers: all.length - rows.length,
    summary,
    agileUsers,
    ...(agileUsersError ? { agileUsersError } : {}),
  };
}

/** One member's mapping as the "Map a member…" modal shows it. */
export type MemberMapping =
  | { kind: 'not_admin' }
  | {
      kind: 'loaded';
      member: { id: string; name: string };
      /** Their current match and why (override, personal connection, Slack email); null: none. */
      identity: AgileIdentity | null;
      /** The Agile user with that email; undefined when none has it (or the users could not be read). */
      agileUser?: AgileUserChoice;
      agileUsers: AgileUserChoice[];
      /** Reading the Agile users failed: the words say why (the modal then offers no picker). */
      agileUsersError?: string;
    };

/** The member's current match (and why) and the Agile users an override can name; admins only. */
export async function loadMemberMapping(
  deps: HomeDeps,
  actor: Actor,
  slackUserId: string,
): Promise<MemberMapping> {
  if (!(await isActorHomeAdmin(deps, actor))) return { kind: 'not_admin' };
  const teamId = teamOf(deps, actor);
  const { agileUsers, agileUsersError } = await readAgileUserChoices(deps);
  const [member, identity] = await Promise.all([
    deps.slackUsers.profile(slackUserId),
    agileIdentityFor({ ...deps, teamId }, slackUserId, actor.userId),
  ]);
  const agileUser = identity ? agileUsers.find((u) => u.email === identity.email) : undefined;
  return {
    kind: 'loaded',
    member: { id: slackUserId, name: member.name || slackUserId },
    identity,
    ...(agileUser ? { agileUser } : {}),
    agileUsers,
    ...(agileUsersError ? { agileUsersError } : {}),
  };
}

/** Agile users whose name or email contains `query` (case-insensitive), by name; at most `limit`. */
export function matchAgileUsers(users: AgileUserChoice[], query: string, limit: number): AgileUserChoice[] {
  const q = query.trim().toLowerCase();
  return users
    .filter((u) => q === '' || u.name.toLowerCase().includes(q) || u.email.includes(q))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, limit);
}

/**
 * The mapping modal's type-ahead (more Agile users than a static select holds): matching Agile users;
 * null when the asker is not an admin (the options load then answers nothing).
 */
export async function searchAgileUsers(
  deps: HomeDeps,
  actor: Actor,
  query: string,
  limit: number,
): Promise<AgileUserChoice[] | null> {
  if (!(await isActorHomeAdmin(deps, actor))) return null;
  return matchAgileUsers(await agileUserChoices(deps), query, limit);
}

/** Everything App Home shows this user; Agile failures become a section, never a missing home. */
export async function loadHome(deps: HomeDeps, actor: Actor): Promise<HomeData> {
  const teamId = teamOf(deps, actor);
  const { userId } = actor;
  const profile = await deps.slackUsers.profile(userId);
  const isAdmin = isHomeAdmin(deps, userId, profile);
  const identity = await agileIdentityFor({ ...deps, teamId }, userId, userId);
  const [agile, digests, admin] = await Promise.all([
    agileView(deps, teamId, userId, identity),
    myDigests(deps, teamId, userId).catch((err: unknown) => {
      deps.logger.warn({ err }, 'App Home could not list my digests');
      return [];
    }),
    isAdmin ? mapping(deps, teamId, userId) : Promise.resolve(null),
  ]);
  return {
    userId,
    timeZone: profile.timeZone,
    isAdmin,
    connection: deps.connection,
    agileDomain: deps.agileDomain,
    identity,
    agile,
    digests,
    admin,
  };
}

export type HomeTaskAction = 'complete' | 'snooze';

export type HomeTaskOutcome =
  /** `applied` says what changed, for the Undo. */
  | { kind: 'done'; applied: { change: DigestChange; task: DigestTask; before: Task | null; key: string } }
  | { kind: 'repeated' }
  | { kind: 'failed'; error: string };

/**
 * Complete / Snooze 1 day from App Home: the digest's task write (once per task and shown due, audited).
 * Snooze uses my time zone, as the home shows the due in it.
 */
export async function applyHomeTaskAction(
  deps: HomeDeps,
  input: { actor: Actor; action: HomeTaskAction; taskId: string; shownDueEpochSec: number; clickMs: number },
): Promise<HomeTaskOutcome> {
  const { actor, action, taskId, shownDueEpochSec } = input;
  const teamId = teamOf(deps, actor);
  let change: DigestChange;
  if (action === 'complete') change = { kind: 'complete' };
  else {
    const { timeZone } = await deps.slackUsers.profile(actor.userId);
    change = {
      kind: 'snooze',
      newDueEpochSec: snoozedDueEpochSec(shownDueEpochSec, input.clickMs, timeZone),
      fromDueEpochSec: shownDueEpochSec,
    };
  }
  // One write per task and due shown within a sliding minute: a double click or a re-delivery writes
  // once; a task reopened in Agile later can be completed from here again.
  const key = onceKey('home.task', teamId, actor.userId, action, taskId, shownDueEpochSec);
  try {
    const written = await writeTaskChange(deps, {
      actor,
      action,
      taskId,
      change,
      key,
      runId: null,
      ttlSec: QUICK_PATH_TTL_SEC,
    });
    if (written.kind === 'repeated') return { kind: 'repeated' };
    return { kind: 'done', applied: { change, task: written.task, before: written.before, key } };
  } catch (err) {
    deps.logger.warn({ err, taskId, action }, 'App Home task action failed');
    return { kind: 'failed', error: describeAgileError(err) };
  } finally {
    deps.home.cache.forget(teamId, actor.userId);
  }
}

/** Saves the admin's settings (the checkboxes' selected keys); false when the user is not an admin. */
export async function saveHomeSettings(
  deps: HomeDeps,
  actor: Actor,
  selected: readonly string[],
): Promise<boolean> {
  if (!(await isActorHomeAdmin(deps, actor))) return false;
  const settings: WorkspaceSettings = {
    anyMemberCompletesTasks: selected.includes('anyMemberCompletesTasks'),
    guestsAllowed: selected.includes('guestsAllowed'),
    externalChannelsAllowed: selected.includes('externalChannelsAllowed'),
  };
  await deps.store.settings.save(teamOf(deps, actor), settings, actor.userId);
  return true;
}

/**
 * Saves a member's manual Agile user (an Agile user id, or null for "No override"); false when the
 * user is not an admin or the Agile user is unknown.
 */
export async function saveUserLink(
  deps: HomeDeps,
  actor: Actor,
  slackUserId: string,
  agileUserId: string | null,
): Promise<boolean> {
  if (!(await isActorHomeAdmin(deps, actor))) return false;
  const teamId = teamOf(deps, actor);
  let email: string | null = null;
  if (agileUserId !== null) {
    const user = (await deps.owners.list()).find((u) => String(u.id) === agileUserId);
    if (!user?.email) return false;
    email = user.email;
  }
  await deps.store.userLinks.set(teamId, slackUserId, email, actor.userId);
  // The member's own home now reads another Agile user's tasks.
  deps.home.cache.forget(teamId, slackUserId);
  return true;
}
