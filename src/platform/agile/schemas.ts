import { z } from 'zod';
import type { EpochMillis, EpochSeconds } from './time.js';

/**
 * Agile ids are Longs that arrive as JSON numbers or strings; they are carried as strings end to
 * end. Numbers reach here only when they are safe integers (the lossless parser turns the others
 * into strings), so String() is exact.
 */
export const idSchema = z.union([z.string(), z.number()]).transform(String);

/** Optional id: absent, null and "" (Agile sends `"owner_id": ""`) all mean "none". */
const optId = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

/** Numbers that Agile sometimes sends as strings ("star_value": "4", "created_time": "1469170109"). */
const optNumber = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  });

/** Output types are plain numbers; the names say the unit (see EpochSeconds / EpochMillis in time.ts). */
const optEpochSec: z.ZodType<EpochSeconds | undefined, unknown> = optNumber;
const optEpochMs: z.ZodType<EpochMillis | undefined, unknown> = optNumber;

const optString = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => v ?? undefined);

const optBoolean = z
  .union([z.boolean(), z.enum(['true', 'false']), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? undefined : v === true || v === 'true'));

const stringList = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

const idList = z
  .array(idSchema)
  .nullish()
  .transform((v) => v ?? []);

function listOf<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);
}

/** Property values are strings on the wire, except custom date fields (epoch seconds as a number). */
const propertyValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? '' : String(v)));

export const contactPropertySchema = z.looseObject({
  name: z.string(),
  type: optString,
  subtype: optString,
  value: propertyValue,
});
export type ContactProperty = z.output<typeof contactPropertySchema>;

export const domainUserSchema = z.looseObject({
  id: idSchema,
  email: optString,
  name: optString,
  domain: optString,
  is_admin: optBoolean,
  is_account_owner: optBoolean,
  is_disabled: optBoolean,
  pic: optString,
});
export type DomainUser = z.output<typeof domainUserSchema>;

export const tagWithTimeSchema = z.looseObject({
  tag: z.string(),
  /** Milliseconds, unlike the contact's own times. */
  createdTime: optEpochMs,
});
export type TagWithTime = z.output<typeof tagWithTimeSchema>;

export const contactSchema = z.looseObject({
  id: idSchema,
  /** "PERSON" or "COMPANY". */
  type: z
    .string()
    .nullish()
    .transform((v) => v ?? 'PERSON'),
  created_time: optEpochSec,
  updated_time: optEpochSec,
  star_value: optNumber,
  lead_score: optNumber,
  tags: stringList,
  tagsWithTime: listOf(tagWithTimeSchema),
  properties: listOf(contactPropertySchema),
  contact_company_id: optId,
  owner: domainUserSchema.nullish().transform((v) => v ?? undefined),
});
export type Contact = z.output<typeof contactSchema>;
/** Companies are contacts with type "COMPANY". */
export type Company = Contact;

export const customDataSchema = z.looseObject({
  name: z.string(),
  value: propertyValue,
});
export type CustomData = z.output<typeof customDataSchema>;

export const dealSchema = z.looseObject({
  id: idSchema,
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  description: optString,
  expected_value: optNumber,
  probability: optNumber,
  milestone: optString,
  pipeline_id: optId,
  close_date: optEpochSec,
  created_time: optEpochSec,
  owner_id: optId,
  owner: domainUserSchema.nullish().transform((v) => v ?? undefined),
  contact_ids: idList,
  contacts: listOf(contactSchema),
  custom_data: listOf(customDataSchema),
  tagsWithTime: listOf(tagWithTimeSchema),
});
export type Deal = z.output<typeof dealSchema>;

/** Deals grouped by milestone name (byMilestone, byPipeline/based). */
export const dealsByMilestoneSchema = z.record(z.string(), z.array(dealSchema));

export const TASK_TYPES = [
  'CALL',
  'EMAIL',
  'FOLLOW_UP',
  'MEETING',
  'MILESTONE',
  'SEND',
  'TWEET',
  'OTHER',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export const TASK_PRIORITIES = ['HIGH', 'NORMAL', 'LOW'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_STATUSES = ['YET_TO_START', 'IN_PROGRESS', 'COMPLETED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const taskSchema = z.looseObject({
  id: idSchema,
  /** One of TASK_TYPES; kept as string so a new Agile type does not break reads. */
  type: optString,
  priority_type: optString,
  status: optString,
  subject: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  due: optEpochSec,
  created_time: optEpochSec,
  is_complete: optBoolean,
  progress: optNumber,
  owner_id: optId,
  taskOwner: domainUserSchema.nullish().transform((v) => v ?? undefined),
  taskDescription: optString,
  contacts: listOf(contactSchema),
  deal_ids: idList,
  notes: listOf(z.unknown()),
});
export type Task = z.output<typeof taskSchema>;

export const noteSchema = z.looseObject({
  id: idSchema,
  created_time: optEpochSec,
  subject: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  contact_ids: idList,
  deal_ids: idList,
  contacts: listOf(contactSchema),
});
export type Note = z.output<typeof noteSchema>;

/** Milestones travel as one comma-separated, case-sensitive string. */
export function splitMilestones(milestones: string): string[] {
  return milestones
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
}

export const trackSchema = z
  .looseObject({
    id: idSchema,
    name: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
    milestones: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
  })
  .transform((t) => ({ ...t, milestoneList: splitMilestones(t.milestones) }));
export type Track = z.output<typeof trackSchema>;

export const ticketSchema = z.looseObject({
  id: idSchema,
  subject: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  status: optString,
  priority: optString,
  type: optString,
  source: optString,
  groupID: optId,
  assigneeID: optId,
  contactID: optId,
  requester_name: optString,
  requester_email: optString,
  cc_emails: stringList,
  labels: listOf(z.unknown()),
  first_notes_text: optString,
  last_reply_text: optString,
  /** Ticket times are milliseconds. */
  created_time: optEpochMs,
  last_updated_time: optEpochMs,
  assigned_time: optEpochMs,
  last_customer_replied_time: optEpochMs,
  assignee: domainUserSchema.nullish().transform((v) => v ?? undefined),
});
export type Ticket = z.output<typeof ticketSchema>;

export const ticketMessageSchema = z.looseObject({
  id: idSchema,
  ticket_id: optId,
  /** "PUBLIC" (a reply the requester sees) or "PRIVATE" (an internal note). */
  note_type: optString,
  created_by: optString,
  plain_text: optString,
  html_text: optString,
  requester_name: optString,
  requester_email: optString,
  assignee_id: optId,
  /** Milliseconds. */
  created_time: optEpochMs,
  domain_user: domainUserSchema.nullish().transform((v) => v ?? undefined),
});
export type TicketMessage = z.output<typeof ticketMessageSchema>;

export const ticketFilterSchema = z.looseObject({
  id: idSchema,
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  conditions: listOf(z.looseObject({ LHS: optString, CONDITION: optString, RHS: z.unknown() })),
  owner_id: optId,
  updated_time: optEpochMs,
  is_default_filter: optBoolean,
});
export type TicketFilter = z.output<typeof ticketFilterSchema>;

/** Any record with an id: for answers the reference describes loosely. */
export const recordWithIdSchema = z.looseObject({ id: idSchema });
