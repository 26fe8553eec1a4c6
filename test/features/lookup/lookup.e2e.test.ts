import type { KnownBlock } from '@slack/types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIG_ID_CONTACT_ID } from '../../../src/devkit/sandbox/agile-simulator.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import { RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import { blockActionsPayload, CHANNEL, USER } from '../../helpers/payloads.js';
import { simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

type Block = KnownBlock & Record<string, unknown>;

const blocksOf = (call: RecordedCall) => (call.args.blocks ?? []) as Block[];
/** Every text of every block, joined: what a reader sees. */
const allText = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? []);
const buttons = (call: RecordedCall, actionId: string) =>
  blocksOf(call).flatMap((b) => {
    const els = (b.type === 'actions' ? (b.elements as unknown as Record<string, unknown>[]) : []) ?? [];
    const acc = b.accessory ? [b.accessory as Record<string, unknown>] : [];
    return [...els, ...acc].filter((e) => e.action_id === actionId);
  });
const cardHeaders = (call: RecordedCall) =>
  blocksOf(call)
    .filter((b) => b.type === 'section' && typeof (b.text as { text?: string })?.text === 'string')
    .map((b) => (b.text as { text: string }).text)
    .filter((text) => /^(👤|🏢) \*/.test(text));

const t = useTestBot();

const sim = () => simulatorOf(t);

async function lookup(query: string): Promise<RecordedCall> {
  const res = await t.command(`lookup ${query}`);
  expect(res.status).toBe(200);
  const reply = await t.slack.waitFor(RESPONSE);
  expect(reply.args.response_type).toBe('ephemeral');
  expect(typeof reply.args.text).toBe('string');
  return reply;
}

function contactIdByEmail(email: string): string {
  const c = sim().state.contacts.find((x) =>
    x.properties.some((p) => p.name === 'email' && p.value === email),
  );
  if (!c) throw new Error(`no seed contact ${email}`);
  return c.id;
}

describe('/crm lookup', () => {
  it('finds a contact by exact email with details, activity and every button', async () => {
    const reply = await lookup('ada.lovelace@northwind.example.com');
    const id = contactIdByEmail('ada.lovelace@northwind.example.com');
    const headers = cardHeaders(reply);
    expect(headers).toHaveLength(1);
    expect(headers[0]).toContain('*Ada Lovelace*');
    const text = allText(reply);
    for (const part of [
      'CTO',
      'Northwind Traders',
      '+1 206 555 0101',
      'VIP',
      '92',
      '★★★★★',
      'Next tasks',
      'Open deals',
    ])
      expect(text).toContain(part);
    for (const a of [ACTION.cardLogNote, ACTION.cardCreateTask, ACTION.cardCreateDeal, ACTION.cardShare]) {
      expect(buttons(reply, a).map((b) => b.value)).toEqual([id]);
    }
    // Ada's open deal (Proposal) carries a Move button whose value is the deal id.
    const openDeals = sim().state.deals.filter(
      (d) => d.contactIds.includes(id) && !['Won', 'Lost'].includes(d.milestone),
    );
    expect(openDeals.length).toBeGreaterThan(0);
    expect(
      buttons(reply, ACTION.dealMove)
        .map((b) => b.value)
        .sort(),
    ).toEqual(openDeals.map((d) => d.id).sort());
    expect(text).toContain('Proposal');
    expect(text).toContain('48,000');
    t.slack.assertNoViolations();
  });

  it('finds an email stored with capitals when typed in another case', async () => {
    const reply = await lookup('GRACE.HOPPER@example.COM');
    expect(cardHeaders(reply)).toEqual([expect.stringContaining('*Grace Hopper*')]);
    expect(allText(reply)).toContain('Grace.Hopper@Example.com');
    t.slack.assertNoViolations();
  });

  it('finds a contact by phone, typed in another format', async () => {
    const reply = await lookup('+1 (415) 555-0143');
    expect(cardHeaders(reply)).toEqual([expect.stringContaining('*Alan Turing*')]);
    t.slack.assertNoViolations();
  });

  it('finds a contact by name despite a typo, best match first', async () => {
    const reply = await lookup('Ada Lovelcae');
    expect(cardHeaders(reply)[0]).toContain('*Ada Lovelace*');
    t.slack.assertNoViolations();
  });

  it('finds a company by name and shows it first, then its people, with "N more"', async () => {
    const reply = await lookup('Acme Robotics');
    const headers = cardHeaders(reply);
    expect(headers[0]).toMatch(/^🏢 \*Acme Robotics\*/);
    expect(headers).toHaveLength(5);
    // Seed: the company and 7 people at Acme Robotics.
    const total =
      1 +
      sim().state.contacts.filter((c) =>
        c.properties.some((p) => p.name === 'company' && p.value === 'Acme Robotics'),
      ).length;
    expect(total).toBeGreaterThan(5);
    expect(allText(reply)).toContain(`${total - 5} more — refine your search`);
    expect(blocksOf(reply).length).toBeLessThanOrEqual(50);
    t.slack.assertNoViolations();
  });

  it('escapes a contact named <!channel> Eve (id above 2^53) everywhere', async () => {
    const reply = await lookup('eve@mallory.example.com');
    const text = allText(reply);
    expect(text).toContain('&lt;!channel&gt; Eve');
    expect(text).toContain('&lt;@U123&gt; &amp; Co');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(String(reply.args.text)).not.toContain('<!channel>');
    expect(buttons(reply, ACTION.cardShare).map((b) => b.value)).toEqual([BIG_ID_CONTACT_ID]);
    // Eve's deal is named "Mallory <script> deal & co".
    expect(text).toContain('Mallory &lt;script&gt; deal &amp; co');
    t.slack.assertNoViolations();
  });

  it('escapes note text in the activity', async () => {
    const id = contactIdByEmail('linus@initech.example.com');
    const now = Math.floor(Date.now() / 1000);
    sim().state.notes.push({
      id: '6000000000000001',
      subject: 'Heads up <!here>',
      description: 'see <https://evil.example|click>',
      createdEpochSec: now,
      contactIds: [id],
      dealIds: [],
    } as never);
    const reply = await lookup('linus@initech.example.com');
    const text = allText(reply);
    expect(text).toContain('Heads up &lt;!here&gt;');
    expect(text).toContain('&lt;https://evil.example|click&gt;');
    expect(text).not.toContain('<!here>');
    t.slack.assertNoViolations();
  });

  it('still shows the card when one activity fetch fails', async () => {
    const id = contactIdByEmail('ken@initech.example.com');
    // A task the client cannot read (subject is not a string): only the tasks part fails.
    sim().state.tasks.push({
      ...(sim().state.tasks[0] as object),
      id: '6000000000000002',
      subject: 42,
      contactIds: [id],
    } as never);
    const reply = await lookup('ken@initech.example.com');
    expect(cardHeaders(reply)).toEqual([expect.stringContaining('*Ken Thompson*')]);
    const text = allText(reply);
    expect(text).toContain('*Next tasks*: _activity unavailable_');
    expect(text).toContain('*Latest notes*');
    t.slack.assertNoViolations();
  });

  it('says plainly when a name matches nobody', async () => {
    const reply = await lookup('Zyxwvut Qqqq');
    expect(allText(reply)).toContain('No contact matches `Zyxwvut Qqqq`');
    expect(buttons(reply, ACTION.createContact)).toEqual([]);
    t.slack.assertNoViolations();
  });

  it('offers to create an unknown email, and creates it once even on a double click', async () => {
    const email = 'ana.lopez@newco.example.com';
    const reply = await lookup(email);
    expect(allText(reply)).toContain(`No contact matches \`${email}\``);
    const [button] = buttons(reply, ACTION.createContact);
    expect(button?.value).toBe(email);

    const click = blockActionsPayload({ actionId: ACTION.createContact, value: email });
    const [a, b] = await Promise.all([t.interact(click), t.interact(click)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const answer = await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Created contact'));
    expect(cardHeaders(answer)[0]).toContain('*Ana Lopez*');
    // A click on another (older) offer finds it exists instead of creating another.
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.createContact,
        value: email,
        message: { ts: '1767225600.000999' },
      }),
    );
    await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('already exists'));
    const withEmail = sim().state.contacts.filter((c) =>
      c.properties.some((p) => p.name === 'email' && p.value === email),
    );
    expect(withEmail).toHaveLength(1);
    expect(
      sim().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/api/contacts')),
    ).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('Share in channel posts the card visibly without the Share button, once per click', async () => {
    const id = contactIdByEmail('ada.lovelace@northwind.example.com');
    const click = blockActionsPayload({ actionId: ACTION.cardShare, value: id });
    await Promise.all([t.interact(click), t.interact(click)]);
    const posted = await t.slack.waitFor('chat.postMessage');
    expect(posted.args.channel).toBe(CHANNEL.id);
    expect(allText(posted)).toContain('*Ada Lovelace*');
    expect(allText(posted)).toContain(`Shared by <@${USER.id}>`);
    expect(buttons(posted, ACTION.cardShare)).toEqual([]);
    expect(buttons(posted, ACTION.cardLogNote).map((b) => b.value)).toEqual([id]);
    await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Shared the card'));
    // The other click is done once it logs that the first one answers.
    await vi.waitFor(() =>
      expect(t.logs.some((l) => l.msg === 'Share in channel: a repeated click; the first one answers')).toBe(
        true,
      ),
    );
    expect(t.slack.calls('chat.postMessage')).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('tells the sharer when the bot is not in the channel', async () => {
    t.slack.channelErrors.set(CHANNEL.id, 'not_in_channel');
    const id = contactIdByEmail('ada.lovelace@northwind.example.com');
    // Another card message than the share above: a share is once per card message.
    const card = { ts: '1767225600.000900' };
    await t.interact(blockActionsPayload({ actionId: ACTION.cardShare, value: id, message: card }));
    const answer = await t.slack.waitFor(RESPONSE);
    expect(allText(answer)).toContain('invite me');
    // After the invite, Share on the same card works: a refusal is not remembered.
    t.slack.channelErrors.delete(CHANNEL.id);
    await t.interact(blockActionsPayload({ actionId: ACTION.cardShare, value: id, message: card }));
    await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Shared the card'));
    t.slack.assertNoViolations();
  });

  it('explains an Agile 401 in words an admin can act on', async () => {
    sim().faults.failNext(1, 401);
    const reply = await lookup('ada.lovelace@northwind.example.com');
    expect(allText(reply)).toContain(
      'the CRM rejected the Agile email and API key — an admin can reconnect with /crm connect (or fix AGILE_EMAIL / AGILE_API_KEY); your own login: /crm connect me',
    );
    expect(allText(reply)).toContain('ada.lovelace@northwind.example.com');
    t.slack.assertNoViolations();
  });
});

describe('/crm lookup with Agile down', () => {
  let down: TestBot;
  beforeAll(async () => {
    down = await startTestBot({ agileBaseUrl: 'http://127.0.0.1:9/dev/' });
  });
  afterAll(() => down?.close());

  it('says the CRM cannot be reached and quotes the query back', async () => {
    const res = await down.command('lookup Ada Lovelace');
    expect(res.status).toBe(200);
    const reply = await down.slack.waitFor(RESPONSE, undefined, 10_000);
    const text = allText(reply);
    expect(text).toContain('the CRM could not be reached');
    expect(text).toContain('Ada Lovelace');
    down.slack.assertNoViolations();
  });
});
