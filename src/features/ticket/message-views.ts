import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import { truncate } from '../../platform/slack/mrkdwn.js';
import { noticeWithText } from '../../platform/slack/quote.js';
import { VISIBILITY_DONE, VISIBILITY_EFFECT } from './modal-views.js';
import type { Visibility } from './tickets.js';

/** Ephemeral confirmation to the actor: ticket id, subject, visibility (and what was sent). */
export function buildTicketReplySentMessage(input: {
  ticketId: string;
  subject?: string;
  visibility: Visibility;
  text: string;
  replayed?: boolean;
}): SlackMessage {
  const subject = input.subject ? ` “${truncate(input.subject, 200)}”` : '';
  const again = input.replayed
    ? ' (already done: this was a repeat of the same request, nothing sent twice)'
    : '';
  return buildNotice(
    'success',
    `${VISIBILITY_DONE[input.visibility]} on ticket #${input.ticketId}${subject} — ${VISIBILITY_EFFECT[input.visibility]}.${again}`,
    `Sent: ${truncate(input.text, 1500)}`,
  );
}

/** A failed reply: the reason, and the text quoted back so nothing typed is lost. */
export function buildTicketReplyFailedMessages(input: {
  ticketId: string;
  reason: string;
  text: string;
  /** The send got no answer: it may have reached the customer (never "not sent"). */
  unknown?: boolean;
}): SlackMessage[] {
  const notice = buildNotice(
    'error',
    `Your reply to ticket #${input.ticketId} ${input.unknown ? 'may have been sent' : 'was not sent'}: ${input.reason}`,
  );
  // A response_url takes 5 posts: the notice and up to 4 parts (any reply Slack lets one type fits).
  return noticeWithText(notice, 'Your text, to copy', input.text, 4);
}

/** The same quick reply is being sent by an earlier delivery of the command. */
export function buildTicketReplyInProgressMessage(ticketId: string): SlackMessage {
  return buildNotice(
    'info',
    `That reply to ticket #${ticketId} is already being sent; nothing was sent twice.`,
  );
}

/** Why a quick reply found nothing to answer. */
export function noTicketWords(ticketId: string): string {
  return `there is no ticket #${ticketId} in the CRM. Check the number (\`/crm reply\` alone lists open tickets).`;
}

/** A modal submission was held after the modal closed (a rare race): the reason, for the failure message. */
export const HELD_AFTER_CLOSE_WORDS =
  'a new message arrived on the ticket just before you sent. Read it in Agile, then send again.';
