import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextId, type TaskRecord } from '../../../src/devkit/sandbox/state.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import type { FakeMessage, RecordedCall } from '../../helpers/fake-slack.js';
import { DEFAULT_USERS } from '../../helpers/fake-slack.js';
import { blockActionsPayload, CHANNEL, TEAM, USER } from '../../helpers/payloads.js';
import { SANDBOX_RAJ as RAJ, taskOwnerUser } from '../../helpers/sandbox-users.js';
import { simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

const NOBODY = { ...RAJ, id: 'U0NOBODY', name: 'nobody', email: 'nobody@example.com' };
/** A member whose Slack profile shows no email. */
const NOEMAIL = { user: { id: 'U0NOEMAIL', team_id: TEAM.id } };

/** Every wait the digest poster asks for (Retry-After); none of them is real. */
const waits: number[] = [];

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({
    users: [...DEFAULT_USERS, RAJ, NOBODY, { ...NOBODY, id: 'U0NOEMAIL', name: 'noemail', email: undefined }],
    scheduler: {
      enabled: false,
      perChannelIntervalMs: 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

/** The text of every block of an ephemeral answer, joined. */
function replyText(call: RecordedCall): string {
  return JSON.stringify(call.args.blocks ?? call.args.text);
}

async function command(text: string, actor?: Parameters<TestBot['command']>[1]): Promise<string> {
  const earlier = new Set(t.slack.calls('response'));
  const res = await t.command(text, actor);
  expect(res.status).toBe(200);
  const call = await t.slack.waitFor('response', (c) => !earlier.has(c), 3000);
  expect(call.args.response_type).toBe('ephemeral');
  return replyText(call);
}

/** Digest clicks the bot has finished handling so far (applied, repeated or refused). */
function clicksHandled(): number {
  return t.logs.filter((l) => l.msg === 'digest click handled').length;
}

/** Waits until `n` more clicks than `before` have been handled: every delivery has had its say. */
async function waitForClicks(before: number, n: number): Promise<void> {
  await vi.waitFor(() => expect(clicksHandled()).toBe(before + n), { timeout: 3000 });
}

function topLevel(channel = CHANNEL.id): FakeMessage[] {
  return (t.slack.messages.get(channel) ?? []).filter((m) => !m.threadTs);
}

type Block = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] };

type Item = { blockId: string; value: string; taskId: string };

/** The digest items still offering buttons, in a posted message. */
function allItems(message: FakeMessage): Item[] {
  const items: Item[] = [];
  for (const block of (message.blocks ?? []) as Block[]) {
    const button = block.elements?.find((e) => e.action_id === ACTION.digestComplete);
    if (block.type === 'actions' && button?.value && block.block_id) {
      const { id } = JSON.parse(button.value) as { id: string };
      items.push({ blockId: block.block_id, value: button.value, taskId: id });
    }
  }
  return items;
}

/** The first digest item still offering buttons, in a posted message. */
function firstItem(message: FakeMessage): Item {
  const item = allItems(message)[0];
  if (!item) throw new Error('no digest item with buttons in the message');
  return item;
}

function clickPayload(message: FakeMessage, actionId: string, item: Item, user?: { id: string }) {
  return blockActionsPayload({
    actionId,
    blockId: item.blockId,
    value: item.value,
    message: { ts: message.ts, text: message.text, blocks: message.blocks as unknown[] },
    ...(user ? { user: { id: user.id, team_id: TEAM.id } } : {}),
  });
}

/** The task's owner as a Slack user, in New York time like the default user. */
const ownerOf = (taskId: string) => taskOwnerUser(t, taskId, 'America/New_York');

async function postNow(): Promise<FakeMessage> {
  const answer = await command('digest now');
  expect(answer).toContain('Digest posted');
  const main = topLevel()[0];
  if (!main) throw new Error('no digest posted');
  return main;
}

describe('/crm digest commands', () => {
  it('turns a digest on, shows its status and turns it off', async () => {
    const on = await command('digest on 08:30 Europe/Berlin days 5 weekdays');
    expect(on).toContain('Weekdays at 08:30 (Europe/Berlin)');
    expect(on).toContain('tasks due within 5 days');
    expect(on).toMatch(/Next digest: \*\w{3} \d{1,2} \w{3} at 08:30 \(Europe\/Berlin\)\*/);
    const saved = await t.bot.deps.store.digestSchedules.get(CHANNEL.id);
    expect(saved).toMatchObject({
      time: '08:30',
      timeZone: 'Europe/Berlin',
      horizonDays: 5,
      weekdaysOnly: true,
    });

    const status = await command('digest status');
    expect(status).toContain('Weekdays at 08:30 (Europe/Berlin)');
    expect(status).toContain('Last digest: none yet');

    expect(await command('digest off')).toContain('Digest turned off');
    expect(await t.bot.deps.store.digestSchedules.get(CHANNEL.id)).toBeUndefined();
    expect(await command('digest off')).toContain('There is no digest in this channel');
    t.slack.assertNoViolations();
  });

  it('defaults to the caller’s Slack time zone and resolves `owner me` to their email', async () => {
    const on = await command('digest on owner me');
    expect(on).toContain('Every day at 09:00 (America/New_York)');
    // alice@example.com is no Agile user: said at once rather than discovered at 09:00.
    expect(on).toContain('No Agile CRM user has the email `alice@example.com`');
    const saved = await t.bot.deps.store.digestSchedules.get(CHANNEL.id);
    expect(saved?.ownerEmails).toEqual(['alice@example.com']);
    await command('digest off');
  });

  it('resolves `owner me` through the user mapping: an admin’s override, else the caller’s own Agile connection', async () => {
    // An override wins over the Slack email (alice@example.com is no Agile user).
    await t.bot.deps.store.userLinks.set(TEAM.id, USER.id, RAJ.email, USER.id);
    try {
      const on = await command('digest on owner me');
      expect(on).not.toContain('No Agile CRM user has the email');
      expect((await t.bot.deps.store.digestSchedules.get(CHANNEL.id))?.ownerEmails).toEqual([RAJ.email]);
    } finally {
      await t.bot.deps.store.userLinks.set(TEAM.id, USER.id, null, USER.id);
    }
    // Without an override, the caller's personal connection wins over the Slack email.
    const sim = simulatorOf(t);
    await t.bot.deps.accounts.connectPersonal(TEAM.id, {
      slackUserId: USER.id,
      email: sim.credentials.email,
      apiKey: sim.credentials.apiKey,
      connectedMs: Date.now(),
    });
    try {
      await command('digest on owner me');
      expect((await t.bot.deps.store.digestSchedules.get(CHANNEL.id))?.ownerEmails).toEqual([
        sim.credentials.email.toLowerCase(),
      ]);
    } finally {
      await t.bot.deps.accounts.disconnectPersonal(TEAM.id, USER.id);
      await command('digest off');
    }
    t.slack.assertNoViolations();
  });

  it('answers `owner me` when nothing says who the caller is in Agile', async () => {
    const answer = await command('digest on owner me', NOEMAIL);
    expect(answer).toContain('`owner me` needs to know your Agile user');
    expect(await t.bot.deps.store.digestSchedules.get(CHANNEL.id)).toBeUndefined();
    t.slack.assertNoViolations();
  });

  it.each([
    ['digest on 25:00', 'hours go from 0 to 23'],
    ['digest on 9:00 Mars/Olympus', 'know the time zone `Mars/Olympus`'],
    ['digest on days -2', 'Days must be from 1 to 30'],
    ['digest sometimes', 'Use on, off, status or now'],
    ['digest of', 'Did you mean `/crm digest off`?'],
  ])('answers %s with a specific error', async (text, expected) => {
    const answer = await command(text);
    expect(answer).toContain(expected);
    expect(answer).toContain('Usage');
    expect(await t.bot.deps.store.digestSchedules.get(CHANNEL.id)).toBeUndefined();
    t.slack.assertNoViolations();
  });
});

describe('/crm digest now', () => {
  it('posts the digest into the channel without counting as the scheduled run', async () => {
    const main = await postNow();
    expect(JSON.stringify(main.blocks)).toContain('CRM tasks for');
    const pending = t.agile?.state.tasks.filter((task) => !task.isComplete) ?? [];
    expect(pending.length).toBeGreaterThan(0);
    expect(t.slack.calls('chat.postMessage').every((c) => c.args.channel === CHANNEL.id)).toBe(true);
    t.slack.assertNoViolations();
  });

  it('says so when the bot is not in the channel', async () => {
    t.slack.channelErrors.set(CHANNEL.id, 'not_in_channel');
    const answer = await command('digest now');
    expect(answer).toContain('I am not a member of this channel');
    t.slack.assertNoViolations();
  });

  it('waits out a 429 and posts once', async () => {
    waits.length = 0;
    t.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    await postNow();
    // Retry-After: 1 s, measured from the 429 (a millisecond may tick between the two clock reads).
    expect(waits[0]).toBeGreaterThanOrEqual(990);
    expect(waits[0]).toBeLessThanOrEqual(1000);
    expect(t.slack.calls('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(2);
    expect(topLevel()).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('keeps a 500-task digest within Block Kit limits: top items in the channel, the rest in the thread', async () => {
    const state = t.agile?.state;
    if (!state) throw new Error('simulator expected');
    const owners = state.users.map((u) => u.id);
    const nowSec = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 500; i++) {
      const task: TaskRecord = {
        id: nextId(state),
        subject: `Bulk task ${i} <!channel> & co`,
        type: 'CALL',
        priorityType: i % 3 === 0 ? 'HIGH' : 'NORMAL',
        dueEpochSec: nowSec - 86_400 + i * 300,
        createdEpochSec: nowSec,
        isComplete: false,
        status: 'YET_TO_START',
        progress: 0,
        contactIds: [],
        dealIds: [],
        noteIds: [],
        ownerId: owners[i % owners.length] as string,
        description: '',
      };
      state.tasks.push(task);
    }
    const main = await postNow();
    const all = t.slack.messages.get(CHANNEL.id) ?? [];
    const thread = all.filter((m) => m.threadTs === main.ts);
    expect(thread.length).toBeGreaterThan(5);
    expect(all).toHaveLength(thread.length + 1);
    const itemIds = all.flatMap((m) =>
      ((m.blocks ?? []) as Block[])
        .filter((b) => b.block_id?.startsWith('digest_task:'))
        .map((b) => b.block_id),
    );
    expect(new Set(itemIds).size).toBe(itemIds.length);
    expect(itemIds.length).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify(main.blocks)).toContain('more in the thread');
    expect(JSON.stringify(all.map((m) => m.blocks))).not.toContain('<!channel>');
    t.slack.assertNoViolations();
  });
});

describe('digest buttons', () => {
  it('Complete marks the task complete once and updates the item in place, even when delivered twice', async () => {
    const main = await postNow();
    const item = firstItem(main);
    const owner = ownerOf(item.taskId);
    const payload = clickPayload(main, ACTION.digestComplete, item, owner);
    const before = clicksHandled();
    const [a, b] = await Promise.all([t.interact(payload), t.interact(payload)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await waitForClicks(before, 2);
    const task = t.agile?.state.tasks.find((x) => x.id === item.taskId);
    expect(task?.isComplete).toBe(true);
    const updates = t.slack.calls('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args.ts).toBe(main.ts);
    const text = JSON.stringify(updates[0]?.args.blocks);
    expect(text).toContain(`Completed by <@${owner.id}>`);
    const puts = t.agile?.requests.filter((r) => r.method === 'PUT') ?? [];
    expect(puts).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('Snooze moves an overdue task to tomorrow at its local time, once, and the item is no longer late', async () => {
    const timeZone = 'Asia/Kolkata';
    await command(`digest on 09:00 ${timeZone}`);
    try {
      const main = await postNow();
      const item = firstItem(main);
      const before = t.agile?.state.tasks.find((x) => x.id === item.taskId)?.dueEpochSec ?? 0;
      const owner = ownerOf(item.taskId);
      const payload = clickPayload(main, ACTION.digestSnooze, item, owner);
      const clickMs = Number(payload.actions[0]?.action_ts) * 1000;
      expect(before * 1000).toBeLessThan(clickMs - 86_400_000); // seed: the first item is days overdue
      expect(JSON.stringify(main.blocks)).toMatch(/days? late/);

      const clicked = clicksHandled();
      await t.interact(payload);
      await t.interact(payload); // Slack re-delivers the same click
      await waitForClicks(clicked, 2);

      // Tomorrow (Kolkata) at the task's own Kolkata time of day.
      const due = new TZDate(before * 1000, timeZone);
      const click = new TZDate(clickMs, timeZone);
      const expected = new TZDate(
        click.getFullYear(),
        click.getMonth(),
        click.getDate() + 1,
        due.getHours(),
        due.getMinutes(),
        due.getSeconds(),
        timeZone,
      );
      const after = t.agile?.state.tasks.find((x) => x.id === item.taskId)?.dueEpochSec ?? 0;
      expect(after * 1000).toBe(expected.getTime());
      expect(after * 1000).toBeGreaterThan(Date.now());
      expect(t.agile?.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);

      const updates = t.slack.calls('chat.update');
      expect(updates).toHaveLength(1);
      const blocks = updates[0]?.args.blocks as Block[];
      const section = JSON.stringify(blocks.find((b) => b.block_id === `digest_task:${item.taskId}`));
      const outcome = JSON.stringify(blocks.find((b) => b.block_id === item.blockId));
      const shown = format(expected, 'EEE d MMM, HH:mm');
      expect(outcome).toContain(`Snoozed to ${shown} by <@${owner.id}>`);
      expect(section).toContain(`due ${shown}`);
      expect(section).not.toContain('late');
      t.slack.assertNoViolations();
    } finally {
      await command('digest off');
    }
  });

  it('Snooze moves a task not yet due by exactly one day', async () => {
    const main = await postNow();
    const nowSec = Date.now() / 1000;
    const messages = t.slack.messages.get(CHANNEL.id) ?? [];
    const found = messages
      .flatMap((m) => allItems(m).map((i) => ({ message: m, item: i })))
      .find(({ item }) => (JSON.parse(item.value) as { due: number }).due > nowSec + 600);
    if (!found) throw new Error(`no future task in the digest ${main.ts}`);
    const before = t.agile?.state.tasks.find((x) => x.id === found.item.taskId)?.dueEpochSec ?? 0;
    const payload = clickPayload(found.message, ACTION.digestSnooze, found.item, ownerOf(found.item.taskId));
    const clicked = clicksHandled();
    await t.interact(payload);
    await t.interact(payload);
    await waitForClicks(clicked, 2);
    const after = t.agile?.state.tasks.find((x) => x.id === found.item.taskId)?.dueEpochSec;
    // No schedule: the clicker's zone; the next local day at the same local time (DST-proof).
    const zone = 'America/New_York';
    const b = new TZDate(before * 1000, zone);
    const expected = new TZDate(
      b.getFullYear(),
      b.getMonth(),
      b.getDate() + 1,
      b.getHours(),
      b.getMinutes(),
      b.getSeconds(),
      zone,
    );
    expect((after ?? 0) * 1000).toBe(expected.getTime());
    expect(t.slack.calls('chat.update')).toHaveLength(1);
    expect(t.agile?.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('Reassign makes the picked Slack user’s Agile account the owner, or says there is none', async () => {
    const main = await postNow();
    const item = firstItem(main);
    const raj = t.agile?.state.users.find((u) => u.email === RAJ.email);
    const pick = (user: string) =>
      blockActionsPayload({
        actionId: ACTION.digestReassign,
        blockId: item.blockId,
        action: { type: 'users_select', selected_user: user, value: undefined },
        message: { ts: main.ts, text: main.text, blocks: main.blocks as unknown[] },
      });
    await t.interact(pick(NOBODY.id));
    const refusal = await t.slack.waitFor('response', (c) => JSON.stringify(c.args).includes('nobody@'));
    expect(JSON.stringify(refusal.args)).toContain('No Agile CRM user has the email nobody@example.com');
    await t.interact(pick(RAJ.id));
    await t.slack.waitFor('chat.update');
    expect(t.agile?.state.tasks.find((x) => x.id === item.taskId)?.ownerId).toBe(raj?.id);
    expect(JSON.stringify(t.slack.calls('chat.update')[0]?.args.blocks)).toContain(
      `Reassigned to <@${RAJ.id}>`,
    );
    t.slack.assertNoViolations();
  });

  it('Reassign goes to the picked member’s mapped Agile user: their override, else their own Agile connection', async () => {
    const sim = simulatorOf(t);
    const main = await postNow();
    const [first, second] = allItems(main);
    if (!first || !second) throw new Error('the digest lists two tasks with buttons');
    const pick = (item: Item, user: string) =>
      blockActionsPayload({
        actionId: ACTION.digestReassign,
        blockId: item.blockId,
        action: { type: 'users_select', selected_user: user, value: undefined },
        message: { ts: main.ts, text: main.text, blocks: main.blocks as unknown[] },
      });
    const raj = sim.state.users.find((u) => u.email === RAJ.email);
    const sam = sim.state.users.find((u) => u.email === sim.credentials.email);
    // Nobody's Slack email is no Agile user; an admin's override maps them to Raj's Agile user.
    await t.bot.deps.store.userLinks.set(TEAM.id, NOBODY.id, RAJ.email, USER.id);
    try {
      await t.interact(pick(first, NOBODY.id));
      await vi.waitFor(() =>
        expect(sim.state.tasks.find((x) => x.id === first.taskId)?.ownerId).toBe(raj?.id),
      );
    } finally {
      await t.bot.deps.store.userLinks.set(TEAM.id, NOBODY.id, null, USER.id);
    }
    // No override: Nobody's own personal connection (the sandbox's Sam), not the clicker's.
    await t.bot.deps.accounts.connectPersonal(TEAM.id, {
      slackUserId: NOBODY.id,
      email: sim.credentials.email,
      apiKey: sim.credentials.apiKey,
      connectedMs: Date.now(),
    });
    try {
      await t.interact(pick(second, NOBODY.id));
      await vi.waitFor(() =>
        expect(sim.state.tasks.find((x) => x.id === second.taskId)?.ownerId).toBe(sam?.id),
      );
      await t.idle();
    } finally {
      await t.bot.deps.accounts.disconnectPersonal(TEAM.id, NOBODY.id);
    }
    t.slack.assertNoViolations();
  });
});
