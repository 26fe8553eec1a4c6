import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Contact, Deal, Note, Task } from '../../src/agile/index.js';
import type { ContactCardData } from '../../src/services/lookup.js';
import { ACTION } from '../../src/slack/ids.js';
import { buildContactCard, formatDealValue, formatStars, listWithin } from '../../src/views/contact-card.js';
import {
  buildContactCreated,
  buildLookupNotFound,
  buildLookupResults,
  buildSharedCard,
} from '../../src/views/lookup-results.js';
import { validateMessage } from '../helpers/block-kit-validator.js';

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
    },
  };
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
      },
    };
  };

  it('five cards of huge data stay within 50 blocks and Slack text budgets', () => {
    const cards = Array.from({ length: 5 }, (_, i) => huge(i));
    const msg = buildLookupResults(`<!channel> ${'q'.repeat(5000)}`, cards, 812);
    expect(validateMessage(msg)).toEqual([]);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(msg.blocks)).toContain('807 more — refine your search');
    expect(msg.text).not.toContain('<!channel>');
    expect(validateMessage(buildSharedCard(huge(1), 'U0ALICE'))).toEqual([]);
    expect(validateMessage(buildContactCreated(huge(2), true))).toEqual([]);
  });

  it('says "N more" only when there are more', () => {
    expect(JSON.stringify(buildLookupResults('ada', [card()], 1).blocks)).not.toContain('more — refine');
    expect(JSON.stringify(buildLookupResults('ada', [card()], 3).blocks)).toContain(
      '2 more — refine your search',
    );
  });

  it('not found: plain words, and a Create contact button only for an email', () => {
    const byEmail = buildLookupNotFound('ana@x.com', 'ana@x.com');
    expect(JSON.stringify(byEmail.blocks)).toContain('No contact matches `ana@x.com`');
    expect(byAction(byEmail.blocks, ACTION.createContact).map((b) => b.value)).toEqual(['ana@x.com']);
    const byName = buildLookupNotFound('<!here> `x`');
    expect(byAction(byName.blocks, ACTION.createContact)).toEqual([]);
    expect(JSON.stringify(byName)).not.toContain('<!here>');
    expect(validateMessage(byEmail)).toEqual([]);
    expect(validateMessage(buildLookupNotFound('x'.repeat(3000), `${'a'.repeat(240)}@x.com`))).toEqual([]);
  });

  it('a shared card names who shared it and has no Share button', () => {
    const msg = buildSharedCard(card(), 'U0ALICE');
    expect(JSON.stringify(msg.blocks)).toContain('Shared by <@U0ALICE>');
    expect(byAction(msg.blocks, ACTION.cardShare)).toEqual([]);
    expect(JSON.stringify(buildSharedCard(card(), '<!channel>'))).not.toContain('<!channel>');
  });
});

describe('small formatters', () => {
  it('stars, values and bounded lists', () => {
    expect(formatStars(4)).toBe('★★★★☆');
    expect(formatStars(9)).toBe('★★★★★');
    expect(formatStars(undefined)).toBe('☆☆☆☆☆');
    expect(formatDealValue(25500.5)).toBe('25,500.5');
    expect(formatDealValue(undefined)).toBe('—');
    expect(listWithin(['a', 'b', 'c'], 100)).toBe('a, b, c');
    const cut = listWithin(['aaaa', 'bbbb', 'cccc', 'dddd'], 18);
    expect(cut).toBe('aaaa, bbbb +2 more');
    expect(cut.length).toBeLessThanOrEqual(18);
    expect(listWithin(['x'.repeat(50), 'y'], 20).length).toBeLessThanOrEqual(20);
  });
});
