import type { App } from '@slack/bolt';
import { answerRefusal, entryRefusal, type RefusableArgs } from '../features/access/entry-guard.js';
import { crmCommandCallback } from '../features/command/handlers.js';
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
import { retryWriteCallback, savingViewClosedCallback } from '../features/retry/handlers.js';
import { cardCreateTaskCallback } from '../features/task/card-handler.js';
import { taskSubmissionCallback } from '../features/task/submit-handler.js';
import { logThreadCallback, threadSubmissionCallback } from '../features/thread/handlers.js';
import { ticketOptionsCallback } from '../features/ticket/options-handler.js';
import { ticketPickedCallback } from '../features/ticket/picker-handler.js';
import { ticketSubmissionCallback } from '../features/ticket/submit-handler.js';
import { undoWriteCallback } from '../features/undo/handlers.js';
import { linkSharedCallback } from '../features/unfurl/handlers.js';
import { withRequestContext } from '../platform/request-context.js';
import type { ReceiptContext } from '../platform/slack/create-app.js';
import { ACTION, CALLBACK, COMMAND, EVENT, SHORTCUT } from '../platform/slack/ids.js';
import type { Deps } from './deps.js';
import { describeRequest, requestContextOf } from './request-info.js';
import { RETRY_WRITES } from './retry-writes.js';

type Acked = { ack: (...answer: never[]) => Promise<void>; body: unknown; context: object };

/**
 * Applied to every listener here: the request's context (its id on every log line of its work, post-ack
 * work and Agile calls included), its metrics (count by outcome, time to ack), the entry rule (another
 * organisation's users and, unless allowed, guests get a short refusal and nothing else: see
 * features/access/entry-guard.ts), the ack gate (once a listener has acked, its follow-up work waits
 * until no other request is still waiting for its ack; bounded, see platform/slack/ack-gate.ts) and the
 * in-flight count. Bolt spreads fresh args into each middleware, so the ack is wrapped here.
 */
function afterAck<A extends Acked>(deps: Deps, listener: (args: A) => Promise<void>) {
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
          const refused = await entryRefusal(deps, args.body);
          if (refused) {
            await answerRefusal(deps, gated as unknown as RefusableArgs, refused);
            deps.logger.info({ reason: refused.reason, ...labels }, 'request refused: not a member');
            outcome = 'refused';
            return;
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
  listener: (args: A) => Promise<void>,
) {
  return (args: A): Promise<void> => {
    const receipt: ReceiptContext = args.context;
    const receivedAtMs = receipt.receivedAtMs ?? Date.now();
    const labels = describeRequest(args.body);
    const request = requestContextOf(args.body, receipt, receivedAtMs);
    return withRequestContext(request, () =>
      deps.inFlight.run(async () => {
        let outcome = 'error';
        try {
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
export function registerListeners(app: App, deps: Deps): void {
  const gate = <A extends Acked>(listener: (args: A) => Promise<void>) => afterAck(deps, listener);
  app.command(COMMAND.crm, gate(crmCommandCallback(deps)));
  app.shortcut(SHORTCUT.logToCrm, gate(logToCrmCallback(deps)));
  app.shortcut(SHORTCUT.logThreadToCrm, gate(logThreadCallback(deps)));
  app.view(CALLBACK.threadModal, gate(threadSubmissionCallback(deps)));
  app.event(EVENT.linkShared, onEvent(deps, linkSharedCallback(deps)));
  app.view(CALLBACK.noteModal, gate(noteSubmissionCallback(deps)));
  app.view({ callback_id: CALLBACK.noteModal, type: 'view_closed' }, gate(savingViewClosedCallback(deps)));
  app.action(ACTION.retryWrite, gate(retryWriteCallback(deps, RETRY_WRITES)));
  app.action(ACTION.undoWrite, gate(undoWriteCallback(deps, restoreDigestLine)));
  app.action(ACTION.cardLogNote, gate(cardLogNoteCallback(deps)));
  app.action(ACTION.cardShare, gate(cardShareCallback(deps)));
  app.action(ACTION.createContact, gate(createContactCallback(deps)));
  app.action(ACTION.digestComplete, gate(digestCompleteCallback(deps)));
  app.action(ACTION.digestSnooze, gate(digestSnoozeCallback(deps)));
  app.action(ACTION.digestReassign, gate(digestReassignCallback(deps)));
  app.options(ACTION.contactPicker, gate(contactOptionsCallback(deps)));
  app.options(ACTION.ticketPicker, gate(ticketOptionsCallback(deps)));
  app.action(ACTION.ticketPicker, gate(ticketPickedCallback(deps)));
  app.view(CALLBACK.ticketModal, gate(ticketSubmissionCallback(deps)));
  app.view({ callback_id: CALLBACK.ticketModal, type: 'view_closed' }, gate(savingViewClosedCallback(deps)));
  app.view(CALLBACK.taskModal, gate(taskSubmissionCallback(deps)));
  app.view({ callback_id: CALLBACK.taskModal, type: 'view_closed' }, gate(savingViewClosedCallback(deps)));
  app.action(ACTION.cardCreateTask, gate(cardCreateTaskCallback(deps)));
  app.view(CALLBACK.dealModal, gate(dealSubmissionCallback(deps)));
  app.view({ callback_id: CALLBACK.dealModal, type: 'view_closed' }, gate(savingViewClosedCallback(deps)));
  app.action(ACTION.trackSelect, gate(trackSelectCallback(deps)));
  app.action(ACTION.cardCreateDeal, gate(cardCreateDealCallback(deps)));
  app.view(CALLBACK.moveModal, gate(moveSubmissionCallback(deps)));
  app.view({ callback_id: CALLBACK.moveModal, type: 'view_closed' }, gate(savingViewClosedCallback(deps)));
  app.options(ACTION.dealPicker, gate(dealOptionsCallback(deps)));
  app.action(ACTION.dealPicker, gate(dealPickedCallback(deps)));
  app.action(ACTION.dealMove, gate(dealMoveCallback(deps)));
  app.action(ACTION.dealDisambiguate, gate(dealDisambiguateCallback(deps)));
  // Events are acked by the receiver itself: the gate gets a no-op ack to time and order the work after.
  const homeOpened = gate(appHomeOpenedCallback(deps));
  app.event(EVENT.appHomeOpened, (args) => homeOpened({ ...args, ack: async () => {} }));
  app.action(ACTION.homeTaskComplete, gate(homeTaskCompleteCallback(deps)));
  app.action(ACTION.homeTaskSnooze, gate(homeTaskSnoozeCallback(deps)));
  app.action(ACTION.homeSettings, gate(homeSettingsCallback(deps)));
  app.action(ACTION.homeUserLink, gate(homeUserLinkCallback(deps)));
  app.action(ACTION.followPick, gate(followPickCallback(deps)));
  app.action(ACTION.unfollow, gate(unfollowCallback(deps)));
}
