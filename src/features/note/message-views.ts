import type { KnownBlock } from '@slack/types';
import { ACTION } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { textSection as section } from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, plainText, truncate } from '../../platform/slack/mrkdwn.js';

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

/** Follow-up messages a quote may take: a response_url takes 5 posts and the answer itself is the first. */
export const QUOTE_PARTS_MAX = 4;
const FENCE = '```';
/** A code block section's content, so that the fences still fit the 3000-character text limit. */
const QUOTE_SECTION_MAX = LIMITS.text - 2 * FENCE.length;
/** Block text of one part: its sections, leaving room for the "part i of n" heading. */
const PART_TEXT_BUDGET = LIMITS.messageBlockText - 200;
/** Below this much room a part is closed rather than given a sliver of a section. */
const MIN_SECTION = 200;

/**
 * 'code': escaped mrkdwn in a code block (copyable, no formatting applied); 'plain': plain_text,
 * which Slack renders literally, used when the text holds a fence of its own or when escaping
 * (`&` → `&amp;`) would make it too long to send back whole.
 */
export type QuoteStyle = 'code' | 'plain';

export interface QuotePlan {
  style: QuoteStyle;
  /** Raw (unescaped) pieces of the text, grouped per follow-up message; joined they give the text back. */
  parts: string[][];
  /** Characters at the end that did not fit in QUOTE_PARTS_MAX messages (0: everything comes back). */
  omittedChars: number;
}

function renderedLength(ch: string, style: QuoteStyle): number {
  if (style === 'plain') return 1;
  return ch === '&' ? 5 : ch === '<' || ch === '>' ? 4 : 1;
}

/**
 * End of the next piece starting at `from` whose rendered length is ≤ max: after the last whitespace
 * in reach, so no word is split; only a single word longer than a section (or `wholeWords` false) is
 * cut mid-word, never inside a surrogate pair.
 */
function pieceEnd(text: string, from: number, max: number, style: QuoteStyle, wholeWords: boolean): number {
  let used = 0;
  let lastBreak = -1;
  let i = from;
  while (i < text.length) {
    const ch = text.charAt(i);
    const cost = renderedLength(ch, style);
    if (used + cost > max) break;
    used += cost;
    i += 1;
    if (/\s/.test(ch)) lastBreak = i;
  }
  if (i >= text.length) return text.length;
  if (wholeWords && lastBreak > from) return lastBreak;
  const prev = text.charCodeAt(i - 1);
  if (i - 1 > from && prev >= 0xd800 && prev <= 0xdbff) return i - 1;
  return Math.max(i, from + 1);
}

function packQuote(text: string, style: QuoteStyle, wholeWords: boolean, maxParts: number): QuotePlan {
  const parts: string[][] = [];
  let at = 0;
  while (at < text.length && parts.length < maxParts) {
    const part: string[] = [];
    let room = PART_TEXT_BUDGET;
    const overhead = style === 'code' ? 2 * FENCE.length : 0;
    while (at < text.length && room - overhead >= MIN_SECTION) {
      const max = Math.min(style === 'code' ? QUOTE_SECTION_MAX : LIMITS.text, room - overhead);
      const end = pieceEnd(text, at, max, style, wholeWords);
      const piece = text.slice(at, end);
      part.push(piece);
      room -= overhead + (style === 'code' ? escapeMrkdwn(piece).length : piece.length);
      at = end;
    }
    parts.push(part);
  }
  return { style, parts, omittedChars: text.length - at };
}

/**
 * How a note is sent back so that nothing is lost: whole words in code blocks when that fits in
 * QUOTE_PARTS_MAX messages; else literal plain_text (no escaping growth); as a last resort cut
 * anywhere. Any text up to NOTE_TEXT_MAX (40,000) always fits (4 × ~10,800 characters).
 */
export function planQuote(text: string, maxParts: number = QUOTE_PARTS_MAX): QuotePlan {
  const tries: [QuoteStyle, boolean][] = [
    ...(text.includes(FENCE) ? [] : [['code', true] as [QuoteStyle, boolean]]),
    ['plain', true],
    ['plain', false],
  ];
  let plan: QuotePlan | undefined;
  for (const [style, wholeWords] of tries) {
    plan = packQuote(text, style, wholeWords, maxParts);
    if (plan.omittedChars === 0) return plan;
  }
  return plan as QuotePlan;
}

function quoteSection(piece: string, style: QuoteStyle): KnownBlock {
  return style === 'code'
    ? {
        type: 'section',
        text: { type: 'mrkdwn', text: `${FENCE}${escapeMrkdwn(piece)}${FENCE}`, verbatim: true },
      }
    : { type: 'section', text: { type: 'plain_text', text: piece, emoji: false } };
}

/** The quote's blocks for one part (pieces never empty: Slack rejects an empty text object). */
export function buildQuoteBlocks(pieces: string[], style: QuoteStyle): KnownBlock[] {
  return pieces.filter((p) => p !== '').map((p) => quoteSection(p, style));
}

function blockTextLength(blocks: KnownBlock[]): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') n += o.text.length;
      else Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return n;
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
