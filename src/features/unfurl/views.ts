import type { KnownBlock } from '@slack/types';
import { formatDealValue, slackDate } from '../../platform/slack/format.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from '../../platform/slack/mrkdwn.js';
import type { AgileRecordKind } from './agile-link.js';

/** What a card shows of each kind of record: plain data, escaped here. */
export type RecordCard =
  | { kind: 'contact'; name: string; title?: string; company?: string; email?: string; phone?: string }
  | { kind: 'company'; name: string; website?: string; email?: string; phone?: string }
  | {
      kind: 'deal';
      name: string;
      value?: number;
      milestone?: string;
      owner?: string;
      closeDateSec?: number;
    }
  | { kind: 'ticket'; id: string; subject: string; status?: string; requester?: string };

const KIND_LABEL: Record<AgileRecordKind, string> = {
  contact: 'Contact',
  company: 'Company',
  deal: 'Deal',
  ticket: 'Ticket',
};

const ICON: Record<AgileRecordKind, string> = {
  contact: '👤',
  company: '🏢',
  deal: '💼',
  ticket: '🎫',
};

/** A name or value on one line of a card: escaped, whitespace collapsed, cut so a card stays compact. */
const FIELD_MAX = 200;
function field(s: string | undefined): string | undefined {
  const flat = s?.replace(/\s+/g, ' ').trim();
  return flat ? truncate(escapeMrkdwn(flat), FIELD_MAX) : undefined;
}

function link(url: string, label: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${label}>`;
}

function titleOf(card: RecordCard): string {
  switch (card.kind) {
    case 'ticket':
      return field(card.subject) ?? `Ticket #${card.id}`;
    default:
      return field(card.name) ?? `Unnamed ${card.kind}`;
  }
}

function detailLines(card: RecordCard): string[] {
  const lines: Array<string | undefined> = [];
  switch (card.kind) {
    case 'contact': {
      const role = [field(card.title), field(card.company)].filter(Boolean).join(' at ');
      lines.push(role || undefined, [field(card.email), field(card.phone)].filter(Boolean).join(' · '));
      break;
    }
    case 'company':
      lines.push([field(card.website), field(card.email), field(card.phone)].filter(Boolean).join(' · '));
      break;
    case 'deal': {
      const value = card.value === undefined ? undefined : `Value ${formatDealValue(card.value)}`;
      const milestone = field(card.milestone);
      lines.push([value, milestone ? `Milestone *${milestone}*` : undefined].filter(Boolean).join(' · '));
      const owner = field(card.owner);
      const close = card.closeDateSec ? `Closes ${slackDate(card.closeDateSec)}` : undefined;
      lines.push([owner ? `Owner ${owner}` : undefined, close].filter(Boolean).join(' · '));
      break;
    }
    case 'ticket': {
      const status = field(card.status);
      const requester = field(card.requester);
      lines.push(
        [
          `#${card.id}`,
          status ? `Status *${status}*` : undefined,
          requester ? `From ${requester}` : undefined,
        ]
          .filter(Boolean)
          .join(' · '),
      );
      break;
    }
  }
  return lines.filter((l): l is string => Boolean(l));
}

/** The compact card a link unfurls into: one section (kind, linked title, a line or two of detail). */
export function buildUnfurlBlocks(card: RecordCard, url: string): KnownBlock[] {
  const head = `${ICON[card.kind]} ${KIND_LABEL[card.kind]} · *${link(url, titleOf(card))}*`;
  const text = [head, ...detailLines(card)].join('\n');
  return [{ type: 'section', text: mrkdwnText(text, LIMITS.text) }];
}
