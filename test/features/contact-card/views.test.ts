import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { ContactCardData } from '../../../src/features/contact-card/use-case.js';
import {
  buildContactCard,
  buildSharedCardMessage,
  formatStars,
  listWithin,
  noteLine,
} from '../../../src/features/contact-card/views.js';
import {
  buildContactCreatedMessage,
  buildLookupNotFoundMessage,
  buildLookupResultsMessage,
  describeMatches,
} from '../../../src/features/lookup/views.js';
import type { Contact, Deal, Note, Task } from '../../../src/platform/agile/index.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import { validateMessage } from '../../helpers/block-kit-validator.js';

const EVIL = '<!channel> Eve';

function contact(overrides: Partial<Contact> & { props?: Array<[string, string, string?]> } = {}): Contact {
  const props = overrides.props ?? [
    ['first_name', EVIL],
    ['last_name', '<@U123> & Co'],
    ['title', 'Security *Tester*'],
    ['company', 'Acme <https://evil|click>'],
    ['email', 'eve@mallory.example.com', 'work'],
    ['phone', '+1 206 555 0103', 'work'],
  ];
  return {
    id: '9007199254740993',
    type: 'PERSON',
    tags: ['Lead', '<!here>'],
    tagsWithTime: [],
    lead_score: 5,
    star_value: 1,
    owner: { id: '1', name: 'Raj <!everyone> Patel', email: 'raj@example.com' },
    properties: props.map(([name, value, subtype]) => ({ name, value, type: 'SYSTEM', subtype })),
    ...overrides,
  } as Contact;
}

const task = (i: number, subject = `Task ${i}`): Task =>
  ({
    id: `71${i}`,
    subject,
    due: 1_800_000_000 + i * 3600,
    is_complete: false,
    contacts: [],
    deal_ids: [],
    notes: [],
  }) as unknown as Task;
const deal = (i: number, name = `Deal ${i}`): Deal =>
  ({
    id: `72${i}`,
    name,
    milestone: 'Proposal',
    expected_value: 48000.5,
    contact_ids: [],
    contacts: [],
    custom_data: [],
    tagsWithTime: [],
  }) as unknown as Deal;
const note = (i: number, text = `Note ${i}`): Note =>
  ({
    id: `73${i}`,
    subject: `Subject ${i}`,
    description: text,
    created_time: 1_700_000_000 + i,
    contact_ids: [],
    deal_ids: [],
    contacts: [],
  }) as unknown as Note;

function card(c: Contact = contact(), n = 2): ContactCardData {
  const tasks = Array.from({ length: n }, (_, i) => task(i));
  const deals = Array.from({ length: n }, (_, i) => deal(i));
  const notes = Array.from({ length: n }, (_, i) => note(i));
  return {
    contact: c,
    activity: {
      tasks: { ok: true, items: tasks.slice(0, 3), total: tasks.length },
      deals: { ok: true, items: deals.slice(0, 3), total: deals.length },
      notes: { ok: true, items: notes.slice(0, 2), total: notes.length },
      asOfEpochSec: 1_700_000_000,
    },
  };
}

const people = (n: number) => ({ people: n, companies: 0 });

/** The activity section's text (the one that holds the "Next tasks" heading). */
const activityOf = (blocks: KnownBlock[]): string => {
  const found = (blocks as AnyBlock[])
    .map((b) => (b.text as { text?: string } | undefined)?.text ?? '')
    .find((t) => t.includes('*Next tasks*'));
  if (found === undefined) throw new Error('no activity section');
  return found;
};

/** Per heading: how many bullet lines follow it, and the "(n of m)" it claims (n = m when no count). */
function sections(text: string) {
  const out: Record<string, { listed: number; claimed?: number; total?: number; raw: string }> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^\*(Next tasks|Latest notes|Open deals)\*(?: \((\d+) of (\d+)\))?(.*)$/.exec(line);
    if (head) {
      current = head[1] as string;
      out[current] = {
        listed: 0,
        claimed: head[2] === undefined ? undefined : Number(head[2]),
        total: head[3] === undefined ? undefined : Number(head[3]),
        raw: line,
      };
      continue;
    }
    if (!current) throw new Error(`a line under no heading: ${line}`);
    expect(line.startsWith('• '), `a line that is not an item: ${JSON.stringify(line)}`).toBe(true);
    (out[current] as { listed: number }).listed += 1;
  }
  return out;
}

type AnyBlock = KnownBlock & Record<string, unknown>;
const elements = (blocks: KnownBlock[]) =>
  (blocks as AnyBlock[]).flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements as unknown as Record<string, unknown>[]) : []),
    ...(b.accessory ? [b.accessory as Record<string, unknown>] : []),
  ]);
const byAction = (blocks: KnownBlock[], id: string) => elements(blocks).filter((e) => e.action_id === id);

describe('buildContactCard', () => {
  it('carries the contact id on Log note, Create task, Create deal and Share; deal ids on Move', () => {
    const blocks = buildContactCard(card());
    for (const a of [ACTION.cardLogNote, ACTION.cardCreateTask, ACTION.cardCreateDeal, ACTION.cardShare]) {
      expect(byAction(blocks, a).map((b) => b.value)).toEqual(['9007199254740993']);
    }
    expect(byAction(blocks, ACTION.dealMove).map((b) => b.value)).toEqual(['720', '721']);
    expect(byAction(buildContactCard(card(), { shareable: false }), ACTION.cardShare)).toEqual([]);
  });

  it('escapes every CRM string: names, title, company, tags, owner, notes, deals, tasks', () => {
    const c = card();
    c.activity.notes = { ok: true, items: [note(1, 'ping <!here> and <https://evil|click>')], total: 1 };
    c.activity.deals = { ok: true, items: [deal(1, 'Mallory <script> & co')], total: 1 };
    c.activity.tasks = { ok: true, items: [task(1, '<@U999> call')], total: 1 };
    const json = JSON.stringify(buildContactCard(c));
    for (const raw of [
      '<!channel>',
      '<@U123>',
      '<!here>',
      '<https://evil|click>',
      '<script>',
      '<@U999>',
      '<!everyone>',
    ])
      expect(json).not.toContain(raw);
    for (const escaped of [
      '&lt;!channel&gt; Eve',
      '&lt;@U123&gt; &amp; Co',
      '&lt;!here&gt;',
      'Mallory &lt;script&gt; &amp; co',
      'Raj &lt;!everyone&gt; Patel',
    ])
      expect(json).toContain(escaped);
    expect(json).toContain('★☆☆☆☆');
  });

  it('says "activity unavailable" for a failed part and keeps the rest', () => {
    const c = card();
    c.activity.tasks = { ok: false };
    c.activity.deals = { ok: false };
    const json = JSON.stringify(buildContactCard(c));
    expect(json).toContain('*Next tasks*: _activity unavailable_');
    expect(json).toContain('*Open deals*: _activity unavailable_');
    expect(json).toContain('Subject 0');
    expect(byAction(buildContactCard(c), ACTION.dealMove)).toEqual([]);
  });

  it('regression: every heading, counts that match the lines, no lone "…", Move buttons under Open deals', () => {
    // QA: tasks + several long notes + deals made one 500-char activity text cut as a whole: it said
    // "Latest notes (2 of 3)" over one note and a lone "…", and lost the "Open deals" heading.
    const c = card();
    const longTask = (i: number) =>
      task(i, `Prepare the renewal proposal for the board, version ${i}, with pricing`);
    c.activity.tasks = { ok: true, items: [0, 1, 2].map(longTask), total: 5 };
    const longNote = (i: number) =>
      note(
        i,
        `Called about the renewal; they want a 3-year term, SSO, and a discount. ${'Details. '.repeat(30)}`,
      );
    c.activity.notes = { ok: true, items: [longNote(1), longNote(2)], total: 3 };
    c.activity.deals = { ok: true, items: [deal(1), deal(2), deal(3)], total: 4 };
    const blocks = buildContactCard(c);
    const text = activityOf(blocks);
    const parts = sections(text);
    expect(Object.keys(parts)).toEqual(['Next tasks', 'Latest notes', 'Open deals']);
    expect(parts['Next tasks']).toMatchObject({ listed: 3, claimed: 3, total: 5 });
    expect(parts['Latest notes']).toMatchObject({ listed: 2, claimed: 2, total: 3 });
    expect(parts['Open deals']).toMatchObject({ listed: 0, claimed: 3, total: 4 });
    expect(text.split('\n')).not.toContain('…');
    expect(text.split('\n')).not.toContain('• …');
    // The deal lines follow the activity section, whose last line is the Open deals heading.
    expect(text.endsWith('*Open deals* (3 of 4)')).toBe(true);
    const at = (blocks as AnyBlock[]).findIndex(
      (b) => (b.text as { text?: string } | undefined)?.text === text,
    );
    expect(at).toBeGreaterThan(0);
    expect(byAction(blocks.slice(at + 1, at + 4), ACTION.dealMove).map((b) => b.value)).toEqual([
      '721',
      '722',
      '723',
    ]);
    expect(validateMessage(buildLookupResultsMessage('renewal', [c, c, c, c, c], people(5)))).toEqual([]);
  });

  it('shows a heading with nothing under it only as "none" or "unavailable"', () => {
    const c = card();
    c.activity.tasks = { ok: true, items: [], total: 0 };
    c.activity.notes = { ok: true, items: [], total: 0 };
    c.activity.deals = { ok: true, items: [], total: 0 };
    expect(activityOf(buildContactCard(c))).toBe(
      '*Next tasks*: none open\n*Latest notes*: none\n*Open deals*: none',
    );
  });

  it('marks overdue tasks against the time the activity was read', () => {
    const c = card();
    c.activity.tasks = { ok: true, items: [task(0, 'Late call'), task(5, 'Future call')], total: 2 };
    c.activity.asOfEpochSec = 1_800_000_000 + 3600; // after task 0's due, before task 5's
    const lines = activityOf(buildContactCard(c)).split('\n');
    expect(lines.find((l) => l.includes('Late call'))).toMatch(/ · \*overdue\*$/);
    expect(lines.find((l) => l.includes('Future call'))).not.toContain('overdue');
    c.activity.asOfEpochSec = 1_700_000_000;
    expect(activityOf(buildContactCard(c))).not.toContain('overdue');
  });

  it('a note whose subject is its first line is shown once', () => {
    const c = card();
    const body = 'Called about renewal\nThey want SSO';
    c.activity.notes = {
      ok: true,
      items: [{ ...note(1, body), subject: 'Called about renewal' }],
      total: 1,
    };
    const text = activityOf(buildContactCard(c));
    expect(text).toContain('• Called about renewal They want SSO');
    expect(text.match(/Called about renewal/g)).toHaveLength(1);
    expect(noteLine('Subject', 'Body')).toBe('Subject: Body');
    expect(noteLine('Called about', 'Called about renewal')).toBe('Called about renewal');
    // deriveSubject cuts a long first line with "…".
    expect(noteLine('A very long first li…', 'A very long first line of the note')).toBe(
      'A very long first line of the note',
    );
    expect(noteLine('', 'Only a body')).toBe('Only a body');
    expect(noteLine('Only a subject', '  ')).toBe('Only a subject');
    expect(noteLine('Renewal', 'Renewals are due')).toBe('Renewals are due');
  });

  it('renders dates with Slack date tokens in the reader zone', () => {
    expect(JSON.stringify(buildContactCard(card()))).toContain(
      '<!date^1800000000^{date_short_pretty} {time}|2027-01-15>',
    );
  });
});

describe('lookup messages', () => {
  const huge = (i: number): ContactCardData => {
    const long = '<&>'.repeat(2000);
    const c = contact({
      id: String(9_007_199_254_740_000 + i),
      tags: Array.from({ length: 300 }, (_, k) => `tag-${k}-${long.slice(0, 40)}`),
      props: [
        ['first_name', long],
        ['last_name', long],
        ['title', long],
        ['company', long],
        ...Array.from({ length: 40 }, (_, k): [string, string, string] => [
          'email',
          `e${k}${'x'.repeat(90)}@example.com`,
          'work',
        ]),
        ...Array.from({ length: 40 }, (_, k): [string, string, string] => [
          'phone',
          `+1 555 000 ${k}`,
          'work',
        ]),
      ],
    });
    return {
      contact: c,
      activity: {
        tasks: { ok: true, items: Array.from({ length: 3 }, (_, k) => task(k, long)), total: 80 },
        deals: { ok: true, items: Array.from({ length: 3 }, (_, k) => deal(k + i * 10, long)), total: 50 },
        notes: { ok: true, items: Array.from({ length: 2 }, (_, k) => note(k, long)), total: 99 },
        // After every due date: each task carries the overdue marker too (the longest lines).
        asOfEpochSec: 1_900_000_000,
      },
    };
  };

  it('five cards of huge data stay within 50 blocks and Slack text budgets', () => {
    const cards = Array.from({ length: 5 }, (_, i) => huge(i));
    const msg = buildLookupResultsMessage(`<!channel> ${'q'.repeat(5000)}`, cards, {
      people: 811,
      companies: 1,
    });
    expect(validateMessage(msg)).toEqual([]);
    for (const c of cards) {
      const parts = sections(activityOf(buildContactCard(c)));
      expect(Object.keys(parts)).toEqual(['Next tasks', 'Latest notes', 'Open deals']);
      expect(parts['Next tasks']).toMatchObject({ listed: 3, claimed: 3, total: 80 });
      expect(parts['Latest notes']).toMatchObject({ listed: 2, claimed: 2, total: 99 });
      expect(parts['Open deals']).toMatchObject({ claimed: 3, total: 50 });
    }
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(msg.blocks)).toContain('807 more — refine your search');
    expect(msg.text).not.toContain('<!channel>');
    expect(validateMessage(buildSharedCardMessage(huge(1), 'U0ALICE'))).toEqual([]);
    expect(validateMessage(buildContactCreatedMessage(huge(2), true))).toEqual([]);
  });

  it('counts companies and people apart in the intro and the fallback text', () => {
    expect(describeMatches({ people: 6, companies: 1 })).toBe('1 company and 6 people');
    expect(describeMatches({ people: 1, companies: 0 })).toBe('1 person');
    expect(describeMatches({ people: 0, companies: 2 })).toBe('2 companies');
    const msg = buildLookupResultsMessage('Northwind Traders', [card()], { people: 6, companies: 1 });
    expect(JSON.stringify(msg.blocks)).toContain('🔎 1 company and 6 people match `Northwind Traders`');
    expect(msg.text).toMatch(/^1 company and 6 people for Northwind Traders: /);
    expect(JSON.stringify(buildLookupResultsMessage('ada', [card()], people(1)).blocks)).toContain(
      '🔎 1 person matches `ada`',
    );
    expect(JSON.stringify(buildLookupResultsMessage('ada', [card()], people(3)).blocks)).not.toContain(
      'contact',
    );
  });

  it('says "N more" only when there are more', () => {
    expect(JSON.stringify(buildLookupResultsMessage('ada', [card()], people(1)).blocks)).not.toContain(
      'more — refine',
    );
    expect(JSON.stringify(buildLookupResultsMessage('ada', [card()], people(3)).blocks)).toContain(
      '2 more — refine your search',
    );
  });

  it('not found: plain words, and a Create contact button only for an email', () => {
    const byEmail = buildLookupNotFoundMessage('ana@x.com', 'ana@x.com');
    expect(JSON.stringify(byEmail.blocks)).toContain('No contact matches `ana@x.com`');
    expect(byAction(byEmail.blocks, ACTION.createContact).map((b) => b.value)).toEqual(['ana@x.com']);
    const byName = buildLookupNotFoundMessage('<!here> `x`');
    expect(byAction(byName.blocks, ACTION.createContact)).toEqual([]);
    expect(JSON.stringify(byName)).not.toContain('<!here>');
    expect(validateMessage(byEmail)).toEqual([]);
    expect(validateMessage(buildLookupNotFoundMessage('x'.repeat(3000), `${'a'.repeat(240)}@x.com`))).toEqual(
      [],
    );
  });

  it('a shared card names who shared it and has no Share button', () => {
    const msg = buildSharedCardMessage(card(), 'U0ALICE');
    expect(JSON.stringify(msg.blocks)).toContain('Shared by <@U0ALICE>');
    expect(byAction(msg.blocks, ACTION.cardShare)).toEqual([]);
    expect(JSON.stringify(buildSharedCardMessage(card(), '<!channel>'))).not.toContain('<!channel>');
  });
});

describe('small formatters', () => {
  it('stars and bounded lists', () => {
    expect(formatStars(4)).toBe('★★★★☆');
    expect(formatStars(9)).toBe('★★★★★');
    expect(formatStars(undefined)).toBe('☆☆☆☆☆');
    expect(listWithin(['a', 'b', 'c'], 100)).toBe('a, b, c');
    const cut = listWithin(['aaaa', 'bbbb', 'cccc', 'dddd'], 18);
    expect(cut).toBe('aaaa, bbbb +2 more');
    expect(cut.length).toBeLessThanOrEqual(18);
    expect(listWithin(['x'.repeat(50), 'y'], 20).length).toBeLessThanOrEqual(20);
  });
});
