import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Deps } from '../../app/deps.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import { confirmTaskChange } from '../undo/task-change.js';
import { applyDigestClick, type DigestActionKind, type DigestClickInput } from './click-use-case.js';
import { buildDigestClickNotice } from './reply-views.js';
import {
  buildDigestMessageUpdate,
  digestSubjectOf,
  parseDigestTaskValue,
  taskIdFromDigestBlockId,
} from './views.js';

type DigestActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** The click as plain values; undefined when it names no digest message or task. */
function clickInputOf(body: BlockAction, action: DigestActionKind): DigestClickInput | undefined {
  const element = body.actions[0];
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  if (!element || !channelId || !messageTs) return undefined;
  const value = 'value' in element ? parseDigestTaskValue(element.value) : undefined;
  const taskId = value?.taskId ?? taskIdFromDigestBlockId(element.block_id);
  if (!taskId) return undefined;
  const input: DigestClickInput = {
    actor: actorOfBody(body),
    channelId,
    messageTs,
    action,
    taskId,
    actionTs: element.action_ts,
  };
  if (value) input.shownDueEpochSec = value.dueEpochSec;
  if (element.type === 'users_select' && element.selected_user) input.pickedUserId = element.selected_user;
  return input;
}

/** Ack, apply the click, answer privately if it did not apply, re-render the message if it did. */
async function digestClick(deps: Deps, args: DigestActionArgs, action: DigestActionKind): Promise<void> {
  await args.ack();
  const { body } = args;
  const input = clickInputOf(body, action);
  if (!input) {
    deps.logger.warn({ actionId: body.actions[0]?.action_id }, 'digest click without a task');
    return;
  }
  const outcome = await applyDigestClick(deps, input);
  const message = body.message;
  // The message as it was before this click: an Undo puts this task's line back from it.
  const digestMessage = message && {
    channel: input.channelId,
    ts: input.messageTs,
    text: message.text ?? 'CRM digest',
    blocks: (message.blocks ?? []) as unknown[],
  };
  const notice =
    outcome.kind === 'applied'
      ? await confirmTaskChange(deps, input.actor, {
          ...outcome,
          ...(digestMessage ? { digestMessage } : {}),
        })
      : // Failure words name the task as the message shows it, not by an id.
        buildDigestClickNotice(outcome, digestSubjectOf(body.message?.blocks, input.taskId));
  if (notice) {
    await args
      .respond({ response_type: 'ephemeral', replace_original: false, ...notice })
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not answer a digest click'));
  }
  if (outcome.kind === 'applied' && outcome.render && message) {
    const blocks = buildDigestMessageUpdate((message.blocks ?? []) as KnownBlock[], outcome.render.items, {
      timeZone: outcome.render.timeZone,
      mentions: outcome.render.mentions,
    });
    if (blocks) {
      await args.client.chat
        .update({ channel: input.channelId, ts: input.messageTs, blocks, text: message.text ?? 'CRM digest' })
        .catch((err: unknown) =>
          deps.logger.warn(
            { err, channel: input.channelId, ts: input.messageTs },
            'could not update the digest message',
          ),
        );
    }
  }
  deps.logger.info({ action, taskId: input.taskId, outcome: outcome.kind }, 'digest click handled');
}

/** Complete: marks the task complete (partial update) and shows who did it. */
export function digestCompleteCallback(deps: Deps) {
  return (args: DigestActionArgs) => digestClick(deps, args, 'complete');
}

/** Snooze 1 day: see applyDigestClick for how the new due is computed. */
export function digestSnoozeCallback(deps: Deps) {
  return (args: DigestActionArgs) => digestClick(deps, args, 'snooze');
}

/** Reassign: the picked Slack user's Agile account becomes the owner. */
export function digestReassignCallback(deps: Deps) {
  return (args: DigestActionArgs) => digestClick(deps, args, 'reassign');
}
