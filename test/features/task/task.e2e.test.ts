import type { KnownBlock } from '@slack/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dmChannelOf } from '../../../src/devkit/console/slack-web-api.js';
import { BIG_ID_CONTACT_ID } from '../../../src/devkit/sandbox/seed.js';
import { encodeTaskMetadata } from '../../../src/features/task/schema.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  CHANNEL,
  type StateMap,
  TEAM,
  USER,
  viewClosedPayload,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { defaultUsersWithSandboxAlice } from '../../helpers/sandbox-users.js';
import { simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

/**
 * The bot's clock: Tuesday 12 March 2030, 11:00 in Los Angeles (PDT, UTC-7 since 10 March). It must lie
 * ahead of real time: Bolt checks request timestamps against the real clock (stale), the app against
 * its own (future).
 */
const NOW = new Date('2030-03-12T18:00:00Z');
const LA = 'America/Los_Angeles';
const BOB = 'U0BOB';
const API_USER_ID = '5629585249009664';
const ADA = 'ada.lovelace@northwind.example.com';

let t: TestBot;
let clock = NOW;
beforeAll(async () => {
  // Alice has an Agile account under the same email, in Los Angeles time; Bob has none.
  t = await startTestBot({ now: () => clock, users: defaultUsersWithSandboxAlice({ tz: LA }) });
});
afterAll(async () => {
  await t?.close();
});
let seededTasks = new Set<string>();
beforeEach(() => {
  t.reset();
  clock = NOW;
  seededTasks = new Set(sim().state.tasks.map((x) => x.id));
});

const command = (text: string, user?: { id: string }) => t.command(text, user ? { user } : {});
const interact = (payload: Parameters<TestBot['interact']>[0]) => t.interact(payload);

const sim = () => simulatorOf(t);
/** Tasks the bot created in this test. */
const newTasks = () => sim().state.tasks.filter((x) => !seededTasks.has(x.id));
const userId = (email: string) => {
  const u = sim().state.users.find((x) => x.email === email);
  if (!u) throw new Error(`no Agile user ${email}`);
  return u.id;
};
const contactIdByEmail = (email: string) => {
  const c = sim().state.contacts.find((x) =>
    x.properties.some((p) => p.name === 'email' && p.value.toLowerCase() === email.toLowerCase()),
  );
  if (!c) throw new Error(`no contact ${email}`);
  return c.id;
};
const epochSec = (iso: string) => Date.parse(iso) / 1000;

type Block = KnownBlock & { block_id?: string; element?: Record<string, unknown> };
const blocksOf = (call: RecordedCall) => ((call.args.view as { blocks: Block[] }).blocks ?? []) as Block[];
const elementOf = (call: RecordedCall, blockId: string) => {
  const b = blocksOf(call).find((x) => x.block_id === blockId);
  if (!b?.element) throw new Error(`no input ${blockId}`);
  return b.element;
};

/** `/crm task`: the loading view at once, then the form. */
async function openModal(user?: { id: string }) {
  const started = Date.now();
  const res = await command('task', user);
  expect(res.status).toBe(200);
  const open = await t.slack.waitFor('views.open');
  expect(open.atMs - started).toBeLessThan(3000);
  const update = await t.slack.waitFor('views.update');
  return { open, update, viewId: String(update.args.view_id) };
}

function form(over: Partial<Record<string, unknown>> = {}): StateMap {
  const v = {
    subject: 'Send the renewal quote',
    type: 'EMAIL',
    priority: 'HIGH',
    date: '2030-03-14',
    time: '15:30',
    contacts: [{ value: contactIdByEmail(ADA), text: 'Ada Lovelace' }],
    description: 'Include the 3-year option',
    owner: { value: userId('raj.patel@example.com'), text: 'Raj Patel' },
    ...over,
  } as Record<string, unknown>;
  const map: StateMap = {
    [BLOCK.subject]: {
      [ACTION.subjectInput]: { type: 'plain_text_input', value: (v.subject as string | null) ?? null },
    },
    [BLOCK.taskType]: { [ACTION.taskType]: { type: 'static_select', value: v.type as string } },
    [BLOCK.priority]: { [ACTION.priority]: { type: 'static_select', value: v.priority as string } },
    [BLOCK.dueDate]: { [ACTION.dueDate]: { type: 'datepicker', selected_date: v.date as string } },
    [BLOCK.dueTime]: { [ACTION.dueTime]: { type: 'timepicker', selected_time: v.time as string } },
    [BLOCK.contact]: {
      [ACTION.contactPicker]: {
        type: 'multi_external_select',
        values: v.contacts as { value: string; text: string }[],
      },
    },
    [BLOCK.description]: {
      [ACTION.description]: { type: 'plain_text_input', value: (v.description as string | null) ?? null },
    },
  };
  if (v.owner) {
    const o = v.owner as { value: string; text: string };
    map[BLOCK.owner] = { [ACTION.ownerSelect]: { type: 'static_select', value: o.value, text: o.text } };
  }
  return map;
}

function submit(values: StateMap, view: { id?: string; user?: { id: string } } = {}) {
  return interact(
    viewSubmissionPayload({
      callbackId: CALLBACK.taskModal,
      ...(view.id ? { id: view.id } : {}),
      ...(view.user ? { user: view.user } : {}),
      privateMetadata: encodeTaskMetadata({ channelId: CHANNEL.id, timeZone: LA }),
      values,
    }),
  );
}

describe('Create task modal: opening', () => {
  it('/crm task opens a loading view at once, then the form with owners and defaults in the user zone', async () => {
    const { open, update } = await openModal();
    const loading = open.args.view as Record<string, unknown>;
    expect(loading.callback_id).toBe(CALLBACK.taskModal);
    expect(loading.submit).toBeUndefined();
    expect(JSON.stringify(loading.blocks)).toContain('Loading');

    expect(t.slack.views.has(String(update.args.view_id))).toBe(true);
    expect(update.args.hash).toEqual(expect.any(String));
    const view = update.args.view as Record<string, unknown>;
    expect(view.callback_id).toBe(CALLBACK.taskModal);
    const labels = blocksOf(update)
      .filter((b) => b.type === 'input')
      .map((b) => (b as { label: { text: string } }).label.text);
    expect(labels.sort()).toEqual(
      ['Subject', 'Type', 'Priority', 'Due date', 'Due time', 'Contact', 'Description', 'Owner'].sort(),
    );
    // Tomorrow 09:00 in Los Angeles.
    expect(elementOf(update, BLOCK.dueDate).initial_date).toBe('2030-03-13');
    expect(elementOf(update, BLOCK.dueTime).initial_time).toBe('09:00');
    expect(JSON.stringify(blocksOf(update))).toContain(LA);
    // The owner defaults to the Agile user with Alice's Slack email.
    const owner = elementOf(update, BLOCK.owner);
    expect((owner.initial_option as { value: string }).value).toBe(userId('alice.moreno@example.com'));
    expect((owner.options as { value: string }[]).map((o) => o.value).sort()).toEqual(
      sim()
        .state.users.map((u) => u.id)
        .sort(),
    );
    expect((elementOf(update, BLOCK.priority).initial_option as { value: string }).value).toBe('NORMAL');
    const types = (elementOf(update, BLOCK.taskType).options as { text: { text: string } }[]).map(
      (o) => o.text.text,
    );
    expect(types).toEqual(['Call', 'Email', 'Follow-up', 'Meeting', 'Milestone', 'Send', 'Tweet', 'Other']);
    t.slack.assertNoViolations();
  });

  it("defaults the owner to the Agile user an admin mapped the Slack user to (App Home's mapping)", async () => {
    await t.bot.deps.store.userLinks.set(TEAM.id, BOB, 'raj.patel@example.com', USER.id);
    try {
      const { update } = await openModal({ id: BOB });
      expect((elementOf(update, BLOCK.owner).initial_option as { value: string }).value).toBe(
        userId('raj.patel@example.com'),
      );
    } finally {
      await t.bot.deps.store.userLinks.set(TEAM.id, BOB, null, USER.id);
    }
  });

  it('defaults the owner to the API user when the Slack user has no Agile account', async () => {
    const { update } = await openModal({ id: BOB });
    expect((elementOf(update, BLOCK.owner).initial_option as { value: string }).value).toBe(API_USER_ID);
    // Bob is in Paris: 18:00Z is 19:00 there, tomorrow 09:00 is still 13 March.
    expect(elementOf(update, BLOCK.dueDate).initial_date).toBe('2030-03-13');
    expect(JSON.stringify(blocksOf(update))).toContain('Europe/Paris');
    t.slack.assertNoViolations();
  });

  it('the Create task button of a contact card opens the form prefilled with that contact', async () => {
    const res = await interact(
      blockActionsPayload({ actionId: ACTION.cardCreateTask, value: BIG_ID_CONTACT_ID }),
    );
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    expect((open.args.view as { callback_id: string }).callback_id).toBe(CALLBACK.taskModal);
    const update = await t.slack.waitFor('views.update');
    const contacts = elementOf(update, BLOCK.contact).initial_options as {
      value: string;
      text: { text: string };
    }[];
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.value).toBe(BIG_ID_CONTACT_ID);
    // plain_text: shown literally, so the name needs no escaping and pings nobody.
    expect(contacts[0]?.text.text).toContain('<!channel> Eve');
    t.slack.assertNoViolations();
  });

  it('still shows the form, with a notice, when the CRM cannot list its users', async () => {
    // Past the owner list's 10-minute cache, so the CRM is asked again.
    clock = new Date(NOW.getTime() + 11 * 60_000);
    sim().faults.failNext(20, 503);
    const { update } = await openModal({ id: BOB });
    expect(blocksOf(update).some((b) => b.block_id === BLOCK.owner)).toBe(false);
    expect(JSON.stringify(blocksOf(update))).toContain('did not list its users');
    expect(elementOf(update, BLOCK.dueDate).initial_date).toBe('2030-03-13');
    t.slack.assertNoViolations();
  }, 10_000);
});

describe('Create task modal: submission', () => {
  it('creates the task with exact fields (due in the user zone, epoch seconds) and confirms ephemerally', async () => {
    const res = await submit(form());
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const [task, ...more] = newTasks();
    expect(more).toEqual([]);
    expect(task).toMatchObject({
      subject: 'Send the renewal quote',
      type: 'EMAIL',
      priorityType: 'HIGH',
      // 15:30 PDT on 14 March = 22:30 UTC.
      dueEpochSec: epochSec('2030-03-14T22:30:00Z'),
      contactIds: [contactIdByEmail(ADA)],
      ownerId: userId('raj.patel@example.com'),
      description: 'Include the 3-year option',
    });
    const eph = await t.slack.waitFor('chat.postEphemeral');
    expect(eph.args).toMatchObject({ channel: CHANNEL.id, user: USER.id });
    const shown = JSON.stringify(eph.args.blocks);
    expect(shown).toContain('Send the renewal quote');
    expect(shown).toContain('Thu 14 Mar, 15:30 (America/Los_Angeles)');
    expect(shown).toContain('Ada Lovelace');
    expect(shown).toContain('Raj Patel');
    expect(eph.args.text).toEqual(expect.stringContaining('Send the renewal quote'));
    t.slack.assertNoViolations();
  });

  it('escapes a contact named <!channel> Eve and a subject with mrkdwn in the confirmation', async () => {
    const res = await submit(
      form({
        subject: 'Ping <!here> about <https://evil.example|this>',
        contacts: [{ value: BIG_ID_CONTACT_ID, text: '<!channel> Eve' }],
      }),
    );
    expect(res.status).toBe(200);
    const eph = await t.slack.waitFor('chat.postEphemeral');
    const shown = JSON.stringify(eph.args.blocks) + String(eph.args.text);
    expect(shown).toContain('&lt;!channel&gt; Eve');
    expect(shown).toContain('&lt;!here&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<!here>');
    expect(shown).not.toContain('<https://evil');
    t.slack.assertNoViolations();
  });

  it('refuses a due date in the past on the date input, before calling the CRM', async () => {
    const before = sim().requests.length;
    const res = await submit(form({ date: '2030-03-11', time: '15:00' }));
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.dueDate]: 'Pick a time in the future' },
    });
    expect(sim().requests.length).toBe(before);
    expect(newTasks()).toEqual([]);
    t.slack.assertNoViolations();
  });

  it('refuses a time earlier today on the time input', async () => {
    // 10:00 today in Los Angeles is an hour ago.
    const res = await submit(form({ date: '2030-03-12', time: '10:00' }));
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.dueTime]: 'Pick a time in the future' },
    });
    expect(newTasks()).toEqual([]);
  });

  it('refuses a missing subject and an unknown type', async () => {
    const res = await submit(form({ subject: '   ', type: 'FAX' }));
    const json = res.json as { response_action: string; errors: Record<string, string> };
    expect(json.response_action).toBe('errors');
    expect(Object.keys(json.errors).sort()).toEqual([BLOCK.subject, BLOCK.taskType].sort());
    expect(newTasks()).toEqual([]);
  });

  it('a double submission of the same view creates one task', async () => {
    const values = form({ subject: 'Only once' });
    const [a, b] = await Promise.all([
      submit(values, { id: 'V0TASKDOUBLE' }),
      submit(values, { id: 'V0TASKDOUBLE' }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const again = await submit(values, { id: 'V0TASKDOUBLE' });
    expect(again.status).toBe(200);
    expect(newTasks().filter((x) => x.subject === 'Only once')).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('maps an Agile 400 about the priority to the priority input', async () => {
    sim().faults.failNext(
      1,
      400,
      JSON.stringify({
        status: '400',
        'exception message': 'Invalid priority_type: HIGH. Accepted values: …',
      }),
    );
    const res = await submit(form());
    const json = res.json as { response_action: string; errors: Record<string, string> };
    expect(json.response_action).toBe('errors');
    expect(Object.keys(json.errors)).toEqual([BLOCK.priority]);
    expect(json.errors[BLOCK.priority]).toContain('Invalid priority_type');
    expect(newTasks()).toEqual([]);
  });

  it('maps an Agile 400 about the due date to the date input', async () => {
    sim().faults.failNext(1, 400, 'due should be epoch seconds');
    const res = await submit(form());
    expect((res.json as { errors: Record<string, string> }).errors).toHaveProperty(BLOCK.dueDate);
  });

  it('says the API key was rejected on a 401, and writes nothing', async () => {
    sim().faults.failNext(1, 401);
    const res = await submit(form());
    const json = res.json as { response_action: string; errors: Record<string, string> };
    expect(json.response_action).toBe('errors');
    expect(json.errors[BLOCK.subject]).toContain('AGILE_EMAIL / AGILE_API_KEY');
    expect(newTasks()).toEqual([]);
  });

  it('says the CRM is not answering on a 503; a retry then succeeds', async () => {
    sim().faults.failNext(1, 503);
    const values = form({ subject: 'After the outage' });
    const res = await submit(values, { id: 'V0TASK503' });
    const json = res.json as { response_action: string; errors: Record<string, string> };
    expect(json.errors[BLOCK.subject]).toMatch(/not answering properly/);
    expect(newTasks()).toEqual([]);
    const retry = await submit(values, { id: 'V0TASK503' });
    expect(retry.body).toBe('');
    expect(newTasks().filter((x) => x.subject === 'After the outage')).toHaveLength(1);
  });

  it('shows "Saving…" on a slow CRM, then the result, then confirms', async () => {
    const { viewId } = await openModal();
    sim().faults.latencyMs = 2600;
    const res = await submit(form({ subject: 'Slow but sure' }), { id: viewId });
    const json = res.json as { response_action: string; view: { blocks: unknown[] } };
    expect(json.response_action).toBe('update');
    expect(JSON.stringify(json.view.blocks)).toContain('Saving');
    const done = await t.slack.waitFor(
      'views.update',
      (c) => JSON.stringify(c.args.view).includes('Task created'),
      8000,
    );
    expect(done.args.view_id).toBe(viewId);
    await t.slack.waitFor('chat.postEphemeral', undefined, 8000);
    expect(newTasks().filter((x) => x.subject === 'Slow but sure')).toHaveLength(1);
    t.slack.assertNoViolations();
  }, 15_000);

  it('a slow CRM that then fails brings the form back with the error and what was typed', async () => {
    const { viewId } = await openModal();
    sim().faults.latencyMs = 2600;
    sim().faults.failNext(1, 503);
    const res = await submit(form({ subject: 'Typed with care' }), { id: viewId });
    expect((res.json as { response_action: string }).response_action).toBe('update');
    const back = await t.slack.waitFor(
      'views.update',
      (c) => JSON.stringify(c.args.view).includes('not answering properly'),
      8000,
    );
    expect(elementOf(back, BLOCK.subject).initial_value).toBe('Typed with care');
    expect(elementOf(back, BLOCK.dueDate).initial_date).toBe('2030-03-14');
    expect((elementOf(back, BLOCK.owner).initial_option as { value: string }).value).toBe(
      userId('raj.patel@example.com'),
    );
    expect(newTasks()).toEqual([]);
    t.slack.assertNoViolations();
  }, 15_000);
});

describe('a slow task save that fails after "Saving…" was closed', () => {
  it('DMs the subject and description with a Retry that creates the task once', async () => {
    const { viewId } = await openModal();
    sim().faults.latencyMs = 2600;
    sim().faults.failNext(1, 503);
    const description = `Line one <b>&\n${'detail '.repeat(200)}end`;
    const res = await submit(form({ subject: 'Typed then closed', description }), { id: viewId });
    expect((res.json as { view: { notify_on_close?: boolean } }).view.notify_on_close).toBe(true);
    await interact(viewClosedPayload({ callbackId: CALLBACK.taskModal, id: viewId, values: {} }));
    const dm = await t.slack.waitFor(
      'chat.postMessage',
      (c) => JSON.stringify(c.args.blocks).includes('was not saved'),
      10_000,
    );
    await t.idle();
    sim().faults.latencyMs = 0;
    const dmChannel = dmChannelOf(USER.id);
    expect(dm.args.channel).toBe(dmChannel);
    const shown = t.slack
      .calls('chat.postMessage')
      .filter((c) => c.args.channel === dmChannel)
      .map((c) => JSON.stringify(c.args.blocks))
      .join('');
    expect(shown).toContain('Typed then closed');
    expect(shown).toContain('end');
    expect(shown).toContain('&lt;b&gt;&amp;');
    expect(newTasks()).toEqual([]);
    const button = (
      (dm.args.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[]
    )
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((e) => e.action_id === ACTION.retryWrite);
    const head = (t.slack.messages.get(dmChannel) ?? []).find((m) =>
      JSON.stringify(m.blocks).includes('Retry'),
    );
    const click = () =>
      interact(
        blockActionsPayload({
          actionId: ACTION.retryWrite,
          value: button?.value,
          channel: { id: dmChannel, name: 'directmessage' },
          message: { ts: head?.ts ?? '' },
        }),
      );
    await click();
    await t.idle();
    await click();
    await t.idle();
    expect(newTasks().filter((x) => x.subject === 'Typed then closed')).toHaveLength(1);
    expect(JSON.stringify(t.slack.calls('chat.update').at(-1)?.args.blocks)).toContain('is saved now');
    t.slack.assertNoViolations();
  }, 30_000);
});

describe('/crm task <email> <subject> [due <when>]', () => {
  async function quick(text: string, user?: { id: string }) {
    const res = await command(text, user);
    expect(res.status).toBe(200);
    const reply = await t.slack.waitFor(RESPONSE);
    expect(reply.args.response_type).toBe('ephemeral');
    return { reply, shown: JSON.stringify(reply.args.blocks) + String(reply.args.text) };
  }

  it.each([
    ['tomorrow 3pm', '2030-03-13T22:00:00Z', 'Wed 13 Mar, 15:00'],
    ['fri', '2030-03-15T16:00:00Z', 'Fri 15 Mar, 09:00'],
    ['2030-12-03 09:30', '2030-12-03T17:30:00Z', 'Tue 3 Dec, 09:30'],
    ['in 2 days', '2030-03-14T16:00:00Z', 'Thu 14 Mar, 09:00'],
  ])('due %s → the task is due at %s (Los Angeles wall clock)', async (when, iso, label) => {
    const subject = `Send the quote (${when})`;
    const { shown } = await quick(`task ${ADA} ${subject} due ${when}`);
    const created = newTasks();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      subject,
      type: 'SEND',
      priorityType: 'NORMAL',
      dueEpochSec: epochSec(iso),
      contactIds: [contactIdByEmail(ADA)],
      ownerId: userId('alice.moreno@example.com'),
    });
    expect(shown).toContain(label);
    expect(shown).toContain('Alice Moreno');
    expect(shown).toContain('Ada Lovelace');
    t.slack.assertNoViolations();
  });

  it('without a due date: tomorrow 09:00 local, and says so', async () => {
    const { shown } = await quick(`task ${ADA} Call about renewal`);
    expect(newTasks()[0]).toMatchObject({ type: 'CALL', dueEpochSec: epochSec('2030-03-13T16:00:00Z') });
    expect(shown).toContain('tomorrow at 09:00');
  });

  it('finds the contact when the email is typed with capitals', async () => {
    await quick('task Ada.Lovelace@Northwind.Example.com Follow up on pricing');
    expect(newTasks()[0]?.contactIds).toEqual([contactIdByEmail(ADA)]);
  });

  it('owner is the API user for a Slack user without an Agile account', async () => {
    await quick(`task ${ADA} Bob's task due tomorrow 3pm`, { id: BOB });
    // Bob is in Paris (UTC+1): 15:00 there is 14:00 UTC.
    expect(newTasks()[0]).toMatchObject({
      ownerId: API_USER_ID,
      dueEpochSec: epochSec('2030-03-13T14:00:00Z'),
    });
  });

  it('refuses a past date, quoting what was typed, and creates nothing', async () => {
    const { shown } = await quick(`task ${ADA} Too late due 2030-01-05`);
    expect(shown).toMatch(/already past/);
    expect(shown).toContain('2030-01-05');
    expect(shown).toContain('Nothing was created');
    expect(shown).toContain(`/crm task ${ADA} Too late due 2030-01-05`);
    expect(newTasks()).toEqual([]);
    t.slack.assertNoViolations();
  });

  it('refuses a date it cannot read, with examples', async () => {
    const { shown } = await quick(`task ${ADA} Something due when pigs fly`);
    expect(shown).toContain("couldn't read `when pigs fly`");
    expect(shown).toContain('tomorrow 3pm');
    expect(newTasks()).toEqual([]);
  });

  it('says plainly when no contact has the email, quoting the command', async () => {
    const { shown } = await quick('task nobody@nowhere.example.com Call them due fri');
    expect(shown).toContain('No contact in the CRM has the email nobody@nowhere.example.com');
    expect(shown).toContain('/crm task nobody@nowhere.example.com Call them due fri');
    expect(newTasks()).toEqual([]);
    t.slack.assertNoViolations();
  });

  it('escapes the contact <!channel> Eve in the confirmation', async () => {
    const { reply, shown } = await quick('task eve@mallory.example.com Check <!here> due fri');
    expect(shown).toContain('&lt;!channel&gt; Eve');
    expect(shown).toContain('&lt;!here&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<!here>');
    expect(reply.args.text).not.toContain('<!');
    expect(newTasks()[0]?.contactIds).toEqual([BIG_ID_CONTACT_ID]);
    t.slack.assertNoViolations();
  });

  it('the same command sent twice within a minute creates one task', async () => {
    await quick(`task ${ADA} Twice typed due fri`);
    t.slack.reset();
    const { shown } = await quick(`task ${ADA} Twice typed due fri`);
    expect(shown).toContain('already created');
    expect(newTasks()).toHaveLength(1);
    // A minute later it is a new request.
    clock = new Date(NOW.getTime() + 61_000);
    t.slack.reset();
    await quick(`task ${ADA} Twice typed due fri`);
    expect(newTasks()).toHaveLength(2);
  });

  it('the window slides: 59 s apart across a clock minute is one task, 61 s apart is two', async () => {
    clock = new Date(NOW.getTime() + 30_000); // 18:00:30
    await quick(`task ${ADA} Sliding window due fri`);
    clock = new Date(NOW.getTime() + 89_000); // 18:01:29, another clock minute
    t.slack.reset();
    const { shown } = await quick(`task ${ADA} Sliding window due fri`);
    expect(shown).toContain('already created');
    expect(newTasks()).toHaveLength(1);
    clock = new Date(NOW.getTime() + 91_000); // 61 s after the first
    t.slack.reset();
    const third = await quick(`task ${ADA} Sliding window due fri`);
    expect(third.shown).not.toContain('already created');
    expect(newTasks()).toHaveLength(2);
    t.slack.assertNoViolations();
  });

  it.each([
    [503, /not answering properly/],
    [401, /AGILE_EMAIL \/ AGILE_API_KEY/],
  ])('Agile %i → a specific message quoting the command, nothing created', async (status, words) => {
    sim().faults.failNext(5, status);
    const { shown } = await quick(`task ${ADA} Down time due fri`);
    expect(shown).toMatch(words);
    expect(shown).toContain(`/crm task ${ADA} Down time due fri`);
    expect(newTasks()).toEqual([]);
    t.slack.assertNoViolations();
  });
});
