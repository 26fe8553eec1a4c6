import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { toEpochSec } from '../../platform/agile/index.js';
import type { CommandHandler, ModalOpener } from '../../platform/slack/command-types.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { QUICK_PATH_TTL_SEC, runOnce } from '../../platform/store/run-once.js';
import { TIMEOUT, within } from '../../platform/within.js';
import { type ContactChoice, toChoice } from '../contacts/contact-search.js';
import { findContactByEmail } from '../contacts/find-contact.js';
import { parseDueDate } from './due-date.js';
import { buildTaskCreatedMessage } from './message-views.js';
import { buildTaskModal, buildTaskModalLoading, type OwnerChoice } from './modal-view.js';
import {
  createTask,
  DEFAULT_TASK_PRIORITY,
  defaultDue,
  defaultOwner,
  guessTaskType,
  ownerChoices,
  ownerName,
  quickTaskKey,
  SUBJECT_MAX,
  toLocalDue,
} from './use-case.js';

/** How long the modal waits for Agile before showing the form without what is missing. */
const LOAD_BUDGET_MS = 4000;

/** The answer, or undefined when it failed or took longer than `ms` (either way onFail hears why). */
async function answerWithin<T>(
  promise: Promise<T>,
  ms: number,
  onFail: (err: unknown) => void,
): Promise<T | undefined> {
  const answer = promise.catch((err: unknown) => {
    onFail(err);
    return undefined;
  });
  const result = await within(answer, ms);
  if (result !== TIMEOUT) return result;
  onFail(new Error(`no answer within ${ms} ms`));
  return undefined;
}

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
 * Opens the Create task modal: views.open at once with a loading state (a trigger_id lives 3 s), then
 * the form with owners and defaults. Anything the CRM fails to give is left out with a notice; the form
 * always shows. Throws only when Slack refuses to open the modal.
 */
export async function openTaskModal(deps: Deps, input: OpenTaskModalInput): Promise<void> {
  const { client, userId } = input;
  const loadingMeta = { channelId: input.channelId, timeZone: 'UTC' };
  const opened = await client.views.open({
    trigger_id: input.triggerId,
    view: buildTaskModalLoading(loadingMeta),
  });
  const viewId = opened.view?.id;
  if (!viewId) throw new Error('views.open returned no view id');

  const warn = (what: string) => (err: unknown) =>
    deps.logger.warn({ err }, `task modal: could not load ${what}`);
  const profileP = deps.slackUsers.profile(userId);
  const ownersP = answerWithin(deps.owners.list(), LOAD_BUDGET_MS, warn('Agile users'));
  const contactP = input.contactId
    ? answerWithin(deps.agile.contacts.get(input.contactId), LOAD_BUDGET_MS, warn('the contact'))
    : Promise.resolve(null);
  const profile = await profileP;
  const [owners, contact, chosen] = await Promise.all([
    ownersP,
    contactP,
    answerWithin(defaultOwner(deps.owners, profile.email), LOAD_BUDGET_MS, warn('the default owner')),
  ]);

  const notices: string[] = [];
  if (!owners)
    notices.push(
      'The CRM did not list its users in time: without an owner the task goes to the CRM API user.',
    );
  const ownerList: OwnerChoice[] = owners ? ownerChoices(owners) : [];
  const owner = chosen ? { id: chosen.id, name: ownerName(chosen) } : undefined;
  if (input.contactId && !contact)
    notices.push('The contact could not be loaded from the CRM: pick it below.');
  const contacts: ContactChoice[] = contact ? [toChoice(contact)] : [];

  const meta = { channelId: input.channelId, timeZone: profile.timeZone };
  const due = toLocalDue(defaultDue(deps.now(), profile.timeZone), profile.timeZone);
  const view = buildTaskModal({
    meta,
    owners: ownerList,
    values: { dueDate: due.date, dueTime: due.time, contacts, ...(owner ? { owner } : {}) },
    ...(notices.length > 0 ? { notice: notices.join(' ') } : {}),
  });
  await client.views.update({ view_id: viewId, hash: opened.view?.hash, view });
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
  const refuse = (message: string) =>
    respond({
      response_type: 'ephemeral',
      ...buildNotice('error', message, `Nothing was created. You typed: ${typed}`),
    });
  const now = deps.now();
  const subject = cmd.subject.trim();
  if (subject.length > SUBJECT_MAX) {
    await refuse(`The subject is too long (${subject.length} characters; at most ${SUBJECT_MAX}).`);
    return;
  }
  const profile = await deps.slackUsers.profile(command.user_id);
  const timeZone = profile.timeZone;

  let dueEpochSec: number;
  if (cmd.dueText !== null) {
    const parsed = parseDueDate(cmd.dueText, { timeZone, now });
    if (!parsed.ok) {
      await refuse(parsed.message);
      return;
    }
    dueEpochSec = parsed.dueEpochSec;
  } else {
    dueEpochSec = toEpochSec(defaultDue(now, timeZone));
  }

  try {
    const contact = await findContactByEmail(deps.agile, cmd.email);
    if (!contact) {
      await refuse(
        `No contact in the CRM has the email ${cmd.email}. Check the spelling, or find them with /crm lookup <name>.`,
      );
      return;
    }
    const owner = await defaultOwner(deps.owners, profile.email);
    const key = quickTaskKey({
      userId: command.user_id,
      email: cmd.email,
      subject,
      dueText: cmd.dueText,
    });
    const outcome = await runOnce(
      deps.store,
      key,
      () =>
        createTask(
          deps.agile,
          {
            subject,
            type: guessTaskType(subject),
            priority: DEFAULT_TASK_PRIORITY,
            dueEpochSec,
            contactIds: [contact.id],
            ...(owner ? { ownerId: owner.id } : {}),
          },
          owner ? { owner: { id: owner.id, name: ownerName(owner) } } : {},
        ),
      { ttlSec: QUICK_PATH_TTL_SEC },
    );
    if (outcome.status === 'in_progress') {
      await respond({
        response_type: 'ephemeral',
        ...buildNotice('info', 'This task is already being created — one moment.'),
      });
      return;
    }
    await respond({
      response_type: 'ephemeral',
      ...buildTaskCreatedMessage(outcome.result, {
        timeZone,
        now,
        defaultedDue: cmd.dueText === null,
        replayed: outcome.replayed,
      }),
    });
  } catch (err) {
    deps.logger.warn({ err }, 'quick task failed');
    await refuse(`The task was not created: ${describeAgileError(err)}.`);
  }
};
