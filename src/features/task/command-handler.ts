import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { isOutcomeUnknown } from '../../platform/agile/index.js';
import { actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { openForm } from '../../platform/slack/form-flow.js';
import { confirmWithUndo } from '../undo/offer.js';
import { taskCreateUndo } from '../undo/specs.js';
import type { TaskModalMetadata } from './schema.js';
import { loadTaskForm, quickTask } from './use-case.js';
import {
  buildTaskCreatedMessage,
  buildTaskInProgressMessage,
  buildTaskLoadingModal,
  buildTaskModal,
  buildTaskRefusedMessages,
  buildTaskUnavailableModal,
  quickTaskRefusalWords,
  taskFormNotice,
} from './views.js';

export interface OpenTaskModalInput {
  client: WebClient;
  triggerId: string;
  userId: string;
  /** Where the confirmation goes; '' → a DM. */
  channelId: string;
  /** Prefill this contact (the Create task button on a contact card). */
  contactId?: string;
}

/**
 * Opens the Create task modal at once, then fills it with owners and defaults. Anything the CRM
 * fails to give is left out with a notice; the form always shows. Throws only when Slack refuses
 * to open the modal.
 */
export async function openTaskModal(deps: Deps, input: OpenTaskModalInput): Promise<void> {
  const loadingMeta: TaskModalMetadata = { channelId: input.channelId, timeZone: 'UTC' };
  await openForm({
    client: input.client,
    logger: deps.logger,
    triggerId: input.triggerId,
    loading: buildTaskLoadingModal(loadingMeta),
    fill: async () => {
      const form = await loadTaskForm(deps, {
        userId: input.userId,
        ...(input.contactId ? { contactId: input.contactId } : {}),
      });
      const notice = taskFormNotice({ owners: !form.owners, contact: form.contactMissing });
      return buildTaskModal({
        meta: { channelId: input.channelId, timeZone: form.timeZone },
        owners: form.owners ?? [],
        values: {
          dueDate: form.due.date,
          dueTime: form.due.time,
          contacts: form.contacts,
          ...(form.owner ? { owner: form.owner } : {}),
        },
        ...(notice ? { notice } : {}),
      });
    },
    unavailable: (message) => buildTaskUnavailableModal(loadingMeta, message),
  });
}

/** `/crm task` alone. */
export const openTaskModalFromCommand: ModalOpener = (args, deps) =>
  openTaskModal(deps, {
    client: args.client,
    triggerId: args.command.trigger_id,
    userId: args.command.user_id,
    channelId: args.command.channel_id,
  });

/** `/crm task <email> <subject> [due <when>]`: creates at once, answers ephemerally, quoting the command on failure. */
export const taskCommandHandler: CommandHandler<'task'> = async (cmd, { command, respond }, deps) => {
  const typed = `/crm ${(command.text ?? '').trim()}`;
  const answer = (message: Parameters<typeof respond>[0] & object) =>
    respond({ response_type: 'ephemeral', ...message });
  const actor = actorOfCommand(command);
  let outcome: Awaited<ReturnType<typeof quickTask>>;
  try {
    outcome = await quickTask(deps, actor, cmd);
  } catch (err) {
    deps.logger.warn({ err }, 'quick task failed');
    const unknown = isOutcomeUnknown(err);
    const words = quickTaskRefusalWords({
      kind: unknown ? 'crm_unknown' : 'crm_error',
      message: describeAgileError(err),
    });
    for (const message of buildTaskRefusedMessages(words, typed, unknown)) await answer(message);
    return;
  }
  if (outcome.kind === 'refused') {
    for (const message of buildTaskRefusedMessages(quickTaskRefusalWords(outcome.refusal), typed))
      await answer(message);
  } else if (outcome.kind === 'in_progress') {
    await answer(buildTaskInProgressMessage());
  } else {
    const { task, timeZone, defaultedDue, replayed } = outcome;
    const created = buildTaskCreatedMessage(task, { timeZone, now: deps.now(), defaultedDue, replayed });
    // A replay: the first send's confirmation carries the Undo.
    await answer(replayed ? created : await confirmWithUndo(deps, actor, created, taskCreateUndo(task)));
  }
};
