import type { Deps } from '../../app/deps.js';
import { type SubmitArgs, submitWithBudget } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { readState } from '../../platform/slack/view-state.js';
import { buildTaskCreatedMessage, taskSummaryMrkdwn } from './message-views.js';
import {
  buildTaskModal,
  buildTaskModalDone,
  buildTaskModalSaving,
  decodeTaskMeta,
  type OwnerChoice,
  type TaskFormValues,
} from './modal-view.js';
import { createTask, ownerChoices, type TaskField, taskErrorField, validateTaskForm } from './use-case.js';

/** The input each form field lives in: errors are keyed by block_id. */
export const TASK_FIELD_BLOCK: Record<TaskField, string> = {
  subject: BLOCK.subject,
  type: BLOCK.taskType,
  priority: BLOCK.priority,
  dueDate: BLOCK.dueDate,
  dueTime: BLOCK.dueTime,
  contact: BLOCK.contact,
  description: BLOCK.description,
  owner: BLOCK.owner,
};

/** Create task modal submitted: validate (no I/O), then write once within the time budget, then confirm. */
export function taskSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { body, client } = args;
    const meta = decodeTaskMeta(body.view.private_metadata);
    const state = readState(body.view.state.values);
    const contacts = state.selectedMany(BLOCK.contact, ACTION.contactPicker);
    const owner = state.selected(BLOCK.owner, ACTION.ownerSelect);
    const typed: TaskFormValues = {
      subject: state.text(BLOCK.subject, ACTION.subjectInput),
      type: state.selected(BLOCK.taskType, ACTION.taskType)?.value,
      priority: state.selected(BLOCK.priority, ACTION.priority)?.value,
      dueDate: state.date(BLOCK.dueDate, ACTION.dueDate),
      dueTime: state.time(BLOCK.dueTime, ACTION.dueTime),
      contacts: contacts.map((c) => ({ id: c.value, name: c.text })),
      description: state.text(BLOCK.description, ACTION.description),
      ...(owner ? { owner: { id: owner.value, name: owner.text } } : {}),
    };
    const checked = validateTaskForm(
      { ...typed, contactIds: contacts.map((c) => c.value), ownerId: owner?.value },
      { timeZone: meta.timeZone, now: deps.now() },
    );
    if (!checked.ok) {
      const errors: Record<string, string> = {};
      for (const [field, message] of Object.entries(checked.errors))
        errors[TASK_FIELD_BLOCK[field as TaskField]] = message;
      await args.ack({ response_action: 'errors', errors });
      return;
    }

    // The owner list is only needed to rebuild the form after a slow write fails: fetched (cached) then.
    let owners: OwnerChoice[] = [];
    const loadOwners = () =>
      deps.owners
        .list()
        .then((users) => {
          owners = ownerChoices(users);
        })
        .catch(() => undefined);

    const confirmation = { timeZone: meta.timeZone };
    await submitWithBudget(args, deps, {
      work: () => createTask(deps.agile, checked.draft, typed.owner ? { owner: typed.owner } : {}),
      onSuccess: (task, { replayed }) =>
        notifyUser(
          client,
          deps.logger,
          { user: body.user.id, ...(meta.channelId ? { channel: meta.channelId } : {}) },
          buildTaskCreatedMessage(task, { ...confirmation, now: deps.now(), replayed }),
        ),
      errorBlock: (err) => {
        const field = taskErrorField(err);
        // Without an owner input (owners not loaded) the error must land on an input that exists.
        return TASK_FIELD_BLOCK[field === 'owner' && !owner ? 'subject' : field];
      },
      savingView: () => {
        void loadOwners();
        return buildTaskModalSaving(meta);
      },
      doneView: (task) =>
        buildTaskModalDone(meta, taskSummaryMrkdwn(task, { ...confirmation, now: deps.now() })),
      failedView: (message) => buildTaskModal({ meta, owners, values: typed, error: message }),
    });
  };
}
