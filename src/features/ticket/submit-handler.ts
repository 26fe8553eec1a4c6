import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import { type SubmitArgs, submitWithBudget } from '../../platform/slack/form-flow.js';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { LIMITS } from '../../platform/slack/mrkdwn.js';
import { notifyUser } from '../../platform/slack/notify.js';
import { readState } from '../../platform/slack/view-state.js';
import { TIMEOUT, within } from '../../platform/within.js';
import {
  buildTicketModal,
  buildTicketModalDone,
  buildTicketModalSaving,
  buildTicketReplyConfirmation,
  buildTicketReplyFailure,
  decodeTicketMeta,
  type TicketModalMeta,
} from './modal-view.js';
import { readVisibility } from './picker-handler.js';
import {
  messagesSince,
  type ThreadMark,
  type ThreadMessage,
  type TicketSummary,
  threadMark,
  ticketServiceFor,
  type Visibility,
} from './use-case.js';

/** The collision check reads Agile before the ack: it gets part of Slack's 3 s, the write the rest. */
const CHECK_BUDGET_MS = 1500;
const TOTAL_BUDGET_MS = 2000;
/** Below this, there is no point waiting for the write: show "Sending…" at once. */
const MIN_WRITE_BUDGET_MS = 300;

type Outcome =
  | { kind: 'sent'; visibility: Visibility }
  | { kind: 'held'; newMessages: ThreadMessage[]; messages: ThreadMessage[] };

/** Which input an Agile refusal belongs to: a ticket it does not know → the picker, else the text. */
function errorBlock(err: unknown): string {
  if (isAgileError(err) && /ticket/i.test(err.reason ?? '')) return BLOCK.ticket;
  return BLOCK.reply;
}

/**
 * Reply to ticket submission. Validated before any I/O; then the collision check (a message newer
 * than the thread the user saw holds the reply: the modal shows it and the next Send confirms);
 * then the write through submitWithBudget, once per (modal, thread seen).
 */
export function ticketSubmissionCallback(deps: Deps) {
  return async (args: SubmitArgs): Promise<void> => {
    const { ack, body, view, client } = args;
    const startedMs = Date.now();
    const meta = decodeTicketMeta(view.private_metadata);
    const state = readState(view.state.values);
    const picked = state.selected(BLOCK.ticket, ACTION.ticketPicker);
    const ticketId = picked?.value ?? meta.ticketId;
    const rawText = view.state.values[BLOCK.reply]?.[ACTION.replyText]?.value ?? '';
    const text = rawText.replace(/\s+$/, '');
    const visibility = readVisibility(state.selected(BLOCK.visibility, ACTION.visibility)?.value);

    const errors: Record<string, string> = {};
    if (!ticketId) errors[BLOCK.ticket] = 'Pick the ticket to reply to.';
    if (text.trim() === '') errors[BLOCK.reply] = 'Write the reply.';
    else if (text.length > LIMITS.inputMaxLength)
      errors[BLOCK.reply] = `Keep the reply under ${LIMITS.inputMaxLength} characters.`;
    if (!visibility) errors[BLOCK.visibility] = 'Choose Public reply or Private note.';
    if (!ticketId || !visibility || Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }

    const tickets = ticketServiceFor(deps);
    // The thread the user saw, only if it was for this ticket (a pick may still be on its way).
    const seen: ThreadMark = meta.ticketId === ticketId && meta.mark ? meta.mark : { count: 0, latestMs: 0 };
    const subject = meta.ticketId === ticketId ? meta.subject : picked?.text;
    const summary: TicketSummary = {
      id: ticketId,
      subject: subject ?? '',
      status: '',
      requesterName: '',
      requesterEmail: '',
      createdMs: 0,
      lastUpdatedMs: 0,
    };
    const profileP = deps.slackUsers.profile(body.user.id);
    const threadP = tickets.thread(ticketId);
    threadP.catch(() => undefined);

    const formView = (extra: {
      messages?: ThreadMessage[];
      newMessages?: ThreadMessage[];
      mark?: ThreadMark;
      error?: string;
      timeZone: string;
    }) => {
      const m: TicketModalMeta = { channelId: meta.channelId, ticketId, subject, mark: extra.mark ?? seen };
      return buildTicketModal({
        meta: m,
        timeZone: extra.timeZone,
        ticket: summary,
        messages: extra.messages,
        newMessages: extra.newMessages,
        error: extra.error,
        reply: text,
        visibility,
      });
    };

    const holdOrSend = async (): Promise<Outcome> => {
      const messages = await threadP;
      const newer = messagesSince(messages, seen);
      if (newer.length > 0) return { kind: 'held', newMessages: newer, messages };
      await tickets.reply(ticketId, text, visibility);
      return { kind: 'sent', visibility };
    };

    let checked: Awaited<typeof threadP> | typeof TIMEOUT;
    try {
      checked = await within(threadP, CHECK_BUDGET_MS);
    } catch (err) {
      deps.logger.warn({ err, ticketId }, 'reading the ticket before replying failed');
      await ack({
        response_action: 'errors',
        errors: { [errorBlock(err)]: `Nothing was sent: ${describeAgileError(err)}`.slice(0, 300) },
      });
      return;
    }
    const { timeZone } = await profileP;

    if (checked !== TIMEOUT) {
      const newer = messagesSince(checked, seen);
      if (newer.length > 0) {
        await ack({
          response_action: 'update',
          view: formView({ messages: checked, newMessages: newer, mark: threadMark(checked), timeZone }),
        });
        return;
      }
    }

    let shownInModal = false;
    const left = TOTAL_BUDGET_MS - (Date.now() - startedMs);
    await submitWithBudget<Outcome>(args, deps, {
      // One write per modal and thread seen: a double Send is one reply; a confirmed hold is a new key.
      key: `ticket-reply:${view.id}:${seen.count}:${seen.latestMs}`,
      // Once the check timed out, a hold can only be shown by views.update: always take the slow path.
      budgetMs: checked === TIMEOUT || left < MIN_WRITE_BUDGET_MS ? 0 : left,
      work: holdOrSend,
      errorBlock,
      savingView: () => buildTicketModalSaving({ channelId: meta.channelId, ticketId, subject, mark: seen }),
      doneView: (outcome) => {
        shownInModal = true;
        return outcome.kind === 'sent'
          ? buildTicketModalDone({ ticketId, subject, visibility: outcome.visibility })
          : formView({
              messages: outcome.messages,
              newMessages: outcome.newMessages,
              mark: threadMark(outcome.messages),
              timeZone,
            });
      },
      failedView: (message) => formView({ error: `Nothing was sent: ${message}`, timeZone }),
      onSuccess: async (outcome) => {
        if (outcome.kind === 'held') {
          // The modal closed before the hold was known (a rare race): say so, with the text.
          if (!shownInModal)
            await notifyUser(
              client,
              deps.logger,
              { user: body.user.id, channel: meta.channelId || undefined },
              buildTicketReplyFailure({
                ticketId,
                reason:
                  'a new message arrived on the ticket just before you sent. Read it in Agile, then send again.',
                text,
              }),
            );
          return;
        }
        await notifyUser(
          client,
          deps.logger,
          { user: body.user.id, channel: meta.channelId || undefined },
          buildTicketReplyConfirmation({ ticketId, subject, visibility: outcome.visibility, text }),
        );
      },
    });
  };
}
