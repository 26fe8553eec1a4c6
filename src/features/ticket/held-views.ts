import { TZDate } from '@date-fns/tz';
import type { KnownBlock, ModalView } from '@slack/types';
import { format } from 'date-fns';
import { ACTION } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { noticeWithText } from '../../platform/slack/quote.js';
import { buildTicketStatusModal } from './modal-views.js';

/** What a held reply's messages show (kept with the pending send, so any instance can render them). */
export interface HeldReplyPayload {
  /** Exactly what is sent. */
  text: string;
  subject: string;
  /** "Ana Ruiz (ana@acme.com)", or '' when the ticket could not be read. */
  customer: string;
  /** The author's time zone, for "at 10:42". */
  timeZone: string;
}

const QUOTE_PREVIEW_MAX = 2500;

function clock(ms: number, timeZone: string): string {
  try {
    return format(new TZDate(ms, timeZone), 'HH:mm:ss');
  } catch {
    return format(new TZDate(ms, 'UTC'), "HH:mm:ss 'UTC'");
  }
}

function ticketWords(ticketId: string, p: HeldReplyPayload): string {
  const subject = p.subject ? ` “${escapeMrkdwn(truncate(p.subject, 200))}”` : '';
  return `ticket #${escapeMrkdwn(ticketId)}${subject}`;
}

const toWhom = (p: HeldReplyPayload) =>
  p.customer ? escapeMrkdwn(truncate(p.customer, 300)) : 'the customer';

function quote(text: string): KnownBlock {
  return { type: 'section', text: plainText(truncate(text, QUOTE_PREVIEW_MAX)) };
}

/** "Sending in 30 s — Cancel": the DM that holds the reply, with its Cancel button and the text. */
export function buildHeldReplyMessage(input: {
  id: string;
  ticketId: string;
  payload: HeldReplyPayload;
  holdSec: number;
  dueMs: number;
}): SlackMessage {
  const { payload: p } = input;
  const line = `⏳ *Sending in ${input.holdSec} s* — your public reply to ${ticketWords(input.ticketId, p)} will be emailed to ${toWhom(p)} at ${clock(input.dueMs, p.timeZone)}. Changed your mind? Cancel it before then.`;
  return {
    text: truncate(
      `⏳ Sending in ${input.holdSec} s: your public reply to ticket #${input.ticketId}`,
      LIMITS.fallbackText,
    ),
    blocks: [{ type: 'section', text: mrkdwnText(line) }, quote(p.text), cancelButton(input.id)],
  };
}

/** The hold is being sent now (the button is gone). */
export function buildHeldSendingMessage(ticketId: string, p: HeldReplyPayload): SlackMessage {
  const line = `📨 Sending your public reply to ${ticketWords(ticketId, p)} to ${toWhom(p)} now…`;
  return {
    text: truncate(line, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: mrkdwnText(line) }, quote(p.text)],
  };
}

/** Sent: to whom and when (the author's time), and what. */
export function buildHeldSentMessage(ticketId: string, p: HeldReplyPayload, sentMs: number): SlackMessage {
  const line = `✅ *Sent to ${toWhom(p)} at ${clock(sentMs, p.timeZone)}* — your public reply to ${ticketWords(ticketId, p)}.`;
  return {
    text: truncate(line, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: mrkdwnText(line) }, quote(p.text)],
  };
}

/** Cancelled: nothing was sent, and the whole text comes back (first message replaces the held one). */
export function buildHeldCancelledMessages(ticketId: string, p: HeldReplyPayload): SlackMessage[] {
  const line = `🚫 *Cancelled — not sent.* Your public reply to ${ticketWords(ticketId, p)} was not emailed.`;
  return noticeWithText(
    {
      text: `🚫 Cancelled — not sent: your reply to ticket #${ticketId}`,
      blocks: [{ type: 'section', text: mrkdwnText(line) }],
    },
    'Your text, to copy',
    p.text,
  );
}

/** A Cancel that came too late, or from someone else: said to the clicker only. */
export function buildCancelRefusedMessage(
  reason: 'not_author' | 'sending' | 'sent' | 'gone' | 'cancelled',
): SlackMessage {
  const words = {
    not_author: 'Only the person who wrote this reply can cancel it.',
    sending: 'Too late to cancel: the reply is being sent right now.',
    sent: 'Too late to cancel: the reply was already sent.',
    cancelled: 'This reply was already cancelled; nothing was sent.',
    gone: 'This reply can no longer be cancelled from here.',
  }[reason];
  const line = `⚠️ ${words}`;
  return { text: line, blocks: [{ type: 'section', text: mrkdwnText(line) }] };
}

function cancelButton(id: string): KnownBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION.heldReplyCancel,
        text: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
        value: id,
      },
    ],
  };
}

/** The answer where the reply was asked (the command's channel): "Sending in 30 s" with Cancel right there. */
export function buildHeldAckMessage(input: {
  id: string;
  ticketId: string;
  payload: HeldReplyPayload;
  holdSec: number;
  replayed: boolean;
}): SlackMessage {
  const again = input.replayed ? ' (you sent the same command again: it is still one reply)' : '';
  const line = `⏳ *Sending in ${input.holdSec} s* — your public reply to ${ticketWords(input.ticketId, input.payload)}${again}. Cancel it here or from the message I sent you; I tell you there when it is sent.`;
  return {
    text: truncate(
      `⏳ Sending in ${input.holdSec} s: your public reply to ticket #${input.ticketId}`,
      LIMITS.fallbackText,
    ),
    blocks: [{ type: 'section', text: mrkdwnText(line) }, cancelButton(input.id)],
  };
}

/** The modal after a held public reply: where the Cancel is. */
export function buildTicketHeldModal(input: {
  ticketId: string;
  subject?: string;
  holdSec: number;
}): ModalView {
  const subject = input.subject ? ` “${escapeMrkdwn(truncate(input.subject, 200))}”` : '';
  return buildTicketStatusModal(
    `⏳ *Sending in ${input.holdSec} s* — your public reply to ticket #${escapeMrkdwn(input.ticketId)}${subject}.\nTo cancel it, use *Cancel* on the message I sent you (your messages with this app). Nothing is emailed before then.`,
  );
}
