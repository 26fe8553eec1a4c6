import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nextId, type TaskRecord } from '../../src/sandbox/state.js';
import { ACTION } from '../../src/slack/ids.js';
import type { FakeMessage, RecordedCall } from '../helpers/fake-slack.js';
import { DEFAULT_USERS } from '../helpers/fake-slack.js';
import { blockActionsPayload, CHANNEL, USER } from '../helpers/payloads.js';
import { startTestBot, type TestBot } from '../helpers/test-bot.js';

const RAJ = {
  id: 'U0RAJ',
  name: 'raj',
  realName: 'Raj Patel',
  displayName: 'raj',
  email: 'raj.patel@example.com',
  tz: 'Asia/Kolkata',
};
const NOBODY = { ...RAJ, id: 'U0NOBODY', name: 'nobody', email: 'nobody@example.com' };

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({
    users: [...DEFAULT_USERS, RAJ, NOBODY],
    scheduler: { enabled: false, perChannelIntervalMs: 0 },
  });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

/** The text of every block of an ephemeral answer, joined. */
function replyText(call: RecordedCall): string {
  return JSON.stringify(call.args.blocks ?? call.args.text);
}

async function command(text: string): Promise<string> {
  const before = t.slack.calls('response').length;
  const res = await t.command(text);
  expect(res.status).toBe(200);
  const deadline = Date.now() + 3000;
  while (t.slack.calls('response').length <= before) {
    if (Date.now() > deadline) throw new Error(`no answer to /crm ${text}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const call = t.slack.calls('response')[before] as RecordedCall;
  expect(call.args.response_type).toBe('ephemeral');
  return replyText(call);
}

function topLevel(channel = CHANNEL.id): FakeMessage[] {
  return (t.slack.messages.get(channel) ?? []).filter((m) => !m.threadTs);
}

type Block = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] };

/** The first digest item still offering buttons, in a posted message. */
function firstItem(message: FakeMessage): { blockId: string; value: string; taskId: string } {
  for (const block of (message.blocks ?? []) as Block[]) {
    const button = block.elements?.find((e) => e.action_id === ACTION.digestComplete);
    if (block.type === 'actions' && button?.value && block.block_id) {
      const { id } = JSON.parse(button.value) as { id: string };
      return { blockId: block.block_id, value: button.value, taskId: id };
    }
  }
  throw new Error('no digest item with buttons in the message');
}

function clickPayload(message: FakeMessage, actionId: string, item: ReturnType<typeof firstItem>) {
  return blockActionsPayload({
    actionId,
    blockId: item.blockId,
    value: item.value,
    message: { ts: message.ts, text: message.text, blocks: message.blocks as unknown[] },
  });
}

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

  it.each([
    ['digest on 25:00', 'hours go from 0 to 23'],
    ['digest on 9:00 Mars/Olympus', 'know the time zone `Mars/Olympus`'],
    ['digest on days -2', 'Days must be from 1 to 30'],
    ['digest sometimes', 'use on, off, status or now'],
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
    t.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const started = Date.now();
    await postNow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
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
    const payload = clickPayload(main, ACTION.digestComplete, item);
    const [a, b] = await Promise.all([t.interact(payload), t.interact(payload)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await t.slack.waitFor('chat.update');
    await new Promise((r) => setTimeout(r, 200));
    const task = t.agile?.state.tasks.find((x) => x.id === item.taskId);
    expect(task?.isComplete).toBe(true);
    const updates = t.slack.calls('chat.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args.ts).toBe(main.ts);
    const text = JSON.stringify(updates[0]?.args.blocks);
    expect(text).toContain(`Completed by <@${USER.id}>`);
    const puts = t.agile?.requests.filter((r) => r.method === 'PUT') ?? [];
    expect(puts).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('Snooze moves the due date by exactly one day, once', async () => {
    const main = await postNow();
    const item = firstItem(main);
    const before = t.agile?.state.tasks.find((x) => x.id === item.taskId)?.dueEpochSec ?? 0;
    const payload = clickPayload(main, ACTION.digestSnooze, item);
    await t.interact(payload);
    await t.interact(payload);
    await t.slack.waitFor('chat.update');
    const after = t.agile?.state.tasks.find((x) => x.id === item.taskId)?.dueEpochSec;
    expect(after).toBe(before + 86_400);
    expect(t.slack.calls('chat.update')).toHaveLength(1);
    expect(JSON.stringify(t.slack.calls('chat.update')[0]?.args.blocks)).toContain('Snoozed to');
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
});
