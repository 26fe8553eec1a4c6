import type { Deps } from '../../app/deps.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import type { RetryOutcome } from '../../platform/slack/failed-write.js';
import { parseForm, type SubmitArgs, submitForm } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { readState } from '../../platform/slack/view-state.js';
import { confirmWithUndo } from '../undo/offer.js';
import { taskCreateUndo } from '../undo/specs.js';
import { decodeTaskMetadata, type TaskFormInput, taskFormSchema } from './schema.js';
import { createTaskFromForm, ownerChoices, type TaskFormWrite, taskErrorField } from './use-case.js';
import {
  buildTaskCreatedMessage,
  buildTaskDoneModal,
  buildTaskModal,
  buildTaskSavingModal,
  type OwnerChoice,
  type TaskFormValues,
} from './views.js';

/** Create task modal submitted: validate (no I/O), then write once within the time budget, then confirm. */
export function taskSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { body, client } = args;
    const meta = decodeTaskMetadata(body.view.private_metadata);
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
    const values: TaskFormInput = {
      subject: typed.subject,
      taskType: typed.type,
      priority: typed.priority,
      dueDate: typed.dueDate,
      dueTime: typed.dueTime,
      contact: contacts.map((c) => c.value),
      description: typed.description,
      owner: owner?.value,
    };
    const form = parseForm(taskFormSchema({ timeZone: meta.timeZone, now: deps.now() }), values);
    if (!form.ok) {
      await args.ack({ response_action: 'errors', errors: form.errors });
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

    const actor = actorOfBody(body);
    const input: TaskFormWrite = {
      actor,
      viewId: body.view.id,
      draft: form.data,
      ...(typed.owner ? { owner: typed.owner } : {}),
    };
    await submitForm(args, deps, {
      write: () => createTaskFromForm(deps, input),
      retry: {
        kind: TASK_FORM_RETRY,
        input,
        what: `Your task “${form.data.subject}”`,
        typed: [form.data.subject, form.data.description].filter(Boolean).join('\n\n'),
      },
      onSuccess: async (task, { replayed }) => {
        const created = buildTaskCreatedMessage(task, { timeZone: meta.timeZone, now: deps.now(), replayed });
        await notifyUser(
          client,
          deps.logger,
          { user: body.user.id, ...(meta.channelId ? { channel: meta.channelId } : {}) },
          replayed ? created : await confirmWithUndo(deps, actor, created, taskCreateUndo(task)),
        );
      },
      errorBlock: (err) => {
        const field = taskErrorField(err);
        // Without an owner input (owners not loaded) the error must land on an input that exists.
        return BLOCK[field === 'owner' && !owner ? 'subject' : field];
      },
      savingView: () => {
        void loadOwners();
        return buildTaskSavingModal(meta);
      },
      doneView: (task) => buildTaskDoneModal(meta, task, deps.now()),
      failedView: (message) => buildTaskModal({ meta, owners, values: typed, error: message }),
    });
  };
}

export const TASK_FORM_RETRY = 'task.form';

/** Retry from the failure DM: the same view id, so the same key (task.modal): never a second task. */
export async function retryTaskForm(deps: Deps, stored: unknown): Promise<RetryOutcome> {
  const outcome = await createTaskFromForm(deps, stored as TaskFormWrite);
  if (outcome.status === 'in_progress') return outcome;
  return { status: 'done', summary: `task created: ${outcome.result.subject}` };
}
