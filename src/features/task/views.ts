import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { TASK_PRIORITIES, TASK_TYPES, type TaskPriority } from '../../platform/agile/index.js';
import { TASK_TYPE_LABELS } from '../../platform/slack/format.js';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import {
  buildModalShell,
  buildOwnerInput,
  buildStaticSelect,
  buildStatusModal,
  errorSection,
  inputBlock,
  type OwnerChoice,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { noticeWithText } from '../../platform/slack/quote.js';
import type { ContactChoice } from '../contacts/contact-search.js';
import { buildMultiContactSelect } from '../contacts/picker-view.js';
import { formatDueLabel } from './due-date.js';
import {
  CONTACTS_MAX,
  DEFAULT_TASK_PRIORITY,
  DEFAULT_TASK_TYPE,
  DESCRIPTION_MAX,
  encodeTaskMetadata,
  SUBJECT_MAX,
  type TaskModalMetadata,
} from './schema.js';
import type { CreatedTask, QuickTaskRefusal } from './use-case.js';

export type { OwnerChoice };

// ---- labels and wording ----

export const TASK_PRIORITY_LABELS: Record<TaskPriority, string> = {
  HIGH: 'High',
  NORMAL: 'Normal',
  LOW: 'Low',
};

const label = (labels: Record<string, string>, code: string) => labels[code] ?? code;

/** "Fri 4 Dec, 09:00 (America/Los_Angeles)". */
export function describeDue(dueEpochSec: number, timeZone: string, now: Date): string {
  return `${formatDueLabel(new Date(dueEpochSec * 1000), { timeZone, now })} (${timeZone})`;
}

// ---- the modal ----

/** The form's values: defaults on opening, what the user typed when rebuilt after a failure. */
export interface TaskFormValues {
  subject?: string;
  type?: string;
  priority?: string;
  /** YYYY-MM-DD / HH:mm in meta.timeZone. */
  dueDate?: string;
  dueTime?: string;
  contacts?: ContactChoice[];
  description?: string;
  owner?: OwnerChoice;
}

export interface TaskModalData {
  meta: TaskModalMetadata;
  /** Agile users to pick the owner from; empty → no owner input (Agile assigns the API user). */
  owners: OwnerChoice[];
  values: TaskFormValues;
  /** A failure shown on top (the inputs keep what was typed). */
  error?: string;
  /** A warning that does not stop the user (e.g. owners could not be loaded). */
  notice?: string;
}

const TITLE = 'Create task';

function buildTaskStatusModal(meta: TaskModalMetadata, text: string): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.taskModal,
    title: TITLE,
    text,
    metadata: encodeTaskMetadata(meta),
  });
}

/** Opened at once on the trigger_id (it lives 3 s); replaced when Slack and Agile have answered. */
export function buildTaskLoadingModal(meta: TaskModalMetadata): ModalView {
  return buildTaskStatusModal(meta, ':hourglass_flowing_sand: Loading…');
}

/** Shown while a slow CRM is still saving the task. */
export function buildTaskSavingModal(meta: TaskModalMetadata): ModalView {
  return buildTaskStatusModal(meta, ':hourglass_flowing_sand: Saving the task…');
}

/** Replaces the saving view once the task exists. */
export function buildTaskDoneModal(meta: TaskModalMetadata, task: CreatedTask, now: Date): ModalView {
  return buildTaskStatusModal(meta, taskSummaryMrkdwn(task, { timeZone: meta.timeZone, now }));
}

/** The form could not be built at all (the words say why). */
export function buildTaskUnavailableModal(meta: TaskModalMetadata, message: string): ModalView {
  return buildTaskStatusModal(meta, `:warning: ${escapeMrkdwn(message)}`);
}

/** What the opener could not load, in words: the form shows anyway. */
export function taskFormNotice(missing: { owners: boolean; contact: boolean }): string | undefined {
  const notices: string[] = [];
  if (missing.owners)
    notices.push(
      'The CRM did not list its users in time: without an owner the task goes to the CRM API user.',
    );
  if (missing.contact) notices.push('The contact could not be loaded from the CRM: pick it below.');
  return notices.length > 0 ? notices.join(' ') : undefined;
}

export function taskTypeOption(type: string): PlainTextOption {
  return { text: plainText(label(TASK_TYPE_LABELS, type), LIMITS.optionText), value: type };
}

export function taskPriorityOption(priority: string): PlainTextOption {
  return { text: plainText(label(TASK_PRIORITY_LABELS, priority), LIMITS.optionText), value: priority };
}

/** The Create task form. Pure: data in, view out. */
export function buildTaskModal(data: TaskModalData): ModalView {
  const { meta, values } = data;
  const blocks: KnownBlock[] = [];
  if (data.error) blocks.push(errorSection(data.error, ':warning:'));
  if (data.notice)
    blocks.push({
      type: 'context',
      elements: [mrkdwnText(`:information_source: ${escapeMrkdwn(data.notice)}`)],
    });

  blocks.push(
    inputBlock(BLOCK.subject, 'Subject', {
      type: 'plain_text_input',
      action_id: ACTION.subjectInput,
      max_length: SUBJECT_MAX,
      placeholder: plainText('e.g. Send the quote', LIMITS.placeholder),
      ...(values.subject ? { initial_value: values.subject.slice(0, SUBJECT_MAX) } : {}),
    }),
    inputBlock(
      BLOCK.contact,
      'Contact',
      {
        ...buildMultiContactSelect({ initial: (values.contacts ?? []).slice(0, CONTACTS_MAX) }),
        max_selected_items: CONTACTS_MAX,
      },
      { optional: true },
    ),
    inputBlock(
      BLOCK.taskType,
      'Type',
      buildStaticSelect(
        ACTION.taskType,
        TASK_TYPES.map(taskTypeOption),
        values.type ?? DEFAULT_TASK_TYPE,
        'Pick a type',
      ),
    ),
    inputBlock(
      BLOCK.priority,
      'Priority',
      buildStaticSelect(
        ACTION.priority,
        TASK_PRIORITIES.map(taskPriorityOption),
        values.priority ?? DEFAULT_TASK_PRIORITY,
        'Pick a priority',
      ),
    ),
    inputBlock(
      BLOCK.dueDate,
      'Due date',
      {
        type: 'datepicker',
        action_id: ACTION.dueDate,
        ...(values.dueDate ? { initial_date: values.dueDate } : {}),
      },
      { hint: plainText(`Date and time are in your Slack time zone (${meta.timeZone}).`, LIMITS.inputHint) },
    ),
    inputBlock(BLOCK.dueTime, 'Due time', {
      type: 'timepicker',
      action_id: ACTION.dueTime,
      ...(values.dueTime ? { initial_time: values.dueTime } : {}),
    }),
    inputBlock(
      BLOCK.description,
      'Description',
      {
        type: 'plain_text_input',
        action_id: ACTION.description,
        multiline: true,
        max_length: DESCRIPTION_MAX,
        ...(values.description ? { initial_value: values.description.slice(0, DESCRIPTION_MAX) } : {}),
      },
      { optional: true },
    ),
  );
  const owner = buildOwnerInput(data.owners, values.owner);
  if (owner) blocks.push(owner);
  return buildModalShell({
    callbackId: CALLBACK.taskModal,
    title: TITLE,
    submit: 'Create',
    metadata: encodeTaskMetadata(meta),
    blocks,
  });
}

// ---- messages ----

export interface TaskConfirmationContext {
  timeZone: string;
  now: Date;
  /** The quick path had no `due …`: say which default was used. */
  defaultedDue?: boolean;
  /** The same request came again (double click, re-sent command): nothing new was written. */
  replayed?: boolean;
}

const SUBJECT_SHOWN = 200;
const NAME_SHOWN = 80;
const CONTACTS_SHOWN = 5;

/** The lines of a created task, as escaped mrkdwn (also the modal's "done" view). */
export function taskSummaryMrkdwn(task: CreatedTask, ctx: TaskConfirmationContext): string {
  const head = ctx.replayed ? '✅ Task already created' : '✅ Task created';
  const lines = [`${head}: *${escapeMrkdwn(truncate(task.subject, SUBJECT_SHOWN))}*`];
  const due = escapeMrkdwn(describeDue(task.dueEpochSec, ctx.timeZone, ctx.now));
  lines.push(`*Due:* ${due}${ctx.defaultedDue ? ' — no `due …` given, so tomorrow at 09:00' : ''}`);
  if (task.contacts.length > 0) {
    const names = task.contacts
      .slice(0, CONTACTS_SHOWN)
      .map((c) => escapeMrkdwn(truncate(c.name, NAME_SHOWN)));
    const more = task.contacts.length - CONTACTS_SHOWN;
    lines.push(`*Contact:* ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  if (task.owner) lines.push(`*Owner:* ${escapeMrkdwn(truncate(task.owner.name, NAME_SHOWN))}`);
  lines.push(
    `*Type:* ${escapeMrkdwn(label(TASK_TYPE_LABELS, task.type))} · *Priority:* ${escapeMrkdwn(label(TASK_PRIORITY_LABELS, task.priority))}`,
  );
  return lines.join('\n');
}

/** The ephemeral confirmation after a task was created (modal or quick path). */
export function buildTaskCreatedMessage(task: CreatedTask, ctx: TaskConfirmationContext): SlackMessage {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwnText(taskSummaryMrkdwn(task, ctx)) }];
  const due = describeDue(task.dueEpochSec, ctx.timeZone, ctx.now);
  // The fallback shows in notifications: escaped too, so it can never ping anyone.
  const text = `${ctx.replayed ? 'Task already created' : 'Task created'}: ${escapeMrkdwn(truncate(task.subject, SUBJECT_SHOWN))} — due ${escapeMrkdwn(due)}`;
  return { text: truncate(text, LIMITS.fallbackText), blocks };
}

/** Why a quick task was not created, in words (a CRM failure comes already described). */
export function quickTaskRefusalWords(
  refusal:
    | QuickTaskRefusal
    | { kind: 'crm_error'; message: string }
    | { kind: 'crm_unknown'; message: string },
): string {
  switch (refusal.kind) {
    case 'subject_too_long':
      return `The subject is too long (${refusal.length} characters; at most ${SUBJECT_MAX}).`;
    case 'bad_due':
      return refusal.message;
    case 'no_contact':
      return `No contact in the CRM has the email ${refusal.email}. Check the spelling, or find them with /crm lookup <name>.`;
    case 'crm_error':
      return `The task was not created: ${refusal.message}.`;
    case 'crm_unknown':
      return `The task may have been created: ${refusal.message}.`;
  }
}

/** The quick path refused: the reason, and the command quoted back. */
export function buildTaskRefusedMessages(message: string, typed: string, unknown = false): SlackMessage[] {
  const what = unknown ? 'Send the same command again to make sure.' : 'Nothing was created.';
  return noticeWithText(buildNotice('error', message, what), 'You typed', typed, 4);
}

/** The same quick task is being created by an earlier send of the command. */
export function buildTaskInProgressMessage(): SlackMessage {
  return buildNotice('info', 'This task is already being created — one moment.');
}
