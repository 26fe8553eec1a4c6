import { describe, expect, it, vi } from 'vitest';
import { ACTION } from '../../../src/platform/slack/ids.js';
import { DEFAULT_USERS, RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import { blockActionsPayload } from '../../helpers/payloads.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

const allText = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? []);

// Alice's Slack email matches an Agile user (in other capitals); Bob has no Agile account.
const [slackAlice, slackBob] = DEFAULT_USERS;
if (!slackAlice || !slackBob) throw new Error('fake Slack users');
const t = useTestBot({ users: [{ ...slackAlice, email: 'Alice.Moreno@Example.com' }, slackBob] });

const sim = () => simulatorOf(t);
const contactsWithEmail = (email: string) =>
  sim().state.contacts.filter((c) => c.properties.some((p) => p.name === 'email' && p.value === email));
const contactPosts = () =>
  sim().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/api/contacts'));
/** Every click has answered: each answers once, or logs that an earlier click on the offer answers. */
const allClicksDone = (clicks: number) =>
  vi.waitFor(() => {
    const repeats = t.logs.filter(
      (l) => l.msg === 'Create contact: a repeated click; the first one answers',
    ).length;
    expect(t.slack.calls(RESPONSE).length + repeats).toBe(clicks);
  });

describe('Create contact (lookup of an unknown email)', () => {
  it('two clicks on the same offer, one after the other: one contact, and the message still says created', async () => {
    const email = 'zoe.quinn@newco.example.com';
    const offer = { ts: '1767226000.000100' };
    await t.interact(blockActionsPayload({ actionId: ACTION.createContact, value: email, message: offer }));
    const first = await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Created contact'));
    await t.interact(blockActionsPayload({ actionId: ACTION.createContact, value: email, message: offer }));
    await t.slack.waitFor(RESPONSE, (c) => c !== first);
    await allClicksDone(2);

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
    await allClicksDone(2);

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

  it('the new contact is owned by the clicker’s Agile user, named with hyphens kept', async () => {
    const email = 'jane.o-brien@newco.example.com';
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.createContact,
        value: email,
        message: { ts: '1767226000.000500' },
      }),
    );
    const answer = await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Created contact'));
    expect(allText(answer)).toContain('Jane O-Brien');
    const [contact] = contactsWithEmail(email);
    const alice = sim().state.users.find((u) => u.email === 'alice.moreno@example.com');
    expect(alice).toBeDefined();
    expect(contact?.ownerId).toBe(alice?.id);
    const names = Object.fromEntries((contact?.properties ?? []).map((p) => [p.name, p.value]));
    expect(names).toMatchObject({ first_name: 'Jane', last_name: 'O-Brien' });
    t.slack.assertNoViolations();
  });

  it('a clicker with no Agile account leaves the API user as owner', async () => {
    const email = 'sam.lee@newco.example.com';
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.createContact,
        value: email,
        message: { ts: '1767226000.000600' },
        user: { id: 'U0BOB', username: 'bob', name: 'bob' },
      }),
    );
    await t.slack.waitFor(RESPONSE, (c) => allText(c).includes('Created contact'));
    const [contact] = contactsWithEmail(email);
    const apiUser = sim().state.users.find((u) => u.email === 'sandbox@example.com');
    expect(apiUser).toBeDefined();
    expect(contact?.ownerId).toBe(apiUser?.id);
    expect(sim().requests.filter((r) => r.path.endsWith('api/contacts/change-owner'))).toEqual([]);
    t.slack.assertNoViolations();
  });
});
