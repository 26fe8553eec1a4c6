import type { KnownBlock } from '@slack/types';
import { ACTION } from '../slack/ids.js';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from './mrkdwn.js';
import { loggedLine, mrkdwnLink, type NoteDone } from './note-modal.js';

/** Quoted text of a failed quick note: at most this much block text, well under the ~11k message budget. */
const QUOTE_BUDGET = 8000;
/** Each quote section, with room under the 3000-character text limit. */
const QUOTE_SECTION_MAX = 2900;

function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwnText(text) };
}

/** Cuts escaped mrkdwn at `max`, preferring a line break, never inside an entity or a surrogate pair. */
function cutPoint(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const nl = text.lastIndexOf('\n', max);
  if (nl > max / 2) return nl + 1;
  let cut = max;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 5 && /^&(?:amp|lt|gt);/.test(text.slice(amp)) && text.indexOf(';', amp) >= cut)
    cut = amp;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return cut;
}

/**
 * What the user typed, quoted back (escaped) so nothing is lost when the note could not be written:
 * sections of block quote, within the message's block-text budget; anything beyond is counted.
 */
export function buildQuoteBlocks(text: string): KnownBlock[] {
  const quoted = escapeMrkdwn(text)
    .split('\n')
    .map((l) => `>${l}`)
    .join('\n');
  const blocks: KnownBlock[] = [];
  let rest = quoted;
  let used = 0;
  while (rest !== '' && used < QUOTE_BUDGET) {
    const at = cutPoint(rest, Math.min(QUOTE_SECTION_MAX, QUOTE_BUDGET - used));
    const chunk = rest.slice(0, at).replace(/\n$/, '');
    rest = rest.slice(at);
    if (rest !== '' && !rest.startsWith('>')) rest = `>${rest}`;
    if (chunk !== '' && chunk !== '>') blocks.push(section(chunk));
    used += chunk.length;
  }
  if (rest.length > 1) {
    blocks.push({
      type: 'context',
      elements: [plainText(`… and about ${rest.length.toLocaleString('en-US')} more characters not shown.`)],
    });
  }
  return blocks;
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
  const link = a.permalink ? ` ${mrkdwnLink(a.permalink, 'See the message')}.` : '';
  return {
    text: fallback(`This message is already logged to ${a.contactName}; no second note was written.`),
    blocks: [
      section(
        `ℹ️ This message is already logged to *${truncate(escapeMrkdwn(a.contactName), 200)}*; no second note was written.${link}`,
      ),
    ],
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

/** `/crm note <email> <text>` when no contact has that email: offer to create it, quote the note back. */
export function buildQuickNoteUnknownContact(a: { email: string; text: string }): SlackMessage {
  const email = escapeMrkdwn(a.email);
  return {
    text: fallback(`No contact with ${a.email} in the CRM; the note was not logged. Your note: ${a.text}`),
    blocks: [
      section(
        `🔎 No contact with *${truncate(email, 300)}* in the CRM, so the note was *not* logged. Create the contact, then send the command again — your note is below to copy.`,
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
      ...buildQuoteBlocks(a.text),
    ],
  };
}

/** The CRM refused or failed: the reason in words, and the note quoted back. */
export function buildQuickNoteFailed(a: { email: string; text: string; reason: string }): SlackMessage {
  return {
    text: fallback(`Could not log the note for ${a.email}: ${a.reason}. Your note: ${a.text}`),
    blocks: [
      section(
        `⚠️ Could not log the note for *${truncate(escapeMrkdwn(a.email), 300)}*: ${truncate(escapeMrkdwn(a.reason), 1000)}. Nothing was written; your note is below to copy.`,
      ),
      ...buildQuoteBlocks(a.text),
    ],
  };
}

/** The same quick note sent again within the minute: written once. */
export function buildQuickNoteDuplicate(a: { contactName: string; inProgress: boolean }): SlackMessage {
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
