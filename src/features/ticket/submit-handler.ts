import type { Deps } from '../../app/deps.js';
import { isAgileError, isOutcomeUnknown } from '../../platform/agile/index.js';
import { actorOfBody } from '../../platform/slack/actor.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import type { RetryOutcome } from '../../platform/slack/failed-write.js';
import { parseForm, type SubmitArgs, submitForm } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { readState } from '../../platform/slack/view-state.js';
import { TIMEOUT, within } from '../../platform/within.js';
import { mayReplyPublicly } from '../access/policy.js';
import { buildHeldAckMessage, buildTicketHeldModal } from './held-views.js';
import { replyLanded } from './landed.js';
import {
  buildTicketReplyFailedMessages,
  buildTicketReplySentMessage,
  HELD_AFTER_CLOSE_WORDS,
} from './message-views.js';
import { buildTicketDoneModal, buildTicketModal, buildTicketSavingModal } from './modal-views.js';
import { decodeTicketMetadata, replyFormSchema } from './schema.js';
import type { ThreadMark, ThreadMessage } from './tickets.js';
import {
  bareTicket,
  type ModalReplyInput,
  type ReplyCheck,
  startModalReply,
  threadMark,
} from './use-case.js';

/** The collision check reads Agile before the ack: it gets part of Slack's 3 s, the write the rest. */
const CHECK_BUDGET_MS = 1500;
const TOTAL_BUDGET_MS = 2000;
/** Below this, there is no point waiting for the write: show "Sending…" at once. */
const MIN_WRITE_BUDGET_MS = 300;

/** Which input an Agile refusal belongs to: a ticket it does not know → the picker, else the text. */
function errorBlock(err: unknown): string {
  if (isAgileError(err) && /ticket/i.test(err.reason ?? '')) return BLOCK.ticket;
  return BLOCK.reply;
}

/**
 * Reply to ticket submission. Validated before any I/O; then the collision check (a message newer
 * than the thread the user saw holds the reply: the modal shows it and the next Send confirms);
 * then the write through submitForm, once per (modal, thread seen).
 */
export function ticketSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { ack, body, view, client } = args;
    const startedMs = Date.now();
    const meta = decodeTicketMetadata(view.private_metadata);
    const state = readState(view.state.values);
    const picked = state.selected(BLOCK.ticket, ACTION.ticketPicker);
    const form = parseForm(replyFormSchema, {
      ticket: picked?.value ?? meta.ticketId,
      reply: state.text(BLOCK.reply, ACTION.replyText),
      visibility: state.selected(BLOCK.visibility, ACTION.visibility)?.value,
    });
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const { ticket: ticketId, reply: text, visibility } = form.data;
    const publicRefused = visibility === 'public' && !mayReplyPublicly(deps.connection);

    // The thread the user saw, only if it was for this ticket (a pick may still be on its way).
    const seen: ThreadMark = meta.ticketId === ticketId && meta.mark ? meta.mark : { count: 0, latestMs: 0 };
    const subject = meta.ticketId === ticketId ? meta.subject : picked?.text;
    const profileP = deps.slackUsers.profile(body.user.id);
    if (publicRefused) {
      // Before any CRM read: the form again with why, the Connect button and everything typed.
      const { timeZone } = await profileP;
      await ack({
        response_action: 'update',
        view: buildTicketModal({
          meta: { channelId: meta.channelId, ticketId, subject, mark: seen },
          timeZone,
          ticket: bareTicket(ticketId, subject),
          reply: text,
          visibility,
          connectFirst: true,
        }),
      });
      return;
    }
    const replyInput: ModalReplyInput = {
      actor: actorOfBody(body),
      viewId: view.id,
      ticketId,
      text,
      visibility,
      seen,
      subject,
    };
    const reply = startModalReply(deps, replyInput);

    const formView = (extra: {
      messages?: ThreadMessage[];
      newMessages?: ThreadMessage[];
      mark?: ThreadMark;
      error?: string;
      timeZone: string;
    }) =>
      buildTicketModal({
        meta: { channelId: meta.channelId, ticketId, subject, mark: extra.mark ?? seen },
        timeZone: extra.timeZone,
        ticket: bareTicket(ticketId, subject),
        messages: extra.messages,
        newMessages: extra.newMessages,
        error: extra.error,
        reply: text,
        visibility,
      });

    let checked: ReplyCheck | typeof TIMEOUT;
    try {
      checked = await within(reply.check, CHECK_BUDGET_MS);
    } catch (err) {
      deps.logger.warn({ err, ticketId }, 'reading the ticket before replying failed');
      await ack({
        response_action: 'errors',
        errors: { [errorBlock(err)]: `Nothing was sent: ${describeAgileError(err)}`.slice(0, 300) },
      });
      return;
    }
    const { timeZone } = await profileP;

    // A reply of ours that landed after getting no answer is not a collision: the write reports it sent.
    if (
      checked !== TIMEOUT &&
      checked.newMessages.length > 0 &&
      !replyLanded(checked.newMessages, text, visibility)
    ) {
      const { messages, newMessages } = checked;
      await ack({
        response_action: 'update',
        view: formView({ messages, newMessages, mark: threadMark(messages), timeZone }),
      });
      return;
    }

    const notify = (message: Parameters<typeof notifyUser>[3]) =>
      notifyUser(client, deps.logger, { user: body.user.id, channel: meta.channelId || undefined }, message);
    let shownInModal = false;
    const left = TOTAL_BUDGET_MS - (Date.now() - startedMs);
    await submitForm(args, deps, {
      write: reply.write,
      retry: {
        kind: TICKET_FORM_RETRY,
        input: replyInput,
        what: `Your ${visibility === 'public' ? 'public reply' : 'private note'} to ticket ${subject ? `“${subject}”` : ticketId}`,
        typed: text,
      },
      // Once the check timed out, a hold can only be shown by views.update: always take the slow path.
      budgetMs: checked === TIMEOUT || left < MIN_WRITE_BUDGET_MS ? 0 : left,
      errorBlock,
      savingView: () => buildTicketSavingModal({ channelId: meta.channelId, ticketId, subject, mark: seen }),
      doneView: (outcome) => {
        shownInModal = true;
        if (outcome.kind === 'queued')
          return buildTicketHeldModal({ ticketId, subject, holdSec: outcome.holdSec });
        return outcome.kind === 'sent'
          ? buildTicketDoneModal({ ticketId, subject, visibility: outcome.visibility })
          : formView({
              messages: outcome.messages,
              newMessages: outcome.newMessages,
              mark: threadMark(outcome.messages),
              timeZone,
            });
      },
      failedView: (message, err) =>
        formView({
          error: isOutcomeUnknown(err)
            ? `Your reply may have been sent: ${message}`
            : `Nothing was sent: ${message}`,
          timeZone,
        }),
      onSuccess: async (outcome) => {
        // A held reply: said where it was asked (as /crm reply does); its DM, already sent, has Cancel.
        if (outcome.kind === 'queued') {
          if (!shownInModal) {
            const { pendingSendId: id, payload, holdSec } = outcome;
            await notify(buildHeldAckMessage({ id, ticketId, payload, holdSec, replayed: false }));
          }
          return;
        }
        if (outcome.kind === 'sent') {
          await notify(
            buildTicketReplySentMessage({ ticketId, subject, visibility: outcome.visibility, text }),
          );
        } else if (!shownInModal) {
          // The modal closed before the hold was known (a rare race): say so, with the text.
          for (const message of buildTicketReplyFailedMessages({
            ticketId,
            reason: HELD_AFTER_CLOSE_WORDS,
            text,
          }))
            await notify(message);
        }
      },
    });
  };
}

export const TICKET_FORM_RETRY = 'ticket.form';

/**
 * Retry from the failure DM: the same modal and thread seen, so the same key (ticket.reply). The thread
 * is read again first: a reply that landed after getting no answer is found there, so no customer is
 * emailed twice; newer messages the user has not seen hold it (they reply from the ticket instead).
 */
export async function retryTicketForm(deps: Deps, stored: unknown): Promise<RetryOutcome> {
  const input = stored as ModalReplyInput;
  const outcome = await startModalReply(deps, input).write();
  if (outcome.status === 'in_progress') return outcome;
  const what = input.visibility === 'public' ? 'public reply sent' : 'private note added';
  if (outcome.result.kind === 'sent')
    return { status: 'done', summary: `${what} on ticket ${input.ticketId}` };
  // A public reply is held first (TICKET_REPLY_HOLD_SECONDS): its own DM has Cancel and says when it is sent.
  if (outcome.result.kind === 'queued')
    return {
      status: 'done',
      summary: `public reply to ticket ${input.ticketId} held: sending in ${outcome.result.holdSec} s (Cancel in the DM)`,
    };
  const n = outcome.result.newMessages.length;
  return {
    status: 'refused',
    reason: `nothing was sent: ticket ${input.ticketId} has ${n} new message${n === 1 ? '' : 's'} since you wrote it. Read ${n === 1 ? 'it' : 'them'} with \`/crm ticket\` and send your text from there; it is below to copy.`,
  };
}
