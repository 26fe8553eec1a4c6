import { decodeEntities } from '../html-text.js';

/**
 * Slack's message format → readable plain text (Agile stores notes as text). In a message's `text`
 * every literal `<`, `>`, `&` arrives as an entity, so any raw `<…>` is a Slack control sequence:
 * a user or channel mention, a special mention (@here), a date, or a link.
 */

export interface SlackTextNames {
  /** Slack user id → display name (from users.info). */
  users?: ReadonlyMap<string, string>;
  /** Channel id → name without '#'. */
  channels?: ReadonlyMap<string, string>;
}

const TOKEN = /<([^<>]*)>/g;

function splitLabel(body: string): { target: string; label: string | undefined } {
  const bar = body.indexOf('|');
  return bar < 0
    ? { target: body, label: undefined }
    : { target: body.slice(0, bar), label: body.slice(bar + 1) };
}

/** User ids mentioned (`<@U123>` or `<@U123|name>`), each once, in order of appearance. */
export function mentionedUserIds(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g)) if (m[1]) ids.add(m[1]);
  return [...ids];
}

/** Channel ids mentioned without a name (`<#C123>` or `<#C123|>`): these need a lookup to read well. */
export function unnamedChannelIds(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/<#([CGD][A-Z0-9]+)\|?>/g)) if (m[1]) ids.add(m[1]);
  return [...ids];
}

function renderToken(body: string, names: SlackTextNames): string {
  const { target, label } = splitLabel(body);
  const readableLabel = label !== undefined && label !== '' ? decodeEntities(label) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `@${names.users?.get(id) ?? readableLabel ?? id}`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `#${readableLabel ?? names.channels?.get(id) ?? id}`;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (special.startsWith('subteam^')) return readableLabel ?? '@group';
    if (special.startsWith('date^')) return readableLabel ?? 'a date';
    // here, channel, everyone: written as words, they no longer ping anybody anywhere.
    return `@${readableLabel?.replace(/^@/, '') ?? special}`;
  }
  const url = decodeEntities(target);
  const bare = url.replace(/^(?:mailto|tel):/i, '');
  if (readableLabel === undefined || readableLabel === url || readableLabel === bare) return bare;
  return `${readableLabel} (${bare})`;
}

/**
 * The message as a person reads it: mentions become @Name / #channel, links "label (url)", special
 * mentions plain words, entities decoded. Unknown users keep their label or id.
 */
export function slackTextToPlain(text: string, names: SlackTextNames = {}): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    out += decodeEntities(text.slice(last, at)) + renderToken(m[1] ?? '', names);
    last = at + m[0].length;
  }
  return out + decodeEntities(text.slice(last));
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Emails in plain text, as written, each once (case-insensitively), in order, at most `max`. */
export function findEmails(text: string, max = 5): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const m of text.matchAll(EMAIL_IN_TEXT)) {
    const email = m[0].replace(/\.+$/, '');
    const key = email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(email);
    if (found.length >= max) break;
  }
  return found;
}
