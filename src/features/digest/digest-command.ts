import { escapeMrkdwn, truncate } from '../../platform/slack/mrkdwn.js';
import { editDistance } from '../../platform/text.js';
import { canonicalTimeZone } from './schedule.js';

/** Who the digest lists: everyone's tasks unless an owner filter is given. `me` is resolved by the caller. */
export interface OwnerFilter {
  me: boolean;
  /** Lower-cased, de-duplicated Agile user emails. */
  emails: string[];
}

export interface DigestOnCommand {
  kind: 'on';
  /** `HH:MM`, 24 h. */
  time: string;
  /** Canonical IANA name. */
  timeZone: string;
  horizonDays: number;
  weekdaysOnly: boolean;
  /** Absent: all owners. */
  owners?: OwnerFilter;
}

export type DigestCommand =
  | DigestOnCommand
  | { kind: 'off' }
  | { kind: 'status' }
  | { kind: 'now' }
  | { kind: 'help'; message: string }
  | { kind: 'error'; message: string };

export interface DigestCommandDefaults {
  /** The invoking user's Slack time zone (users.info `tz`); UTC when missing or unknown. */
  timeZone?: string;
}

export const DIGEST_DEFAULT_TIME = '09:00';
export const DIGEST_DEFAULT_DAYS = 3;
/** The pending-tasks endpoint answers per day; a month keeps one digest readable and cheap to build. */
export const DIGEST_MAX_DAYS = 30;

export const DIGEST_USAGE =
  'Usage: `/crm digest on [HH:MM] [Area/City] [days N] [weekdays] [owner <email>[,<email>] | owner me]`, ' +
  '`/crm digest off`, `/crm digest status`, `/crm digest now`.\n' +
  'Example: `/crm digest on 8:30am Europe/Berlin days 5 weekdays`';

const SUBCOMMANDS: Record<string, 'on' | 'off' | 'status' | 'now' | 'help'> = {
  on: 'on',
  enable: 'on',
  start: 'on',
  set: 'on',
  off: 'off',
  disable: 'off',
  stop: 'off',
  status: 'status',
  show: 'status',
  info: 'status',
  now: 'now',
  run: 'now',
  send: 'now',
  post: 'now',
  help: 'help',
};

/** Typo candidates, the main sub-commands first so a tie suggests `off` rather than an alias. */
const SUGGESTIONS = ['on', 'off', 'status', 'now', 'help', ...Object.keys(SUBCOMMANDS)];

/**
 * The sub-command a typo most likely meant: the smallest edit distance (1 for words up to 4 letters,
 * else 2), ties going to one the typed word starts (`of` → `off`, not `on`); else a unique 3+ letter prefix.
 */
export function nearestDigestSubcommand(word: string): string | undefined {
  const typed = word.toLowerCase();
  if (typed.length === 0 || typed.length > 20) return undefined;
  let best: { word: string; rank: number } | undefined;
  for (const candidate of SUGGESTIONS) {
    const distance = editDistance(typed, candidate);
    if (distance > (candidate.length <= 4 ? 1 : 2)) continue;
    const rank = distance * 2 + (candidate.startsWith(typed) ? 0 : 1);
    if (!best || rank < best.rank) best = { word: candidate, rank };
  }
  if (best) return best.word;
  if (typed.length >= 3) {
    const prefixed = Object.keys(SUBCOMMANDS).filter((c) => c.startsWith(typed));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

function unknownSubcommand(first: string, rest: string[]): string {
  const typed = `\`/crm digest ${truncate(escapeMrkdwn(first), 40)}\``;
  const near = nearestDigestSubcommand(first);
  if (near) {
    // Only `on` takes options: the rest of the line belongs to it.
    const tail = rest.length > 0 && SUBCOMMANDS[near] === 'on' ? ' …' : '';
    return `I don't know ${typed}. Did you mean \`/crm digest ${near}${tail}\`?`;
  }
  return `I don't know ${typed}. Use on, off, status or now.`;
}

const WEEKDAYS_WORDS = new Set(['weekdays', 'weekday', 'workdays', 'mon-fri', 'monday-friday']);
const DAILY_WORDS = new Set(['daily', 'everyday', 'every-day']);
const DAYS_WORDS = new Set(['days', 'day']);
const OWNER_WORDS = new Set(['owner', 'owners', 'for']);
const EMAIL_RE = /^[^\s@,<>]+@[^\s@,<>]+\.[^\s@,<>]+$/;
/** `9`, `09:00`, `9:00`, `9am`, `5:30pm`, `5:30 pm` (the meridiem may be a separate token). */
const TIME_RE = /^(\d{1,2})(?::(\d{1,2}))?(am|pm|a\.m\.|p\.m\.)?$/;

class ParseError extends Error {}

/** User text echoed in a reply: escaped (mrkdwn) and short. */
function quote(token: string): string {
  return `\`${truncate(escapeMrkdwn(token), 40)}\``;
}

function fail(message: string): never {
  throw new ParseError(message);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Parses a time token (and a following am/pm token); returns `HH:MM` or throws a friendly ParseError. */
function parseTime(token: string, next: string | undefined): { time: string; consumedNext: boolean } | null {
  const lower = token.toLowerCase();
  if (lower === 'noon') return { time: '12:00', consumedNext: false };
  if (lower === 'midnight') return { time: '00:00', consumedNext: false };
  const m = TIME_RE.exec(lower);
  if (!m) return null;
  let meridiem = m[3]?.[0];
  let consumedNext = false;
  const nextLower = next?.toLowerCase();
  if (
    !meridiem &&
    (nextLower === 'am' || nextLower === 'pm' || nextLower === 'a.m.' || nextLower === 'p.m.')
  ) {
    meridiem = nextLower[0];
    consumedNext = true;
  }
  if (m[2] === undefined && !meridiem) {
    fail(`${quote(token)} is ambiguous: did you mean ${quote(`${token}:00`)} or ${quote(`days ${token}`)}?`);
  }
  let hours = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  const shown = quote(consumedNext ? `${token} ${next}` : token);
  if (m[2] !== undefined && m[2].length !== 2) fail(`${shown} is not a time: write minutes with two digits.`);
  if (minutes > 59) fail(`${shown} is not a time: minutes go from 00 to 59.`);
  if (meridiem) {
    if (hours < 1 || hours > 12) fail(`${shown} is not a time: with am/pm, hours go from 1 to 12.`);
    if (hours === 12) hours = 0;
    if (meridiem === 'p') hours += 12;
  } else if (hours > 23) {
    fail(`${shown} is not a time: hours go from 0 to 23 (e.g. 09:00 or 5:30pm).`);
  }
  return { time: `${pad2(hours)}:${pad2(minutes)}`, consumedNext };
}

function parseDays(token: string | undefined): number {
  if (token === undefined) fail(`Say how many days ahead, e.g. ${quote('days 3')}.`);
  if (!/^[+-]?\d+$/.test(token)) {
    fail(`${quote(token)} is not a number of days: use a whole number from 1 to ${DIGEST_MAX_DAYS}.`);
  }
  const days = Number(token);
  if (days < 1 || days > DIGEST_MAX_DAYS) {
    fail(`Days must be from 1 to ${DIGEST_MAX_DAYS} (got ${quote(token)}).`);
  }
  return days;
}

/** Slack may send emails as `<mailto:a@b.c|a@b.c>` when it formats command text. */
function unwrapMailto(value: string): string {
  const m = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i.exec(value);
  return m?.[1] ?? value;
}

function parseOwners(token: string | undefined, into: OwnerFilter): void {
  if (token === undefined)
    fail(`Say whose tasks, e.g. ${quote('owner me')} or ${quote('owner ana@example.com')}.`);
  for (const raw of token.split(',')) {
    if (raw === '') continue;
    const value = unwrapMailto(raw);
    if (value.toLowerCase() === 'me') {
      into.me = true;
    } else if (EMAIL_RE.test(value)) {
      const email = value.toLowerCase();
      if (!into.emails.includes(email)) into.emails.push(email);
    } else {
      fail(
        `${quote(raw)} is not an email address: use ${quote('owner ana@example.com')} or ${quote('owner me')}.`,
      );
    }
  }
}

function tokenize(text: string): string[] {
  return text
    .trim()
    .replace(/\s*,\s*/g, ',')
    .split(/\s+/)
    .filter((t) => t !== '');
}

function parseOn(tokens: string[], defaults: DigestCommandDefaults): DigestOnCommand {
  let time: string | undefined;
  let timeZone: string | undefined;
  let horizonDays: number | undefined;
  let weekdaysOnly: boolean | undefined;
  let owners: OwnerFilter | undefined;

  const once = <T>(current: T | undefined, what: string): void => {
    if (current !== undefined) fail(`Give ${what} only once.`);
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const lower = token.toLowerCase();
    const next = tokens[i + 1];
    if (DAYS_WORDS.has(lower)) {
      once(horizonDays, 'the number of days');
      horizonDays = parseDays(next);
      i++;
    } else if (lower.startsWith('days=') || lower.startsWith('days:')) {
      once(horizonDays, 'the number of days');
      horizonDays = parseDays(token.slice(5));
    } else if (/^[+-]?\d+$/.test(token) && next !== undefined && DAYS_WORDS.has(next.toLowerCase())) {
      once(horizonDays, 'the number of days');
      horizonDays = parseDays(token);
      i++;
    } else if (WEEKDAYS_WORDS.has(lower) || DAILY_WORDS.has(lower)) {
      once(weekdaysOnly, '`weekdays` or `daily`');
      weekdaysOnly = WEEKDAYS_WORDS.has(lower);
    } else if (OWNER_WORDS.has(lower)) {
      owners ??= { me: false, emails: [] };
      parseOwners(next, owners);
      i++;
    } else if (owners && EMAIL_RE.test(unwrapMailto(token.split(',')[0] ?? ''))) {
      // `owner a@x.com b@y.com`: further addresses right after an owner list.
      parseOwners(token, owners);
    } else if (token.includes('/') || lower === 'utc' || lower === 'gmt') {
      once(timeZone, 'one time zone');
      timeZone = canonicalTimeZone(token);
      if (timeZone === undefined) {
        fail(
          `I don't know the time zone ${quote(token)}. Use an IANA name such as ${quote('Europe/Berlin')}, ` +
            `${quote('America/New_York')} or ${quote('Asia/Kolkata')}.`,
        );
      }
    } else {
      const parsed = parseTime(token, next);
      if (!parsed) {
        if (/^[+-]?\d/.test(token))
          fail(`${quote(token)} is not a time I understand: use 09:00, 9am or 5:30pm.`);
        fail(`I don't understand ${quote(token)}.`);
      }
      once(time, 'one time');
      time = parsed.time;
      if (parsed.consumedNext) i++;
    }
  }

  const command: DigestOnCommand = {
    kind: 'on',
    time: time ?? DIGEST_DEFAULT_TIME,
    timeZone: timeZone ?? canonicalTimeZone(defaults.timeZone ?? '') ?? 'UTC',
    horizonDays: horizonDays ?? DIGEST_DEFAULT_DAYS,
    weekdaysOnly: weekdaysOnly ?? false,
  };
  if (owners) command.owners = owners;
  return command;
}

/**
 * Parses the text after `/crm digest`. Never throws: bad input gives `{ kind: 'error' }` with a specific
 * message (mrkdwn, user text escaped) followed by the usage line.
 */
export function parseDigestCommand(text: string, defaults: DigestCommandDefaults = {}): DigestCommand {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (first === undefined) return { kind: 'status' };
  // hasOwn: `__proto__` or `constructor` must not find Object.prototype's members.
  const key = first.toLowerCase();
  const sub = Object.hasOwn(SUBCOMMANDS, key) ? SUBCOMMANDS[key] : undefined;
  if (sub === undefined) {
    return {
      kind: 'error',
      message: `${unknownSubcommand(first, tokens.slice(1))}\n${DIGEST_USAGE}`,
    };
  }
  if (sub === 'help') return { kind: 'help', message: DIGEST_USAGE };
  const rest = tokens.slice(1);
  if (sub !== 'on') {
    if (rest.length > 0) {
      return { kind: 'error', message: `\`/crm digest ${sub}\` takes no options.\n${DIGEST_USAGE}` };
    }
    return { kind: sub };
  }
  try {
    return parseOn(rest, defaults);
  } catch (error) {
    if (error instanceof ParseError) return { kind: 'error', message: `${error.message}\n${DIGEST_USAGE}` };
    throw error;
  }
}
