import type { TaskType } from '../agile/index.js';

/** Display formats shared by feature views (plain text in, plain text out: the caller escapes). */

/** "12,000" or "12,000.50": cents only when there are any (no symbol: the currency is an account setting). */
export function formatDealValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const cents = Math.round(value * 100);
  const digits = cents % 100 === 0 ? 0 : 2;
  return new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(cents / 100);
}

/** Slack renders `<!date^…>` in each reader's own time zone; the fallback is the UTC date. */
export function slackDate(epochSec: number): string {
  const safe = Math.trunc(epochSec);
  const iso = new Date(safe * 1000).toISOString().slice(0, 10);
  return `<!date^${safe}^{date_short_pretty} {time}|${iso}>`;
}

/** Slack reports DMs and private groups under these pseudo-names: there is no channel to name. */
const NOT_A_CHANNEL = new Set(['directmessage', 'privategroup', 'mpdm']);

/**
 * What kind of conversation a payload's channel is: a 1:1 direct message (ids start with D; Slack names
 * it `directmessage`), a group direct message (`mpdm-…`), or a channel (public or private).
 */
export function conversationKind(channelId: string, channelName?: string): 'im' | 'mpim' | 'channel' {
  const name = channelName?.trim() ?? '';
  if (channelId.startsWith('D') || name === 'directmessage') return 'im';
  if (name === 'mpdm' || name.startsWith('mpdm-')) return 'mpim';
  return 'channel';
}

/** `#sales`, or undefined for a DM / unknown channel. */
export function channelLabel(channelName: string | undefined): string | undefined {
  const name = channelName?.trim().replace(/^#/, '');
  if (!name || NOT_A_CHANNEL.has(name) || name.startsWith('mpdm-')) return undefined;
  return `#${name}`;
}

/** How each Agile task type reads to a person (Agile wants the upper-case code); task form and digest. */
export const TASK_TYPE_LABELS: Record<TaskType, string> = {
  CALL: 'Call',
  EMAIL: 'Email',
  FOLLOW_UP: 'Follow-up',
  MEETING: 'Meeting',
  MILESTONE: 'Milestone',
  SEND: 'Send',
  TWEET: 'Tweet',
  OTHER: 'Other',
};
