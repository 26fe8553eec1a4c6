import { TZDate } from '@date-fns/tz';
import type { InputBlock, KnownBlock, ModalView, PlainTextOption, RadioButtons } from '@slack/types';
import { format } from 'date-fns';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import {
  buildModalShell,
  buildStatusModal,
  errorSection,
  inputBlock,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { connectMeButton, PUBLIC_REPLY_NEEDS_CONNECTION } from '../access/views.js';
import { encodeTicketMetadata, type TicketModalMetadata } from './schema.js';
import type { ThreadMessage, TicketSummary, Visibility } from './tickets.js';

const TITLE = 'Reply to ticket';
/** The thread shows the last few messages: enough context, well inside the 100-block view limit. */
export const THREAD_MESSAGES_SHOWN = 5;
/** Per message, before quoting: long mails are cut, the full thread is in Agile. */
const MESSAGE_TEXT_MAX = 700;

const VISIBILITY_TEXT: Record<Visibility, string> = {
  public: 'Public reply — the customer will receive this by email',
  private: 'Private note — only agents see it',
};

export const VISIBILITY_DONE: Record<Visibility, string> = {
  public: 'Public reply sent',
  private: 'Private note added',
};

export const VISIBILITY_EFFECT: Record<Visibility, string> = {
  public: 'the customer will receive it by email',
  private: 'only agents see it',
};

/** Private is the default: a slip of the Enter key must never email a customer. */
export const DEFAULT_VISIBILITY: Visibility = 'private';

/** "Tue 3 Mar, 14:05" in the user's zone; UTC when the zone is unknown. */
export function formatMessageTime(epochMs: number, timeZone: string): string {
  if (!epochMs) return 'unknown time';
  try {
    return format(new TZDate(epochMs, timeZone), 'EEE d MMM, HH:mm');
  } catch {
    return `${format(new TZDate(epochMs, 'UTC'), 'EEE d MMM, HH:mm')} UTC`;
  }
}

export function ticketOptionText(t: TicketSummary): string {
  const who = t.requesterName || t.requesterEmail;
  return truncate(`#${t.id} ${t.subject || '(no subject)'}${who ? ` — ${who}` : ''}`, LIMITS.optionText);
}

export function ticketOption(t: TicketSummary): PlainTextOption {
  return { text: plainText(ticketOptionText(t), LIMITS.optionText), value: t.id };
}

/** The answer to the picker's options load (block_suggestion). */
export function buildTicketOptions(tickets: TicketSummary[]): { options: PlainTextOption[] } {
  return { options: tickets.slice(0, LIMITS.selectOptions).map(ticketOption) };
}

export function buildTicketStatusModal(text: string, meta?: TicketModalMetadata): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.ticketModal,
    title: TITLE,
    text,
    ...(meta ? { metadata: encodeTicketMetadata(meta) } : {}),
  });
}

/** Opened at once on the trigger_id (3 s); replaced by views.update when Agile has answered. */
export function buildTicketLoadingModal(meta: TicketModalMetadata): ModalView {
  return buildTicketStatusModal(':hourglass_flowing_sand: Loading open tickets…', meta);
}

/** Shown while a slow submission is still on its way to Agile. */
export function buildTicketSavingModal(meta: TicketModalMetadata): ModalView {
  return buildTicketStatusModal(':hourglass_flowing_sand: Sending…', meta);
}

/** The modal after a slow write went through (a fast one just closes). */
export function buildTicketDoneModal(input: {
  ticketId: string;
  subject?: string;
  visibility: Visibility;
}): ModalView {
  const subject = input.subject ? ` “${escapeMrkdwn(truncate(input.subject, 200))}”` : '';
  return buildTicketStatusModal(
    `:white_check_mark: ${VISIBILITY_DONE[input.visibility]} on ticket #${escapeMrkdwn(input.ticketId)}${subject} — ${VISIBILITY_EFFECT[input.visibility]}.`,
  );
}

/** The form could not be built at all (the words say why). */
export function buildTicketUnavailableModal(meta: TicketModalMetadata, message: string): ModalView {
  return buildTicketStatusModal(`:warning: ${escapeMrkdwn(message)}`, meta);
}

export function buildThreadMessageBlock(m: ThreadMessage, timeZone: string): KnownBlock {
  const role =
    m.from === 'requester' ? 'requester' : m.visibility === 'private' ? 'agent, private note' : 'agent';
  const head = `*${escapeMrkdwn(truncate(m.author, 100))}* (${role}) · ${formatMessageTime(m.createdMs, timeZone)}`;
  const body = escapeMrkdwn(truncate(m.text || '(empty message)', MESSAGE_TEXT_MAX))
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
  return { type: 'section', text: mrkdwnText(`${head}\n${body}`) };
}

export interface TicketModalData {
  meta: TicketModalMetadata;
  /** The user's zone for message times (Slack profile). */
  timeZone: string;
  /** The chosen ticket, with its messages (oldest first); only the last few are shown. */
  ticket?: TicketSummary;
  messages?: ThreadMessage[];
  /** Messages that arrived after the modal showed the thread: the reply is held until confirmed. */
  newMessages?: ThreadMessage[];
  /** What the user typed, kept across updates. */
  reply?: string;
  visibility?: Visibility;
  /** A failure to show on top (what the user typed stays in the inputs). */
  error?: string;
  /** A note when the picker has nothing to offer (no open tickets, CRM unreachable). */
  notice?: string;
  /** A public reply was refused: the user has no personal Agile connection (why, and a Connect button). */
  connectFirst?: boolean;
}

function ticketPickerBlock(ticket: TicketSummary | undefined): InputBlock {
  return inputBlock(
    BLOCK.ticket,
    'Ticket',
    {
      type: 'external_select',
      action_id: ACTION.ticketPicker,
      placeholder: plainText('Pick a ticket', LIMITS.placeholder),
      min_query_length: 0,
      ...(ticket ? { initial_option: ticketOption(ticket) } : {}),
    },
    {
      hint: plainText(
        'Open tickets, newest first. Type a subject, a requester or a ticket number.',
        LIMITS.inputHint,
      ),
      // Choosing a ticket must fire block_actions so its messages can be shown.
      dispatch_action: true,
    },
  );
}

function visibilityElement(visibility: Visibility): RadioButtons {
  const option = (v: Visibility): PlainTextOption => ({
    text: plainText(VISIBILITY_TEXT[v], LIMITS.optionText),
    value: v,
  });
  return {
    type: 'radio_buttons',
    action_id: ACTION.visibility,
    options: [option('private'), option('public')],
    initial_option: option(visibility),
  };
}

/** Agile's ticket status in words: "PENDING" → "Pending", "ON_HOLD" → "On hold". */
export function ticketStatusWords(status: string | undefined): string {
  const words = (status ?? '')
    .replace(/[_\s]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Unknown status';
}

/** The Reply to ticket modal: picker, the chosen ticket's latest messages, reply text, visibility. */
export function buildTicketModal(data: TicketModalData): ModalView {
  const blocks: KnownBlock[] = [];
  if (data.error) blocks.push(errorSection(data.error, ':warning:'));
  if (data.connectFirst) {
    blocks.push(
      { type: 'section', text: mrkdwnText(`:warning: *Nothing was sent.* ${PUBLIC_REPLY_NEEDS_CONNECTION}`) },
      connectMeButton(),
    );
  }
  if (data.newMessages && data.newMessages.length > 0) {
    const n = data.newMessages.length;
    blocks.push({
      type: 'section',
      text: mrkdwnText(
        `:warning: *${n === 1 ? 'A new message' : `${n} new messages`} arrived on this ticket since you opened it.* Nothing was sent. Read ${n === 1 ? 'it' : 'them'}, adjust your reply if needed, then press *Send* to confirm.`,
      ),
    });
    for (const m of data.newMessages.slice(-THREAD_MESSAGES_SHOWN)) {
      blocks.push(buildThreadMessageBlock(m, data.timeZone));
    }
    blocks.push({ type: 'divider' });
  }
  blocks.push(ticketPickerBlock(data.ticket));
  if (data.notice) {
    blocks.push({ type: 'context', elements: [mrkdwnText(escapeMrkdwn(data.notice))] });
  }
  if (data.ticket) {
    const t = data.ticket;
    const messages = data.messages ?? [];
    const shown = messages.slice(-THREAD_MESSAGES_SHOWN);
    const who = t.requesterName || t.requesterEmail || 'unknown requester';
    blocks.push({
      type: 'context',
      elements: [
        mrkdwnText(
          `Ticket #${escapeMrkdwn(t.id)} · ${escapeMrkdwn(ticketStatusWords(t.status))} · from ${escapeMrkdwn(truncate(who, 200))}` +
            (messages.length > shown.length ? ` · last ${shown.length} of ${messages.length} messages` : ''),
        ),
      ],
    });
    if (shown.length === 0) {
      blocks.push({ type: 'context', elements: [mrkdwnText('No messages on this ticket yet.')] });
    }
    for (const m of shown) blocks.push(buildThreadMessageBlock(m, data.timeZone));
  }
  blocks.push(
    inputBlock(BLOCK.reply, 'Reply', {
      type: 'plain_text_input',
      action_id: ACTION.replyText,
      multiline: true,
      max_length: LIMITS.inputMaxLength,
      placeholder: plainText('Your answer. It is sent as typed: no formatting.', LIMITS.placeholder),
      ...(data.reply ? { initial_value: truncate(data.reply, LIMITS.inputMaxLength) } : {}),
    }),
    inputBlock(BLOCK.visibility, 'Visibility', visibilityElement(data.visibility ?? DEFAULT_VISIBILITY)),
  );
  return buildModalShell({
    callbackId: CALLBACK.ticketModal,
    title: TITLE,
    submit: data.newMessages?.length ? 'Send anyway' : 'Send',
    metadata: encodeTicketMetadata(data.meta),
    blocks,
  });
}
