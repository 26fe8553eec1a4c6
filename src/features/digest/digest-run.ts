import type { Deps } from '../../app/deps.js';
import { type DomainUser, getFullName, isAgileError, type Task } from '../../platform/agile/index.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import type { DigestSchedule as StoredSchedule } from '../../platform/store/index.js';
import { buildDigestModel, type DigestModel, type DigestTask } from './digest-model.js';
import { DigestPostError, type DigestPoster, type MessageMetadata } from './poster.js';

/** What a digest lists, whether from a stored schedule or a one-off `/crm digest now`. */
export interface DigestSettings {
  timeZone: string;
  horizonDays: number;
  /** Lower-cased Agile user emails; null = everyone's tasks. */
  ownerEmails: string[] | null;
}

/** A digest ready to render: the model and the owners' Slack mentions. */
export interface LoadedDigest {
  model: DigestModel;
  /** `<@U…>` by lower-cased owner email, for owners who are Slack users. */
  mentions: Map<string, string>;
  /** Owner emails asked for that match no Agile user (their tasks cannot be listed). */
  unknownOwners: string[];
}

/** A digest as Slack messages: the channel message and its thread replies. */
export interface DigestPosts {
  main: SlackMessage;
  thread: readonly SlackMessage[];
}

/** Why a digest was not posted, as the reply views word it. */
export type DigestFailure =
  | { source: 'slack'; code: string }
  | { source: 'agile'; error: unknown }
  | { source: 'other' };

const MENTION_LOOKUP_CONCURRENCY = 4;

export function settingsOfSchedule(schedule: StoredSchedule): DigestSettings {
  return {
    timeZone: schedule.timeZone,
    horizonDays: schedule.horizonDays,
    ownerEmails: schedule.ownerEmails,
  };
}

type DigestDeps = Pick<Deps, 'agile' | 'owners' | 'slackUsers' | 'logger'>;

/** An Agile task as the digest shows it: owner from taskOwner (else owner_id), contact from the first related contact. */
export function toDigestTask(task: Task, usersById: ReadonlyMap<string, DomainUser>): DigestTask {
  const owner = task.taskOwner ?? (task.owner_id ? usersById.get(String(task.owner_id)) : undefined);
  const out: DigestTask = {
    id: String(task.id),
    subject: task.subject,
    type: task.type ?? 'OTHER',
    priority: task.priority_type ?? 'NORMAL',
    dueEpochSec: task.due ?? 0,
    ownerName: owner?.name || owner?.email || '',
  };
  if (owner?.email) out.ownerEmail = owner.email;
  const contact = task.contacts[0];
  const contactName = contact ? getFullName(contact) : undefined;
  if (contactName) out.contactName = contactName;
  return out;
}

async function usersById(deps: DigestDeps): Promise<Map<string, DomainUser>> {
  try {
    return new Map((await deps.owners.list()).map((u) => [String(u.id), u]));
  } catch (err) {
    // Owner names then come from taskOwner only; the digest is worth more than the names.
    deps.logger.warn({ err }, 'could not list Agile users for the digest');
    return new Map();
  }
}

/**
 * Pending tasks within the horizon. Everyone's: the pending-tasks endpoint (one call; a day of margin
 * because Agile counts days in its own zone, the model drops what lies beyond). Some owners': the
 * filtered list per owner, paged, so a big account never answers one huge list.
 */
export async function loadDigestTasks(
  deps: DigestDeps,
  settings: Pick<DigestSettings, 'horizonDays' | 'ownerEmails'>,
  now: Date,
): Promise<{ tasks: DigestTask[]; unknownOwners: string[] }> {
  const users = await usersById(deps);
  if (settings.ownerEmails === null) {
    const tasks = await deps.agile.tasks.pending(settings.horizonDays + 1);
    return {
      tasks: tasks.filter((t) => !t.is_complete).map((t) => toDigestTask(t, users)),
      unknownOwners: [],
    };
  }
  const horizonEndSec = Math.floor(now.getTime() / 1000) + (settings.horizonDays + 2) * 86_400;
  const tasks: DigestTask[] = [];
  const unknownOwners: string[] = [];
  const unmatched: string[] = [];
  for (const email of settings.ownerEmails) {
    const owner = await deps.owners.byEmail(email);
    if (!owner) {
      unmatched.push(email);
      continue;
    }
    for await (const task of deps.agile.tasks.iterateBased({ owner: String(owner.id), pending: true })) {
      if (task.is_complete || (task.due ?? 0) >= horizonEndSec) continue;
      tasks.push(toDigestTask({ ...task, taskOwner: task.taskOwner ?? owner }, users));
    }
  }
  if (unmatched.length > 0) {
    // Without api/users the known owners are only those the CRM's records named: an owner may still
    // be found on the pending tasks themselves (taskOwner carries the email).
    const pending = (await deps.agile.tasks.pending(settings.horizonDays + 1)).filter((t) => !t.is_complete);
    for (const email of unmatched) {
      const theirs = pending.filter((t) => t.taskOwner?.email?.toLowerCase() === email.toLowerCase());
      if (theirs.length === 0) unknownOwners.push(email);
      for (const task of theirs) tasks.push(toDigestTask(task, users));
    }
  }
  return { tasks, unknownOwners };
}

/** `<@U…>` per owner email that is a Slack user (users.lookupByEmail through the cached directory). */
export async function resolveMentions(
  deps: Pick<Deps, 'slackUsers'>,
  emails: Iterable<string>,
): Promise<Map<string, string>> {
  const queue = [...new Set([...emails].map((e) => e.toLowerCase()))];
  const mentions = new Map<string, string>();
  const worker = async () => {
    for (let email = queue.shift(); email !== undefined; email = queue.shift()) {
      const id = await deps.slackUsers.userIdForEmail(email);
      if (id) mentions.set(email, `<@${id}>`);
    }
  };
  await Promise.all(Array.from({ length: MENTION_LOOKUP_CONCURRENCY }, worker));
  return mentions;
}

export function ownerEmailsOf(model: DigestModel): Set<string> {
  const emails = new Set<string>();
  for (const section of model.sections) {
    for (const group of section.groups) if (group.ownerEmail) emails.add(group.ownerEmail.toLowerCase());
  }
  return emails;
}

/** Fetch → model, with owner mentions. Throws Agile errors (the caller retries or reports). */
export async function loadDigest(
  deps: DigestDeps,
  settings: DigestSettings,
  now: Date,
): Promise<LoadedDigest> {
  const { tasks, unknownOwners } = await loadDigestTasks(deps, settings, now);
  const model = buildDigestModel(tasks, {
    now,
    timeZone: settings.timeZone,
    horizonDays: settings.horizonDays,
  });
  const mentions = await resolveMentions(deps, ownerEmailsOf(model));
  return { model, mentions, unknownOwners };
}

/** A failure as the views need it: Slack's code, the Agile error, or neither. */
export function digestFailureOf(err: unknown): DigestFailure {
  if (err instanceof DigestPostError) return { source: 'slack', code: err.code };
  if (isAgileError(err)) return { source: 'agile', error: err };
  return { source: 'other' };
}

/** Where a digest's posting got to, so a retry resumes instead of posting the main message twice. */
export interface PostProgress {
  mainTs?: string;
  threadPosted: number;
}

/** What a scheduled post records as it goes, so a run cut short resumes where it stopped. */
export interface PostHooks {
  /** chat.postMessage metadata of the main message (a scheduled run carries its run id). */
  metadata?: MessageMetadata;
  /** Runs right after the main message is posted. */
  onMainPosted?: (ts: string) => Promise<void>;
  /** Runs after each thread reply, with how many are out. */
  onReplyPosted?: (posted: number) => Promise<void>;
}

/**
 * Posts the main message (once: `progress.mainTs` is set as soon as it is out), then the thread
 * replies from `progress.threadPosted` on.
 */
export async function postDigest(
  poster: DigestPoster,
  channel: string,
  messages: DigestPosts,
  progress: PostProgress = { threadPosted: 0 },
  hooks: PostHooks = {},
): Promise<string> {
  if (!progress.mainTs) {
    progress.mainTs = await poster.post(
      channel,
      messages.main,
      undefined,
      hooks.metadata ? { metadata: hooks.metadata } : undefined,
    );
    await hooks.onMainPosted?.(progress.mainTs);
  }
  const { thread } = messages;
  while (progress.threadPosted < thread.length) {
    await poster.post(channel, thread[progress.threadPosted] as SlackMessage, progress.mainTs);
    progress.threadPosted++;
    await hooks.onReplyPosted?.(progress.threadPosted);
  }
  return progress.mainTs;
}
