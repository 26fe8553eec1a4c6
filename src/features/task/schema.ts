import { z } from 'zod';
import { TASK_PRIORITIES, TASK_TYPES, type TaskPriority, type TaskType } from '../../platform/agile/index.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import { fromLocalDue, toLocalDue } from './due-date.js';

export const DEFAULT_TASK_TYPE: TaskType = 'FOLLOW_UP';
export const DEFAULT_TASK_PRIORITY: TaskPriority = 'NORMAL';
/** Agile keeps any length, but a subject is one line in every list and digest. */
export const SUBJECT_MAX = 500;
export const DESCRIPTION_MAX = 3000;
/** More than a handful of contacts on one task is almost always a mistake. */
export const CONTACTS_MAX = 10;
export const PAST_DUE_MESSAGE = 'Pick a time in the future';

const AGILE_ID = /^\d{1,20}$/;

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

const filled = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * The Create task form, keyed by BLOCK (each issue shows under its input). The date and time picked
 * mean the user's zone, and must lie after `now`: a past day is the date's fault, earlier today the time's.
 */
export function taskFormSchema(ctx: { timeZone: string; now: Date }) {
  return z
    .object({
      subject: z
        .string({ error: 'Give the task a subject' })
        .trim()
        .min(1, 'Give the task a subject')
        .max(SUBJECT_MAX, `Keep the subject under ${SUBJECT_MAX} characters`),
      taskType: z.enum(TASK_TYPES, { error: 'Pick a type from the list' }).default(DEFAULT_TASK_TYPE),
      priority: z
        .enum(TASK_PRIORITIES, { error: 'Pick a priority from the list' })
        .default(DEFAULT_TASK_PRIORITY),
      dueDate: z.string({ error: 'Pick a due date' }).min(1, 'Pick a due date'),
      dueTime: z.string({ error: 'Pick a due time' }).min(1, 'Pick a due time'),
      // An id that is not an Agile id wins over the count (first issue per input).
      contact: z
        .array(z.string().regex(AGILE_ID, 'Pick contacts from the list'))
        .transform((ids) => [...new Set(ids)])
        .pipe(z.array(z.string()).max(CONTACTS_MAX, `Pick at most ${CONTACTS_MAX} contacts`)),
      description: z
        .string()
        .trim()
        .max(DESCRIPTION_MAX, `Keep the description under ${DESCRIPTION_MAX} characters`)
        .optional(),
      owner: z.string().regex(AGILE_ID, 'Pick an owner from the list').optional(),
    })
    .superRefine(
      (form, issues) => {
        const due = fromLocalDue({ date: form.dueDate, time: form.dueTime }, ctx.timeZone);
        if (!due) {
          issues.addIssue({ code: 'custom', path: ['dueDate'], message: 'That date does not exist' });
        } else if (due.getTime() <= ctx.now.getTime()) {
          const today = toLocalDue(ctx.now, ctx.timeZone).date;
          const path = form.dueDate < today ? 'dueDate' : 'dueTime';
          issues.addIssue({ code: 'custom', path: [path], message: PAST_DUE_MESSAGE });
        }
      },
      // Checked alongside the other inputs' issues, so every bad input is reported at once.
      {
        when: ({ value }) => {
          const v = value as { dueDate?: unknown; dueTime?: unknown };
          return filled(v.dueDate) && filled(v.dueTime);
        },
      },
    )
    .transform(
      (form): TaskDraft => ({
        subject: form.subject,
        type: form.taskType,
        priority: form.priority,
        dueEpochSec: Math.floor(
          (fromLocalDue({ date: form.dueDate, time: form.dueTime }, ctx.timeZone)?.getTime() ?? 0) / 1000,
        ),
        contactIds: form.contact,
        ...(form.description ? { description: form.description } : {}),
        ...(form.owner ? { ownerId: form.owner } : {}),
      }),
    );
}

/** The form's raw values as the submission handler reads them, keyed by BLOCK (undefined when empty). */
export interface TaskFormInput {
  subject?: string;
  taskType?: string;
  priority?: string;
  dueDate?: string;
  dueTime?: string;
  contact: string[];
  description?: string;
  owner?: string;
}

/** What the modal carries from opening to submission. */
export interface TaskModalMetadata {
  /** Where the confirmation goes (ephemeral to the actor); empty → a DM. */
  channelId: string;
  /** The user's zone when the modal opened: the pickers' date and time mean this zone. */
  timeZone: string;
}

const metadataSchema = z.object({
  channelId: z.string().default(''),
  timeZone: z.string().default('UTC'),
});

export function encodeTaskMetadata(meta: TaskModalMetadata): string {
  return encodeMetadata({ channelId: meta.channelId, timeZone: meta.timeZone });
}

/** Never throws: a damaged private_metadata reads as no channel, UTC. */
export function decodeTaskMetadata(raw: string | undefined): TaskModalMetadata {
  return decodeMetadata(raw, metadataSchema) ?? { channelId: '', timeZone: 'UTC' };
}
