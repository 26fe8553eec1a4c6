import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KnownBlock } from '@slack/types';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AgileSimulator, startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { validateMessage } from '../../helpers/block-kit-validator.js';
import { type FakeSlack, RESPONSE, startFakeSlack } from '../../helpers/fake-slack.js';
import { blockActionsPayload, viewSubmissionPayload } from '../../helpers/payloads.js';
import {
  DEFAULT_USER_PERSONAL,
  documentedOnlyRun,
  startTestBot,
  TEST_BOT_TOKEN,
  type TestBot,
} from '../../helpers/test-bot.js';

/**
 * A public ticket reply is held TICKET_REPLY_HOLD_SECONDS (30 here) with Cancel in the author's DM, then
 * sent once by whichever instance claims it. Time is the bots' injected clock: `later(31)` moves it past
 * the hold and a tick of the sender sends what is due (the timers are off: the test ticks).
 */

const HOLD = '30';
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
const later = (sec: number) => {
  offsetMs += sec * 1000;
};

let slack: FakeSlack;
let agile: AgileSimulator;
let dir: string;
let dbCounter = 0;
const bots: TestBot[] = [];

beforeAll(async () => {
  slack = await startFakeSlack({ botToken: TEST_BOT_TOKEN });
  agile = await startAgileSimulator({ undocumented: !documentedOnlyRun(), now });
  dir = mkdtempSync(join(tmpdir(), 'held-reply-'));
});
afterAll(async () => {
  await Promise.all([slack?.close(), agile?.close()]);
  rmSync(dir, { recursive: true, force: true });
});
let seeded = new Set<string>();
beforeEach(() => {
  slack.reset();
  agile.reset();
  seeded = new Set(agile.state.ticketNotes.map((n) => n.id));
});
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.close()));
});

/** A bot on a SQLite file of its own, or on `db` (several instances, or a restart). */
async function bot(db = join(dir, `db-${dbCounter++}.sqlite`), instanceId = 'one'): Promise<TestBot> {
  const t = await startTestBot({
    env: { TICKET_REPLY_HOLD_SECONDS: HOLD, DATABASE_URL: `sqlite:${db}` },
    now,
    shared: { slack, agile },
    workspace: { personal: DEFAULT_USER_PERSONAL },
    heldReplies: { enabled: false, instanceId },
  });
  bots.push(t);
  return t;
}

const sent = (ticketId: string) =>
  agile.state.ticketNotes.filter((n) => n.ticketId === ticketId && !seeded.has(n.id));

/** The modal's metadata for a ticket whose thread the user saw as it is now (no collision). */
function seenMetadata(ticketId: string): string {
  const notes = agile.state.ticketNotes.filter((n) => n.ticketId === ticketId);
  const mark = { count: notes.length, latestMs: Math.max(0, ...notes.map((n) => n.createdMs)) };
  return JSON.stringify({ channelId: 'C0SALES', ticketId, mark });
}
const blocksText = (blocks: unknown) => JSON.stringify(blocks);

/** The hold's DM: the first bot message in Alice's DM saying "Sending in". */
async function heldDm(): Promise<{ channel: string; ts: string; id: string; blocks: KnownBlock[] }> {
  const call = await slack.waitFor('chat.postMessage', (c) =>
    String(c.args.text).includes('Sending in 30 s'),
  );
  const blocks = call.args.blocks as KnownBlock[];
  expect(validateMessage({ text: call.args.text, blocks })).toEqual([]);
  const channel = String(call.args.channel);
  const posted = slack.messages.get(channel)?.find((m) => blocksText(m.blocks) === blocksText(blocks));
  const ts = posted?.ts ?? '';
  const actions = blocks.find((b) => b.type === 'actions') as { elements: { value: string }[] } | undefined;
  return { channel, ts, id: actions?.elements[0]?.value ?? '', blocks };
}

/** The DM message as it is now (chat.update replaces it in the fake Slack). */
function dmNow(channel: string, ts: string) {
  const m = slack.messages.get(channel)?.find((x) => x.ts === ts);
  if (!m) throw new Error(`no message ${ts} in ${channel}`);
  return m;
}

function clickCancel(
  t: TestBot,
  dm: { channel: string; ts: string; id: string },
  userId = 'U0ALICE',
  responseId = 'cancel',
) {
  return t.interact(
    blockActionsPayload({
      actionId: ACTION.heldReplyCancel,
      value: dm.id,
      user: { id: userId, team_id: 'T0TEST' },
      channel: { id: dm.channel, name: 'dm' },
      message: { ts: dm.ts, text: 'held' },
      responseUrl: slack.responseUrl(responseId),
    }),
  );
}

describe('held public ticket reply (TICKET_REPLY_HOLD_SECONDS=30)', () => {
  it('/crm reply: held with Cancel in the DM, nothing sent for 30 s, then sent once and confirmed', async () => {
    const t = await bot();
    await t.command('reply 4 Try clearing the cookies <b>now</b>');
    const ack = await slack.waitFor(RESPONSE);
    expect(ack.args.response_type).toBe('ephemeral');
    expect(String(ack.args.text)).toMatch(/Sending in 30 s/);
    const dm = await heldDm();
    expect(dm.channel).toMatch(/^D/);
    expect(blocksText(dm.blocks)).toContain('Try clearing the cookies <b>now</b>');
    expect(blocksText(dm.blocks)).toContain('Cancel');
    await t.idle();

    later(29);
    expect(await t.bot.heldReplies.tick()).toBe(0);
    expect(sent('4')).toHaveLength(0);

    later(2);
    expect(await t.bot.heldReplies.tick()).toBe(1);
    expect(await t.bot.heldReplies.tick()).toBe(0);
    expect(sent('4')).toEqual([
      expect.objectContaining({
        noteType: 'PUBLIC',
        htmlText: 'Try clearing the cookies &lt;b&gt;now&lt;/b&gt;',
      }),
    ]);
    const done = dmNow(dm.channel, dm.ts);
    expect(done.text).toMatch(/Sent to .+ at \d\d:\d\d:\d\d/);
    // The "Sending in 30 s" answer in the channel turned into the outcome too (its response_url).
    const replaced = await slack.waitFor(RESPONSE, (c) => c.args.replace_original === true);
    expect(String(replaced.args.text)).toMatch(/Sent to/);
    expect(JSON.stringify(replaced.args.blocks)).not.toContain(ACTION.heldReplyCancel);
    expect(blocksText(done.blocks)).not.toContain(ACTION.heldReplyCancel);
    // The audit names the author: sent as them, not as the workspace.
    const audit = await t.bot.deps.store.audit.list({ teamId: 'T0TEST', sinceMs: 0, limit: 10 });
    expect(audit.map((e) => [e.action, e.slackUserId])).toContainEqual(['ticket.reply.public', 'U0ALICE']);
    slack.assertNoViolations();
  });

  it('the modal: Send closes it, "Sending in 30 s" with Cancel in the channel and in the DM; sent after the hold', async () => {
    const t = await bot();
    const res = await t.interact(
      viewSubmissionPayload({
        callbackId: CALLBACK.ticketModal,
        privateMetadata: seenMetadata('2'),
        values: {
          [BLOCK.ticket]: { [ACTION.ticketPicker]: { type: 'external_select', value: '2' } },
          [BLOCK.reply]: { [ACTION.replyText]: 'The corrected invoice is attached' },
          [BLOCK.visibility]: { [ACTION.visibility]: { type: 'radio_buttons', value: 'public' } },
        },
      }),
    );
    expect(res.status).toBe(200);
    await t.idle();
    expect(res.body).toBe('');
    const said = await slack.waitFor('chat.postEphemeral');
    expect(said.args).toMatchObject({ channel: 'C0SALES', user: 'U0ALICE' });
    expect(String(said.args.text)).toMatch(/Sending in 30 s/);
    expect(String(said.args.text)).not.toMatch(/sent on ticket/i);
    expect(JSON.stringify(said.args.blocks)).toContain(ACTION.heldReplyCancel);
    await heldDm();
    expect(sent('2')).toHaveLength(0);
    later(31);
    await t.bot.heldReplies.tick();
    expect(sent('2')).toHaveLength(1);
  });

  it('private notes are not held', async () => {
    const t = await bot();
    await t.interact(
      viewSubmissionPayload({
        callbackId: CALLBACK.ticketModal,
        privateMetadata: seenMetadata('2'),
        values: {
          [BLOCK.ticket]: { [ACTION.ticketPicker]: { type: 'external_select', value: '2' } },
          [BLOCK.reply]: { [ACTION.replyText]: 'Internal: waiting on finance' },
          [BLOCK.visibility]: { [ACTION.visibility]: { type: 'radio_buttons', value: 'private' } },
        },
      }),
    );
    await t.idle();
    expect(sent('2')).toEqual([expect.objectContaining({ noteType: 'PRIVATE' })]);
    expect(slack.calls('chat.postMessage').filter((c) => String(c.args.text).includes('Sending in'))).toEqual(
      [],
    );
  });

  it('Cancel within the hold: "Cancelled — not sent" with the whole text, and never sent', async () => {
    const t = await bot();
    await t.command('reply 1 Please ignore the previous email');
    const dm = await heldDm();
    await t.idle();
    later(10);
    expect((await clickCancel(t, dm)).status).toBe(200);
    await t.idle();
    const cancelled = dmNow(dm.channel, dm.ts);
    expect(cancelled.text).toMatch(/Cancelled — not sent/);
    const answer = await slack.waitFor(RESPONSE, (c) => c.args.replace_original === true);
    expect(String(answer.args.text)).toMatch(/Cancelled — not sent/);
    expect(blocksText(cancelled.blocks)).toContain('Please ignore the previous email');
    expect(blocksText(cancelled.blocks)).not.toContain(ACTION.heldReplyCancel);
    later(60);
    expect(await t.bot.heldReplies.tick()).toBe(0);
    expect(sent('1')).toHaveLength(0);
    // A second click (or a late one) changes nothing and says so.
    await clickCancel(t, dm, 'U0ALICE', 'again');
    await t.idle();
    const again = await slack.waitFor(RESPONSE, (c) => c.responseId === 'again');
    expect(String(again.args.text)).toMatch(/already cancelled/);
    slack.assertNoViolations();
  });

  it('Cancel on the "Sending in 30 s" answer in the channel works too: both say "Cancelled — not sent"', async () => {
    const t = await bot();
    await t.command('reply 2 Cancel me from the channel');
    const ack = await slack.waitFor(RESPONSE);
    expect(validateMessage({ text: ack.args.text, blocks: ack.args.blocks })).toEqual([]);
    const dm = await heldDm();
    const button = (ack.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION.heldReplyCancel);
    expect(button?.value).toBe(dm.id);
    await t.idle();
    await clickCancel(t, { channel: 'C0SALES', ts: '1767225600.000100', id: dm.id }, 'U0ALICE', 'eph');
    await t.idle();
    const replaced = await slack.waitFor(RESPONSE, (c) => c.responseId === 'eph');
    expect(replaced.args).toMatchObject({ replace_original: true });
    expect(String(replaced.args.text)).toMatch(/Cancelled — not sent/);
    expect(dmNow(dm.channel, dm.ts).text).toMatch(/Cancelled — not sent/);
    later(31);
    expect(await t.bot.heldReplies.tick()).toBe(0);
    expect(sent('2')).toHaveLength(0);
  });

  it('the same command again: one hold while held, a new hold after Cancel, "already sent" after the send', async () => {
    const t = await bot();
    const holds = () =>
      slack.calls('chat.postMessage').filter((c) => String(c.args.text).includes('Sending in 30 s'));
    await t.command('reply 1 Typed twice');
    const dm = await heldDm();
    await t.idle();
    await t.command('reply 1 Typed twice');
    await t.idle();
    expect(holds()).toHaveLength(1);
    expect(JSON.stringify(slack.calls(RESPONSE).at(-1)?.args.blocks)).toMatch(/still one reply/);

    await clickCancel(t, dm);
    await t.idle();
    await t.command('reply 1 Typed twice');
    await t.idle();
    expect(holds()).toHaveLength(2);
    later(31);
    expect(await t.bot.heldReplies.tick()).toBe(1);
    expect(sent('1')).toHaveLength(1);

    later(5);
    await t.command('reply 1 Typed twice');
    await t.idle();
    expect(holds()).toHaveLength(2);
    expect(String(slack.calls(RESPONSE).at(-1)?.args.text)).toMatch(/nothing sent twice/);
    expect(sent('1')).toHaveLength(1);
  });

  it('Cancel from anyone but the author is refused and the reply still goes out', async () => {
    const t = await bot();
    await t.command('reply 3 We are on it');
    const dm = await heldDm();
    await t.idle();
    await clickCancel(t, dm, 'U0BOB', 'bob');
    await t.idle();
    const refusal = await slack.waitFor(RESPONSE, (c) => c.responseId === 'bob');
    expect(refusal.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refusal.args.text)).toMatch(/Only the person who wrote this reply can cancel it/);
    expect(dmNow(dm.channel, dm.ts).text).toMatch(/Sending in 30 s/);
    later(31);
    await t.bot.heldReplies.tick();
    expect(sent('3')).toHaveLength(1);
  });

  it('Cancel after it was sent says it is too late', async () => {
    const t = await bot();
    await t.command('reply 3 Too late to take back');
    const dm = await heldDm();
    await t.idle();
    later(31);
    await t.bot.heldReplies.tick();
    await clickCancel(t, dm, 'U0ALICE', 'late');
    await t.idle();
    const late = await slack.waitFor(RESPONSE, (c) => c.responseId === 'late');
    expect(String(late.args.text)).toMatch(/Too late to cancel: the reply was already sent/);
    expect(sent('3')).toHaveLength(1);
  });

  it('two instances on one database tick together: the reply is sent once', async () => {
    const db = join(dir, 'shared.sqlite');
    const one = await bot(db, 'one');
    const two = await bot(db, 'two');
    await one.command('reply 4 Exactly once please');
    await heldDm();
    await one.idle();
    later(31);
    const claimed = await Promise.all([one.bot.heldReplies.tick(), two.bot.heldReplies.tick()]);
    const again = await Promise.all([one.bot.heldReplies.tick(), two.bot.heldReplies.tick()]);
    expect([...claimed, ...again].reduce((a, b) => a + b, 0)).toBe(1);
    expect(sent('4')).toHaveLength(1);
    expect(slack.calls('chat.update').filter((c) => String(c.args.text).includes('Sent to'))).toHaveLength(1);
  });

  it('survives a restart: held before the stop, due while down, sent once on start', async () => {
    const db = join(dir, 'restart.sqlite');
    const first = await bot(db, 'before');
    await first.command('reply 2 Sent after the restart');
    const dm = await heldDm();
    await first.idle();
    await first.close();
    bots.splice(bots.indexOf(first), 1);
    later(120);
    // The restarted instance's sender runs on its timer: its first tick at start sends what fell due.
    const second = await startTestBot({
      env: { TICKET_REPLY_HOLD_SECONDS: HOLD, DATABASE_URL: `sqlite:${db}` },
      now,
      shared: { slack, agile },
      workspace: { personal: DEFAULT_USER_PERSONAL },
      heldReplies: { instanceId: 'after', tickMs: 50 },
    });
    bots.push(second);
    await slack.waitFor('chat.update', (c) => String(c.args.text).includes('Sent to'), 5000);
    await second.bot.heldReplies.tick();
    expect(sent('2')).toEqual([expect.objectContaining({ htmlText: 'Sent after the restart' })]);
    expect(dmNow(dm.channel, dm.ts).text).toMatch(/Sent to/);
  });

  it('a send whose instance died mid-send is claimed again after the lease and checks the ticket first', async () => {
    const db = join(dir, 'lease.sqlite');
    const t = await bot(db, 'dead');
    await t.command('reply 1 Landed before the crash');
    await heldDm();
    await t.idle();
    later(31);
    // The dead instance claimed it and its send reached Agile, then it died before recording anything.
    const store = t.bot.deps.store;
    const [claimed] = await store.pendingSends.claimDue('crashed', 60_000);
    expect(claimed).toBeDefined();
    agile.state.ticketNotes.push({
      id: '990001',
      ticketId: '1',
      createdBy: 'AGENT',
      createdMs: now().getTime(),
      plainText: 'Landed before the crash',
      htmlText: 'Landed before the crash',
      noteType: 'PUBLIC',
      userId: agile.state.tickets.find((x) => x.id === '1')?.assigneeId ?? '',
    });
    expect(await t.bot.heldReplies.tick()).toBe(0);
    later(61);
    expect(await t.bot.heldReplies.tick()).toBe(1);
    // The landed check found it: no second email.
    expect(sent('1')).toHaveLength(1);
    expect((await store.pendingSends.get(claimed?.id ?? ''))?.status).toBe('sent');
  });

  it('Agile fails at send time: the DM says why, gives the whole text back and a Retry that sends once', async () => {
    const t = await bot();
    await t.command('reply 4 Keep this text safe');
    const dm = await heldDm();
    await t.idle();
    later(31);
    agile.faults.failNext(1, 401);
    await t.bot.heldReplies.tick();
    expect(sent('4')).toHaveLength(0);
    const failed = dmNow(dm.channel, dm.ts);
    expect(failed.text).toMatch(/was not saved: the CRM rejected the Agile email and API key/);
    expect(blocksText(failed.blocks)).toContain('Keep this text safe');
    const retry = (failed.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION.retryWrite);
    expect(retry).toBeDefined();
    // Retry (twice: a double click) sends once.
    for (const id of ['r1', 'r2']) {
      await t.interact(
        blockActionsPayload({
          actionId: ACTION.retryWrite,
          value: retry?.value,
          channel: { id: dm.channel, name: 'dm' },
          message: { ts: dm.ts },
          responseUrl: slack.responseUrl(id),
        }),
      );
      await t.idle();
    }
    expect(sent('4')).toEqual([
      expect.objectContaining({ htmlText: 'Keep this text safe', noteType: 'PUBLIC' }),
    ]);
    expect(dmNow(dm.channel, dm.ts).text).toMatch(/is saved now/);
    slack.assertNoViolations();
  });

  it('a member without a personal connection is refused before any hold', async () => {
    const t = await startTestBot({
      env: { TICKET_REPLY_HOLD_SECONDS: HOLD, DATABASE_URL: `sqlite:${join(dir, 'noconn.sqlite')}` },
      now,
      shared: { slack, agile },
      heldReplies: { enabled: false },
    });
    bots.push(t);
    await t.command('reply 4 Not mine to send');
    await slack.waitFor(RESPONSE);
    await t.idle();
    expect(await t.bot.deps.store.pendingSends.listDue()).toEqual([]);
    later(31);
    expect(await t.bot.heldReplies.tick()).toBe(0);
    expect(sent('4')).toHaveLength(0);
  });
});
