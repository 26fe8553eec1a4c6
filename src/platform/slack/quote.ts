import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText } from './mrkdwn.js';

/**
 * Giving a user's text back whole (a failed save, a refused command): split into sections and messages
 * within Block Kit limits, never cut. The one way every failure notice quotes what was typed.
 */

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

export function blockTextLength(blocks: KnownBlock[]): number {
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

/** Follow-up messages a quoted text may take where the channel allows many (a DM, chat.postMessage). */
export const QUOTE_MESSAGES_MAX = 20;

/**
 * A failure notice followed by what the user typed, whole: inline when one message holds both, else in
 * "label, part i of n" follow-ups (`maxParts` of them: a response_url takes 5 posts, a DM many).
 * Every message stays within Block Kit limits; the text is never cut (up to maxParts × ~10,800 chars).
 */
export function noticeWithText(
  notice: SlackMessage,
  label: string,
  typed: string,
  maxParts: number = QUOTE_MESSAGES_MAX,
): SlackMessage[] {
  if (typed.trim() === '') return [notice];
  const plan = planQuote(typed, maxParts);
  const intro = (where: string): KnownBlock => ({ type: 'context', elements: [mrkdwnText(where)] });
  const only = plan.parts.length === 1 ? plan.parts[0] : undefined;
  if (only) {
    const blocks = [...notice.blocks, intro(`${label}:`), ...buildQuoteBlocks(only, plan.style)];
    if (blockTextLength(blocks) <= LIMITS.messageBlockText && blocks.length <= LIMITS.messageBlocks)
      return [{ text: notice.text, blocks }];
  }
  const n = plan.parts.length;
  return [
    {
      text: notice.text,
      blocks: [...notice.blocks, intro(`${label}: it follows in ${n} message${n === 1 ? '' : 's'}.`)],
    },
    ...plan.parts.map((pieces, i) => ({
      text: `${label}, part ${i + 1} of ${n}`,
      blocks: [intro(`📋 ${label}, part ${i + 1} of ${n}:`), ...buildQuoteBlocks(pieces, plan.style)],
    })),
  ];
}
