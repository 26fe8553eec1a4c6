import { TZDate } from '@date-fns/tz';
import type { KnownBlock } from '@slack/types';
import { format } from 'date-fns';
import { describeAgileError, writeFailureWords } from '../../platform/slack/error-words.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from '../../platform/slack/mrkdwn.js';
import type { DigestSchedule as StoredSchedule } from '../../platform/store/index.js';
import { digestRefusalWords, externalChannelRefusalWords } from '../access/views.js';
import type { DigestClickOutcome } from './click-use-case.js';
import type { DigestCommandOutcome } from './command-use-case.js';
import { DIGEST_USAGE, type DigestOnCommand } from './digest-command.js';
import type { DigestFailure } from './digest-run.js';
import { EXTERNAL_CHANNEL_ERROR } from './poster.js';

/** Pure builders for the digest's command answers and notices (data in, message out). */

/** `Thu 15 Jan at 09:00 (Europe/Paris)`. */
export function formatLocalDateTime(date: Date, timeZone: string): string {
  return `${format(new TZDate(date.getTime(), timeZone), "EEE d MMM 'at' HH:mm")} (${escapeMrkdwn(timeZone)})`;
}

/** One line describing a schedule, for `status` and confirmations (mrkdwn; emails escaped). */
export function describeDigestSettings(command: Omit<DigestOnCommand, 'kind'>): string {
  const parts = [
    `${command.weekdaysOnly ? 'Weekdays' : 'Every day'} at ${command.time} (${command.timeZone})`,
    `tasks due within ${command.horizonDays} day${command.horizonDays === 1 ? '' : 's'}`,
  ];
  if (command.owners) {
    const who = [...(command.owners.me ? ['you'] : []), ...command.owners.emails.map(escapeMrkdwn)];
    parts.push(`owned by ${who.join(', ')}`);
  }
  return parts.join(', ');
}

export function describeStoredSettings(schedule: StoredSchedule): string {
  return describeDigestSettings({
    time: schedule.time,
    timeZone: schedule.timeZone,
    horizonDays: schedule.horizonDays,
    weekdaysOnly: schedule.weekdaysOnly,
    ...(schedule.ownerEmails ? { owners: { me: false, emails: schedule.ownerEmails } } : {}),
  });
}

function message(lines: string[], fallback: string): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwnText(truncate(lines.join('\n'), LIMITS.text)) },
  ];
  return { text: truncate(fallback, LIMITS.fallbackText), blocks };
}

/** Slack codes a person can act on (invite the bot, unarchive), in words saying what to do. */
const POST_ERROR_WORDS: Readonly<Record<string, string>> = {
  not_in_channel: 'I am not a member of this channel: invite me (`/invite @CRM bot`) and try again',
  channel_not_found: 'I cannot see this channel (a private channel needs an invite)',
  is_archived: 'the channel is archived',
  ratelimited: 'Slack kept rate-limiting the posts',
};

function knownPostError(code: string | undefined): string | undefined {
  return code !== undefined && Object.hasOwn(POST_ERROR_WORDS, code) ? POST_ERROR_WORDS[code] : undefined;
}

/** Words for a channel problem, saying what to do about it. */
export function describePostError(code: string): string {
  return knownPostError(code) ?? `Slack answered \`${escapeMrkdwn(code)}\``;
}

function reasonOf(failure: DigestFailure): string {
  if (failure.source === 'slack') return describePostError(failure.code);
  if (failure.source === 'agile') return escapeMrkdwn(describeAgileError(failure.error));
  return 'something unexpected went wrong';
}

/** Posted in the channel (or the digest's thread) after the last retry failed. */
export function buildDigestFailureNotice(failure: DigestFailure, mainPosted: boolean): SlackMessage {
  const what = mainPosted ? 'The rest of today’s CRM digest' : 'Today’s CRM digest';
  return message(
    [
      `⚠️ ${what} could not be posted: ${reasonOf(failure)}.`,
      'Try `/crm digest now`, or `/crm digest status` for details.',
    ],
    `${what} could not be posted`,
  );
}

export function buildDigestOnReply(
  schedule: StoredSchedule,
  next: Date,
  extra: { replaced: boolean; unknownOwners: string[] },
): SlackMessage {
  const lines = [
    `✅ Digest ${extra.replaced ? 'updated' : 'turned on'} for this channel: ${describeStoredSettings(schedule)}.`,
    `Next digest: *${formatLocalDateTime(next, schedule.timeZone)}*.`,
  ];
  if (extra.unknownOwners.length > 0) {
    lines.push(
      `⚠️ No Agile CRM user has the email ${extra.unknownOwners.map((e) => `\`${escapeMrkdwn(e)}\``).join(', ')}: their tasks cannot be listed.`,
    );
  }
  lines.push('Post one right away with `/crm digest now`; stop with `/crm digest off`.');
  return message(lines, `Digest ${extra.replaced ? 'updated' : 'turned on'}`);
}

export function buildDigestOffReply(existed: boolean): SlackMessage {
  return existed
    ? message(['🛑 Digest turned off for this channel.'], 'Digest turned off')
    : message(['There is no digest in this channel. Turn one on with `/crm digest on`.'], 'No digest here');
}

function runStatusLine(schedule: StoredSchedule): string {
  const run = schedule.lastRun;
  if (!run) return 'Last digest: none yet.';
  const when = (ms: number) => formatLocalDateTime(new Date(ms), schedule.timeZone);
  if (run.status === 'posted')
    return `Last digest: ${run.localDate}, posted ${when(run.postedMs ?? run.updatedMs)}.`;
  if (run.status === 'claimed') return `Last digest: ${run.localDate}, being posted.`;
  const code = /^([a-z_0-9]+):/.exec(run.error ?? '')?.[1];
  if (code === EXTERNAL_CHANNEL_ERROR) {
    return `Last digest: ${run.localDate}, not posted: this channel is shared with another organisation. The schedule is kept; digests resume when the channel is no longer shared or a workspace admin allows it in the app’s Home tab.`;
  }
  const reason = knownPostError(code) ?? escapeMrkdwn(truncate(run.error ?? 'unknown error', 300));
  return `Last digest: ${run.localDate}, ⚠️ failed after ${run.attempts} attempt${run.attempts === 1 ? '' : 's'} (${reason}).`;
}

export function buildDigestStatusReply(
  schedule: StoredSchedule | undefined,
  next: Date | undefined,
): SlackMessage {
  if (!schedule) {
    return message(
      ['There is no digest in this channel.', `Turn one on: ${DIGEST_USAGE}`],
      'No digest in this channel',
    );
  }
  const lines = [`📋 Digest for this channel: ${describeStoredSettings(schedule)}.`];
  if (!schedule.enabled) lines.push('It is paused.');
  else if (next) lines.push(`Next digest: *${formatLocalDateTime(next, schedule.timeZone)}*.`);
  lines.push(runStatusLine(schedule));
  return message(lines, 'Digest status');
}

/** Parser errors and help: the parser's message is already mrkdwn with user text escaped. */
export function buildDigestUsageReply(text: string, isError: boolean): SlackMessage {
  return message(
    [`${isError ? '⚠️ ' : ''}${text}`],
    isError ? 'That digest command did not work' : 'Digest help',
  );
}

export function buildDigestNowFailure(failure: DigestFailure): SlackMessage {
  return message(
    [`⚠️ The digest could not be posted: ${reasonOf(failure)}.`],
    'The digest could not be posted',
  );
}

export function buildDigestNowDone(counts: { total: number }, thread: number): SlackMessage {
  const more = thread > 0 ? ` (${thread} more message${thread === 1 ? '' : 's'} in its thread)` : '';
  return message(
    [`✅ Digest posted: ${counts.total} task${counts.total === 1 ? '' : 's'}${more}.`],
    'Digest posted',
  );
}

/** `on` / `now` in a channel shared with another organisation, or one Slack would not describe. */
export function buildDigestChannelRefusal(
  command: 'on' | 'now',
  reason: 'external' | 'unknown',
): SlackMessage {
  const nothing = command === 'on' ? 'No digest was scheduled' : 'The digest was not posted';
  if (reason === 'external') {
    return buildNotice('info', `${externalChannelRefusalWords('CRM digests')} ${nothing}.`);
  }
  return buildNotice(
    'error',
    `I could not check with Slack whether this channel is shared with another organisation. ${nothing}. If it is a private channel, invite me with /invite and try again.`,
  );
}

/** The ephemeral answer to any `/crm digest …`. */
export function buildDigestCommandReply(outcome: DigestCommandOutcome): SlackMessage {
  switch (outcome.kind) {
    case 'usage':
      return buildDigestUsageReply(outcome.message, outcome.isError);
    case 'needs_email':
      return buildDigestUsageReply(
        '`owner me` needs to know your Agile user, and I cannot tell it: no admin mapping, no Agile connection of yours (`/crm connect me`) and no email on your Slack profile. Use `owner you@company.com`.',
        true,
      );
    case 'on':
      return buildDigestOnReply(outcome.schedule, outcome.next, outcome);
    case 'off':
      return buildDigestOffReply(outcome.existed);
    case 'status':
      return buildDigestStatusReply(outcome.schedule, outcome.next);
    case 'posted':
      return buildDigestNowDone(outcome.counts, outcome.threadMessages);
    case 'not_posted':
      return buildDigestNowFailure(outcome.failure);
    case 'channel_refused':
      return buildDigestChannelRefusal(outcome.command, outcome.reason);
  }
}

/** What a digest button answers privately when it did not change the task; undefined: nothing to say. */
export function buildDigestClickNotice(
  outcome: DigestClickOutcome,
  subject?: string,
): SlackMessage | undefined {
  // buildNotice escapes: the subject goes in raw.
  const task = subject ? `“${subject}”` : 'the task';
  switch (outcome.kind) {
    case 'stale_button':
      return buildNotice('error', 'That button is out of date: run `/crm digest now` for a fresh digest.');
    case 'no_email':
      return buildNotice(
        'error',
        `I cannot tell who ${outcome.name} is in Agile CRM: no admin mapping, no Agile connection of their own and no email on their Slack profile.`,
      );
    case 'no_agile_user':
      return buildNotice(
        'error',
        `No Agile CRM user has the email ${outcome.email}: the task keeps its owner.`,
      );
    case 'not_allowed':
      return buildNotice('info', digestRefusalWords(outcome.action, outcome.who, outcome.ownerName));
    case 'unprepared':
      return buildNotice('error', `Sorry, ${task} was not changed: ${describeAgileError(outcome.error)}`);
    case 'not_updated':
      // A task update is a PUT of the new values: clicking again re-applies it, harmless if it landed.
      return buildNotice(
        'error',
        writeFailureWords(
          outcome.error,
          `Sorry, ${task} was not updated`,
          `${subject ? task : 'The task'} may have been updated`,
        ),
      );
    default:
      return undefined;
  }
}
