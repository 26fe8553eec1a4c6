import { createHash } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';
import {
  type AgileClient,
  type Contact,
  type DomainUser,
  getFullName,
  getPrimaryEmail,
  isAgileError,
  TASK_PRIORITIES,
  TASK_TYPES,
  type Task,
  type TaskPriority,
  type TaskType,
} from '../../platform/agile/index.js';
import type { OwnerDirectory } from '../../platform/agile/owner-directory.js';
import { DEFAULT_DUE_HOUR, formatDueLabel } from './due-date.js';

/** How each Agile task type reads to a person (Agile wants the upper-case code). */
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

export const TASK_PRIORITY_LABELS: Record<TaskPriority, string> = {
  HIGH: 'High',
  NORMAL: 'Normal',
  LOW: 'Low',
};

export const DEFAULT_TASK_TYPE: TaskType = 'FOLLOW_UP';
export const DEFAULT_TASK_PRIORITY: TaskPriority = 'NORMAL';
/** Agile keeps any length, but a subject is one line in every list and digest. */
export const SUBJECT_MAX = 500;
export const DESCRIPTION_MAX = 3000;
/** More than a handful of contacts on one task is almost always a mistake. */
export const CONTACTS_MAX = 10;

export const isTaskType = (v: string | undefined): v is TaskType =>
  v !== undefined && (TASK_TYPES as readonly string[]).includes(v);
export const isTaskPriority = (v: string | undefined): v is TaskPriority =>
  v !== undefined && (TASK_PRIORITIES as readonly string[]).includes(v);

/** A due instant as a datepicker and timepicker show it, in the user's zone. */
export interface LocalDue {
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm (24 h) */
  time: string;
}

/** Tomorrow at 09:00 in the user's zone: the start of the next working day. */
export function defaultDue(now: Date, timeZone: string): Date {
  const local = new TZDate(now.getTime(), timeZone);
  const tomorrow = addDays(local, 1);
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

/** "Fri 4 Dec, 09:00 (America/Los_Angeles)". */
export function describeDue(dueEpochSec: number, timeZone: string, now: Date): string {
  return `${formatDueLabel(new Date(dueEpochSec * 1000), { timeZone, now })} (${timeZone})`;
}

// ---- the form ----

/** What the modal sends, as raw strings (undefined when left empty). */
export interface TaskFormInput {
  subject?: string;
  type?: string;
  priority?: string;
  dueDate?: string;
  dueTime?: string;
  contactIds: string[];
  description?: string;
  ownerId?: string;
}

export type TaskField =
  | 'subject'
  | 'type'
  | 'priority'
  | 'dueDate'
  | 'dueTime'
  | 'contact'
  | 'description'
  | 'owner';

/** A validated task, ready for Agile. */
export interface TaskDraft {
  subject: string;
  type: TaskType;
  priority: TaskPriority;
  dueEpochSec: number;
  contactIds: string[];
  description?: string;
  ownerId?: string;
}

export type TaskValidation =
  | { ok: true; draft: TaskDraft }
  | { ok: false; errors: Partial<Record<TaskField, string>> };

export const PAST_DUE_MESSAGE = 'Pick a time in the future';

/** Everything Agile would refuse, checked locally so the user hears it under the right input. Pure. */
export function validateTaskForm(input: TaskFormInput, ctx: { timeZone: string; now: Date }): TaskValidation {
  const errors: Partial<Record<TaskField, string>> = {};
  const subject = input.subject?.trim() ?? '';
  if (subject === '') errors.subject = 'Give the task a subject';
  else if (subject.length > SUBJECT_MAX) errors.subject = `Keep the subject under ${SUBJECT_MAX} characters`;

  const type = input.type ?? DEFAULT_TASK_TYPE;
  if (!isTaskType(type)) errors.type = 'Pick a type from the list';
  const priority = input.priority ?? DEFAULT_TASK_PRIORITY;
  if (!isTaskPriority(priority)) errors.priority = 'Pick a priority from the list';

  let dueEpochSec = 0;
  if (!input.dueDate) errors.dueDate = 'Pick a due date';
  if (!input.dueTime) errors.dueTime = 'Pick a due time';
  if (input.dueDate && input.dueTime) {
    const due = fromLocalDue({ date: input.dueDate, time: input.dueTime }, ctx.timeZone);
    if (!due) {
      errors.dueDate = 'That date does not exist';
    } else if (due.getTime() <= ctx.now.getTime()) {
      const today = toLocalDue(ctx.now, ctx.timeZone).date;
      // A past day is the date's fault; earlier today is the time's.
      if (input.dueDate < today) errors.dueDate = PAST_DUE_MESSAGE;
      else errors.dueTime = PAST_DUE_MESSAGE;
    } else {
      dueEpochSec = Math.floor(due.getTime() / 1000);
    }
  }

  const contactIds = [...new Set(input.contactIds)];
  if (contactIds.length > CONTACTS_MAX) errors.contact = `Pick at most ${CONTACTS_MAX} contacts`;
  if (contactIds.some((id) => !/^\d{1,20}$/.test(id))) errors.contact = 'Pick contacts from the list';

  const description = input.description?.trim() || undefined;
  if (description && description.length > DESCRIPTION_MAX)
    errors.description = `Keep the description under ${DESCRIPTION_MAX} characters`;
  if (input.ownerId !== undefined && !/^\d{1,20}$/.test(input.ownerId))
    errors.owner = 'Pick an owner from the list';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    draft: {
      subject,
      type: type as TaskType,
      priority: priority as TaskPriority,
      dueEpochSec,
      contactIds,
      ...(description ? { description } : {}),
      ...(input.ownerId ? { ownerId: input.ownerId } : {}),
    },
  };
}

/**
 * Which input an Agile refusal belongs to, read from its reason ("Invalid priority_type: …",
 * "due should be epoch seconds", "Contact not found with id …"). Anything else goes on the subject,
 * the first input, where the user sees it.
 */
export function taskErrorField(err: unknown): TaskField {
  const reason = isAgileError(err) && err.kind === 'invalid' ? (err.reason ?? '').toLowerCase() : '';
  if (reason === '') return 'subject';
  if (/priority/.test(reason)) return 'priority';
  if (/\btype\b/.test(reason)) return 'type';
  if (/\bdue\b|date|time/.test(reason)) return 'dueDate';
  if (/contact/.test(reason)) return 'contact';
  if (/owner|domain user|user/.test(reason)) return 'owner';
  if (/description/.test(reason)) return 'description';
  return 'subject';
}

// ---- writing ----

export interface CreatedTask {
  id: string;
  subject: string;
  type: string;
  priority: string;
  dueEpochSec: number;
  contacts: { id: string; name: string }[];
  owner?: { id: string; name: string };
}

const contactName = (c: Contact): string => getFullName(c) ?? getPrimaryEmail(c) ?? c.id;
const ownerName = (u: DomainUser): string => u.name || u.email || u.id;

/** Creates the task; the answer is plain JSON (it is kept by the idempotency store and replayed). */
export async function createTask(
  agile: AgileClient,
  draft: TaskDraft,
  known: { owner?: { id: string; name: string } } = {},
): Promise<CreatedTask> {
  const task: Task = await agile.tasks.create({
    subject: draft.subject,
    type: draft.type,
    priority_type: draft.priority,
    due: draft.dueEpochSec,
    contacts: draft.contactIds,
    ...(draft.ownerId ? { owner_id: draft.ownerId } : {}),
    ...(draft.description ? { taskDescription: draft.description } : {}),
  });
  const ownerId = task.taskOwner?.id ?? task.owner_id ?? draft.ownerId;
  const owner = task.taskOwner
    ? { id: task.taskOwner.id, name: ownerName(task.taskOwner) }
    : known.owner && known.owner.id === ownerId
      ? known.owner
      : undefined;
  return {
    id: task.id,
    subject: task.subject || draft.subject,
    type: task.type ?? draft.type,
    priority: task.priority_type ?? draft.priority,
    dueEpochSec: task.due ?? draft.dueEpochSec,
    contacts: (task.contacts ?? []).map((c) => ({ id: c.id, name: contactName(c) })),
    ...(owner ? { owner } : {}),
  };
}

/**
 * The default owner: the Agile user with the Slack user's email, else the user behind the API key.
 * Never throws: without an owner Agile assigns the API user anyway.
 */
export async function defaultOwner(
  owners: OwnerDirectory,
  email: string | undefined,
): Promise<DomainUser | undefined> {
  try {
    return (await owners.byEmail(email)) ?? (await owners.apiUser());
  } catch {
    return undefined;
  }
}

/**
 * One key per (user, command): used with runOnce's QUICK_PATH_TTL_SEC, a re-sent slash command within
 * a minute of the first creates one task.
 */
export function quickTaskKey(parts: {
  userId: string;
  email: string;
  subject: string;
  dueText: string | null;
}): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([parts.userId, parts.email.toLowerCase(), parts.subject, parts.dueText ?? '']))
    .digest('hex');
  return `task-quick:${digest}`;
}

/** Quick-path tasks take their type from the first word ("Call Ana" → CALL); else a follow-up. */
export function guessTaskType(subject: string): TaskType {
  const first = subject.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (/^(call|ring|phone)$/.test(first)) return 'CALL';
  if (/^(e-?mail|mail|write)$/.test(first)) return 'EMAIL';
  if (/^(meet|meeting|demo|visit)$/.test(first)) return 'MEETING';
  if (/^(send|ship|deliver)$/.test(first)) return 'SEND';
  if (/^(tweet)$/.test(first)) return 'TWEET';
  return DEFAULT_TASK_TYPE;
}

export function ownerChoices(owners: DomainUser[]): { id: string; name: string }[] {
  return owners.filter((u) => !u.is_disabled).map((u) => ({ id: u.id, name: ownerName(u) }));
}

export { contactName, ownerName };
