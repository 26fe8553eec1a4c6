import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { type Actor, actorOfBody } from '../../platform/slack/actor.js';
import { escapeMrkdwn } from '../../platform/slack/mrkdwn.js';
import { parseDigestTaskValue } from '../digest/views.js';
import { undoIdOf } from '../undo/offer.js';
import { confirmTaskChange } from '../undo/task-change.js';
import { applyHomeTaskAction, type HomeTaskAction, saveHomeSettings, saveUserLink } from './use-case.js';
import { parseUserLinkValue, slackUserOfLinkBlock } from './views.js';

/** Events come acked by the receiver; register.ts hands a no-op ack so the gate can order the work. */
type HomeOpenedArgs = Omit<SlackEventMiddlewareArgs<'app_home_opened'>, 'ack'> &
  AllMiddlewareArgs & { ack: () => Promise<void> };
type HomeActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

async function republish(
  deps: Deps,
  client: WebClient,
  actor: Actor,
  notice?: string,
  undoId?: string | null,
): Promise<void> {
  await deps.home
    .publish(deps, client, actor, notice ? { notice, undoId: undoId ?? null } : {})
    .catch((err: unknown) => deps.logger.warn({ err }, 'could not publish App Home'));
}

/** app_home_opened on the Home tab: publish it (the Messages tab is Slack's own). */
export function appHomeOpenedCallback(deps: Deps) {
  return async ({ ack, event, body, client }: HomeOpenedArgs): Promise<void> => {
    await ack();
    if (event.tab !== 'home') return;
    const actor = { teamId: body.team_id, userId: event.user };
    await republish(deps, client, actor);
    deps.logger.info({ user: event.user }, 'App Home published');
  };
}

function homeTaskCallback(deps: Deps, action: HomeTaskAction) {
  return async ({ ack, body, action: element, client }: HomeActionArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const value = 'value' in element ? parseDigestTaskValue(element.value) : undefined;
    if (!value) {
      await republish(deps, client, actor, '⚠️ That button is out of date: here is your Home tab again.');
      return;
    }
    const outcome = await applyHomeTaskAction(deps, {
      actor,
      action,
      taskId: value.taskId,
      shownDueEpochSec: value.dueEpochSec,
      clickMs: Number(element.action_ts) * 1000 || deps.now().getTime(),
    });
    if (outcome.kind === 'done') {
      // The confirmation and its Undo at the top of the Home tab (App Home has no ephemeral messages).
      const confirmed = await confirmTaskChange(deps, actor, outcome.applied);
      const undoId = undoIdOf(confirmed.blocks);
      await republish(deps, client, actor, confirmed.text, undoId);
      deps.logger.info(
        { action, taskId: value.taskId, outcome: outcome.kind },
        'App Home task action handled',
      );
      return;
    }
    const notice =
      outcome.kind === 'failed'
        ? `⚠️ Could not ${action === 'complete' ? 'complete' : 'snooze'} the task: ${escapeMrkdwn(outcome.error)}`
        : undefined;
    await republish(deps, client, actor, notice);
    deps.logger.info({ action, taskId: value.taskId, outcome: outcome.kind }, 'App Home task action handled');
  };
}

/** Complete on one of my tasks in App Home. */
export function homeTaskCompleteCallback(deps: Deps) {
  return homeTaskCallback(deps, 'complete');
}

/** Snooze 1 day on one of my tasks in App Home (in my time zone). */
export function homeTaskSnoozeCallback(deps: Deps) {
  return homeTaskCallback(deps, 'snooze');
}

/** An admin ticked or unticked a setting: save all of them, re-publish. */
export function homeSettingsCallback(deps: Deps) {
  return async ({ ack, body, action, client }: HomeActionArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const selected =
      action.type === 'checkboxes' ? action.selected_options.flatMap((o) => (o.value ? [o.value] : [])) : [];
    const saved = await saveHomeSettings(deps, actor, selected).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not save the workspace settings');
      return 'failed' as const;
    });
    const notice =
      saved === 'failed'
        ? '⚠️ The settings could not be saved: the bot’s database did not answer. Try again.'
        : saved
          ? undefined
          : 'Only workspace admins and the installer can change the settings.';
    await republish(deps, client, actor, notice);
  };
}

/** An admin picked a member's Agile user (or "No override"): save it, re-publish. */
export function homeUserLinkCallback(deps: Deps) {
  return async ({ ack, body, action, client }: HomeActionArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const slackUserId = slackUserOfLinkBlock(action.block_id);
    const agileUserId =
      action.type === 'static_select' ? parseUserLinkValue(action.selected_option?.value) : undefined;
    if (!slackUserId || agileUserId === undefined) return;
    const saved = await saveUserLink(deps, actor, slackUserId, agileUserId).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not save a user mapping');
      return 'failed' as const;
    });
    const notice =
      saved === 'failed'
        ? '⚠️ The mapping could not be saved. Try again.'
        : saved
          ? undefined
          : 'Only workspace admins and the installer can change the mapping (or that Agile user is gone).';
    await republish(deps, client, actor, notice);
  };
}
