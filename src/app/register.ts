import type { App } from '@slack/bolt';
import {
  answerBlocked,
  answerRefusal,
  entryRefusal,
  type RefusableArgs,
} from '../features/access/entry-guard.js';
import {
  buildNotConnectedMessage,
  buildNotConnectedModal,
  NOT_INSTALLED_WORDS,
} from '../features/access/views.js';
import { crmCommandCallback } from '../features/command/handlers.js';
import {
  connectMeCallback,
  connectSubmissionCallback,
  connectWorkspaceCallback,
  disconnectMeCallback,
  disconnectSubmissionCallback,
  disconnectWorkspaceCallback,
} from '../features/connect/handlers.js';
import { cardShareCallback } from '../features/contact-card/handlers.js';
import { contactOptionsCallback } from '../features/contacts/handlers.js';
import {
  cardCreateDealCallback,
  dealSubmissionCallback,
  trackSelectCallback,
} from '../features/deal/handlers.js';
import {
  digestCompleteCallback,
  digestReassignCallback,
  digestSnoozeCallback,
} from '../features/digest/action-handlers.js';
import { restoreDigestLine } from '../features/digest/undo-line.js';
import { followPickCallback, unfollowCallback } from '../features/follow/handlers.js';
import {
  appHomeOpenedCallback,
  homeMapAgileUserOptionsCallback,
  homeMapMemberCallback,
  homeMapMemberSubmissionCallback,
  homeSettingsCallback,
  homeTaskCompleteCallback,
  homeTaskSnoozeCallback,
  homeUserLinkCallback,
} from '../features/home/handlers.js';
import { createContactCallback } from '../features/lookup/create-contact-handler.js';
import {
  dealDisambiguateCallback,
  dealMoveCallback,
  dealOptionsCallback,
  dealPickedCallback,
  moveSubmissionCallback,
} from '../features/move/handlers.js';
import { cardLogNoteCallback } from '../features/note/card-handler.js';
import { logToCrmCallback } from '../features/note/shortcut-handler.js';
import { noteSubmissionCallback } from '../features/note/submit-handler.js';
import { forgetUndoneMessageNote } from '../features/note/undone.js';
import { retryWriteCallback, savingViewClosedCallback } from '../features/retry/handlers.js';
import { cardCreateTaskCallback } from '../features/task/card-handler.js';
import { taskSubmissionCallback } from '../features/task/submit-handler.js';
import { logThreadCallback, threadSubmissionCallback } from '../features/thread/handlers.js';
import { heldReplyCancelCallback } from '../features/ticket/held-handlers.js';
import { ticketOptionsCallback } from '../features/ticket/options-handler.js';
import { ticketPickedCallback } from '../features/ticket/picker-handler.js';
import { ticketSubmissionCallback } from '../features/ticket/submit-handler.js';
import { undoWriteCallback } from '../features/undo/handlers.js';
import { linkSharedCallback } from '../features/unfurl/handlers.js';
import { withRequestContext } from '../platform/request-context.js';
import type { ReceiptContext } from '../platform/slack/create-app.js';
import { ACTION, CALLBACK, COMMAND, EVENT, SHORTCUT } from '../platform/slack/ids.js';
import { buildNotice } from '../platform/slack/message.js';
import { buildStatusModal } from '../platform/slack/modal-parts.js';
import type { Deps } from './deps.js';
import { describeRequest, requestContextOf } from './request-info.js';
import { RETRY_WRITES } from './retry-writes.js';
import type { TeamDeps } from './workspaces.js';

/** OAuth mode: what app_uninstalled and tokens_revoked do (see create-bot.ts). */
export interface WorkspaceLifecycle {
  uninstalled(teamId: string): Promise<void>;
  botTokensRevoked(teamId: string): Promise<void>;
}

/** The request's team's deps (null: the team has no installation). */
export type TeamResolver = (teamId: string) => Promise<TeamDeps | null>;

/** A listener built from its team's deps (cheap: closures; kept per deps object). */
type Factory<A> = (deps: Deps) => (args: A) => Promise<void>;

/** The request's team: the one Bolt authorized it for, else the payload's. */
function teamOf(body: unknown, context: { teamId?: string }): string {
  const b = (body ?? {}) as { team_id?: string; team?: { id?: string } | null };
  return context.teamId ?? b.team_id ?? b.team?.id ?? '';
}

/** App Home's admin controls (settings, the user mapping and its modal): they work unconnected too. */
const HOME_ADMIN_ACTIONS: ReadonlySet<string> = new Set([
  ACTION.homeSettings,
  ACTION.homeUserLink,
  ACTION.homeMapMember,
  ACTION.homeMapAgileUser,
]);

/**
 * What still works before the workspace is connected to Agile: `/crm help`, `/crm connect` and
 * `/crm disconnect` (and `me`), the connect feature's buttons and forms, App Home, its settings and
 * user mapping.
 */
export function worksUnconnected(raw: unknown): boolean {
  const body = (raw ?? {}) as {
    command?: string;
    text?: string;
    type?: string;
    actions?: { action_id?: string }[];
    /** An options load (block_suggestion) names its select here. */
    action_id?: string;
    view?: { callback_id?: string };
    event?: { type?: string };
  };
  if (typeof body.command === 'string') {
    const verb = (body.text ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    return verb === '' || verb === 'help' || verb === 'connect' || verb === 'disconnect';
  }
  const actionId = body.actions?.[0]?.action_id ?? '';
  if (/^(connect|disconnect)_/.test(actionId)) return true;
  if (HOME_ADMIN_ACTIONS.has(actionId)) return true;
  if (body.type === 'block_suggestion' && HOME_ADMIN_ACTIONS.has(body.action_id ?? '')) return true;
  const callbackId = body.view?.callback_id ?? '';
  if (/^(connect|disconnect)/.test(callbackId)) return true;
  // The mapping modal's submission (its options loads carry the view too: checked above by action).
  if (body.type === 'view_submission' && callbackId === CALLBACK.homeMapMemberModal) return true;
  return body.event?.type === EVENT.appHomeOpened;
}

type Acked = { ack: (...answer: never[]) => Promise<void>; body: unknown; context: object };

/**
 * Applied to every listener here: the request's context (its id on every log line of its work, post-ack
 * work and Agile calls included), its metrics (count by outcome, time to ack), the entry rule (another
 * organisation's users and, unless allowed, guests get a short refusal and nothing else: see
 * features/access/entry-guard.ts), the ack gate (once a listener has acked, its follow-up work waits
 * until no other request is still waiting for its ack; bounded, see platform/slack/ack-gate.ts) and the
 * in-flight count. Bolt spreads fresh args into each middleware, so the ack is wrapped here.
 */
function afterAck<A extends Acked>(deps: Deps, teams: TeamResolver, factory: Factory<A>) {
  const built = new WeakMap<Deps, (args: A) => Promise<void>>();
  return (args: A): Promise<void> => {
    const receipt: ReceiptContext = args.context;
    const receivedAtMs = receipt.receivedAtMs ?? Date.now();
    const labels = describeRequest(args.body);
    const request = requestContextOf(args.body, receipt, receivedAtMs);
    return withRequestContext(request, () =>
      deps.inFlight.run(async () => {
        let outcome = 'error';
        try {
          const gated: A = {
            ...args,
            ack: async (...answer: never[]) => {
              await args.ack(...answer);
              deps.metrics.slackAckSeconds.observe(labels, (Date.now() - receivedAtMs) / 1000);
              await deps.afterPendingAcks();
            },
          };
          const refusable = gated as unknown as RefusableArgs;
          const team = await teams(teamOf(args.body, args.context));
          if (!team) {
            // Installation gone (uninstalled or token revoked): no CRM data.
            await answerBlocked(
              deps,
              refusable,
              buildNotice('info', NOT_INSTALLED_WORDS),
              buildStatusModal({
                callbackId: CALLBACK.accessRefusal,
                title: 'Agile CRM',
                text: NOT_INSTALLED_WORDS,
              }),
            );
            outcome = 'refused';
            return;
          }
          const teamDeps = team.deps;
          const refused = await entryRefusal(teamDeps, args.body);
          if (refused) {
            await answerRefusal(teamDeps, refusable, refused);
            teamDeps.logger.info({ reason: refused.reason, ...labels }, 'request refused: not a member');
            outcome = 'refused';
            return;
          }
          if (!team.connected && !worksUnconnected(args.body)) {
            await answerBlocked(
              teamDeps,
              refusable,
              buildNotConnectedMessage(teamDeps.connection.installerUserId),
              buildNotConnectedModal(),
            );
            outcome = 'not_connected';
            return;
          }
          let listener = built.get(teamDeps);
          if (!listener) {
            listener = factory(teamDeps);
            built.set(teamDeps, listener);
          }
          await listener(gated);
          outcome = 'ok';
        } finally {
          deps.metrics.slackRequests.inc({ ...labels, outcome });
        }
      }),
    );
  };
}

/**
 * The same for an Events API listener: Bolt acks an event before any listener runs, so there is no
 * ack to wrap; the request context, metrics and in-flight count still apply.
 */
function onEvent<A extends { body: unknown; context: object }>(
  deps: Deps,
  teams: TeamResolver | null,
  factory: Factory<A>,
) {
  const built = new WeakMap<Deps, (args: A) => Promise<void>>();
  return (args: A): Promise<void> => {
    const receipt: ReceiptContext = args.context;
    const receivedAtMs = receipt.receivedAtMs ?? Date.now();
    const labels = describeRequest(args.body);
    const request = requestContextOf(args.body, receipt, receivedAtMs);
    return withRequestContext(request, () =>
      deps.inFlight.run(async () => {
        let outcome = 'error';
        try {
          // Team-less events (uninstall) run on the shared deps; the others on their team's, once connected.
          let target = deps;
          if (teams) {
            const team = await teams(teamOf(args.body, args.context));
            if (!team?.connected) {
              outcome = team ? 'not_connected' : 'refused';
              return;
            }
            target = team.deps;
          }
          let listener = built.get(target);
          if (!listener) {
            listener = factory(target);
            built.set(target, listener);
          }
          await listener(args);
          outcome = 'ok';
        } finally {
          deps.metrics.slackRequests.inc({ ...labels, outcome });
        }
      }),
    );
  };
}

/** The table of Slack surfaces → named callbacks. */
export function registerListeners(
  app: App,
  deps: Deps,
  teams: TeamResolver,
  lifecycle?: WorkspaceLifecycle,
): void {
  const gate = <A extends Acked>(factory: Factory<A>) => afterAck(deps, teams, factory);
  app.command(
    COMMAND.crm,
    gate((d) => crmCommandCallback(d)),
  );
  app.shortcut(
    SHORTCUT.logToCrm,
    gate((d) => logToCrmCallback(d)),
  );
  app.shortcut(
    SHORTCUT.logThreadToCrm,
    gate((d) => logThreadCallback(d)),
  );
  app.view(
    CALLBACK.threadModal,
    gate((d) => threadSubmissionCallback(d)),
  );
  app.view(
    { callback_id: CALLBACK.threadModal, type: 'view_closed' },
    gate((d) => savingViewClosedCallback(d)),
  );
  // Through the gate like every request that reads the CRM: a guest or another organisation's user
  // who posts a link gets no card (a refused event is answered with nothing).
  const linkShared = gate((d) => linkSharedCallback(d));
  app.event(EVENT.linkShared, (args) => linkShared({ ...args, ack: async () => {} }));
  app.view(
    CALLBACK.noteModal,
    gate((d) => noteSubmissionCallback(d)),
  );
  app.view(
    { callback_id: CALLBACK.noteModal, type: 'view_closed' },
    gate((d) => savingViewClosedCallback(d)),
  );
  app.action(
    ACTION.retryWrite,
    gate((d) => retryWriteCallback(d, RETRY_WRITES)),
  );
  app.action(
    ACTION.undoWrite,
    gate((d) => undoWriteCallback(d, restoreDigestLine, forgetUndoneMessageNote)),
  );
  app.action(
    ACTION.cardLogNote,
    gate((d) => cardLogNoteCallback(d)),
  );
  app.action(
    ACTION.cardShare,
    gate((d) => cardShareCallback(d)),
  );
  app.action(
    ACTION.createContact,
    gate((d) => createContactCallback(d)),
  );
  app.action(
    ACTION.digestComplete,
    gate((d) => digestCompleteCallback(d)),
  );
  app.action(
    ACTION.digestSnooze,
    gate((d) => digestSnoozeCallback(d)),
  );
  app.action(
    ACTION.digestReassign,
    gate((d) => digestReassignCallback(d)),
  );
  app.options(
    ACTION.contactPicker,
    gate((d) => contactOptionsCallback(d)),
  );
  app.options(
    ACTION.ticketPicker,
    gate((d) => ticketOptionsCallback(d)),
  );
  app.action(
    ACTION.ticketPicker,
    gate((d) => ticketPickedCallback(d)),
  );
  app.view(
    CALLBACK.ticketModal,
    gate((d) => ticketSubmissionCallback(d)),
  );
  app.action(
    ACTION.heldReplyCancel,
    gate((d) => heldReplyCancelCallback(d)),
  );
  app.view(
    { callback_id: CALLBACK.ticketModal, type: 'view_closed' },
    gate((d) => savingViewClosedCallback(d)),
  );
  app.view(
    CALLBACK.taskModal,
    gate((d) => taskSubmissionCallback(d)),
  );
  app.view(
    { callback_id: CALLBACK.taskModal, type: 'view_closed' },
    gate((d) => savingViewClosedCallback(d)),
  );
  app.action(
    ACTION.cardCreateTask,
    gate((d) => cardCreateTaskCallback(d)),
  );
  app.view(
    CALLBACK.dealModal,
    gate((d) => dealSubmissionCallback(d)),
  );
  app.view(
    { callback_id: CALLBACK.dealModal, type: 'view_closed' },
    gate((d) => savingViewClosedCallback(d)),
  );
  app.action(
    ACTION.trackSelect,
    gate((d) => trackSelectCallback(d)),
  );
  app.action(
    ACTION.cardCreateDeal,
    gate((d) => cardCreateDealCallback(d)),
  );
  app.view(
    CALLBACK.moveModal,
    gate((d) => moveSubmissionCallback(d)),
  );
  app.view(
    { callback_id: CALLBACK.moveModal, type: 'view_closed' },
    gate((d) => savingViewClosedCallback(d)),
  );
  app.options(
    ACTION.dealPicker,
    gate((d) => dealOptionsCallback(d)),
  );
  app.action(
    ACTION.dealPicker,
    gate((d) => dealPickedCallback(d)),
  );
  app.action(
    ACTION.dealMove,
    gate((d) => dealMoveCallback(d)),
  );
  app.action(
    ACTION.dealDisambiguate,
    gate((d) => dealDisambiguateCallback(d)),
  );
  // Events are acked by the receiver itself: the gate gets a no-op ack (as link_shared above).
  const homeOpened = gate((d) => appHomeOpenedCallback(d));
  app.event(EVENT.appHomeOpened, (args) => homeOpened({ ...args, ack: async () => {} }));
  app.action(
    ACTION.homeTaskComplete,
    gate((d) => homeTaskCompleteCallback(d)),
  );
  app.action(
    ACTION.homeTaskSnooze,
    gate((d) => homeTaskSnoozeCallback(d)),
  );
  app.action(
    ACTION.homeSettings,
    gate((d) => homeSettingsCallback(d)),
  );
  app.action(
    ACTION.homeUserLink,
    gate((d) => homeUserLinkCallback(d)),
  );
  app.action(
    ACTION.homeMapMember,
    gate((d) => homeMapMemberCallback(d)),
  );
  app.options(
    ACTION.homeMapAgileUser,
    gate((d) => homeMapAgileUserOptionsCallback(d)),
  );
  app.view(
    CALLBACK.homeMapMemberModal,
    gate((d) => homeMapMemberSubmissionCallback(d)),
  );
  app.action(
    ACTION.followPick,
    gate((d) => followPickCallback(d)),
  );
  app.action(
    ACTION.unfollow,
    gate((d) => unfollowCallback(d)),
  );
  app.action(
    ACTION.connectWorkspace,
    gate((d) => connectWorkspaceCallback(d)),
  );
  app.action(
    ACTION.connectMe,
    gate((d) => connectMeCallback(d)),
  );
  app.action(
    ACTION.disconnectWorkspace,
    gate((d) => disconnectWorkspaceCallback(d)),
  );
  app.action(
    ACTION.disconnectMe,
    gate((d) => disconnectMeCallback(d)),
  );
  app.view(
    CALLBACK.connectModal,
    gate((d) => connectSubmissionCallback(d)),
  );
  app.view(
    CALLBACK.disconnectModal,
    gate((d) => disconnectSubmissionCallback(d)),
  );
  if (lifecycle) {
    // Bolt skips authorization for these two (the token may be gone already).
    app.event(
      EVENT.appUninstalled,
      onEvent(
        deps,
        null,
        () =>
          async ({ body }) =>
            lifecycle.uninstalled(teamOf(body, {})),
      ),
    );
    app.event(
      EVENT.tokensRevoked,
      onEvent(deps, null, () => async ({ body }) => {
        const event = (body as { event?: { tokens?: { bot?: string[] } } }).event;
        const bots = event?.tokens?.bot ?? [];
        if (bots.length > 0) await lifecycle.botTokensRevoked(teamOf(body, {}));
      }),
    );
  }
}
