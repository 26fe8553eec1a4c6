import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { TASK_PRIORITIES, TASK_TYPES } from '../../platform/agile/index.js';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import {
  buildModalShell,
  buildOwnerInput,
  errorSection,
  inputBlock as input,
  type OwnerChoice,
  buildStaticSelect as staticSelect,
  textSection,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText } from '../../platform/slack/mrkdwn.js';
import type { ContactChoice } from '../contacts/contact-search.js';
import { buildMultiContactSelect } from '../contacts/picker-view.js';
import {
  CONTACTS_MAX,
  DEFAULT_TASK_PRIORITY,
  DEFAULT_TASK_TYPE,
  DESCRIPTION_MAX,
  SUBJECT_MAX,
  TASK_PRIORITY_LABELS,
  TASK_TYPE_LABELS,
} from './use-case.js';

/** What the modal carries from opening to submission. */
export interface TaskModalMeta {
  /** Where the confirmation goes (ephemeral to the actor); empty → a DM. */
  channelId: string;
  /** The user's zone when the modal opened: the pickers' date and time mean this zone. */
  timeZone: string;
}

const metaSchema = z.object({ c: z.string().default(''), tz: z.string().default('UTC') });

export function encodeTaskMeta(meta: TaskModalMeta): string {
  return encodeMetadata({ c: meta.channelId, tz: meta.timeZone });
}

/** Never throws: a damaged private_metadata reads as no channel, UTC. */
export function decodeTaskMeta(raw: string | undefined): TaskModalMeta {
  const m = decodeMetadata(raw, metaSchema);
  return { channelId: m?.c ?? '', timeZone: m?.tz ?? 'UTC' };
}

export { ownerOption } from '../../platform/slack/modal-parts.js';
export type { OwnerChoice };

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
  meta: TaskModalMeta;
  /** Agile users to pick the owner from; empty → no owner input (Agile assigns the API user). */
  owners: OwnerChoice[];
  values: TaskFormValues;
  /** A failure shown on top (the inputs keep what was typed). */
  error?: string;
  /** A warning that does not stop the user (e.g. owners could not be loaded). */
  notice?: string;
}

const TITLE = 'Create task';

function modal(meta: TaskModalMeta, blocks: KnownBlock[], submit?: string, close = 'Cancel'): ModalView {
  return buildModalShell({
    callbackId: CALLBACK.taskModal,
    title: TITLE,
    close,
    ...(submit ? { submit } : {}),
    metadata: encodeTaskMeta(meta),
    blocks,
  });
}

/** Opened at once on the trigger_id (it lives 3 s); replaced when Slack and Agile have answered. */
export function buildTaskModalLoading(meta: TaskModalMeta): ModalView {
  return modal(meta, [textSection(':hourglass_flowing_sand: Loading…')]);
}

/** Shown while a slow CRM is still saving the task. */
export function buildTaskModalSaving(meta: TaskModalMeta): ModalView {
  return modal(meta, [textSection(':hourglass_flowing_sand: Saving the task…')]);
}

/** Replaces the saving view once the task exists; `summary` is already-escaped mrkdwn. */
export function buildTaskModalDone(meta: TaskModalMeta, summary: string): ModalView {
  return modal(meta, [textSection(summary)], undefined, 'Done');
}

export function taskTypeOption(type: string): PlainTextOption {
  const label = TASK_TYPE_LABELS[type as keyof typeof TASK_TYPE_LABELS] ?? type;
  return { text: plainText(label, LIMITS.optionText), value: type };
}

export function taskPriorityOption(priority: string): PlainTextOption {
  const label = TASK_PRIORITY_LABELS[priority as keyof typeof TASK_PRIORITY_LABELS] ?? priority;
  return { text: plainText(label, LIMITS.optionText), value: priority };
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
    input(BLOCK.subject, 'Subject', {
      type: 'plain_text_input',
      action_id: ACTION.subjectInput,
      max_length: SUBJECT_MAX,
      placeholder: plainText('e.g. Send the quote', LIMITS.placeholder),
      ...(values.subject ? { initial_value: values.subject.slice(0, SUBJECT_MAX) } : {}),
    }),
    input(
      BLOCK.contact,
      'Contact',
      {
        ...buildMultiContactSelect({ initial: (values.contacts ?? []).slice(0, CONTACTS_MAX) }),
        max_selected_items: CONTACTS_MAX,
      },
      { optional: true },
    ),
    input(
      BLOCK.taskType,
      'Type',
      staticSelect(
        ACTION.taskType,
        TASK_TYPES.map(taskTypeOption),
        values.type ?? DEFAULT_TASK_TYPE,
        'Pick a type',
      ),
    ),
    input(
      BLOCK.priority,
      'Priority',
      staticSelect(
        ACTION.priority,
        TASK_PRIORITIES.map(taskPriorityOption),
        values.priority ?? DEFAULT_TASK_PRIORITY,
        'Pick a priority',
      ),
    ),
    input(
      BLOCK.dueDate,
      'Due date',
      {
        type: 'datepicker',
        action_id: ACTION.dueDate,
        ...(values.dueDate ? { initial_date: values.dueDate } : {}),
      },
      { hint: plainText(`Date and time are in your Slack time zone (${meta.timeZone}).`, LIMITS.inputHint) },
    ),
    input(BLOCK.dueTime, 'Due time', {
      type: 'timepicker',
      action_id: ACTION.dueTime,
      ...(values.dueTime ? { initial_time: values.dueTime } : {}),
    }),
    input(
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
  return modal(meta, blocks, 'Create');
}
