import { localDate, localDayNumber, localDayStartMs } from './schedule.js';

/** A pending Agile task as the digest needs it (ids kept as strings; due in epoch seconds). */
export interface DigestTask {
  id: string;
  subject: string;
  /** Agile type: CALL, EMAIL, FOLLOW_UP, MEETING, MILESTONE, SEND, TWEET, OTHER (others shown as given). */
  type: string;
  priority: 'HIGH' | 'NORMAL' | 'LOW' | string;
  dueEpochSec: number;
  ownerName: string;
  ownerEmail?: string;
  contactName?: string;
  /** Slack user id of whoever clicked Complete. */
  completedBy?: string;
  /** Slack user id of whoever clicked Snooze; `dueEpochSec` then holds the new due time. */
  snoozedBy?: string;
  /** Set after Reassign: the new owner and the Slack user who reassigned it. */
  reassignedTo?: { ownerName: string; ownerEmail?: string; byUserId: string };
}

export type DigestBucket = 'overdue' | 'today' | 'upcoming';

export interface DigestItem {
  task: DigestTask;
  bucket: DigestBucket;
  /** Overdue only: whole local days late (0 when due earlier today). */
  daysLate?: number;
  /** Overdue only: "2 days late", "1 day late", "3 hours late", "25 min late". */
  lateLabel?: string;
}

export interface DigestOwnerGroup {
  /** Lower-cased email, or `name:<name>` when the owner has no email. */
  ownerKey: string;
  ownerName: string;
  ownerEmail?: string;
  items: DigestItem[];
}

export interface DigestSection {
  bucket: DigestBucket;
  count: number;
  groups: DigestOwnerGroup[];
}

export interface DigestModel {
  timeZone: string;
  /** The local date (`YYYY-MM-DD`) the digest is for. */
  localDate: string;
  nowEpochSec: number;
  horizonDays: number;
  counts: { overdue: number; today: number; upcoming: number; total: number };
  /** Always three sections, in display order: overdue, today, upcoming (possibly empty). */
  sections: DigestSection[];
  /** Tasks due after the horizon, left out. */
  beyondHorizon: number;
}

export interface DigestModelOptions {
  now: Date;
  timeZone: string;
  /** Upcoming covers the local dates after today up to and including today + horizonDays. */
  horizonDays: number;
}

const BUCKET_ORDER: DigestBucket[] = ['overdue', 'today', 'upcoming'];
const PRIORITY_RANK: Record<string, number> = { HIGH: 0, NORMAL: 1, LOW: 2 };

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Whole local days late when due on an earlier date, otherwise hours/minutes since due. */
export function lateLabelFor(dueEpochSec: number, nowEpochSec: number, daysLate: number): string {
  if (daysLate > 0) return `${plural(daysLate, 'day')} late`;
  const minutes = Math.max(1, Math.floor((nowEpochSec - dueEpochSec) / 60));
  if (minutes < 60) return `${minutes} min late`;
  return `${plural(Math.floor(minutes / 60), 'hour')} late`;
}

interface Context {
  nowSec: number;
  timeZone: string;
  todayNumber: number;
  tomorrowStartSec: number;
  horizonEndSec: number;
}

function contextFor(options: DigestModelOptions): Context {
  const nowMs = options.now.getTime();
  const todayNumber = localDayNumber(nowMs, options.timeZone);
  const horizon = Math.max(0, Math.floor(options.horizonDays));
  return {
    nowSec: Math.floor(nowMs / 1000),
    timeZone: options.timeZone,
    todayNumber,
    // Day boundaries computed once, so classifying 10,000 tasks needs no per-task time zone lookup
    // (except overdue ones, which need their own local date to say how late they are).
    tomorrowStartSec: localDayStartMs(todayNumber + 1, options.timeZone) / 1000,
    horizonEndSec: localDayStartMs(todayNumber + 1 + horizon, options.timeZone) / 1000,
  };
}

function classify(task: DigestTask, ctx: Context): DigestItem | 'beyond' {
  const due = task.dueEpochSec;
  if (due < ctx.nowSec) {
    const daysLate = Math.max(0, ctx.todayNumber - localDayNumber(due * 1000, ctx.timeZone));
    return { task, bucket: 'overdue', daysLate, lateLabel: lateLabelFor(due, ctx.nowSec, daysLate) };
  }
  if (due < ctx.tomorrowStartSec) return { task, bucket: 'today' };
  if (due < ctx.horizonEndSec) return { task, bucket: 'upcoming' };
  return 'beyond';
}

/** Classifies one task as the digest would at `now` (for re-rendering a single item after a click). */
export function buildDigestItem(task: DigestTask, options: DigestModelOptions): DigestItem {
  const ctx = contextFor(options);
  const item = classify(task, ctx);
  return item === 'beyond' ? { task, bucket: 'upcoming' } : item;
}

/** The owner a task is listed under: the new owner once reassigned. */
function ownerOf(task: DigestTask): { key: string; name: string; email?: string } {
  const name = task.reassignedTo?.ownerName ?? task.ownerName;
  const email = task.reassignedTo ? task.reassignedTo.ownerEmail : task.ownerEmail;
  const key = email ? email.toLowerCase() : `name:${name}`;
  return email ? { key, name, email } : { key, name };
}

function compareItems(a: DigestItem, b: DigestItem): number {
  return (
    a.task.dueEpochSec - b.task.dueEpochSec ||
    (PRIORITY_RANK[a.task.priority] ?? 3) - (PRIORITY_RANK[b.task.priority] ?? 3) ||
    (a.task.subject < b.task.subject ? -1 : a.task.subject > b.task.subject ? 1 : 0) ||
    (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0)
  );
}

/**
 * Buckets pending tasks into overdue (due before now, with how late), today (rest of the local day) and
 * upcoming (the next `horizonDays` local days), each grouped by owner. Owners are ordered by their most
 * pressing task (earliest due), then name; tasks by due, priority, subject. Linear apart from sorting.
 */
export function buildDigestModel(tasks: readonly DigestTask[], options: DigestModelOptions): DigestModel {
  const ctx = contextFor(options);
  const byBucket = new Map<DigestBucket, Map<string, DigestOwnerGroup>>(
    BUCKET_ORDER.map((b) => [b, new Map()]),
  );
  const counts = { overdue: 0, today: 0, upcoming: 0, total: 0 };
  let beyondHorizon = 0;

  for (const task of tasks) {
    const item = classify(task, ctx);
    if (item === 'beyond') {
      beyondHorizon++;
      continue;
    }
    counts[item.bucket]++;
    counts.total++;
    const owners = byBucket.get(item.bucket) as Map<string, DigestOwnerGroup>;
    const owner = ownerOf(task);
    let group = owners.get(owner.key);
    if (!group) {
      group = { ownerKey: owner.key, ownerName: owner.name, items: [] };
      if (owner.email) group.ownerEmail = owner.email;
      owners.set(owner.key, group);
    }
    group.items.push(item);
  }

  const sections = BUCKET_ORDER.map((bucket): DigestSection => {
    const groups = [...(byBucket.get(bucket) as Map<string, DigestOwnerGroup>).values()];
    for (const group of groups) group.items.sort(compareItems);
    groups.sort(
      (a, b) =>
        compareItems(a.items[0] as DigestItem, b.items[0] as DigestItem) ||
        a.ownerName.localeCompare(b.ownerName) ||
        (a.ownerKey < b.ownerKey ? -1 : 1),
    );
    return { bucket, count: counts[bucket], groups };
  });

  return {
    timeZone: options.timeZone,
    localDate: localDate(options.now, options.timeZone),
    nowEpochSec: ctx.nowSec,
    horizonDays: options.horizonDays,
    counts,
    sections,
    beyondHorizon,
  };
}
