import { TZDate, tzOffset } from '@date-fns/tz';
import * as chrono from 'chrono-node';
import { addDays, format } from 'date-fns';

export type DueDateResult =
  | { ok: true; dueEpochSec: number; date: Date; label: string }
  | { ok: false; reason: 'unparseable' | 'past'; message: string };

export interface DueDateOptions {
  /** IANA zone of the user (Slack users.info `tz`), e.g. `America/Los_Angeles`. */
  timeZone: string;
  now: Date;
}

/**
 * Time used when the text names a day but no time ("fri", "dec 3", "in 2 days"): 09:00 in the user's
 * zone, the start of a working day. One exception: a bare "today" after 09:00 would be refused as past,
 * which nobody means, so it becomes 23:59 today (still due today in every digest).
 * A bare weekday naming today ("fri" on a Friday) means next week's, unless a time still ahead today is
 * given ("fri 5pm" on Friday morning is today).
 */
export const DEFAULT_DUE_HOUR = 9;
const END_OF_TODAY = { hour: 23, minute: 59 };

/**
 * Day parts whose implied hour is what the user meant ("tonight" = 22:00), unlike chrono's default noon.
 * "morning" is left out: chrono says 06:00, the default 09:00 suits a task better.
 */
const MEANINGFUL_IMPLIED_HOUR_TAGS = [
  'casualReference/noon',
  'casualReference/afternoon',
  'casualReference/evening',
  'casualReference/tonight',
  'casualReference/midnight',
];

// Words around a date that carry no meaning of their own ("at 3pm", "on fri", "by dec 3").
const FILLER_RE = /^[\s,.;:!-]*(?:(?:at|on|by|before|@)[\s,.;:!-]*)*$/iu;

const EXAMPLES = '`tomorrow 3pm`, `fri`, `next monday`, `dec 3`, `in 2 days`, `2026-12-03 09:30`';
const MAX_TEXT = 200;

/**
 * Reads a natural-language due date as the user means it: in their own time zone, not the server's.
 * chrono is given `now` with the zone's offset at `now`; only the wall-clock fields it finds are kept, and
 * they are turned into an instant with the zone's rules for that day, so a date across a DST change keeps
 * its wall-clock time. Relative times ("in 3 hours") and explicit zones ("3pm PST") keep chrono's instant.
 */
export function parseDueDate(text: string, opts: DueDateOptions): DueDateResult {
  const { timeZone, now } = opts;
  const nowMs = now.getTime();
  const offsetMin = tzOffset(timeZone, now);
  if (!Number.isFinite(nowMs) || !Number.isFinite(offsetMin)) {
    return {
      ok: false,
      reason: 'unparseable',
      message: `I can't read dates in the time zone \`${timeZone}\`.`,
    };
  }
  const input = text.trim();
  const unparseable: DueDateResult = {
    ok: false,
    reason: 'unparseable',
    message: `I couldn't read \`${echo(input)}\` as a date. Try ${EXAMPLES}.`,
  };
  if (input === '' || input.length > MAX_TEXT) return unparseable;

  let results: chrono.ParsedResult[];
  try {
    results = chrono.parse(input, { instant: now, timezone: offsetMin }, { forwardDate: true });
  } catch {
    return unparseable;
  }
  const result = results[0];
  if (!result || results.length > 1) return unparseable;
  const leftover = input.slice(0, result.index) + input.slice(result.index + result.text.length);
  if (!FILLER_RE.test(leftover)) return unparseable;

  const start = result.start;
  const tags = start.tags();
  let instant: Date;
  if (start.isCertain('timezoneOffset')) {
    instant = start.date();
  } else {
    const year = start.get('year') ?? 0;
    const month = start.get('month') ?? 1;
    const day = start.get('day') ?? 1;
    let hour = DEFAULT_DUE_HOUR;
    let minute = 0;
    if (start.isCertain('hour') || MEANINGFUL_IMPLIED_HOUR_TAGS.some((t) => tags.has(t))) {
      hour = start.get('hour') ?? DEFAULT_DUE_HOUR;
      minute = start.get('minute') ?? 0;
    }
    instant = new TZDate(year, month - 1, day, hour, minute, 0, 0, timeZone);
    const isToday = sameLocalDay(instant, now, timeZone);
    const timeGiven = start.isCertain('hour');
    const bareWeekday = start.isCertain('weekday') && !start.isCertain('day') && !start.isCertain('month');
    if (isToday && bareWeekday && (!timeGiven || instant.getTime() <= nowMs)) {
      instant = new TZDate(year, month - 1, day + 7, hour, minute, 0, 0, timeZone);
    } else if (isToday && !timeGiven && instant.getTime() <= nowMs && tags.has('casualReference/today')) {
      instant = new TZDate(year, month - 1, day, END_OF_TODAY.hour, END_OF_TODAY.minute, 0, 0, timeZone);
    }
  }
  const dueMs = instant.getTime();
  if (!Number.isFinite(dueMs)) return unparseable;
  const date = new Date(dueMs);
  const label = formatDueLabel(date, { timeZone, now });
  if (dueMs <= nowMs) {
    return {
      ok: false,
      reason: 'past',
      message: `\`${echo(input)}\` is ${label}, which is already past. Pick a time in the future, e.g. \`tomorrow 3pm\`.`,
    };
  }
  return { ok: true, dueEpochSec: Math.floor(dueMs / 1000), date, label };
}

/** "Fri 4 Dec, 09:00" in the user's zone; the year is added when it is not the current one. */
export function formatDueLabel(date: Date, opts: DueDateOptions): string {
  const local = new TZDate(date.getTime(), opts.timeZone);
  const thisYear = new TZDate(opts.now.getTime(), opts.timeZone).getFullYear();
  return format(local, local.getFullYear() === thisYear ? 'EEE d MMM, HH:mm' : 'EEE d MMM yyyy, HH:mm');
}

function sameLocalDay(a: Date, b: Date, timeZone: string): boolean {
  const key = (d: Date) => format(new TZDate(d.getTime(), timeZone), 'yyyy-MM-dd');
  return key(a) === key(b);
}

function echo(value: string): string {
  const flat = value.replace(/[`\s]+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : flat;
}

/** A due instant as a datepicker and timepicker show it, in the user's zone. */
export interface LocalDue {
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm (24 h) */
  time: string;
}

/** Tomorrow at 09:00 in the user's zone: the start of the next working day. */
export function defaultDue(now: Date, timeZone: string): Date {
  const tomorrow = addDays(new TZDate(now.getTime(), timeZone), 1);
  const due = new TZDate(
    tomorrow.getFullYear(),
    tomorrow.getMonth(),
    tomorrow.getDate(),
    DEFAULT_DUE_HOUR,
    0,
    0,
    0,
    timeZone,
  );
  return new Date(due.getTime());
}

export function toLocalDue(date: Date, timeZone: string): LocalDue {
  const local = new TZDate(date.getTime(), timeZone);
  return { date: format(local, 'yyyy-MM-dd'), time: format(local, 'HH:mm') };
}

/** The instant a date and time picked in `timeZone` mean; undefined for malformed input. */
export function fromLocalDue(due: LocalDue, timeZone: string): Date | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(due.date);
  const t = /^(\d{2}):(\d{2})$/.exec(due.time);
  if (!d || !t) return undefined;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const instant = new TZDate(year, month - 1, day, hour, minute, 0, 0, timeZone);
  // 31 Feb would roll over into March: refuse it rather than guess.
  if (instant.getDate() !== day || instant.getMonth() !== month - 1) return undefined;
  return Number.isFinite(instant.getTime()) ? new Date(instant.getTime()) : undefined;
}
