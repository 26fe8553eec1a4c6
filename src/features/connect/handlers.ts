import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { type Actor, actorOfBody, actorOfCommand } from '../../platform/slack/actor.js';
import type { CommandHandler } from '../../platform/slack/command-types.js';
import { parseForm, type SubmitArgs, submitForm } from '../../platform/slack/form-flow.js';
import { BLOCK } from '../../platform/slack/ids.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import { truncate } from '../../platform/slack/mrkdwn.js';
import { readState } from '../../platform/slack/view-state.js';
import { onceKey, runOnce } from '../../platform/store/run-once.js';
import { isWorkspaceAdmin } from '../access/admin.js';
import type { ConnectScope } from '../command/grammar.js';
import { connectFormSchema, connectFormValues, decodeConnectMetadata, readConnectForm } from './schema.js';
import {
  ConnectError,
  type Connected,
  connectAgile,
  currentAccount,
  disconnectAgile,
  workspaceAgile,
} from './use-case.js';
import {
  ADMIN_ONLY_CONNECT,
  buildAdminOnlyMessage,
  buildConnectCheckingModal,
  buildConnectDoneModal,
  buildConnectModal,
  buildConnectNoticeModal,
  buildDisconnectDoneModal,
  buildDisconnectModal,
  buildEnvAccountMessage,
  buildNotConnectedMessage,
  buildWorkspaceFirstMessage,
  WORKSPACE_FIRST,
} from './views.js';

/** Slack's 3 s minus room for the answer: a slower check shows "Checking…" and updates after. */
const CHECK_BUDGET_MS = 2500;
const ERROR_MAX = 300;

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Where a connect or disconnect was asked from, and how to answer there. */
interface Surface {
  actor: Actor;
  client: WebClient;
  triggerId: string;
  /** A modal is open (a button inside one): views.push, not views.open. */
  inModal: boolean;
  /** A refusal or a "nothing to do" answer, in the surface's own way. */
  answer(message: SlackMessage, scope: ConnectScope): Promise<void>;
}

async function show(deps: Deps, surface: Surface, view: View, scope: ConnectScope): Promise<void> {
  try {
    if (surface.inModal) await surface.client.views.push({ trigger_id: surface.triggerId, view });
    else await surface.client.views.open({ trigger_id: surface.triggerId, view });
  } catch (err) {
    // An expired trigger_id (Slack allows 3 s) or a Slack hiccup: say so rather than "the CRM failed".
    deps.logger.warn({ err, scope }, 'could not open the connect form');
    await surface.answer(buildNotice('error', 'Slack did not open the form in time. Try again.'), scope);
  }
}

/** Opens the connect form after the checks that need no form: who may, and what is connected. */
async function startConnect(deps: Deps, scope: ConnectScope, surface: Surface): Promise<void> {
  const { teamId, userId } = surface.actor;
  if (scope === 'workspace') {
    if (!(await isWorkspaceAdmin(deps, userId))) return surface.answer(buildAdminOnlyMessage(), scope);
    const current = await workspaceAgile(deps, teamId);
    if (current?.source === 'env') {
      return surface.answer(buildEnvAccountMessage('connect', current.domain, current.email), scope);
    }
    // Stored only (env was answered above): its members' own logins go if another domain is connected.
    const personalCount = current ? (await deps.store.workspaces.listPersonalAccounts(teamId)).length : 0;
    await show(
      deps,
      surface,
      buildConnectModal({
        scope,
        domain: current?.domain ?? null,
        replacing: current ? { ...current, personalCount } : null,
      }),
      scope,
    );
    return;
  }
  const workspace = await workspaceAgile(deps, teamId);
  if (!workspace) return surface.answer(buildWorkspaceFirstMessage(), scope);
  await show(deps, surface, buildConnectModal({ scope, domain: workspace.domain }), scope);
}

async function startDisconnect(deps: Deps, scope: ConnectScope, surface: Surface): Promise<void> {
  const { teamId, userId } = surface.actor;
  if (scope === 'workspace' && !(await isWorkspaceAdmin(deps, userId))) {
    return surface.answer(buildAdminOnlyMessage(), scope);
  }
  const current = await currentAccount(deps, scope, teamId, userId);
  if (!current) return surface.answer(buildNotConnectedMessage(scope), scope);
  if (scope === 'workspace' && current.source === 'env') {
    return surface.answer(buildEnvAccountMessage('disconnect', current.domain, current.email), scope);
  }
  await show(deps, surface, buildDisconnectModal(scope, current), scope);
}

function commandSurface(args: Parameters<CommandHandler<'connect'>>[1]): Surface {
  return {
    actor: actorOfCommand(args.command),
    client: args.client,
    triggerId: args.command.trigger_id,
    inModal: false,
    answer: async (message) => {
      await args.respond({ response_type: 'ephemeral', ...message });
    },
  };
}

/** `/crm connect` (admins: the workspace's account) and `/crm connect me` (anyone: their own). */
export const connectCommandHandler: CommandHandler<'connect'> = (cmd, args, deps) =>
  startConnect(deps, cmd.scope, commandSurface(args));

/** `/crm disconnect` (admins) and `/crm disconnect me`: a confirmation first. */
export const disconnectCommandHandler: CommandHandler<'disconnect'> = (cmd, args, deps) =>
  startDisconnect(deps, cmd.scope, commandSurface(args));

/** A Connect/Disconnect button: in App Home, a message (e.g. "connect first") or a modal. */
function buttonCallback(deps: Deps, scope: ConnectScope, start: typeof startConnect) {
  return async ({ ack, body, client, respond }: ActionArgs): Promise<void> => {
    await ack();
    const actor = actorOfBody(body);
    const where = body.view?.type;
    const surface: Surface = {
      actor,
      client,
      triggerId: body.trigger_id,
      inModal: where === 'modal',
      answer: async (message, s) => {
        if (where === 'home') {
          await deps.home
            .publish(deps, client, actor, { notice: message.text })
            .catch((err: unknown) => deps.logger.warn({ err }, 'could not answer in App Home'));
        } else if (where === 'modal') {
          await client.views.push({
            trigger_id: body.trigger_id,
            view: buildConnectNoticeModal(s, plainOf(message)),
          });
        } else {
          await respond({ response_type: 'ephemeral', replace_original: false, ...message });
        }
      },
    };
    await start(deps, scope, surface);
  };
}

/** The notice's words without its icon (the notice modal adds its own). */
const plainOf = (message: SlackMessage) => message.text.replace(/^\S+\s/, '');

export const connectWorkspaceCallback = (deps: Deps) => buttonCallback(deps, 'workspace', startConnect);
export const connectMeCallback = (deps: Deps) => buttonCallback(deps, 'personal', startConnect);
export const disconnectWorkspaceCallback = (deps: Deps) => buttonCallback(deps, 'workspace', startDisconnect);
export const disconnectMeCallback = (deps: Deps) => buttonCallback(deps, 'personal', startDisconnect);

async function refreshHome(deps: Deps, client: WebClient, actor: Actor): Promise<void> {
  await deps.home
    .publish(deps, client, actor, { fresh: true })
    .catch((err: unknown) =>
      deps.logger.warn({ err }, 'could not refresh App Home after a connection change'),
    );
}

/**
 * The connect form submitted: validate, check the login live with Agile (within ~2.5 s, else
 * "Checking…" then the result), store it only if Agile accepted it, show "Connected", refresh App Home.
 * The API key is never logged.
 */
export function connectSubmissionCallback(deps: Deps) {
  return async (args: ViewArgs): Promise<void> => {
    const { ack, body, view } = args;
    const meta = decodeConnectMetadata(view.private_metadata);
    if (!meta) {
      await ack({ response_action: 'clear' });
      return;
    }
    const scope = meta.scope;
    const actor = actorOfBody(body);
    const typed = readConnectForm(readState(view.state.values));
    // The personal form has no domain input: what concerns the domain shows under Email.
    const blockFor = (block: string) =>
      scope === 'personal' && block === BLOCK.agileDomain ? BLOCK.agileEmail : block;
    const parsed = parseForm(connectFormSchema(scope), connectFormValues(typed, scope));
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    const firstBlock = scope === 'workspace' ? BLOCK.agileDomain : BLOCK.agileEmail;
    const refuse = (words: string) =>
      ack({ response_action: 'errors', errors: { [firstBlock]: truncate(words, ERROR_MAX) } });
    // Checked again on submit: the form may have been opened before a change of role.
    if (scope === 'workspace' && !(await isWorkspaceAdmin(deps, actor.userId)))
      return refuse(ADMIN_ONLY_CONNECT);
    const workspace = await workspaceAgile(deps, actor.teamId);
    if (scope === 'workspace' && workspace?.source === 'env') {
      return refuse(
        'This workspace’s Agile account comes from the bot’s configuration (AGILE_*): it is changed there.',
      );
    }
    if (scope === 'personal' && !workspace) return refuse(WORKSPACE_FIRST);
    const domain = scope === 'workspace' ? (parsed.data.agileDomain ?? null) : (workspace?.domain ?? null);
    const email = parsed.data.agileEmail;
    const form = (error?: string) =>
      buildConnectModal({ scope, domain: meta.domain, typed, error, replacing: null });
    await submitForm<Connected>(args as unknown as SubmitArgs, deps, {
      write: () =>
        runOnce(deps.store, onceKey(`connect.${scope}`, actor.teamId, actor.userId, body.view.id), () =>
          connectAgile(deps, {
            scope,
            teamId: actor.teamId,
            userId: actor.userId,
            domain,
            email,
            apiKey: parsed.data.agileApiKey,
          }),
        ),
      budgetMs: CHECK_BUDGET_MS,
      showDone: true,
      errorBlock: (err) => blockFor(err instanceof ConnectError ? err.block : BLOCK.agileApiKey),
      errorMessage: (err) => (err instanceof ConnectError ? err.message : undefined),
      savingView: () => buildConnectCheckingModal(scope, domain),
      doneView: (done) => buildConnectDoneModal(done.scope, done.domain, done.email, done.replaced),
      failedView: (message) => form(message),
      onSuccess: async (done) => {
        deps.logger.info(
          {
            scope: done.scope,
            domain: done.domain,
            userId: actor.userId,
            ...(done.replaced
              ? { previousDomain: done.replaced.domain, personalRemoved: done.replaced.personalRemoved }
              : {}),
          },
          'Agile account connected',
        );
        await refreshHome(deps, args.client, actor);
      },
    });
  };
}

/** "Disconnect …?" confirmed: remove the account, say so, refresh App Home. */
export function disconnectSubmissionCallback(deps: Deps) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const meta = decodeConnectMetadata(view.private_metadata);
    if (!meta) {
      await ack({ response_action: 'clear' });
      return;
    }
    const actor = actorOfBody(body);
    const answer = (text: string) =>
      ack({ response_action: 'update', view: buildConnectNoticeModal(meta.scope, text) });
    if (meta.scope === 'workspace' && !(await isWorkspaceAdmin(deps, actor.userId)))
      return answer(ADMIN_ONLY_CONNECT);
    const current = await currentAccount(deps, meta.scope, actor.teamId, actor.userId);
    if (meta.scope === 'workspace' && current?.source === 'env') {
      return answer(
        'This workspace’s Agile account comes from the bot’s configuration (AGILE_*): it can’t be removed from Slack.',
      );
    }
    try {
      await disconnectAgile(deps, meta.scope, actor.teamId, actor.userId);
    } catch (err) {
      deps.logger.error({ err, scope: meta.scope }, 'could not disconnect an Agile account');
      return answer('The bot’s database did not answer, so nothing was disconnected. Try again in a moment.');
    }
    await ack({
      response_action: 'update',
      view: buildDisconnectDoneModal(meta.scope, current?.domain ?? meta.domain),
    });
    deps.logger.info({ scope: meta.scope, userId: actor.userId }, 'Agile account disconnected');
    await refreshHome(deps, client, actor);
  };
}
