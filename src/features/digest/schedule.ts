import { tzOffset } from '@date-fns/tz';
import type { DigestSchedule as StoredSchedule } from '../../platform/store/index.js';

/** A channel's digest schedule: daily at `time` (24 h `HH:MM`) in an IANA zone. */
export interface DigestSchedule {
  time: string;
  timeZone: string;
  weekdaysOnly: boolean;
}

export interface DueRun {
  /** The schedule's local date (`YYYY-MM-DD`) the run belongs to: the unique run key with the schedule. */
  localDate: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Canonical spelling of an IANA zone (`america/new_york` → `America/New_York`), or undefined.
 * Offsets such as `+05:30` are refused: they do not follow DST, which is what a team expects of a city.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timeZone)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved.toLowerCase() === timeZone.toLowerCase()) return resolved;
  // An alias (Node 20's ICU turns Asia/Kolkata into Asia/Calcutta): keep the name the user knows,
  // trusting their casing if they used any, else title-casing it.
  return /[A-Z]/.test(timeZone) ? timeZone : titleCaseZone(timeZone);
}

const LOWER_WORDS = new Set(['of', 'es', 'au', 'da', 'de', 'du', 'la']);

function titleCaseZone(name: string): string {
  return name.replace(/[a-z0-9]+/gi, (word, offset: number) => {
    const lower = word.toLowerCase();
    if (offset > 0 && name[offset - 1] !== '/' && LOWER_WORDS.has(lower)) return lower;
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  });
}

export function isValidTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) !== undefined;
}

/** Minutes after local midnight for a `HH:MM` string; throws on a malformed time (a programming error). */
export function parseScheduleTime(time: string): number {
  const m = TIME_RE.exec(time);
  if (!m) throw new RangeError(`Invalid schedule time ${JSON.stringify(time)}; expected HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The local wall clock at `ms` in `timeZone`, as a UTC-based epoch (read it with getUTC*). */
function wallMs(ms: number, timeZone: string): number {
  const offsetMin = tzOffset(timeZone, new Date(ms));
  if (Number.isNaN(offsetMin)) throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}`);
  return ms + offsetMin * MINUTE_MS;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isoDateOfWall(wall: number): string {
  const d = new Date(wall);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

function isWeekendWall(wall: number): boolean {
  const day = new Date(wall).getUTCDay();
  return day === 0 || day === 6;
}

/** The calendar date (`YYYY-MM-DD`) at `now` in `timeZone`. */
export function localDate(now: Date, timeZone: string): string {
  return isoDateOfWall(wallMs(now.getTime(), timeZone));
}

/**
 * The earliest instant whose local wall clock reads at least `targetWall` (a wall time as UTC-based ms).
 * A repeated time (fall back) gives its first occurrence; a skipped time (spring forward) gives the
 * instant the clocks jump, i.e. the first valid instant after it.
 */
function firstInstantAtOrAfterWall(targetWall: number, timeZone: string): number {
  // Offsets a day either side bound any single transition near the target.
  const offBefore = wallMs(targetWall - DAY_MS, timeZone) - (targetWall - DAY_MS);
  const offAfter = wallMs(targetWall + DAY_MS, timeZone) - (targetWall + DAY_MS);
  const exact = [targetWall - offBefore, targetWall - offAfter]
    .filter((t) => wallMs(t, timeZone) === targetWall)
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // Skipped wall time: binary search (minute steps) for the first instant past the gap.
  let lo = Math.floor((targetWall - Math.max(offBefore, offAfter)) / MINUTE_MS) - 1;
  let hi = Math.ceil((targetWall - Math.min(offBefore, offAfter)) / MINUTE_MS) + 1;
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMs(mid * MINUTE_MS, timeZone) >= targetWall) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
}

/**
 * The next instant ≥ `now` at which the schedule fires, skipping weekends when `weekdaysOnly`.
 * With `lastRunLocalDate`, dates up to and including it are skipped (that run is done).
 */
export function nextRun(schedule: DigestSchedule, now: Date, lastRunLocalDate?: string): Date {
  const minutes = parseScheduleTime(schedule.time);
  const nowMs = now.getTime();
  const todayWall = wallMs(nowMs, schedule.timeZone);
  const midnightWall = todayWall - (((todayWall % DAY_MS) + DAY_MS) % DAY_MS);
  // 10 days covers a weekend plus a skipped calendar day (Samoa 2011) plus a done run today.
  for (let i = 0; i < 10; i++) {
    const dayWall = midnightWall + i * DAY_MS;
    if (schedule.weekdaysOnly && isWeekendWall(dayWall)) continue;
    const date = isoDateOfWall(dayWall);
    if (lastRunLocalDate !== undefined && date <= lastRunLocalDate) continue;
    const t = firstInstantAtOrAfterWall(dayWall + minutes * MINUTE_MS, schedule.timeZone);
    if (t < nowMs) continue;
    if (isoDateOfWall(wallMs(t, schedule.timeZone)) !== date) continue;
    return new Date(t);
  }
  throw new RangeError(`No run found within 10 days for ${JSON.stringify(schedule)}`);
}

/**
 * The run due at `now`, or null: due when today (local) is an allowed day, the local wall clock has
 * reached HH:MM, and today's run is not done yet. Comparing wall clocks (not instants) makes a skipped
 * HH:MM fire at the first tick after the jump, a repeated HH:MM fire once, and a run missed while the
 * bot was down fire on start-up as long as it is still the same local day.
 * A `lastRunLocalDate` after today (the zone was changed westwards) also counts as done: never post twice
 * within a few hours because of a settings change.
 */
export function dueRun(schedule: DigestSchedule, now: Date, lastRunLocalDate?: string): DueRun | null {
  const minutes = parseScheduleTime(schedule.time);
  const wall = wallMs(now.getTime(), schedule.timeZone);
  if (schedule.weekdaysOnly && isWeekendWall(wall)) return null;
  const minuteOfDay = Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  if (minuteOfDay < minutes) return null;
  const today = isoDateOfWall(wall);
  if (lastRunLocalDate !== undefined && lastRunLocalDate >= today) return null;
  return { localDate: today };
}

/** Days since 1970-01-01 of the local calendar date at `ms` in `timeZone` (for whole-day arithmetic). */
export function localDayNumber(ms: number, timeZone: string): number {
  return Math.floor(wallMs(ms, timeZone) / DAY_MS);
}

/** The first instant (epoch ms) of local day number `day` in `timeZone`; DST-safe (a skipped midnight gives 01:00). */
export function localDayStartMs(day: number, timeZone: string): number {
  return firstInstantAtOrAfterWall(day * DAY_MS, timeZone);
}

/**
 * The due time after Snooze 1 day, clicked at `clickMs`: a due still in the future moves one local day
 * later; an overdue one moves to tomorrow (local to `timeZone`) at its own time of day, so it leaves the
 * overdue list. Pure in the click's time, so a re-delivered click computes the same due.
 */
export function snoozedDueEpochSec(dueEpochSec: number, clickMs: number, timeZone: string): number {
  const dueWall = wallMs(dueEpochSec * 1000, timeZone);
  const timeOfDayMs = ((dueWall % DAY_MS) + DAY_MS) % DAY_MS;
  const fromDay =
    dueEpochSec * 1000 > clickMs ? Math.floor(dueWall / DAY_MS) : localDayNumber(clickMs, timeZone);
  return Math.floor(firstInstantAtOrAfterWall((fromDay + 1) * DAY_MS + timeOfDayMs, timeZone) / 1000);
}

/**
 * True when the schedule was saved after today's run time: it starts tomorrow, instead of firing at
 * once as a "missed" run (turning a digest on at 10:30 for 09:00 should not post straight away).
 */
export function savedAfterTodaysRun(schedule: StoredSchedule, now: Date): boolean {
  const dayStart = localDayStartMs(localDayNumber(now.getTime(), schedule.timeZone), schedule.timeZone);
  const fire = nextRun(schedule, new Date(dayStart));
  return fire.getTime() <= now.getTime() && schedule.updatedMs > fire.getTime();
}

/** The run due now for a stored schedule, if any (also used by `/crm digest status`). */
export function dueRunOf(schedule: StoredSchedule, now: Date): { localDate: string } | null {
  const due = dueRun(schedule, now, schedule.lastRun?.localDate);
  if (!due || savedAfterTodaysRun(schedule, now)) return null;
  return due;
}

/** When the next digest will be posted: now-ish if one is due at the next tick, else the next HH:MM. */
export function nextPostOf(schedule: StoredSchedule, now: Date): Date {
  return dueRunOf(schedule, now) ? now : nextRun(schedule, now, schedule.lastRun?.localDate);
}
