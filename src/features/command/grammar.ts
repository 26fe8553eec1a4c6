import { decodeEntities } from '../../platform/html-text.js';
import { editDistance, isEmail } from '../../platform/text.js';
import { classifyLookupQuery, type LookupQuery } from '../contacts/lookup-query.js';
import { ALL_USAGES, COMMAND_USAGE, type CommandName } from './usage.js';

export type ModalName = 'note' | 'task' | 'deal' | 'move' | 'ticket';

/** Whose Agile account: the workspace's (admins) or the user's own. */
export type ConnectScope = 'workspace' | 'personal';

export type DealRef = { kind: 'id'; id: string } | { kind: 'name'; name: string };

/**
 * What `/crm follow|unfollow …` names: a contact by email, a deal or ticket by id (`deal 12`, `ticket 12`,
 * `#12` = a ticket; bare digits: a deal, else a ticket), or a deal by name.
 */
export type FollowRef =
  | { kind: 'email'; email: string }
  | { kind: 'id'; id: string; hint: 'deal' | 'ticket' | null }
  | { kind: 'name'; name: string };

/** What `/crm …` asked for. `parseCrmCommand` always returns one of these and never throws. */
export type CrmCommand =
  | { kind: 'help' }
  | { kind: 'lookup'; query: string; target: LookupQuery }
  /** A bare `/crm note|task|deal|move|ticket|reply`: open that modal. */
  | { kind: 'modal'; modal: ModalName }
  | { kind: 'note'; email: string; text: string }
  /** `dueText` is left unparsed (see parseDueDate); null when no ` due ` was given. */
  | { kind: 'task'; email: string; subject: string; dueText: string | null }
  | { kind: 'move'; deal: DealRef; milestone: string }
  /** `ticketId` is all digits (kept as a string: Agile ids exceed safe integer headroom). */
  | { kind: 'reply'; ticketId: string; text: string }
  /** Everything after `digest`, trimmed; parsed by the digest's own parser. */
  | { kind: 'digest'; args: string }
  /** The bot's health (admins only). */
  | { kind: 'status' }
  /** Post this record's changes in a thread of this channel. */
  | { kind: 'follow'; target: FollowRef }
  | { kind: 'unfollow'; target: FollowRef }
  /** This channel's follows. */
  | { kind: 'following' }
  /** `/crm connect` (the workspace's Agile account, admins) or `/crm connect me` (the user's own). */
  | { kind: 'connect'; scope: ConnectScope }
  | { kind: 'disconnect'; scope: ConnectScope }
  /** `days`: null = the default window; `userId`: a Slack user id, null = everyone. */
  | { kind: 'audit'; days: number | null; userId: string | null }
  /** `message` and `usage` are plain text (may hold backticks) and must be escaped before mrkdwn. */
  | { kind: 'error'; message: string; usage: string };

export type CrmCommandKind = CrmCommand['kind'];

const KEYWORDS: Record<string, CommandName | 'ticket'> = {
  help: 'help',
  '?': 'help',
  lookup: 'lookup',
  find: 'lookup',
  search: 'lookup',
  who: 'lookup',
  note: 'note',
  task: 'task',
  deal: 'deal',
  move: 'move',
  reply: 'reply',
  ticket: 'ticket',
  digest: 'digest',
  status: 'status',
  audit: 'audit',
  follow: 'follow',
  unfollow: 'unfollow',
  following: 'following',
  connect: 'connect',
  disconnect: 'disconnect',
};

const MAX_ECHO = 40;

/**
 * Slack rewrites some typed values when "escape channels, users and links" is on: `ana@acme.com` arrives
 * as `<mailto:ana@acme.com|ana@acme.com>`, phones as `<tel:…|…>`, URLs as `<https://…|…>`, and `&<>` as
 * entities. Turn them back into what the user typed. Entities are decoded after the links so a typed
 * `&lt;mailto:x&gt;` stays literal text.
 */
export function unwrapSlackText(text: string): string {
  const unlinked = text.replace(
    /<((?:mailto|tel|https?):[^|>\s]*)(?:\|([^>]*))?>/gi,
    (_m, target: string, label: string | undefined) => {
      const plain = target.replace(/^(?:mailto|tel):/i, '');
      if (label === undefined || label === '') return plain;
      // A hyperlink whose text differs from its address keeps the address: notes must not lose it.
      const isWeb = /^https?:/i.test(target);
      return isWeb && label !== target && label !== target.replace(/^https?:\/\//i, '')
        ? `${label} (${target})`
        : label;
    },
  );
  return decodeEntities(unlinked);
}

export function parseCrmCommand(text: string): CrmCommand {
  try {
    return parse(typeof text === 'string' ? text : '');
  } catch {
    // Unreachable by design (the property tests hunt for it); a parser must never take the listener down.
    return usageError('help', 'Sorry, I could not read that command.');
  }
}

function parse(raw: string): CrmCommand {
  const input = unwrapSlackText(raw);
  const head = /^\s*(\S+)(?:\s+([\s\S]*))?$/u.exec(input);
  if (!head) return { kind: 'help' };
  const word = head[1] ?? '';
  const rest = (head[2] ?? '').trimEnd();
  const command = KEYWORDS[word.toLowerCase()];
  switch (command) {
    case 'help':
      return { kind: 'help' };
    case 'lookup':
      return parseLookup(rest);
    case 'note':
      return parseNote(rest);
    case 'task':
      return parseTask(rest);
    case 'deal':
      return rest === ''
        ? { kind: 'modal', modal: 'deal' }
        : usageError(
            'deal',
            '`/crm deal` opens the Create deal form and takes nothing after it. Type just `/crm deal`.',
          );
    case 'move':
      return parseMove(rest);
    case 'reply':
    case 'ticket':
      return parseReply(rest, word.toLowerCase());
    case 'digest':
      return { kind: 'digest', args: rest.trim() };
    case 'status':
      return rest.trim() === ''
        ? { kind: 'status' }
        : usageError('status', '`/crm status` takes nothing after it. Type just `/crm status`.');
    case 'audit':
      return parseAudit(rest);
    case 'follow':
    case 'unfollow': {
      const target = parseFollowRef(rest);
      return target
        ? { kind: command, target }
        : usageError(
            command,
            `\`/crm ${command}\` needs what to ${command}: a deal name or id, a contact's email, or a ticket number: \`${COMMAND_USAGE[command].example}\`.`,
          );
    }
    case 'following':
      return rest.trim() === ''
        ? { kind: 'following' }
        : usageError('following', '`/crm following` takes nothing after it. Type just `/crm following`.');
    case 'connect':
    case 'disconnect':
      return parseConnect(command, rest);
    default:
      return unknownCommand(word, rest);
  }
}

function parseLookup(rest: string): CrmCommand {
  const query = rest.trim();
  if (query === '') {
    return usageError(
      'lookup',
      '`/crm lookup` needs something to look for: an email, a phone number or a name.',
    );
  }
  return { kind: 'lookup', query, target: classifyLookupQuery(query) };
}

function parseNote(rest: string): CrmCommand {
  if (rest === '') return { kind: 'modal', modal: 'note' };
  const { first, after } = splitFirst(rest);
  if (!isEmail(first)) {
    return usageError(
      'note',
      `\`/crm note\` needs an email then the text (\`${echo(first)}\` is not an email): \`${COMMAND_USAGE.note.example}\`. Or type just \`/crm note\` to open the form.`,
    );
  }
  if (after.trim() === '') {
    return usageError(
      'note',
      `Add the note text after the email: \`/crm note ${echo(first)} Called about the renewal\`. Or type just \`/crm note\` to open the form.`,
    );
  }
  return { kind: 'note', email: first, text: after };
}

function parseTask(rest: string): CrmCommand {
  if (rest === '') return { kind: 'modal', modal: 'task' };
  const { first, after } = splitFirst(rest);
  if (!isEmail(first)) {
    return usageError(
      'task',
      `\`/crm task\` needs an email, then the subject, then optionally \`due <when>\` (\`${echo(first)}\` is not an email): \`${COMMAND_USAGE.task.example}\`.`,
    );
  }
  let subject = after;
  let dueText: string | null = null;
  const dues = [...after.matchAll(/\s+due\s+(?=\S)/giu)];
  const lastDue = dues.at(-1);
  if (lastDue) {
    subject = after.slice(0, lastDue.index);
    dueText = after.slice(lastDue.index + lastDue[0].length).trim();
  } else {
    const onlyDue = /^due\s+(?=\S)/iu.exec(after);
    if (onlyDue) {
      subject = '';
      dueText = after.slice(onlyDue[0].length).trim();
    }
  }
  if (subject.trim() === '') {
    return usageError(
      'task',
      `Add a subject after the email: \`/crm task ${echo(first)} Send the quote${dueText ? ` due ${echo(dueText)}` : ''}\`.`,
    );
  }
  return { kind: 'task', email: first, subject, dueText };
}

function parseMove(rest: string): CrmCommand {
  if (rest === '') return { kind: 'modal', modal: 'move' };
  const tos = [...rest.matchAll(/\s+to\s+(?=\S)/giu)];
  const lastTo = tos.at(-1);
  const dealText = lastTo ? rest.slice(0, lastTo.index).trim() : '';
  const milestone = lastTo ? rest.slice(lastTo.index + lastTo[0].length).trim() : '';
  if (!lastTo || dealText === '' || milestone === '') {
    return usageError(
      'move',
      `\`/crm move\` needs a deal (id or name), then \`to\`, then the milestone: \`${COMMAND_USAGE.move.example}\`. Or type just \`/crm move\` to open the form.`,
    );
  }
  const deal: DealRef = /^\d+$/.test(dealText)
    ? { kind: 'id', id: dealText }
    : { kind: 'name', name: dealText };
  return { kind: 'move', deal, milestone };
}

function parseReply(rest: string, invokedAs: string): CrmCommand {
  if (rest === '') return { kind: 'modal', modal: 'ticket' };
  const { first, after } = splitFirst(rest);
  const id = first.replace(/^#/, '');
  if (!/^\d+$/.test(id)) {
    return usageError(
      'reply',
      `\`/crm ${invokedAs}\` needs the ticket number first (\`${echo(first)}\` is not one), then the reply: \`${COMMAND_USAGE.reply.example}\`. Or type just \`/crm ${invokedAs}\` to open the form.`,
    );
  }
  if (after.trim() === '') {
    return usageError(
      'reply',
      `Add the reply text after the ticket number: \`/crm ${invokedAs} ${id} Thanks, on it!\`.`,
    );
  }
  return { kind: 'reply', ticketId: id, text: after };
}

/** null when nothing was named. */
export function parseFollowRef(rest: string): FollowRef | null {
  const text = rest.trim().replace(/\s+/g, ' ');
  if (text === '') return null;
  const typed = /^(deal|ticket|contact)\s+(\S[\s\S]*)$/i.exec(text);
  const word = typed?.[1]?.toLowerCase();
  const value = (typed?.[2] ?? text).trim();
  const ticketId = /^#?(\d+)$/.exec(value)?.[1];
  if (word === 'ticket')
    return ticketId ? { kind: 'id', id: ticketId, hint: 'ticket' } : { kind: 'name', name: text };
  if (word === 'contact')
    return isEmail(value) ? { kind: 'email', email: value } : { kind: 'name', name: text };
  if (word === 'deal')
    return /^\d+$/.test(value) ? { kind: 'id', id: value, hint: 'deal' } : { kind: 'name', name: value };
  if (isEmail(value)) return { kind: 'email', email: value };
  if (value.startsWith('#') && ticketId) return { kind: 'id', id: ticketId, hint: 'ticket' };
  if (/^\d+$/.test(value)) return { kind: 'id', id: value, hint: null };
  return { kind: 'name', name: value };
}

/** `connect` / `disconnect` alone (the workspace's account), `… me` (mine), `… workspace` (said in full). */
function parseConnect(command: 'connect' | 'disconnect', rest: string): CrmCommand {
  const word = rest.trim().toLowerCase();
  if (word === '' || word === 'workspace') return { kind: command, scope: 'workspace' };
  if (word === 'me' || word === 'my account' || word === 'myself')
    return { kind: command, scope: 'personal' };
  return usageError(
    command,
    `\`/crm ${command}\` takes nothing (the workspace's Agile account) or \`me\` (your own), not \`${echo(rest)}\`.`,
  );
}

/** More than any retention anyone sets; the export clamps to the real one. */
const AUDIT_MAX_DAYS = 36_500;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** `audit [days N] [user @someone]`, in either order. A mention arrives as `<@U123|name>` or `<@U123>`. */
function parseAudit(rest: string): CrmCommand {
  // Mentions first: a label may hold spaces ("<@U123|Bob Baker>").
  const words = rest
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, ' @$1 ')
    .split(/\s+/)
    .filter((w) => w !== '');
  let days: number | null = null;
  let userId: string | null = null;
  for (let i = 0; i < words.length; i += 2) {
    const option = words[i]?.toLowerCase();
    const value = words[i + 1];
    if (option === 'days' && days === null && value !== undefined) {
      if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > AUDIT_MAX_DAYS) {
        return usageError('audit', `\`days\` takes a whole number of days (\`${echo(value)}\` is not one).`);
      }
      days = Number(value);
    } else if (option === 'user' && userId === null && value !== undefined) {
      const id = value.replace(/^@/, '');
      if (!SLACK_USER_ID.test(id)) {
        return usageError(
          'audit',
          `\`user\` takes a mention: type @ and pick the person from the list (\`${echo(value)}\` is not one).`,
        );
      }
      userId = id;
    } else {
      return usageError(
        'audit',
        `\`/crm audit\` takes \`days N\` and \`user @someone\`, each once (not \`${echo(words.slice(i).join(' '))}\`).`,
      );
    }
  }
  return { kind: 'audit', days, userId };
}

function unknownCommand(word: string, rest: string): CrmCommand {
  const typed = echo(word);
  if (isEmail(word) || classifyLookupQuery(word).kind === 'phone') {
    return {
      kind: 'error',
      message: `I don't know \`/crm ${typed}\`. Did you mean \`/crm lookup ${typed}\`?`,
      usage: usageOf('lookup'),
    };
  }
  const near = nearestKeyword(word.toLowerCase());
  if (near) {
    const target = KEYWORDS[near] === 'ticket' ? 'reply' : (KEYWORDS[near] ?? 'help');
    const tail = rest.trim() === '' ? '' : ' …';
    return {
      kind: 'error',
      message: `I don't know \`/crm ${typed}\`. Did you mean \`/crm ${near}${tail}\`?`,
      usage: usageOf(target),
    };
  }
  return {
    kind: 'error',
    message: `I don't know \`/crm ${typed}\`. Try one of these (or \`/crm help\`):`,
    usage: ALL_USAGES,
  };
}

/** The keyword within a small edit distance (1 for short words, 2 for longer), or a unique 3+ letter prefix. */
function nearestKeyword(word: string): string | undefined {
  if (word.length === 0 || word.length > 20) return undefined;
  let best: { keyword: string; distance: number } | undefined;
  for (const keyword of Object.keys(KEYWORDS)) {
    if (keyword === '?') continue;
    const allowed = keyword.length <= 4 ? 1 : 2;
    const distance = editDistance(word, keyword);
    if (distance <= allowed && (!best || distance < best.distance)) best = { keyword, distance };
  }
  if (best) return best.keyword;
  if (word.length >= 3) {
    const prefixed = Object.keys(KEYWORDS).filter((k) => k.startsWith(word));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/** First whitespace-separated token and the text after it (separator removed, everything else kept). */
function splitFirst(rest: string): { first: string; after: string } {
  const m = /^\s*(\S+)(?:\s+([\s\S]*))?$/u.exec(rest);
  return { first: m?.[1] ?? '', after: m?.[2] ?? '' };
}

function usageOf(name: CommandName): string {
  const u = COMMAND_USAGE[name];
  return `${u.usage}\ne.g. ${u.example}`;
}

function usageError(name: CommandName, message: string): CrmCommand {
  return { kind: 'error', message, usage: usageOf(name) };
}

/** User text quoted back inside backticks: short, one line, no backticks to break the code span. */
function echo(value: string): string {
  const flat = value.replace(/[`\s]+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > MAX_ECHO ? `${chars.slice(0, MAX_ECHO - 1).join('')}…` : flat;
}
