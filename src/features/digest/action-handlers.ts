import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Deps } from '../../app/deps.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { buildNotice } from '../../platform/slack/message.js';
import { runOnce } from '../../platform/store/run-once.js';
import { buildDigestItem, type DigestTask } from './digest-model.js';
import { resolveMentions } from './digest-run.js';
import { snoozedDueEpochSec } from './schedule.js';
import { applyDigestAction, type DigestActionInput } from './task-actions.js';
import { buildDigestItemUpdate, parseDigestTaskValue, taskIdFromDigestBlockId } from './views.js';

type DigestActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const DEFAULT_HORIZON_DAYS = 3;

/** The digest message a click came from: clicks in thread replies update that reply. */
function messageKey(channel: string, ts: string): string {
  return `msg:${channel}:${ts}`;
}

/** The zone the channel's digest is shown in: its schedule's, else the clicker's (as `/crm digest now`). */
async function digestTimeZone(deps: Deps, channel: string, userId: string): Promise<string> {
  const schedule = await deps.store.digestSchedules.get(channel);
  return schedule?.timeZone ?? (await deps.slackUsers.profile(userId)).timeZone;
}

/** When the click happened (Slack's action_ts), so a re-delivered click computes the same result. */
function clickMs(action: { action_ts?: unknown } | undefined, now: () => Date): number {
  const ts = Number(action?.action_ts);
  return Number.isFinite(ts) && ts > 0 ? Math.round(ts * 1000) : now().getTime();
}

/**
 * Re-renders every item handled so far in this message (from the store, not only this click), so two
 * people clicking two items at once cannot undo each other's update.
 */
async function updateMessage(deps: Deps, args: DigestActionArgs, channel: string, ts: string): Promise<void> {
  const message = args.body.message;
  if (!message) return;
  const schedule = await deps.store.digestSchedules.get(channel);
  const timeZone = schedule?.timeZone ?? (await deps.slackUsers.profile(args.body.user.id)).timeZone;
  const handled = await deps.store.digestActions.listForRun(messageKey(channel, ts));
  const tasks = handled.map((a) => a.detail as DigestTask).filter((t) => t && typeof t.id === 'string');
  const emails = tasks
    .flatMap((t) => [t.ownerEmail, t.reassignedTo?.ownerEmail])
    .filter((e) => e !== undefined);
  const mentions = await resolveMentions(deps, emails);
  const options = { timeZone, mentionFor: (email: string) => mentions.get(email.toLowerCase()) };
  let blocks = (message.blocks ?? []) as KnownBlock[];
  let changed = false;
  for (const task of tasks) {
    const item = buildDigestItem(task, {
      now: deps.now(),
      timeZone,
      horizonDays: schedule?.horizonDays ?? DEFAULT_HORIZON_DAYS,
    });
    const update = buildDigestItemUpdate(blocks, item, options);
    if (update.found) {
      blocks = update.blocks;
      changed = true;
    }
  }
  if (!changed) return;
  await args.client.chat.update({ channel, ts, blocks, text: message.text ?? 'CRM digest' });
}

async function handle(
  deps: Deps,
  args: DigestActionArgs,
  describe: (taskId: string, actorUserId: string) => Promise<DigestActionInput | string | undefined>,
): Promise<void> {
  await args.ack();
  const { body } = args;
  const action = body.actions[0];
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  if (!action || !channel || !ts) return;
  const value = 'value' in action ? parseDigestTaskValue(action.value) : undefined;
  const taskId = value?.taskId ?? taskIdFromDigestBlockId(action.block_id);
  if (!taskId) {
    deps.logger.warn({ actionId: action.action_id }, 'digest click without a task');
    return;
  }
  const userId = body.user.id;
  const notify = (text: string) =>
    args
      .respond({ response_type: 'ephemeral', replace_original: false, ...buildNotice('error', text) })
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not answer a digest click'));

  let input: DigestActionInput | string | undefined;
  try {
    input = await describe(taskId, userId);
  } catch (err) {
    deps.logger.warn({ err, taskId }, 'digest click could not be prepared');
    await notify(`Sorry, that did not work: ${describeAgileError(err)}`);
    return;
  }
  if (input === undefined) return;
  if (typeof input === 'string') {
    await notify(input);
    return;
  }
  const detailKey = input.kind === 'reassign' ? `:${String(input.owner.id)}` : '';
  const key = `digest:${input.kind}:${channel}:${ts}:${taskId}${detailKey}`;
  const applied = input;
  try {
    const outcome = await runOnce(deps.store, key, async () => {
      const task = await applyDigestAction(deps, applied);
      await deps.store.digestActions.record({
        actionKey: key,
        runId: messageKey(channel, ts),
        taskId,
        action: applied.kind,
        actorUserId: userId,
        detail: task,
      });
      return task;
    });
    // A second delivery of the same click neither writes nor re-renders (its message snapshot is stale).
    if (outcome.status !== 'done' || outcome.replayed) return;
  } catch (err) {
    deps.logger.warn({ err, taskId, kind: applied.kind }, 'digest action failed');
    await notify(`Sorry, the task was not updated: ${describeAgileError(err)}`);
    return;
  }
  try {
    await updateMessage(deps, args, channel, ts);
  } catch (err) {
    deps.logger.warn({ err, channel, ts }, 'could not update the digest message');
  }
}

/** Complete: marks the task complete (partial update) and shows who did it. */
export function digestCompleteCallback(deps: Deps) {
  return (args: DigestActionArgs) =>
    handle(deps, args, async (taskId, actorUserId) => ({ kind: 'complete', taskId, actorUserId }));
}

/**
 * Snooze 1 day: a future due moves one day later, an overdue one to tomorrow at its time of day (in the
 * digest's zone). Computed from the due the button showed and the click's action_ts, so a re-delivered
 * click asks for the same due (and runOnce writes it once anyway).
 */
export function digestSnoozeCallback(deps: Deps) {
  return (args: DigestActionArgs) =>
    handle(deps, args, async (taskId, actorUserId) => {
      const action = args.body.actions[0];
      const value = action && 'value' in action ? parseDigestTaskValue(action.value) : undefined;
      if (!value) return 'That button is out of date: run `/crm digest now` for a fresh digest.';
      const channel = args.body.channel?.id ?? args.body.container?.channel_id ?? '';
      const timeZone = await digestTimeZone(deps, channel, actorUserId);
      const newDueEpochSec = snoozedDueEpochSec(value.dueEpochSec, clickMs(action, deps.now), timeZone);
      return { kind: 'snooze', taskId, newDueEpochSec, actorUserId };
    });
}

/** Reassign: the picked Slack user's email → the Agile user with that email becomes the owner. */
export function digestReassignCallback(deps: Deps) {
  return (args: DigestActionArgs) =>
    handle(deps, args, async (taskId, actorUserId) => {
      const action = args.body.actions[0];
      const picked = action?.type === 'users_select' ? action.selected_user : undefined;
      if (!picked) return undefined;
      const profile = await deps.slackUsers.profile(picked);
      if (!profile.email)
        return `I cannot see an email for ${profile.name}, so I cannot find their Agile CRM user.`;
      const owner = await deps.owners.byEmail(profile.email);
      if (!owner) return `No Agile CRM user has the email ${profile.email}: the task keeps its owner.`;
      return { kind: 'reassign', taskId, owner, actorUserId };
    });
}
