import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { RESPONSE, type RecordedCall } from '../helpers/fake-slack.js';
import { blockActionsPayload } from '../helpers/payloads.js';
import { startTestBot, type TestBot } from '../helpers/test-bot.js';

const allText = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? []);

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t?.close());
beforeEach(() => t.reset());

const sim = () => {
  if (!t.agile) throw new Error('simulator not started');
  return t.agile;
};
const contactsWithEmail = (email: string) =>
  sim().state.contacts.filter((c) => c.properties.some((p) => p.name === 'email' && p.value === email));
const contactPosts = () =>
  sim().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/api/contacts'));
/** Lets any late answer arrive before asserting on the last one. */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('Create contact (lookup of an unknown email)', () => {
  it('two clicks on the same offer, one after the other: one contact, and the message still says created', async () => {
    const email = 'zoe.quinn@newco.example.com';
    const offer = { ts: '1767226000.000100' };
    await t.interact(blockActionsPayload({ actionId: ACTION.createContact, value: email, message: offer }));
    const first = await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Created contact'));
    await t.interact(blockActionsPayload({ actionId: ACTION.createContact, value: email, message: offer }));
    await t.slack.waitFor(RESPONSE, (c) => c !== first);
    await settle();

    const answers = t.slack.calls(RESPONSE);
    expect(answers).toHaveLength(2);
    const last = answers.at(-1) as RecordedCall;
    expect(last.args.replace_original).toBe(true);
    expect(allText(last)).toContain('Created contact');
    expect(allText(last)).not.toContain('already exists');
    expect(contactsWithEmail(email)).toHaveLength(1);
    expect(contactPosts()).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('a concurrent double click creates once and never ends on "already exists"', async () => {
    const email = 'yuri.tal@newco.example.com';
    const offer = { ts: '1767226000.000200' };
    const click = () =>
      t.interact(blockActionsPayload({ actionId: ACTION.createContact, value: email, message: offer }));
    await Promise.all([click(), click()]);
    await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Created contact'));
    await settle();

    for (const answer of t.slack.calls(RESPONSE)) expect(allText(answer)).not.toContain('already exists');
    expect(allText(t.slack.calls(RESPONSE).at(-1) as RecordedCall)).toContain('Created contact');
    expect(contactsWithEmail(email)).toHaveLength(1);
    expect(contactPosts()).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('a click on another, older offer for the same email says it already exists (nothing created)', async () => {
    const email = 'xena.park@newco.example.com';
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.createContact,
        value: email,
        message: { ts: '1767226000.000300' },
      }),
    );
    await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Created contact'));
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.createContact,
        value: email,
        message: { ts: '1767226000.000400' },
      }),
    );
    await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('already exists'));
    expect(contactsWithEmail(email)).toHaveLength(1);
    expect(contactPosts()).toHaveLength(1);
    t.slack.assertNoViolations();
  });
});
