import type { Deps } from '../../app/deps.js';
import {
  type AgileClient,
  type Contact,
  type DomainUser,
  getFullName,
  getPrimaryEmail,
  isAgileError,
  type Task,
  type TaskType,
  toEpochSec,
} from '../../platform/agile/index.js';
import { type AuditTrail, audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import type { BLOCK } from '../../platform/slack/ids.js';
import type { OwnerChoice } from '../../platform/slack/modal-parts.js';
import {
  type OnceAttempt,
  type OnceOutcome,
  onceKey,
  QUICK_PATH_TTL_SEC,
  runOnce,
} from '../../platform/store/run-once.js';
import { TIMEOUT, within } from '../../platform/within.js';
import { agileEmailFor } from '../../platform/workspace/identity.js';
import { type ContactChoice, toChoice } from '../contacts/contact-search.js';
import { findContactByEmail } from '../contacts/find-contact.js';
import { defaultDue, type LocalDue, parseDueDate, toLocalDue } from './due-date.js';
import { taskLanded } from './landed.js';
import { DEFAULT_TASK_PRIORITY, DEFAULT_TASK_TYPE, SUBJECT_MAX, type TaskDraft } from './schema.js';

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
const toOwnerChoice = (u: DomainUser): OwnerChoice => ({ id: u.id, name: ownerName(u) });

export function ownerChoices(owners: DomainUser[]): OwnerChoice[] {
  return owners.filter((u) => !u.is_disabled).map(toOwnerChoice);
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

/**
 * Which input an Agile refusal belongs to, read from its reason ("Invalid priority_type: …",
 * "due should be epoch seconds", "Contact not found with id …"). Anything else goes on the subject,
 * the first input, where the user sees it.
 */
export function taskErrorField(err: unknown): keyof typeof BLOCK {
  const reason = isAgileError(err) && err.kind === 'invalid' ? (err.reason ?? '').toLowerCase() : '';
  if (reason === '') return 'subject';
  if (/priority/.test(reason)) return 'priority';
  if (/\btype\b/.test(reason)) return 'taskType';
  if (/\bdue\b|date|time/.test(reason)) return 'dueDate';
  if (/contact/.test(reason)) return 'contact';
  if (/owner|domain user|user/.test(reason)) return 'owner';
  if (/description/.test(reason)) return 'description';
  return 'subject';
}

/** Creates the task (audited); the answer is plain JSON (it is kept by the idempotency store and replayed). */
function createTask(
  deps: { agile: AgileClient; audit: AuditTrail },
  actor: Actor,
  draft: TaskDraft,
  known: { owner?: OwnerChoice } = {},
  attempt: OnceAttempt = { afterUnknown: false },
): Promise<CreatedTask> {
  const spec = {
    action: 'task.create',
    actor,
    summary: draft.subject,
    ids: { contactIds: draft.contactIds },
    written: (t: CreatedTask) => ({ recordIds: { taskId: t.id } }),
  } as const;
  return audited(deps.audit, spec, () => writeTask(deps.agile, draft, known, attempt));
}

async function writeTask(
  agile: AgileClient,
  draft: TaskDraft,
  known: { owner?: OwnerChoice },
  attempt: OnceAttempt,
): Promise<CreatedTask> {
  // An earlier create got no answer: if it landed, that task is the answer (never a second task).
  const landed = attempt.afterUnknown ? await taskLanded(agile, draft) : null;
  const task: Task =
    landed ??
    (await agile.tasks.create({
      subject: draft.subject,
      type: draft.type,
      priority_type: draft.priority,
      due: draft.dueEpochSec,
      contacts: draft.contactIds,
      ...(draft.ownerId ? { owner_id: draft.ownerId } : {}),
      ...(draft.description ? { taskDescription: draft.description } : {}),
    }));
  const ownerId = task.taskOwner?.id ?? task.owner_id ?? draft.ownerId;
  const owner = task.taskOwner
    ? toOwnerChoice(task.taskOwner)
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
    ...(owner ? { owner: { id: owner.id, name: owner.name } } : {}),
  };
}

// ---- the modal ----

/** How long the modal waits for each CRM read before showing the form without it. */
const LOAD_BUDGET_MS = 4000;

export interface TaskFormData {
  timeZone: string;
  /** undefined: the CRM did not list its users in time (the form goes without an owner input). */
  owners: OwnerChoice[] | undefined;
  owner?: OwnerChoice;
  contacts: ContactChoice[];
  /** A contact was asked for (a card's button) but could not be loaded. */
  contactMissing: boolean;
  due: LocalDue;
}

/**
 * What the Create task form opens with: owners, the default owner (by Slack email), the due default
 * in the user's zone, and the card's contact. A CRM read that fails or takes longer than the budget
 * is left out (the form says so); this never throws.
 */
export async function loadTaskForm(
  deps: Pick<Deps, 'agile' | 'owners' | 'slackUsers' | 'now' | 'logger' | 'store' | 'teamId' | 'connection'>,
  input: { userId: string; contactId?: string },
): Promise<TaskFormData> {
  const optional = async <T>(what: string, work: Promise<T>): Promise<T | undefined> => {
    try {
      const answer = await within(work, LOAD_BUDGET_MS);
      if (answer !== TIMEOUT) return answer;
      deps.logger.warn({ budgetMs: LOAD_BUDGET_MS }, `task modal: no answer for ${what} in time`);
    } catch (err) {
      deps.logger.warn({ err }, `task modal: could not load ${what}`);
    }
    return undefined;
  };
  const profileP = deps.slackUsers.profile(input.userId);
  const ownersP = optional('Agile users', deps.owners.list());
  const contactP = input.contactId
    ? optional('the contact', deps.agile.contacts.get(input.contactId))
    : Promise.resolve(undefined);
  const profile = await profileP;
  const [owners, contact, chosen] = await Promise.all([
    ownersP,
    contactP,
    // Their mapped Agile user (override, own connection, Slack email), else the API user.
    optional(
      'the default owner',
      agileEmailFor(deps, input.userId).then((email) => deps.owners.defaultFor(email)),
    ),
  ]);
  return {
    timeZone: profile.timeZone,
    owners: owners ? ownerChoices(owners) : undefined,
    ...(chosen ? { owner: toOwnerChoice(chosen) } : {}),
    contacts: contact ? [toChoice(contact)] : [],
    contactMissing: input.contactId !== undefined && !contact,
    due: toLocalDue(defaultDue(deps.now(), profile.timeZone), profile.timeZone),
  };
}

/** The Create task form submitted (validated): one task per modal, whatever Slack redelivers. */
export interface TaskFormWrite {
  actor: Actor;
  viewId: string;
  draft: TaskDraft;
  owner?: OwnerChoice;
}

export function createTaskFromForm(
  deps: Pick<Deps, 'agile' | 'store' | 'audit'>,
  input: TaskFormWrite,
): Promise<OnceOutcome<CreatedTask>> {
  return runOnce(deps.store, onceKey('task.modal', input.actor.teamId, input.viewId), (attempt) =>
    createTask(deps, input.actor, input.draft, input.owner ? { owner: input.owner } : {}, attempt),
  );
}

// ---- the quick path ----

export type QuickTaskRefusal =
  | { kind: 'subject_too_long'; length: number }
  | { kind: 'bad_due'; message: string }
  | { kind: 'no_contact'; email: string };

export type QuickTaskOutcome =
  | { kind: 'refused'; refusal: QuickTaskRefusal }
  | { kind: 'in_progress' }
  | { kind: 'created'; task: CreatedTask; timeZone: string; defaultedDue: boolean; replayed: boolean };

/**
 * `/crm task <email> <subject> [due <when>]`: the due date read in the user's zone (tomorrow 09:00
 * when none), the contact found by email, the owner by the user's Slack email. The same command from
 * the same user within QUICK_PATH_TTL_SEC is one task. CRM failures throw.
 */
export async function quickTask(
  deps: Pick<Deps, 'agile' | 'store' | 'owners' | 'slackUsers' | 'now' | 'audit' | 'teamId' | 'connection'>,
  actor: Actor,
  cmd: { email: string; subject: string; dueText: string | null },
): Promise<QuickTaskOutcome> {
  const refused = (refusal: QuickTaskRefusal): QuickTaskOutcome => ({ kind: 'refused', refusal });
  const now = deps.now();
  const subject = cmd.subject.trim();
  if (subject.length > SUBJECT_MAX) return refused({ kind: 'subject_too_long', length: subject.length });
  const profile = await deps.slackUsers.profile(actor.userId);
  const { timeZone } = profile;

  let dueEpochSec = toEpochSec(defaultDue(now, timeZone));
  if (cmd.dueText !== null) {
    const parsed = parseDueDate(cmd.dueText, { timeZone, now });
    if (!parsed.ok) return refused({ kind: 'bad_due', message: parsed.message });
    dueEpochSec = parsed.dueEpochSec;
  }

  const contact = await findContactByEmail(deps.agile, cmd.email);
  if (!contact) return refused({ kind: 'no_contact', email: cmd.email });
  // The mapped Agile user; a store hiccup falls back to the Slack email rather than failing the task.
  const mapped = await agileEmailFor(deps, actor.userId).catch(() => profile.email);
  const chosen = await deps.owners.defaultFor(mapped);
  const owner = chosen ? toOwnerChoice(chosen) : undefined;
  const key = onceKey(
    'task.quick',
    actor.teamId,
    actor.userId,
    cmd.email.toLowerCase(),
    subject,
    cmd.dueText ?? '',
  );
  const draft: TaskDraft = {
    subject,
    type: guessTaskType(subject),
    priority: DEFAULT_TASK_PRIORITY,
    dueEpochSec,
    contactIds: [contact.id],
    ...(owner ? { ownerId: owner.id } : {}),
  };
  const outcome = await runOnce(
    deps.store,
    key,
    (attempt) => createTask(deps, actor, draft, owner ? { owner } : {}, attempt),
    { ttlSec: QUICK_PATH_TTL_SEC },
  );
  if (outcome.status === 'in_progress') return { kind: 'in_progress' };
  return {
    kind: 'created',
    task: outcome.result,
    timeZone,
    defaultedDue: cmd.dueText === null,
    replayed: outcome.replayed,
  };
}

export type { Actor };
