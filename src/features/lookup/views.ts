import type { KnownBlock } from '@slack/types';
import { ACTION } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { ContactCardData } from '../contact-card/use-case.js';
import { buildContactCard, contactSummary } from '../contact-card/views.js';
import type { MatchCounts } from './use-case.js';

/** A query quoted back in mrkdwn code: escaped, without backticks (they would end the code span). */
function quoted(query: string): string {
  return `\`${truncate(escapeMrkdwn(query.replace(/`/g, "'").replace(/\s+/g, ' ').trim()), 200)}\``;
}

function withCards(
  intro: string,
  cards: ContactCardData[],
  footer: string | null,
  shareable: boolean,
): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwnText(intro) }];
  for (const card of cards) {
    blocks.push({ type: 'divider' }, ...buildContactCard(card, { shareable }));
  }
  if (footer) blocks.push({ type: 'context', elements: [mrkdwnText(footer)] });
  // Cards are capped by construction; this only guards the 50-block ceiling against future growth.
  return blocks.length <= LIMITS.messageBlocks ? blocks : blocks.slice(0, LIMITS.messageBlocks);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "1 company and 6 people", "1 person", "2 companies": a company's card is not counted as a person. */
export function describeMatches({ people, companies }: MatchCounts): string {
  const parts = [
    companies > 0 ? plural(companies, 'company', 'companies') : '',
    people > 0 || companies === 0 ? plural(people, 'person', 'people') : '',
  ];
  return parts.filter((p) => p !== '').join(' and ');
}

/** The ephemeral answer to `/crm lookup`: up to five cards, then "N more — refine your search". */
export function buildLookupResultsMessage(
  query: string,
  cards: ContactCardData[],
  counts: MatchCounts,
): SlackMessage {
  const total = counts.people + counts.companies;
  const more = total - cards.length;
  const who = describeMatches(counts);
  const intro = `🔎 ${who} ${total === 1 ? 'matches' : 'match'} ${quoted(query)}`;
  const footer = more > 0 ? `${more} more — refine your search` : null;
  const names = cards.map((c) => contactSummary(c.contact)).join('; ');
  const text = `${who} for ${escapeMrkdwn(query)}: ${names}${footer ? ` (${footer})` : ''}`;
  return { text: truncate(text, LIMITS.fallbackText), blocks: withCards(intro, cards, footer, true) };
}

/** Nobody matched: said plainly; an email query is offered a Create contact button. */
export function buildLookupNotFoundMessage(query: string, email?: string): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwnText(`No contact matches ${quoted(query)}.`) },
  ];
  if (email) {
    blocks.push(
      {
        type: 'context',
        elements: [mrkdwnText('Check the spelling, or create the contact with this email:')],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.createContact,
            text: plainText(`Create contact ${email}`, LIMITS.buttonText),
            value: email.slice(0, LIMITS.buttonValue),
            style: 'primary',
          },
        ],
      },
    );
  } else {
    blocks.push({
      type: 'context',
      elements: [mrkdwnText('Try fewer words, part of a name, an email or a phone number.')],
    });
  }
  return { text: truncate(`No contact matches ${escapeMrkdwn(query)}`, LIMITS.fallbackText), blocks };
}

/** The answer to Create contact: the new (or already existing) contact's card. */
export function buildContactCreatedMessage(card: ContactCardData, created: boolean): SlackMessage {
  const summary = truncate(contactSummary(card.contact), 300);
  const intro = created ? `✅ Created contact *${summary}*.` : `ℹ️ *${summary}* already exists in the CRM.`;
  return {
    text: truncate(created ? `Created contact ${summary}` : `${summary} already exists`, LIMITS.fallbackText),
    blocks: withCards(intro, [card], null, true),
  };
}
