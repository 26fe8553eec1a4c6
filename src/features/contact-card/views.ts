import type { Button, KnownBlock } from '@slack/types';
import {
  type Contact,
  type Deal,
  getCompanyName,
  getEmails,
  getFullName,
  getPhones,
  getTitle,
} from '../../platform/agile/index.js';
import { formatDealValue, slackDate } from '../../platform/slack/format.js';
import { ACTION } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { ActivityPart, ContactCardData, ShareRefusal } from './use-case.js';

/**
 * Per-card caps (escaped characters). Five cards must fit Slack's ~11,000 summed characters and 50
 * blocks: header 300 + fields ~600 + activity ~880 (tasks 480, notes 360, deals heading) + 3 deals
 * × 130 + buttons ~60 ≈ 2,000 a card; five of the largest possible cards with intro and footer ≈ 10,000.
 */
const CAP = {
  name: 150,
  subtitlePart: 70,
  header: 300,
  emails: 160,
  phones: 100,
  tags: 200,
  owner: 80,
  /** Each activity section has its own budget, so a long one never crowds out the next heading. */
  tasks: 480,
  notes: 360,
  taskText: 110,
  noteText: 150,
  dealName: 70,
  dealLine: 130,
  buttonLabel: 30,
} as const;

/** A line is not worth showing with less of its own text than this: the count says it is there. */
const MIN_LINE_TEXT = 16;

const UNAVAILABLE = 'activity unavailable';

export interface ContactCardOptions {
  /** The Share in channel button; off on the shared copy itself. */
  shareable?: boolean;
}

/** "a, b, c +4 more" within `max` characters; items are already-escaped mrkdwn. */
export function listWithin(items: string[], max: number, sep = ', '): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i] ?? '';
    const rest = items.length - i - 1;
    const next = out === '' ? item : `${out}${sep}${item}`;
    if (next.length + (rest > 0 ? ` +${rest} more`.length : 0) <= max) {
      out = next;
      continue;
    }
    const left = items.length - i;
    if (out !== '') return `${out} +${left} more`; // fits: checked at the previous item
    const tail = left > 1 ? ` +${left - 1} more` : '';
    return `${truncate(item, max - tail.length)}${tail}`;
  }
  return out;
}

const esc = (text: string, max: number) => truncate(escapeMrkdwn(text), max);

export function formatStars(stars: number | undefined): string {
  const n = Math.max(0, Math.min(5, Math.round(stars ?? 0)));
  return `${'★'.repeat(n)}${'☆'.repeat(5 - n)}`;
}

function headerText(contact: Contact): string {
  const isCompany = contact.type === 'COMPANY';
  const name = esc(getFullName(contact) ?? `Contact ${contact.id}`, CAP.name);
  const subtitle = [getTitle(contact), isCompany ? undefined : getCompanyName(contact)]
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => esc(p, CAP.subtitlePart))
    .join(' · ');
  const head = `${isCompany ? '🏢 ' : '👤 '}*${name}*`;
  return truncate(subtitle ? `${head}\n${subtitle}` : head, CAP.header);
}

function fields(contact: Contact) {
  const out = [];
  const emails = getEmails(contact).map((e) => escapeMrkdwn(e.value));
  if (emails.length > 0) out.push(`*Email*\n${listWithin(emails, CAP.emails)}`);
  const phones = getPhones(contact).map((p) => escapeMrkdwn(p.value));
  if (phones.length > 0) out.push(`*Phone*\n${listWithin(phones, CAP.phones)}`);
  const tags = contact.tags.map((t) => escapeMrkdwn(t));
  if (tags.length > 0) out.push(`*Tags*\n${listWithin(tags, CAP.tags)}`);
  out.push(`*Lead score*\n${contact.lead_score ?? 0}`);
  out.push(`*Stars*\n${formatStars(contact.star_value)}`);
  const owner = contact.owner?.name || contact.owner?.email;
  out.push(`*Owner*\n${owner ? esc(owner, CAP.owner) : '—'}`);
  return out.map((f) => mrkdwnText(f, LIMITS.sectionField));
}

/** One activity line: `text` (escaped, whitespace collapsed) is cut to fit; `before`/`after` are kept whole. */
interface ActivityLine {
  before: string;
  text: string;
  after: string;
}

/** The line within `max` characters, or null when too little of its own text would be left. */
function fitLine({ before, text, after }: ActivityLine, max: number): string | null {
  const room = max - before.length - after.length;
  if (room < Math.min(MIN_LINE_TEXT, text.length)) return null;
  // Cut only the text: a cut `<!date…>` token in `after` would break the rendering.
  return `${before}${truncate(text, room)}${after}`;
}

/**
 * One section: its heading always, then as many whole lines as fit `budget`, each cut to its share.
 * "(n of m)" counts exactly the lines shown; nothing is dropped silently and no lone "…" is left.
 */
function sectionText<T>(
  title: string,
  part: ActivityPart<T>,
  empty: string,
  budget: number,
  toLine: (item: T) => ActivityLine,
): string {
  if (!part.ok) return `*${title}*: _${UNAVAILABLE}_`;
  if (part.items.length === 0) return `*${title}*: ${empty}`;
  const lines = part.items.map(toLine);
  for (let shown = lines.length; shown >= 1; shown--) {
    const total = Math.max(part.total, shown);
    const heading = `*${title}*${shown < total ? ` (${shown} of ${total})` : ''}`;
    let left = budget - heading.length;
    const fitted: string[] = [];
    for (let i = 0; i < shown; i++) {
      // Each line gets an even share of what is left (plus its newline), so short lines leave room for later ones.
      const share = Math.floor(left / (shown - i)) - 1;
      const line = fitLine(lines[i] as ActivityLine, share);
      if (line === null) break;
      fitted.push(line);
      left -= line.length + 1;
    }
    if (fitted.length === shown) return [heading, ...fitted].join('\n');
  }
  return `*${title}*: ${part.total} (too long to show here)`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * A note as one line. A note logged without a subject gets its first line as subject (see
 * deriveSubject, which may end it with "…"): then the body alone, not the same words twice.
 */
export function noteLine(subject: string, body: string): string {
  const s = oneLine(subject);
  const b = oneLine(body);
  if (s === '') return b;
  if (b === '') return s;
  const stem = s.replace(/(?:…|\.\.\.)$/, '').trimEnd();
  if (stem !== '' && b.startsWith(stem)) return b;
  return `${s}: ${b}`;
}

function activityText({ activity }: ContactCardData): string {
  const tasks = sectionText('Next tasks', activity.tasks, 'none open', CAP.tasks, (t) => {
    const overdue = t.due !== undefined && t.due < activity.asOfEpochSec;
    return {
      before: '• ',
      text: esc(oneLine(t.subject) || 'Untitled task', CAP.taskText),
      after: `${t.due === undefined ? '' : ` — due ${slackDate(t.due)}`}${overdue ? ' · *overdue*' : ''}`,
    };
  });
  const notes = sectionText('Latest notes', activity.notes, 'none', CAP.notes, (n) => ({
    before: '• ',
    text: esc(noteLine(n.subject, n.description) || 'Empty note', CAP.noteText),
    after: '',
  }));
  const deals = activity.deals;
  let dealsHeading: string;
  if (!deals.ok) dealsHeading = `*Open deals*: _${UNAVAILABLE}_`;
  else if (deals.items.length === 0) dealsHeading = '*Open deals*: none';
  else
    dealsHeading = `*Open deals*${deals.total > deals.items.length ? ` (${deals.items.length} of ${deals.total})` : ''}`;
  return [tasks, notes, dealsHeading].join('\n');
}

function dealBlock(deal: Deal): KnownBlock {
  const name = esc(deal.name || `Deal ${deal.id}`, CAP.dealName);
  const milestone = esc(deal.milestone ?? 'no milestone', 40);
  return {
    type: 'section',
    text: mrkdwnText(`💼 *${name}* — ${milestone} · ${formatDealValue(deal.expected_value)}`, CAP.dealLine),
    accessory: {
      type: 'button',
      action_id: ACTION.dealMove,
      text: plainText('Move', LIMITS.buttonText),
      value: deal.id,
    },
  };
}

function button(actionId: string, label: string, value: string, primary = false): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plainText(label, CAP.buttonLabel),
    value,
    ...(primary ? { style: 'primary' as const } : {}),
  };
}

/**
 * One contact card: who (name, title, company, emails, phones, tags, lead score, stars, owner), what is
 * going on (next tasks, latest notes, open deals each with a Move button) and what to do next.
 */
export function buildContactCard(
  card: ContactCardData,
  { shareable = true }: ContactCardOptions = {},
): KnownBlock[] {
  const { contact } = card;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwnText(headerText(contact)) },
    { type: 'section', fields: fields(contact) },
    { type: 'section', text: mrkdwnText(activityText(card)) },
  ];
  if (card.activity.deals.ok) blocks.push(...card.activity.deals.items.map(dealBlock));
  const buttons = [
    button(ACTION.cardLogNote, 'Log note', contact.id),
    button(ACTION.cardCreateTask, 'Create task', contact.id),
    button(ACTION.cardCreateDeal, 'Create deal', contact.id),
  ];
  if (shareable) buttons.push(button(ACTION.cardShare, 'Share in channel', contact.id));
  blocks.push({ type: 'actions', elements: buttons });
  return blocks;
}

/** Plain one-line summary for fallback `text`, escaped: notifications parse `<!channel>` there too. */
export function contactSummary(contact: Contact): string {
  const parts = [getFullName(contact) ?? `Contact ${contact.id}`, getTitle(contact), getCompanyName(contact)];
  return escapeMrkdwn(parts.filter((p) => p !== undefined && p !== '').join(', '));
}

/** Slack user ids come from Slack's own payload; anything else is escaped rather than trusted. */
function mention(userId: string): string {
  return /^[UW][A-Z0-9]{2,30}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** The card posted visibly in the channel: no Share button, with who shared it. */
export function buildSharedCardMessage(card: ContactCardData, sharedBy: string): SlackMessage {
  const blocks = [
    ...buildContactCard(card, { shareable: false }),
    { type: 'context', elements: [mrkdwnText(`Shared by ${mention(sharedBy)}`)] } as KnownBlock,
  ];
  return {
    text: truncate(`${contactSummary(card.contact)} (shared by ${mention(sharedBy)})`, LIMITS.fallbackText),
    blocks,
  };
}

/** Why a share failed, in words the sharer can act on. */
export const SHARE_REFUSAL_WORDS: Record<ShareRefusal, string> = {
  contact_gone: 'that contact no longer exists in the CRM',
  not_in_channel: 'I am not in this channel — invite me (`/invite @CRM`) and share again',
  channel_not_found: 'I cannot see this channel — invite me (`/invite @CRM`) and share again',
  is_archived: 'this channel is archived',
  restricted_action: 'posting here is restricted for apps',
};
