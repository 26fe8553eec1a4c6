import { describe, expect, it } from 'vitest';
import type { DealRecord, TaskRecord } from '../../../src/devkit/sandbox/state.js';
import { composeNoteDescription, deriveSubject } from '../../../src/features/note/use-case.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import { RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

type Block = Record<string, unknown> & { type: string };

/** The bot's clock: fixed, so "overdue" is decided against a known time. */
const NOW_SEC = Math.floor(Date.now() / 1000);
const HOUR = 3600;

const t = useTestBot({ now: () => new Date(NOW_SEC * 1000) });

const sim = () => simulatorOf(t);

const blocksOf = (call: RecordedCall) => (call.args.blocks ?? []) as Block[];
const textOf = (b: Block) => (b.text as { text?: string } | undefined)?.text ?? '';

async function lookup(query: string): Promise<RecordedCall> {
  const res = await t.command(`lookup ${query}`);
  expect(res.status).toBe(200);
  return t.slack.waitFor(RESPONSE);
}

function idByEmail(email: string): string {
  const c = sim().state.contacts.find((x) =>
    x.properties.some((p) => p.name === 'email' && p.value === email),
  );
  if (!c) throw new Error(`no seed contact ${email}`);
  return c.id;
}

/** Heading → bullet lines under it, from the card's activity section; throws on a line under no heading. */
function sections(text: string): Map<string, { heading: string; lines: string[] }> {
  const out = new Map<string, { heading: string; lines: string[] }>();
  let current: { heading: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const head = /^\*(Next tasks|Latest notes|Open deals)\*/.exec(line);
    if (head) {
      current = { heading: line, lines: [] };
      out.set(head[1] as string, current);
    } else if (current) current.lines.push(line);
    else throw new Error(`a line under no heading: ${line}`);
  }
  return out;
}

describe('/crm lookup card activity', () => {
  it('tasks, several notes and deals: every heading, exact counts, overdue marked, notes not repeated', async () => {
    const id = idByEmail('ada.lovelace@northwind.example.com');
    const s = sim().state;
    const base = s.tasks[0] as TaskRecord;
    s.tasks = s.tasks.filter((x) => !x.contactIds.includes(id));
    const subjects = ['Send the signed renewal order form back to procurement', 'Book the quarterly review'];
    s.tasks.push(
      ...[
        { subject: 'Call back about the overdue invoice and the new SSO rollout', due: NOW_SEC - 2 * HOUR },
        { subject: subjects[0] as string, due: NOW_SEC + 5 * HOUR },
        { subject: subjects[1] as string, due: NOW_SEC + 48 * HOUR },
        { subject: 'Later task', due: NOW_SEC + 96 * HOUR },
      ].map(
        (x, i): TaskRecord => ({
          ...base,
          id: `810000000000000${i}`,
          subject: x.subject,
          dueEpochSec: x.due,
          isComplete: false,
          status: 'YET_TO_START',
          contactIds: [id],
        }),
      ),
    );
    // Notes as /crm note writes them without a subject: the subject is the text's first line.
    const origin = { loggedByName: 'Alice', channelName: 'sales', permalink: 'https://x.slack.com/p1' };
    s.notes = s.notes.filter((n) => !n.contactIds.includes(id));
    const texts = [
      'Called about the renewal; they want a 3-year term with SSO and a discount on seats',
      'Demo went well, the CTO asked for the security questionnaire and a reference customer',
      'First contact at the conference',
    ];
    for (const [i, text] of texts.entries()) {
      s.notes.push({
        id: `820000000000000${i}`,
        subject: deriveSubject(text),
        description: composeNoteDescription(text, origin),
        createdEpochSec: NOW_SEC - (i + 1) * HOUR,
        contactIds: [id],
        dealIds: [],
        ownerId: '',
      });
    }
    const deal = s.deals.find((d) => d.contactIds.includes(id) && d.milestone === 'Proposal') as DealRecord;
    expect(deal).toBeDefined();
    deal.expectedValue = 12000.5;

    const reply = await lookup('ada.lovelace@northwind.example.com');
    const blocks = blocksOf(reply);
    expect(textOf(blocks[0] as Block)).toBe('🔎 1 person matches `ada.lovelace@northwind.example.com`');
    const at = blocks.findIndex((b) => textOf(b).includes('*Next tasks*'));
    const parts = sections(textOf(blocks[at] as Block));
    expect([...parts.keys()]).toEqual(['Next tasks', 'Latest notes', 'Open deals']);

    const tasks = parts.get('Next tasks');
    expect(tasks?.heading).toBe('*Next tasks* (3 of 4)');
    expect(tasks?.lines).toHaveLength(3);
    expect(tasks?.lines[0]).toMatch(/^• Call back about the overdue invoice.* · \*overdue\*$/);
    expect(tasks?.lines.slice(1).join('\n')).not.toContain('overdue');
    expect(tasks?.lines[1]).toContain(subjects[0]);

    const notes = parts.get('Latest notes');
    expect(notes?.heading).toBe('*Latest notes* (2 of 3)');
    expect(notes?.lines).toHaveLength(2);
    expect(notes?.lines[0]).toMatch(/^• Called about the renewal; they want a 3-year term/);
    for (const line of notes?.lines ?? []) {
      expect(line).not.toMatch(/^• …$/);
      // The subject (the first line) is not shown before the same words again.
      expect(line.match(/Called about the renewal|Demo went well/g)).toHaveLength(1);
    }

    const openDeals = s.deals.filter(
      (d) => d.contactIds.includes(id) && !['Won', 'Lost'].includes(d.milestone),
    );
    const dealsPart = parts.get('Open deals');
    expect(dealsPart?.lines).toEqual([]);
    expect(dealsPart?.heading).toBe(
      openDeals.length > 3 ? `*Open deals* (3 of ${openDeals.length})` : '*Open deals*',
    );
    // The deal lines with their Move buttons come right after the heading that ends the activity text.
    const dealBlocks = blocks.slice(at + 1, at + 1 + Math.min(3, openDeals.length));
    expect(dealBlocks.map((b) => (b.accessory as { action_id?: string }).action_id)).toEqual(
      dealBlocks.map(() => ACTION.dealMove),
    );
    expect(JSON.stringify(dealBlocks)).toContain('12,000.50');
    t.slack.assertNoViolations();
  });

  it('counts the company apart from its people', async () => {
    const reply = await lookup('Northwind Traders');
    const people = sim().state.contacts.filter((c) =>
      c.properties.some((p) => p.name === 'company' && p.value === 'Northwind Traders'),
    ).length;
    expect(people).toBeGreaterThan(1);
    expect(textOf(blocksOf(reply)[0] as Block)).toBe(
      `🔎 1 company and ${people} people match \`Northwind Traders\``,
    );
    expect(String(reply.args.text)).toMatch(
      new RegExp(`^1 company and ${people} people for Northwind Traders`),
    );
    t.slack.assertNoViolations();
  });
});
