import type { KnownBlock } from '@slack/types';
import { formatDealValue, slackDate } from '../../platform/slack/format.js';
import { ACTION } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { FollowKind } from '../../platform/store/index.js';
import type { FollowChange } from './snapshot.js';

/** A followed record as the messages name it. */
export interface RecordRef {
  kind: FollowKind;
  recordId: string;
  label: string;
  /** The record in Agile's web app, when the domain is known. */
  url?: string;
}

/** Lines of a note or ticket message quoted in an update. */
const QUOTE_MAX = 600;
/** The most follows `/crm following` lists (each is a block; a message holds 50). */
const MAX_LISTED = 40;
const MAX_CHOICES = 10;

const KIND_WORD: Record<FollowKind, string> = { deal: 'deal', contact: 'contact', ticket: 'ticket' };

/** `https://acme.agilecrm.com/#deal/12`; undefined without a real domain (the console's sandbox has none). */
export function recordUrl(domain: string | null, kind: FollowKind, recordId: string): string | undefined {
  if (!domain || domain === 'sandbox') return undefined;
  return `https://${domain}.agilecrm.com/#${kind}/${encodeURIComponent(recordId)}`;
}

/** `deal *Acme renewal*`, `ticket #12 *Printer on fire*`, linked when possible; escaped. */
export function recordName(ref: RecordRef): string {
  const name = `*${escapeMrkdwn(truncate(ref.label, 200))}*`;
  const word = ref.kind === 'ticket' ? `ticket #${ref.recordId}` : KIND_WORD[ref.kind];
  const linked = ref.url ? `<${ref.url}|${escapeMrkdwn(truncate(ref.label, 200))}>` : name;
  return `${word} ${ref.url ? `*${linked}*` : linked}`;
}

function quote(text: string): string {
  const flat = text.trim();
  if (flat === '') return '';
  return truncate(escapeMrkdwn(flat), QUOTE_MAX)
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

function section(text: string, blockId?: string): KnownBlock {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: mrkdwnText(text) };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [mrkdwnText(text)] };
}

function message(text: string, blocks: KnownBlock[]): SlackMessage {
  return { text: truncate(text, LIMITS.fallbackText), blocks };
}

/** The channel message that starts the record's thread. */
export function buildFollowAnnouncement(ref: RecordRef, userId: string): SlackMessage {
  const text = `👀 <@${userId}> is following ${recordName(ref)} in this channel. Its changes will be posted in this thread.`;
  return message(text, [
    section(text),
    context('`/crm unfollow …` stops it · `/crm following` lists what this channel follows'),
  ]);
}

/** The thread's first reply: what will be posted there. */
export function buildFollowIntro(ref: RecordRef, intervalSec: number): SlackMessage {
  const what =
    ref.kind === 'deal'
      ? 'milestone, value, owner and close date changes, won or lost (also shown in the channel), and new notes'
      : ref.kind === 'contact'
        ? 'new notes on this contact'
        : 'new messages on this ticket (customer replies, agent replies and private notes)';
  const every = intervalSec % 60 === 0 ? `${intervalSec / 60} min` : `${intervalSec} s`;
  const text = `Updates on ${recordName(ref)} go here: ${what}. The CRM is checked every ${every}.`;
  return message(text, [section(text)]);
}

function valueText(v: number | null): string {
  return v === null ? '—' : formatDealValue(v);
}

function dateText(sec: number | null): string {
  return sec === null || sec === 0 ? '—' : slackDate(sec);
}

function changeLine(c: FollowChange): string | null {
  switch (c.type) {
    case 'milestone':
      return `Milestone: ${escapeMrkdwn(c.from || '—')} → *${escapeMrkdwn(c.to || '—')}*`;
    case 'value':
      return `Value: ${valueText(c.from)} → *${valueText(c.to)}*`;
    case 'owner':
      return `Owner: ${escapeMrkdwn(c.from ?? '—')} → *${escapeMrkdwn(c.to ?? '—')}*`;
    case 'close_date':
      return `Close date: ${dateText(c.fromSec)} → *${dateText(c.toSec)}*`;
    default:
      return null;
  }
}

/**
 * The deal's field changes of one poll as one thread reply. Won or lost leads the message (it is also
 * broadcast to the channel by the caller).
 */
export function buildDealChangeMessage(ref: RecordRef, changes: readonly FollowChange[]): SlackMessage {
  const outcome = changes.find((c) => c.type === 'milestone')?.outcome ?? null;
  const head =
    outcome === 'won'
      ? `🏆 ${recordName(ref)} was *won*.`
      : outcome === 'lost'
        ? `🔻 ${recordName(ref)} was *lost*.`
        : `✏️ ${recordName(ref)} changed.`;
  const lines = changes.map(changeLine).filter((l): l is string => l !== null);
  const text = `${head}\n${lines.join('\n')}`;
  return message(text, [section(truncate(text, LIMITS.text))]);
}

export function buildNoteMessage(
  ref: RecordRef,
  note: Extract<FollowChange, { type: 'note' }>,
): SlackMessage {
  const subject = note.subject.trim();
  const body = note.text.trim() === subject ? '' : note.text;
  const text = `📝 New note on ${recordName(ref)}${subject ? `: *${escapeMrkdwn(truncate(subject, 300))}*` : ''}`;
  const blocks = [section(truncate(body.trim() ? `${text}\n${quote(body)}` : text, LIMITS.text))];
  return message(text, blocks);
}

export function buildTicketMessageUpdate(
  ref: RecordRef,
  change: Extract<FollowChange, { type: 'ticket_message' }>,
): SlackMessage {
  const m = change.message;
  const who =
    m.from === 'requester'
      ? `${escapeMrkdwn(m.author)} (customer)`
      : m.visibility === 'private'
        ? `${escapeMrkdwn(m.author)} (private note)`
        : `${escapeMrkdwn(m.author)} (agent reply)`;
  const text = `💬 New message on ${recordName(ref)} from ${who}`;
  return message(text, [section(truncate(`${text}\n${quote(m.text)}`, LIMITS.text))]);
}

/** "…and N more" when a poll found more notes or messages than are posted one by one. */
export function buildMoreUpdatesMessage(ref: RecordRef, more: number): SlackMessage {
  const text = `…and ${more} more new ${more === 1 ? 'item' : 'items'} on ${recordName(ref)}: see the CRM.`;
  return message(text, [section(text)]);
}

/** Posted once when the record is gone from the CRM: the follow ends. */
export function buildFollowEndedMessage(ref: RecordRef): SlackMessage {
  const text = `🗑️ ${recordName(ref)} no longer exists in the CRM, so this channel stopped following it.`;
  return message(text, [section(text)]);
}

export interface ListedFollow {
  id: string;
  ref: RecordRef;
  /** Link to the thread, when known. */
  threadUrl?: string;
}

/** `/crm following`: one line per follow with an Unfollow button. */
export function buildFollowingList(follows: readonly ListedFollow[], channelName?: string): SlackMessage {
  const where = channelName ? escapeMrkdwn(channelName) : 'this channel';
  if (follows.length === 0) {
    const text = `Nothing is followed in ${where}. Try \`/crm follow Acme renewal\`, \`/crm follow ana@acme.com\` or \`/crm follow #5712\`.`;
    return message(text, [section(text)]);
  }
  const head = `${follows.length === 1 ? '1 record is' : `${follows.length} records are`} followed in ${where}:`;
  const blocks: KnownBlock[] = [section(head)];
  for (const f of follows.slice(0, MAX_LISTED)) {
    blocks.push({
      type: 'section',
      block_id: `follow:${f.id}`.slice(0, LIMITS.id),
      text: mrkdwnText(`${recordName(f.ref)}${f.threadUrl ? ` · <${f.threadUrl}|thread>` : ''}`),
      accessory: {
        type: 'button',
        action_id: ACTION.unfollow,
        text: plainText('Unfollow', LIMITS.buttonText),
        value: f.id,
      },
    });
  }
  if (follows.length > MAX_LISTED) {
    blocks.push(
      context(`${follows.length - MAX_LISTED} more — \`/crm unfollow <name>\` works for every one.`),
    );
  }
  return message(head, blocks);
}

export interface DealChoice {
  id: string;
  name: string;
  milestone?: string;
  value?: number;
}

/** Several deals are named like that: one "Follow this one" button each. */
export function buildFollowChoices(typed: string, deals: readonly DealChoice[]): SlackMessage {
  const text = `${deals.length} deals match “${escapeMrkdwn(typed)}”. Which one should this channel follow?`;
  const blocks: KnownBlock[] = [section(truncate(text, LIMITS.text))];
  deals.slice(0, MAX_CHOICES).forEach((d, i) => {
    blocks.push({
      type: 'section',
      block_id: `follow_choice_${i}`,
      text: mrkdwnText(
        `*${escapeMrkdwn(d.name)}* · ${escapeMrkdwn(d.milestone || '—')} · ${formatDealValue(d.value)} · id ${d.id}`,
      ),
      accessory: {
        type: 'button',
        action_id: ACTION.followPick,
        text: plainText('Follow this one', LIMITS.buttonText),
        value: d.id,
      },
    });
  });
  if (deals.length > MAX_CHOICES) {
    blocks.push(context(`${deals.length - MAX_CHOICES} more — type more of the name, or use the deal id.`));
  }
  return message(text, blocks);
}
