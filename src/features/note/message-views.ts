import type { KnownBlock } from '@slack/types';
import { ACTION } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { textSection as section } from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { blockTextLength, buildQuoteBlocks, planQuote } from '../../platform/slack/quote.js';

export {
  buildQuoteBlocks,
  planQuote,
  QUOTE_PARTS_MAX,
  type QuotePlan,
  type QuoteStyle,
} from '../../platform/slack/quote.js';

/** A mrkdwn link; the URL's own `&<>` are escaped so it cannot close the link early. */
export function mrkdwnLink(url: string, label: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label)}>`;
}

export interface NoteDone {
  contactName: string;
  subject: string;
  permalink?: string | null;
}

/** "✅ Logged a note to *Ada*: Renewal call · message" (escaped). */
export function loggedLine({ contactName, subject, permalink }: NoteDone): string {
  const link = permalink ? ` · ${mrkdwnLink(permalink, 'message')}` : '';
  const name = truncate(escapeMrkdwn(contactName), 200);
  const subj = truncate(escapeMrkdwn(subject), 500);
  return `✅ Logged a note to *${name}*: ${subj}${link}`;
}

/** "ℹ️ This message is already logged to *Ada*; no second note was written. See the message." */
export function alreadyLoggedLine(a: { contactName: string; permalink?: string | null }): string {
  const link = a.permalink ? ` ${mrkdwnLink(a.permalink, 'See the message')}.` : '';
  return `ℹ️ This message is already logged to *${truncate(escapeMrkdwn(a.contactName), 200)}*; no second note was written.${link}`;
}

/**
 * The answer (`head` blocks, whose text ends with `where`), then the user's text: inline when it fits
 * in the same message, else in "Your note, part i of n" follow-ups (a response_url takes 5 posts).
 */
function withQuote(
  text: string,
  fallbackText: string,
  head: (where: string) => KnownBlock[],
): SlackMessage[] {
  const plan = planQuote(text);
  const shown = text.length - plan.omittedChars;
  const lost =
    plan.omittedChars > 0
      ? ` Only the first ${shown.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters can be sent back (Slack lets an app answer a command 5 times).`
      : '';
  const only = plan.parts.length === 1 ? plan.parts[0] : undefined;
  if (only) {
    const blocks = [...head(`your note is below to copy.${lost}`), ...buildQuoteBlocks(only, plan.style)];
    if (blockTextLength(blocks) <= LIMITS.messageBlockText && blocks.length <= LIMITS.messageBlocks)
      return [{ text: fallbackText, blocks }];
  }
  const n = plan.parts.length;
  const first: SlackMessage = {
    text: fallbackText,
    blocks: head(`your note follows in ${n} message${n === 1 ? '' : 's'} to copy.${lost}`),
  };
  return [
    first,
    ...plan.parts.map((pieces, i) => ({
      text: `Your note, part ${i + 1} of ${n}`,
      blocks: [section(`📋 Your note, part ${i + 1} of ${n}:`), ...buildQuoteBlocks(pieces, plan.style)],
    })),
  ];
}

/** Fallback text: escaped too, since Slack may render it (notifications, old clients). */
function fallback(text: string): string {
  return truncate(escapeMrkdwn(text), LIMITS.fallbackText);
}

/** Ephemeral confirmation after a note was written. */
export function buildNoteLoggedMessage(done: NoteDone): SlackMessage {
  const line = loggedLine(done);
  return {
    text: fallback(`Logged a note to ${done.contactName}: ${done.subject}`),
    blocks: [section(line)],
  };
}

/** The message was already logged to this contact: no second note, a link to the message. */
export function buildNoteAlreadyLoggedMessage(a: {
  contactName: string;
  permalink?: string | null;
}): SlackMessage {
  return {
    text: fallback(`This message is already logged to ${a.contactName}; no second note was written.`),
    blocks: [section(alreadyLoggedLine(a))],
  };
}

/** Under the Contact input (plain text): the modal stays open so another contact can be picked. */
export function alreadyLoggedError(permalink: string | null | undefined): string {
  const where = permalink ? ` (${permalink})` : '';
  return truncate(
    `This message is already logged to this contact${where}. Pick another contact, or cancel.`,
    LIMITS.text,
  );
}

/**
 * `/crm note <email> <text>` when no contact has that email: offer to create it, quote the note back
 * (the first message, then as many follow-ups as the text needs).
 */
export function buildQuickNoteUnknownContactMessage(a: { email: string; text: string }): SlackMessage[] {
  const email = escapeMrkdwn(a.email);
  return withQuote(
    a.text,
    fallback(`No contact with ${a.email} in the CRM; the note was not logged. Your note: ${a.text}`),
    (where) => [
      section(
        `🔎 No contact with *${truncate(email, 300)}* in the CRM, so the note was *not* logged. Create the contact, then send the command again — ${where}`,
      ),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.createContact,
            text: plainText('Create contact', LIMITS.buttonText),
            value: a.email.slice(0, LIMITS.buttonValue),
            style: 'primary',
          },
        ],
      },
    ],
  );
}

/**
 * The CRM refused or failed: the reason in words, then the note quoted back whole. `unknown`: the
 * write got no answer, so the note may have been logged (never "nothing was written").
 */
export function buildQuickNoteFailedMessage(a: {
  email: string;
  text: string;
  reason: string;
  unknown?: boolean;
}): SlackMessage[] {
  const lead = a.unknown ? 'The note for' : 'Could not log the note for';
  const tail = a.unknown ? ' may have been logged' : '';
  const nothing = a.unknown ? 'Send the same command again to make sure;' : 'Nothing was written;';
  return withQuote(
    a.text,
    fallback(`${lead} ${a.email}${tail}: ${a.reason}. Your note: ${a.text}`),
    (where) => [
      section(
        `⚠️ ${lead} *${truncate(escapeMrkdwn(a.email), 300)}*${tail}: ${truncate(escapeMrkdwn(a.reason), 1000)}. ${nothing} ${where}`,
      ),
    ],
  );
}

/** The same quick note sent again within a minute of the first: written once. */
export function buildQuickNoteDuplicateMessage(a: {
  contactName: string;
  inProgress: boolean;
}): SlackMessage {
  const name = truncate(escapeMrkdwn(a.contactName), 200);
  const what = a.inProgress
    ? `That note to *${name}* is being logged right now`
    : `That note to *${name}* was already logged a moment ago`;
  return {
    text: fallback(
      `${a.inProgress ? 'That note is being logged right now' : 'That note was already logged'}; it was not written twice.`,
    ),
    blocks: [section(`ℹ️ ${what}; it was not written twice.`)],
  };
}
