import type { Button, KnownBlock } from '@slack/types';
import {
  type Contact,
  type Deal,
  getCompanyName,
  getEmails,
  getFullName,
  getPhones,
  getTitle,
} from '../agile/index.js';
import type { ActivityPart, ContactCardData } from '../services/lookup.js';
import { ACTION } from '../slack/ids.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from './mrkdwn.js';

/**
 * Per-card caps (escaped characters). Five cards must fit Slack's ~11,000 summed characters and 50
 * blocks: header 300 + fields ~650 + activity 500 + 3 deals × 130 + buttons ~50 ≈ 1,900 a card.
 */
const CAP = {
  name: 150,
  subtitlePart: 70,
  header: 300,
  emails: 160,
  phones: 100,
  tags: 200,
  owner: 80,
  activity: 500,
  taskLine: 110,
  noteLine: 150,
  dealName: 70,
  dealLine: 130,
  buttonLabel: 30,
} as const;

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

/** Whole lines while they fit `max` (never cutting a line: a cut `<!date…>` token would break). */
function linesWithin(lines: string[], max: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    const add = (kept.length > 0 ? 1 : 0) + line.length;
    if (length + add > max - 2) {
      kept.push('…');
      break;
    }
    kept.push(line);
    length += add;
  }
  return kept.join('\n');
}

const esc = (text: string, max: number) => truncate(escapeMrkdwn(text), max);

/** Slack renders `<!date^…>` in each reader's own time zone; the fallback is the UTC date. */
function slackDate(epochSec: number): string {
  const safe = Math.trunc(epochSec);
  const iso = new Date(safe * 1000).toISOString().slice(0, 10);
  return `<!date^${safe}^{date_short_pretty} {time}|${iso}>`;
}

export function formatStars(stars: number | undefined): string {
  const n = Math.max(0, Math.min(5, Math.round(stars ?? 0)));
  return `${'★'.repeat(n)}${'☆'.repeat(5 - n)}`;
}

export function formatDealValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value);
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

function partLines<T>(
  title: string,
  part: ActivityPart<T>,
  empty: string,
  line: (item: T) => string,
): string[] {
  if (!part.ok) return [`*${title}*: _${UNAVAILABLE}_`];
  if (part.items.length === 0) return [`*${title}*: ${empty}`];
  const more = part.total > part.items.length ? ` (${part.items.length} of ${part.total})` : '';
  return [`*${title}*${more}`, ...part.items.map(line)];
}

function activityText({ activity }: ContactCardData): string {
  const lines = [
    ...partLines('Next tasks', activity.tasks, 'none open', (t) => {
      const due = t.due === undefined ? '' : ` — due ${slackDate(t.due)}`;
      return `• ${esc(t.subject || 'Untitled task', CAP.taskLine)}${due}`;
    }),
    ...partLines('Latest notes', activity.notes, 'none', (n) => {
      const text = [n.subject, n.description].filter((s) => s && s.trim() !== '').join(': ');
      return `• ${esc(text.replace(/\s+/g, ' ') || 'Empty note', CAP.noteLine)}`;
    }),
  ];
  const deals = activity.deals;
  if (!deals.ok) lines.push(`*Open deals*: _${UNAVAILABLE}_`);
  else if (deals.items.length === 0) lines.push('*Open deals*: none');
  else
    lines.push(
      `*Open deals*${deals.total > deals.items.length ? ` (${deals.items.length} of ${deals.total})` : ''}`,
    );
  return linesWithin(lines, CAP.activity);
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
