import { TZDate } from '@date-fns/tz';
import type { KnownBlock } from '@slack/types';
import { format } from 'date-fns';
import { isAgileError } from '../../platform/agile/index.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from '../../platform/slack/mrkdwn.js';
import type { DigestSchedule as StoredSchedule } from '../../platform/store/index.js';
import { DIGEST_USAGE, describeDigestSettings } from './digest-command.js';
import { CHANNEL_ERRORS, DigestPostError } from './poster.js';

/** Pure builders for the digest's command answers and notices (data in, message out). */

/** `Thu 15 Jan at 09:00 (Europe/Paris)`. */
export function formatLocalDateTime(date: Date, timeZone: string): string {
  return `${format(new TZDate(date.getTime(), timeZone), "EEE d MMM 'at' HH:mm")} (${escapeMrkdwn(timeZone)})`;
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

/** Words for a channel problem, saying what to do about it. */
export function describePostError(code: string): string {
  switch (code) {
    case 'not_in_channel':
      return 'I am not a member of this channel: invite me (`/invite @CRM bot`) and try again';
    case 'channel_not_found':
      return 'I cannot see this channel (a private channel needs an invite)';
    case 'is_archived':
      return 'the channel is archived';
    case 'ratelimited':
      return 'Slack kept rate-limiting the posts';
    default:
      return `Slack answered \`${escapeMrkdwn(code)}\``;
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof DigestPostError) return describePostError(err.code);
  if (isAgileError(err)) return escapeMrkdwn(describeAgileError(err));
  return 'something unexpected went wrong';
}

/** Posted in the channel (or the digest's thread) after the last retry failed. */
export function buildDigestFailureNotice(err: unknown, mainPosted: boolean): SlackMessage {
  const what = mainPosted ? 'The rest of today’s CRM digest' : 'Today’s CRM digest';
  const reason = reasonOf(err);
  return message(
    [
      `⚠️ ${what} could not be posted: ${reason}.`,
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
  const reason =
    code && (CHANNEL_ERRORS.has(code) || code === 'ratelimited')
      ? describePostError(code)
      : escapeMrkdwn(truncate(run.error ?? 'unknown error', 300));
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

export function buildDigestNowFailure(err: unknown): SlackMessage {
  return message([`⚠️ The digest could not be posted: ${reasonOf(err)}.`], 'The digest could not be posted');
}

export function buildDigestNowDone(counts: { total: number }, thread: number): SlackMessage {
  const more = thread > 0 ? ` (${thread} more message${thread === 1 ? '' : 's'} in its thread)` : '';
  return message(
    [`✅ Digest posted: ${counts.total} task${counts.total === 1 ? '' : 's'}${more}.`],
    'Digest posted',
  );
}
