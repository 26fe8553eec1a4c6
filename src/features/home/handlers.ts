import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { type Actor, actorOfBody } from '../../platform/slack/actor.js';
import { openForm } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { escapeMrkdwn, LIMITS } from '../../platform/slack/mrkdwn.js';
import { readState } from '../../platform/slack/view-state.js';
import { TIMEOUT, within } from '../../platform/within.js';
import { parseDigestTaskValue } from '../digest/views.js';
import { undoIdOf } from '../undo/offer.js';
import { confirmTaskChange } from '../undo/task-change.js';
import {
  applyHomeTaskAction,
  type HomeTaskAction,
  isActorHomeAdmin,
  loadMemberMapping,
  saveHomeSettings,
  saveUserLink,
  searchAgileUsers,
} from './use-case.js';
import {
  buildAgileUserOptions,
  buildMapMemberLoadingModal,
  buildMapMemberModal,
  buildMapMemberUnavailableModal,
  decodeMapMemberMetadata,
  encodeMapMemberMetadata,
  MAPPING_ADMINS_ONLY,
  parseUserLinkValue,
  slackUserOfLinkBlock,
} from './views.js';

/** Events come acked by the receiver; register.ts hands a no-op ack so the gate can order the work. */
type HomeOpenedArgs = Omit<SlackEventMiddlewareArgs<'app_home_opened'>, 'ack'> &
  AllMiddlewareArgs & { ack: () => Promise<void> };
type HomeActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type HomeViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type HomeOptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

/** An options load answers within Slack's 3 s: past this budget it answers nothing (type again). */
const OPTIONS_BUDGET_MS = 2000;

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

/**
 * "Map a member…" (the users_select) or a mapping row's Change… button: opens the member's mapping
 * modal at once (the trigger_id lasts 3 s), then fills it with their current match, why, and the
 * override picker. Not an admin (a stale Home tab): the modal says so.
 */
export function homeMapMemberCallback(deps: Deps) {
  return async ({ ack, body, action, client }: HomeActionArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const slackUserId =
      action.type === 'users_select'
        ? action.selected_user
        : action.type === 'button'
          ? action.value
          : undefined;
    if (!slackUserId) return;
    const metadata = encodeMapMemberMetadata(slackUserId);
    try {
      await openForm({
        client,
        logger: deps.logger,
        triggerId: body.trigger_id,
        loading: buildMapMemberLoadingModal(metadata),
        fill: async () => {
          const mapping = await loadMemberMapping(deps, actor, slackUserId);
          return mapping.kind === 'loaded'
            ? buildMapMemberModal(mapping)
            : buildMapMemberUnavailableModal(metadata, MAPPING_ADMINS_ONLY);
        },
        unavailable: (message) => buildMapMemberUnavailableModal(metadata, message),
      });
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the member mapping modal');
    }
  };
}

/** The mapping modal's type-ahead (more Agile users than a static select holds); admins only. */
export function homeMapAgileUserOptionsCallback(deps: Deps) {
  return async ({ ack, body, options }: HomeOptionsArgs): Promise<void> => {
    const query = options.value ?? '';
    const search = searchAgileUsers(deps, actorOfBody(body), query, LIMITS.selectOptions).catch(
      (err: unknown) => {
        deps.logger.warn({ err }, 'could not search the Agile users for the mapping');
        return [];
      },
    );
    const found = await within(search, OPTIONS_BUDGET_MS);
    if (found === TIMEOUT)
      deps.logger.warn({ budgetMs: OPTIONS_BUDGET_MS }, 'Agile users: no answer in time');
    // Not an admin (null), or no answer in time: nothing to pick.
    if (found === TIMEOUT || found === null) await ack({ options: [] });
    else await ack(buildAgileUserOptions(found, query));
  };
}

/**
 * The mapping modal saved: the admin is checked again (errors under the picker), then the override is
 * saved with the same store call as the Home tab's pickers, and the admin's Home tab re-published with
 * what changed.
 */
export function homeMapMemberSubmissionCallback(deps: Deps) {
  return async ({ ack, body, view, client }: HomeViewArgs): Promise<void> => {
    const actor = actorOfBody(body);
    const slackUserId = decodeMapMemberMetadata(view.private_metadata);
    const picked = readState(view.state.values).selected(BLOCK.homeMapAgileUser, ACTION.homeMapAgileUser);
    const agileUserId = parseUserLinkValue(picked?.value);
    if (!slackUserId) {
      await ack();
      return;
    }
    if (agileUserId === undefined) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.homeMapAgileUser]: 'Pick an Agile user, or No override.' },
      });
      return;
    }
    if (!(await isActorHomeAdmin(deps, actor))) {
      await ack({ response_action: 'errors', errors: { [BLOCK.homeMapAgileUser]: MAPPING_ADMINS_ONLY } });
      return;
    }
    await ack();
    const saved = await saveUserLink(deps, actor, slackUserId, agileUserId).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not save a user mapping');
      return 'failed' as const;
    });
    const name = await deps.slackUsers
      .profile(slackUserId)
      .then((p) => p.name || slackUserId)
      .catch(() => slackUserId);
    const who = `*${escapeMrkdwn(name)}*`;
    let notice: string;
    if (saved === 'failed') notice = `⚠️ The mapping of ${who} could not be saved. Try again.`;
    else if (!saved)
      notice = `⚠️ The mapping of ${who} was not saved: that Agile user is gone, or you are no longer an admin.`;
    else if (agileUserId === null)
      notice = `✅ ${who}: no override any more (matched by their own Agile connection, else their Slack email).`;
    else
      notice = `✅ ${who} now maps to ${escapeMrkdwn(picked?.text ?? 'the Agile user you picked')} (override).`;
    await republish(deps, client, actor, notice);
    deps.logger.info({ member: slackUserId, outcome: saved }, 'member mapping saved from its modal');
  };
}
