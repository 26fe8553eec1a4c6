import type { Deps } from '../../app/deps.js';
import type { DomainUser, Task } from '../../platform/agile/index.js';
import { audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import { onceKey, runOnce } from '../../platform/store/run-once.js';
import { agileEmailFor, agileIdentityFor } from '../../platform/workspace/identity.js';
import { isWorkspaceAdmin } from '../access/admin.js';
import { digestNeedsOwner, digestPermission, isOwnerByEmail } from '../access/policy.js';
import { DIGEST_DEFAULT_DAYS } from './digest-command.js';
import { buildDigestItem, type DigestItem, type DigestTask } from './digest-model.js';
import { resolveMentions, toDigestTask } from './digest-run.js';
import { snoozedDueEpochSec } from './schedule.js';

export type DigestClickDeps = Pick<
  Deps,
  | 'agile'
  | 'owners'
  | 'slackUsers'
  | 'store'
  | 'logger'
  | 'now'
  | 'audit'
  | 'settings'
  | 'connection'
  | 'teamId'
>;

export type DigestActionKind = 'complete' | 'snooze' | 'reassign';

/** One click on a digest item's Complete / Snooze 1 day / Reassign. */
export interface DigestClickInput {
  actor: Actor;
  /** The digest message clicked (a thread reply is a message of its own). */
  channelId: string;
  messageTs: string;
  action: DigestActionKind;
  taskId: string;
  /** Snooze: the due the button showed; absent when its value is not one the digest wrote. */
  shownDueEpochSec?: number;
  /** Reassign: the Slack user picked. */
  pickedUserId?: string;
  /** Slack's action_ts (epoch seconds as text): a re-delivered click computes the same due. */
  actionTs?: string;
}

/** What to re-render in the clicked message: every item handled in it so far. */
export interface DigestClickRender {
  items: DigestItem[];
  timeZone: string;
  mentions: Map<string, string>;
}

export type DigestClickOutcome =
  /** Reassign with nobody picked (the select was cleared). */
  | { kind: 'ignored' }
  | { kind: 'stale_button' }
  /** Reassign: no override, personal connection or Slack email says who the picked member is in Agile. */
  | { kind: 'no_email'; name: string }
  | { kind: 'no_agile_user'; email: string }
  /** The clicker may not do this to this task (see features/access/policy.ts): nothing written. */
  | { kind: 'not_allowed'; action: DigestActionKind; who: 'owner' | 'owner_or_admin'; ownerName?: string }
  /** Reading what the click needs failed (nothing written). */
  | { kind: 'unprepared'; error: unknown }
  /** The task update failed (nothing written; the click may be tried again). */
  | { kind: 'not_updated'; error: unknown }
  /** The same click again (re-delivered, or still being handled): nothing written, nothing re-rendered. */
  | { kind: 'repeated' }
  /**
   * Written; `render` is absent when the message could not be prepared for re-rendering. `task` and
   * `before` (the task as read just before the change; null if that read failed) are for its Undo.
   */
  | {
      kind: 'applied';
      render?: DigestClickRender;
      change: DigestChange;
      task: DigestTask;
      before: Task | null;
      /** The click's idempotency key: an Undo releases it, so the same click works again. */
      key: string;
    };

export type DigestChange =
  | { kind: 'complete' }
  /** `fromDueEpochSec`: the due the button showed (what an Undo puts back). */
  | { kind: 'snooze'; newDueEpochSec: number; fromDueEpochSec?: number }
  | { kind: 'reassign'; owner: DomainUser };

/** The digest message a click came from, as digest actions are recorded (thread replies are their own). */
function messageRunId(channelId: string, messageTs: string): string {
  return `msg:${channelId}:${messageTs}`;
}

/** The zone and horizon the channel's digest is shown with: its schedule's, else the clicker's zone. */
async function digestView(deps: DigestClickDeps, channelId: string, userId: string) {
  const schedule = await deps.store.digestSchedules.get(channelId);
  return {
    timeZone: schedule?.timeZone ?? (await deps.slackUsers.profile(userId)).timeZone,
    horizonDays: schedule?.horizonDays ?? DIGEST_DEFAULT_DAYS,
  };
}

function clickMs(input: DigestClickInput, now: () => Date): number {
  const ts = Number(input.actionTs);
  return Number.isFinite(ts) && ts > 0 ? Math.round(ts * 1000) : now().getTime();
}

/**
 * What the click asks of the task. Snooze 1 day: a future due moves one day later, an overdue one to
 * tomorrow at its time of day (in the digest's zone), computed from the due the button showed and the
 * click's time. Reassign: the picked Slack user's Agile email (the user mapping: override, their own
 * Agile connection, else their Slack email) → the Agile user with that email.
 */
async function changeOf(
  deps: DigestClickDeps,
  input: DigestClickInput,
): Promise<{ change: DigestChange } | { refused: DigestClickOutcome }> {
  switch (input.action) {
    case 'complete':
      return { change: { kind: 'complete' } };
    case 'snooze': {
      if (input.shownDueEpochSec === undefined) return { refused: { kind: 'stale_button' } };
      const { timeZone } = await digestView(deps, input.channelId, input.actor.userId);
      const at = clickMs(input, deps.now);
      const newDueEpochSec = snoozedDueEpochSec(input.shownDueEpochSec, at, timeZone);
      return { change: { kind: 'snooze', newDueEpochSec, fromDueEpochSec: input.shownDueEpochSec } };
    }
    case 'reassign': {
      if (!input.pickedUserId) return { refused: { kind: 'ignored' } };
      // The picked member's Agile user as the mapping says (override, their own connection, Slack email).
      const identity = await agileIdentityFor(deps, input.pickedUserId, input.actor.userId);
      if (!identity) {
        const { name } = await deps.slackUsers.profile(input.pickedUserId);
        return { refused: { kind: 'no_email', name } };
      }
      const owner = await deps.owners.byEmail(identity.email);
      if (!owner) return { refused: { kind: 'no_agile_user', email: identity.email } };
      return { change: { kind: 'reassign', owner } };
    }
  }
}

/**
 * Who may press it: Complete / Snooze the task's owner (or any member when the workspace allows it),
 * Reassign the owner or an admin. The owner is read from the task only when the rule needs it, and
 * matched by email (the clicker's Agile email, or their personal connection's).
 */
async function refusalOf(
  deps: DigestClickDeps,
  input: DigestClickInput,
): Promise<DigestClickOutcome | undefined> {
  const { action, actor } = input;
  if (action === 'reassign' && !input.pickedUserId) return undefined;
  const isAdmin = action === 'reassign' && (await isWorkspaceAdmin(deps, actor.userId));
  if (!digestNeedsOwner({ action, isAdmin, settings: deps.settings })) return undefined;
  const [task, email] = await Promise.all([
    deps.agile.tasks.get(input.taskId),
    agileEmailFor(deps, actor.userId),
  ]);
  // Agile answers 204 for a task that is gone: the digest showing it is out of date.
  if (!task) return { kind: 'stale_button' };
  const owner = task.taskOwner;
  const isTaskOwner = isOwnerByEmail(owner?.email, [email, deps.connection.personal?.email]);
  const verdict = digestPermission({ action, isTaskOwner, isAdmin, settings: deps.settings });
  if (verdict.allowed) return undefined;
  return {
    kind: 'not_allowed',
    action,
    who: verdict.who,
    ...(owner?.name || owner?.email ? { ownerName: owner.name || owner.email } : {}),
  };
}

/**
 * Applies the change to the Agile task (one partial update) and returns the task as the digest shows it
 * afterwards, marked with who did what. Throws Agile errors.
 */
async function applyChange(
  deps: Pick<Deps, 'agile'>,
  taskId: string,
  change: DigestChange,
  actorUserId: string,
): Promise<DigestTask> {
  const users = new Map<string, DomainUser>();
  switch (change.kind) {
    case 'complete': {
      const task = await deps.agile.tasks.updatePartial(taskId, { is_complete: true, status: 'COMPLETED' });
      return { ...toDigestTask(task, users), completedBy: actorUserId };
    }
    case 'snooze': {
      const task = await deps.agile.tasks.updatePartial(taskId, { due: change.newDueEpochSec });
      return { ...toDigestTask(task, users), snoozedBy: actorUserId };
    }
    case 'reassign': {
      const { owner } = change;
      const task = await deps.agile.tasks.updatePartial(taskId, { owner_id: String(owner.id) });
      const out = toDigestTask({ ...task, taskOwner: task.taskOwner ?? owner }, users);
      const reassignedTo: NonNullable<DigestTask['reassignedTo']> = {
        ownerName: owner.name || owner.email || 'someone',
        byUserId: actorUserId,
      };
      if (owner.email) reassignedTo.ownerEmail = owner.email;
      return { ...out, reassignedTo };
    }
  }
}

/** The audit line of a digest change: the task's subject and what changed (never a note's text). */
function changeSummary(task: DigestTask, change: DigestChange): string {
  switch (change.kind) {
    case 'complete':
      return `${task.subject}: completed`;
    case 'snooze':
      return `${task.subject}: due ${new Date(change.newDueEpochSec * 1000).toISOString()}`;
    case 'reassign':
      return `${task.subject}: owner ${change.owner.email || change.owner.name || change.owner.id}`;
  }
}

/**
 * Every item handled so far in the message (from the store, not only this click), so two people
 * clicking two items at once cannot undo each other's update.
 */
export async function renderOf(
  deps: DigestClickDeps,
  input: Pick<DigestClickInput, 'channelId' | 'messageTs' | 'actor'>,
): Promise<DigestClickRender> {
  const view = await digestView(deps, input.channelId, input.actor.userId);
  const handled = await deps.store.digestActions.listForRun(messageRunId(input.channelId, input.messageTs));
  const tasks = handled.map((a) => a.detail as DigestTask).filter((t) => t && typeof t.id === 'string');
  const emails = tasks
    .flatMap((t) => [t.ownerEmail, t.reassignedTo?.ownerEmail])
    .filter((e) => e !== undefined);
  const mentions = await resolveMentions(deps, emails);
  const now = deps.now();
  const items = tasks.map((task) => buildDigestItem(task, { now, ...view }));
  return { items, timeZone: view.timeZone, mentions };
}

/**
 * Writes a task change once per key: audited, and recorded as a digest action under `runId` (the digest
 * message it re-renders; null for other surfaces such as App Home). Throws the Agile error when the
 * update failed (nothing recorded, so the same click may be tried again).
 */
export async function writeTaskChange(
  deps: Pick<DigestClickDeps, 'agile' | 'store' | 'audit'>,
  input: {
    actor: Actor;
    action: DigestActionKind;
    taskId: string;
    change: DigestChange;
    key: string;
    runId: string | null;
    /** How long the key answers "done" (runOnce's default: a day). */
    ttlSec?: number;
  },
): Promise<{ kind: 'written'; task: DigestTask; before: Task | null } | { kind: 'repeated' }> {
  const { actor, action, taskId, change, key } = input;
  const once = input.ttlSec === undefined ? {} : { ttlSec: input.ttlSec };
  // What the task had before the change, for its Undo. Only Reassign reads it (the previous owner is
  // not on the button); Complete reopens, Snooze restores the due the button showed. A failed read
  // only means no Undo.
  let before: Task | null = null;
  const outcome = await runOnce(
    deps.store,
    key,
    async () => {
      if (change.kind === 'reassign') before = await deps.agile.tasks.get(taskId).catch(() => null);
      const task = await audited(
        deps.audit,
        {
          action: `digest.${action}`,
          actor,
          summary: `Task ${taskId}`,
          ids: { taskId },
          written: (t) => ({ recordIds: {}, summary: changeSummary(t, change) }),
        },
        () => applyChange(deps, taskId, change, actor.userId),
      );
      await deps.store.digestActions.record({
        actionKey: key,
        runId: input.runId,
        taskId,
        action,
        actorUserId: actor.userId,
        detail: task,
      });
      return task;
    },
    once,
  );
  if (outcome.status !== 'done' || outcome.replayed) return { kind: 'repeated' };
  return { kind: 'written', task: outcome.result, before };
}

/** A digest button: changes the task once per click (message + action + task + pick), whatever the deliveries. */
export async function applyDigestClick(
  deps: DigestClickDeps,
  input: DigestClickInput,
): Promise<DigestClickOutcome> {
  const { actor, channelId, messageTs, action, taskId } = input;
  let prepared: Awaited<ReturnType<typeof changeOf>>;
  try {
    const refused = await refusalOf(deps, input);
    if (refused) return refused;
    prepared = await changeOf(deps, input);
  } catch (error) {
    deps.logger.warn({ err: error, taskId }, 'digest click could not be prepared');
    return { kind: 'unprepared', error };
  }
  if ('refused' in prepared) return prepared.refused;
  const { change } = prepared;

  const key = onceKey('digest.click', actor.teamId, channelId, messageTs, action, taskId, input.pickedUserId);
  let written: Awaited<ReturnType<typeof writeTaskChange>>;
  try {
    written = await writeTaskChange(deps, {
      actor,
      action,
      taskId,
      change,
      key,
      runId: messageRunId(channelId, messageTs),
    });
    // A second delivery of the same click neither writes nor re-renders (its message snapshot is stale).
    if (written.kind === 'repeated') return { kind: 'repeated' };
  } catch (error) {
    deps.logger.warn({ err: error, taskId, kind: action }, 'digest action failed');
    return { kind: 'not_updated', error };
  }
  const applied = { kind: 'applied' as const, change, task: written.task, before: written.before, key };
  try {
    return { ...applied, render: await renderOf(deps, input) };
  } catch (err) {
    deps.logger.warn({ err, channel: channelId, ts: messageTs }, 'could not update the digest message');
    return applied;
  }
}
