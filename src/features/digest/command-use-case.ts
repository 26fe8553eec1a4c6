import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import type { Actor } from '../../platform/slack/actor.js';
import type { DigestSchedule as StoredSchedule } from '../../platform/store/index.js';
import { agileEmailFor } from '../../platform/workspace/identity.js';
import type { CrmChannelCheck } from '../access/external-channel.js';
import { DIGEST_DEFAULT_DAYS, type DigestOnCommand, parseDigestCommand } from './digest-command.js';
import {
  type DigestFailure,
  type DigestPosts,
  digestFailureOf,
  type LoadedDigest,
  loadDigest,
  postDigest,
  settingsOfSchedule,
} from './digest-run.js';
import { DigestPostError } from './poster.js';
import { nextPostOf } from './schedule.js';

export type DigestCommandDeps = Pick<
  Deps,
  'agile' | 'owners' | 'slackUsers' | 'logger' | 'store' | 'now' | 'digestPoster' | 'connection' | 'teamId'
>;

/** Who typed `/crm digest …`, and where. */
/** The acting user and the channel the digest belongs to. */
export interface DigestCommandActor extends Actor {
  channelId: string;
}

/**
 * Whether the digest may be posted in the actor's channel (not one shared with another organisation
 * unless the admin allows it): asked by `on` and `now` only, before anything is read or saved.
 */
export type CheckDigestChannel = () => Promise<CrmChannelCheck>;

/** Renders a loaded digest for `/crm digest now` (the channel's schedule, if any, labels it). */
export type RenderDigest = (digest: LoadedDigest, schedule: StoredSchedule | undefined) => DigestPosts;

export type DigestCommandOutcome =
  | { kind: 'usage'; message: string; isError: boolean }
  /** `owner me` when nothing (override, personal connection, Slack email) says who the caller is in Agile. */
  | { kind: 'needs_email' }
  | { kind: 'on'; schedule: StoredSchedule; next: Date; replaced: boolean; unknownOwners: string[] }
  | { kind: 'off'; existed: boolean }
  | { kind: 'status'; schedule: StoredSchedule | undefined; next: Date | undefined }
  /** `on` / `now` in a channel shared with another organisation (or one Slack would not describe). */
  | { kind: 'channel_refused'; command: 'on' | 'now'; reason: 'external' | 'unknown' }
  | { kind: 'posted'; counts: { total: number }; threadMessages: number }
  | { kind: 'not_posted'; failure: DigestFailure };

async function turnOn(
  deps: DigestCommandDeps,
  actor: DigestCommandActor,
  command: DigestOnCommand,
): Promise<DigestCommandOutcome> {
  const emails = [...(command.owners?.emails ?? [])];
  if (command.owners?.me) {
    // `me` is the caller's Agile user as the user mapping says (override, their connection, Slack email).
    const callerEmail = await agileEmailFor(deps, actor.userId);
    if (!callerEmail) return { kind: 'needs_email' };
    const mine = callerEmail.toLowerCase();
    if (!emails.includes(mine)) emails.unshift(mine);
  }
  const unknownOwners: string[] = [];
  for (const email of emails) if (!(await deps.owners.byEmail(email))) unknownOwners.push(email);
  const before = await deps.store.digestSchedules.get(actor.channelId);
  const schedule = await deps.store.digestSchedules.upsert({
    teamId: actor.teamId,
    channelId: actor.channelId,
    time: command.time,
    timeZone: command.timeZone,
    horizonDays: command.horizonDays,
    weekdaysOnly: command.weekdaysOnly,
    ownerEmails: command.owners ? emails : null,
    userId: actor.userId,
  });
  deps.logger.info({ channel: actor.channelId, scheduleId: schedule.id }, 'digest schedule saved');
  const next = nextPostOf(schedule, deps.now());
  return { kind: 'on', schedule, next, replaced: before !== undefined, unknownOwners };
}

/** Not the day's scheduled run: no claim, so the scheduled digest still comes at its time. */
async function postNow(
  deps: DigestCommandDeps,
  channelId: string,
  callerTimeZone: string,
  render: RenderDigest,
): Promise<DigestCommandOutcome> {
  const schedule = await deps.store.digestSchedules.get(channelId);
  const settings = schedule
    ? settingsOfSchedule(schedule)
    : { timeZone: callerTimeZone, horizonDays: DIGEST_DEFAULT_DAYS, ownerEmails: null };
  try {
    const digest = await loadDigest(deps, settings, deps.now());
    const messages = render(digest, schedule);
    await postDigest(deps.digestPoster, channelId, messages);
    return { kind: 'posted', counts: digest.model.counts, threadMessages: messages.thread.length };
  } catch (err) {
    deps.logger.warn({ err, channel: channelId }, '/crm digest now failed');
    if (err instanceof DigestPostError || isAgileError(err)) {
      return { kind: 'not_posted', failure: digestFailureOf(err) };
    }
    throw err;
  }
}

/**
 * `/crm digest on|off|status|now`: one schedule per channel. Saving and deleting are idempotent by
 * nature (an upsert, a delete); `now` is a deliberate extra post, so it has no once-key.
 */
export async function runDigestCommand(
  deps: DigestCommandDeps,
  actor: DigestCommandActor,
  text: string,
  render: RenderDigest,
  checkChannel: CheckDigestChannel,
): Promise<DigestCommandOutcome> {
  const profile = await deps.slackUsers.profile(actor.userId);
  const parsed = parseDigestCommand(text, { timeZone: profile.timeZone });
  if (parsed.kind === 'on' || parsed.kind === 'now') {
    const check = await checkChannel();
    if (check.kind !== 'allowed') {
      const err = check.kind === 'unknown' ? check.error : undefined;
      deps.logger.info(
        { channel: actor.channelId, command: parsed.kind, reason: check.kind, err },
        '/crm digest refused: the channel is shared with another organisation (or could not be checked)',
      );
      return { kind: 'channel_refused', command: parsed.kind, reason: check.kind };
    }
  }
  switch (parsed.kind) {
    case 'error':
    case 'help':
      return { kind: 'usage', message: parsed.message, isError: parsed.kind === 'error' };
    case 'on':
      return turnOn(deps, actor, parsed);
    case 'off':
      return { kind: 'off', existed: await deps.store.digestSchedules.delete(actor.channelId) };
    case 'status': {
      const schedule = await deps.store.digestSchedules.get(actor.channelId);
      return { kind: 'status', schedule, next: schedule ? nextPostOf(schedule, deps.now()) : undefined };
    }
    case 'now':
      return postNow(deps, actor.channelId, profile.timeZone, render);
  }
}
