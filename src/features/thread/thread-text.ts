import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { channelLabel } from '../../platform/slack/format.js';
import { type SlackTextNames, slackTextToPlain } from '../../platform/slack/slack-text.js';

/**
 * A Slack thread as plain-text notes (Agile stores notes as text): one line per message,
 * `Name (HH:mm): text`, times in the acting user's zone, a date line when the day changes, people
 * from another organisation marked "(external)". A long thread is split between messages into
 * several notes, each numbered "(2/3)".
 */

/** Agile documents no size limit for a note; a note this long stays readable in its timeline. */
export const THREAD_NOTE_MAX = 10_000;

export interface ThreadMessage {
  ts: string;
  /** Slack user id of the author; absent for a bot's message. */
  userId?: string;
  botName?: string;
  /** Slack's text (mrkdwn with `<@U…>` tokens and entities). */
  text: string;
}

export interface Speaker {
  name: string;
  /** From another organisation (Slack Connect): marked "(external)". */
  external: boolean;
}

export interface ThreadSource {
  /** Channel name without '#'; undefined for a DM. */
  channelName?: string;
  permalink?: string;
  /** Who logs it (the footer names them). */
  loggedByName: string;
  timeZone: string;
}

const tsToMs = (ts: string) => Math.round(Number(ts) * 1000);

function speakerOf(m: ThreadMessage, speakers: ReadonlyMap<string, Speaker>): string {
  if (m.userId) {
    const s = speakers.get(m.userId);
    const name = s?.name ?? m.userId;
    return s?.external ? `${name} (external)` : name;
  }
  return m.botName ? `${m.botName} (app)` : 'An app';
}

/** The thread's lines, oldest first: a "— Fri 4 Dec 2026 —" line opens each day, then `Name (HH:mm): text`. */
export function threadLines(
  messages: readonly ThreadMessage[],
  speakers: ReadonlyMap<string, Speaker>,
  names: SlackTextNames,
  timeZone: string,
): string[] {
  const lines: string[] = [];
  let day = '';
  for (const m of [...messages].sort((a, b) => tsToMs(a.ts) - tsToMs(b.ts))) {
    const at = new TZDate(tsToMs(m.ts), timeZone);
    const thisDay = format(at, 'EEE d MMM yyyy');
    if (thisDay !== day) {
      day = thisDay;
      lines.push(`— ${thisDay} —`);
    }
    // Continuation lines are indented so each message stays one block in the note.
    const text = slackTextToPlain(m.text, names).trim().replace(/\n/g, '\n  ');
    lines.push(`${speakerOf(m, speakers)} (${format(at, 'HH:mm')}): ${text}`);
  }
  return lines;
}

/** Cuts one over-long line into pieces of at most `max` characters, at a space when there is one. */
function cutLine(line: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    let at = space > max / 2 ? space : max;
    // Never split a surrogate pair.
    const code = rest.charCodeAt(at - 1);
    if (code >= 0xd800 && code <= 0xdbff) at -= 1;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

/** Lines grouped into bodies of at most `max` characters (joined by '\n'), in order, never reordered. */
export function splitIntoBodies(lines: readonly string[], max: number): string[] {
  const bodies: string[] = [];
  let current = '';
  for (const line of lines.flatMap((l) => cutLine(l, max))) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length <= max) {
      current = next;
      continue;
    }
    bodies.push(current);
    current = line;
  }
  if (current !== '') bodies.push(current);
  return bodies;
}

export interface ThreadNote {
  subject: string;
  description: string;
}

function header(source: ThreadSource, part: number, parts: number): string {
  const where = channelLabel(source.channelName);
  const numbered = parts > 1 ? ` (${part}/${parts})` : '';
  return `Slack thread${where ? ` in ${where}` : ''}${numbered}`;
}

function footer(source: ThreadSource): string {
  const where = channelLabel(source.channelName);
  const by = `Logged from Slack by ${source.loggedByName.trim() || 'a Slack user'}`;
  return `${by}${where ? ` in ${where}` : ''}${source.permalink ? ` — ${source.permalink}` : ''} (times in ${source.timeZone})`;
}

/**
 * The notes a thread is logged as, in order: each `header (i/n)`, its lines, the footer; every
 * description at most THREAD_NOTE_MAX characters (`max` in tests).
 */
export function buildThreadNotes(
  lines: readonly string[],
  source: ThreadSource,
  max = THREAD_NOTE_MAX,
): ThreadNote[] {
  const foot = footer(source);
  // Room for the header with a "(999/999)" part number, two blank lines and the footer.
  const budget = Math.max(200, max - foot.length - header(source, 999, 999).length - 4);
  const bodies = splitIntoBodies(lines, budget);
  if (bodies.length === 0) bodies.push('(no messages)');
  return bodies.map((body, i) => {
    const head = header(source, i + 1, bodies.length);
    return { subject: head, description: `${head}\n\n${body}\n\n${foot}` };
  });
}
