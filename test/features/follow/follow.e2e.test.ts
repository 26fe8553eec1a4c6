import { describe, expect, it } from 'vitest';
import type { DealRecord } from '../../../src/devkit/sandbox/state.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import { type FakeMessage, RESPONSE } from '../../helpers/fake-slack.js';
import { blockActionsPayload } from '../../helpers/payloads.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

type Block = Record<string, unknown> & { block_id?: string; type: string };

/** Real time plus an offset the tests move on by whole poll intervals (the poller's slots). */
let offsetMs = 0;
const INTERVAL_MS = 300_000;

describe('Follow a record', () => {
  const t = useTestBot({
    now: () => new Date(Date.now() + offsetMs),
    followPoller: { enabled: false },
    scheduler: { enabled: false, perChannelIntervalMs: 0 },
  });
  const sim = () => simulatorOf(t);
  const deal = (name: string): DealRecord => {
    const d = sim().state.deals.find((x) => x.name === name);
    if (!d) throw new Error(`no deal ${name}`);
    return d;
  };
  let channelSeq = 0;
  const newChannel = () => {
    channelSeq += 1;
    return { id: `C0FOLLOW${channelSeq}`, name: `follow-${channelSeq}` };
  };
  const messages = (channel: string): FakeMessage[] =>
    (t.slack.messages.get(channel) ?? []).filter((m) => !m.deleted);
  const roots = (channel: string) => messages(channel).filter((m) => !m.threadTs);
  const replies = (channel: string, threadTs: string) =>
    messages(channel).filter((m) => m.threadTs === threadTs);
  /** One poll in the next interval slot. */
  const poll = async () => {
    offsetMs += INTERVAL_MS;
    const report = await t.bot.followPoller.tick();
    await t.idle();
    return report;
  };
  const follow = async (text: string, channel: { id: string; name: string }) => {
    await t.command(`follow ${text}`, { channel });
    await t.idle();
    const root = roots(channel.id).at(-1);
    if (!root)
      throw new Error(
        `nothing announced for ${text}: ${JSON.stringify(t.slack.calls(RESPONSE).map((c) => c.args.text))}`,
      );
    return root;
  };
  const nextNoteId = () => String(9_000_000_000 + sim().state.notes.length + Math.floor(Math.random() * 1e6));

  it('follows a deal by name: an announcement starts the thread, the first poll is only the baseline', async () => {
    const channel = newChannel();
    const root = await follow('Northwind fleet tracking rollout', channel);
    expect(root.text).toContain('is following deal *Northwind fleet tracking rollout*');
    const intro = replies(channel.id, root.ts);
    expect(intro).toHaveLength(1);
    expect(intro[0]?.text).toContain('milestone, value, owner and close date');

    const baseline = await poll();
    expect(baseline.claimed).toBeGreaterThan(0);
    expect(replies(channel.id, root.ts)).toHaveLength(1);

    deal('Northwind fleet tracking rollout').milestone = 'Prospect';
    deal('Northwind fleet tracking rollout').expectedValue = 99_000;
    await poll();
    const thread = replies(channel.id, root.ts);
    expect(thread).toHaveLength(2);
    expect(thread[1]?.text).toContain('Milestone: Proposal → *Prospect*');
    expect(thread[1]?.text).toContain('Value:');
    expect(thread[1]?.text).toContain('*99,000*');
    expect(thread[1]?.broadcast).toBeUndefined();

    // Nothing changed: nothing posted.
    await poll();
    expect(replies(channel.id, root.ts)).toHaveLength(2);

    deal('Northwind fleet tracking rollout').milestone = 'Won';
    await poll();
    const won = replies(channel.id, root.ts).at(-1);
    expect(won?.text).toContain('was *won*');
    expect(won?.broadcast).toBe(true);

    sim().state.notes.push({
      id: nextNoteId(),
      subject: 'Signed',
      description: 'PO received <!channel>',
      createdEpochSec: Math.floor(Date.now() / 1000),
      contactIds: [],
      dealIds: [deal('Northwind fleet tracking rollout').id],
      ownerId: sim().state.users[0]?.id ?? '',
    });
    await poll();
    const note = replies(channel.id, root.ts).at(-1);
    expect(note?.text).toContain('New note on deal *Northwind fleet tracking rollout*: *Signed*');
    expect(JSON.stringify(note?.blocks)).toContain('&lt;!channel&gt;');
    t.slack.assertNoViolations();
  });

  it('follows a contact by email and a ticket by number, and posts new notes and ticket messages', async () => {
    const channel = newChannel();
    const contactRoot = await follow('ada.lovelace@northwind.example.com', channel);
    expect(contactRoot.text).toContain('contact *Ada Lovelace (ada.lovelace@northwind.example.com)*');
    const ticketRoot = await follow('#4', channel);
    expect(ticketRoot.text).toContain('ticket #4 *SSO login loop*');
    await poll();
    const ada = sim().state.contacts.find((c) =>
      c.properties.some((p) => p.name === 'email' && p.value === 'ada.lovelace@northwind.example.com'),
    );
    sim().state.notes.push({
      id: nextNoteId(),
      subject: 'Call',
      description: 'Wants a demo',
      createdEpochSec: Math.floor(Date.now() / 1000),
      contactIds: [ada?.id ?? ''],
      dealIds: [],
      ownerId: sim().state.users[0]?.id ?? '',
    });
    sim().state.ticketNotes.push({
      id: nextNoteId(),
      ticketId: '4',
      createdBy: 'REQUESTER',
      createdMs: Date.now(),
      plainText: 'Still looping after the fix',
      htmlText: 'Still looping after the fix',
      noteType: 'PUBLIC',
      userId: sim().state.users[0]?.id ?? '',
    });
    await poll();
    expect(replies(channel.id, contactRoot.ts).at(-1)?.text).toContain('New note on contact');
    const ticketUpdate = replies(channel.id, ticketRoot.ts).at(-1);
    expect(ticketUpdate?.text).toContain('New message on ticket #4');
    expect(JSON.stringify(ticketUpdate?.blocks)).toContain('Still looping after the fix');
    t.slack.assertNoViolations();
  });

  it('does not post an update twice when its snapshot could not be saved after posting', async () => {
    const channel = newChannel();
    const root = await follow('Web Foundation sponsorship', channel);
    await poll();
    deal('Web Foundation sponsorship').expectedValue = 123_456;
    const follows = t.bot.deps.store.follows;
    const save = follows.saveSnapshot;
    let failures = 0;
    follows.saveSnapshot = async (...args) => {
      if (failures++ === 0) throw new Error('database hiccup');
      return save.apply(follows, args);
    };
    try {
      await poll();
      await poll();
      await poll();
    } finally {
      follows.saveSnapshot = save;
    }
    const updates = replies(channel.id, root.ts).filter((m) => m.text?.includes('123,456'));
    expect(updates).toHaveLength(1);
  });

  it('ends the follow with one message when the record is deleted', async () => {
    const channel = newChannel();
    const root = await follow('Crypto Labs security audit', channel);
    await poll();
    const id = deal('Crypto Labs security audit').id;
    sim().state.deals = sim().state.deals.filter((d) => d.id !== id);
    const report = await poll();
    expect(report.ended).toBe(1);
    await poll();
    const thread = replies(channel.id, root.ts);
    expect(thread.filter((m) => m.text?.includes('no longer exists in the CRM'))).toHaveLength(1);
    expect(await t.bot.deps.store.follows.listForChannel('T0TEST', channel.id)).toEqual([]);
  });

  it('asks which deal when a name matches several, follows the one clicked once, and lists and unfollows', async () => {
    const channel = newChannel();
    await t.command('follow Northwind', { channel });
    const question = await t.slack.waitFor(RESPONSE, (c) =>
      JSON.stringify(c.args).includes('Follow this one'),
    );
    const buttons = (question.args.blocks as Block[])
      .map((b) => b.accessory as { action_id: string; value: string } | undefined)
      .filter((a): a is { action_id: string; value: string } => a?.action_id === ACTION.followPick);
    expect(buttons.length).toBeGreaterThan(1);
    const target = deal('Northwind data warehouse');
    const click = () =>
      t.interact(blockActionsPayload({ actionId: ACTION.followPick, value: target.id, channel }));
    await Promise.all([click(), click()]);
    await t.idle();
    expect(roots(channel.id)).toHaveLength(1);
    expect(roots(channel.id)[0]?.text).toContain('Northwind data warehouse');

    await t.command('following', { channel });
    await t.idle();
    const list = t.slack.calls(RESPONSE).at(-1);
    const unfollow = ((list?.args.blocks ?? []) as Block[])
      .map((b) => b.accessory as { action_id: string; value: string } | undefined)
      .find((a) => a?.action_id === ACTION.unfollow);
    expect(unfollow).toBeDefined();
    await t.interact(blockActionsPayload({ actionId: ACTION.unfollow, value: unfollow?.value, channel }));
    await t.idle();
    expect(JSON.stringify(t.slack.calls(RESPONSE).at(-1)?.args)).toContain('Nothing is followed');
    const thread = replies(channel.id, roots(channel.id)[0]?.ts ?? '');
    expect(thread.at(-1)?.text).toContain('unfollowed this');
    t.slack.assertNoViolations();
  });

  it('unfollows by name, and says so when the channel does not follow it', async () => {
    const channel = newChannel();
    await follow('Globex EU expansion', channel);
    await t.command('unfollow globex eu expansion', { channel });
    await t.idle();
    expect(JSON.stringify(t.slack.calls(RESPONSE).at(-1)?.args)).toContain(
      'Stopped following deal *Globex EU expansion*',
    );
    await t.command('unfollow Globex EU expansion', { channel });
    await t.idle();
    expect(JSON.stringify(t.slack.calls(RESPONSE).at(-1)?.args)).toContain('does not follow');
  });

  it('follows nothing in a channel shared with another organisation (the workspace default)', async () => {
    const channel = newChannel();
    await t.command('follow Globex EU expansion', {
      channel,
      overrides: { is_ext_shared_channel: 'true' } as never,
    });
    await t.idle();
    expect(JSON.stringify(t.slack.calls(RESPONSE).at(-1)?.args)).toContain(
      'shared with another organisation',
    );
    expect(roots(channel.id)).toHaveLength(0);
    expect(await t.bot.deps.store.follows.listForChannel('T0TEST', channel.id)).toEqual([]);
  });

  it('withholds updates once the channel is shared with another organisation, and posts new ones when allowed', async () => {
    const channel = newChannel();
    // Slack does not describe the channel when the follow starts (not cached): the follow goes ahead.
    t.slack.failNext('conversations.info', { error: 'internal_error' });
    const root = await follow('Globex EU expansion', channel);
    await poll();
    t.slack.channels.set(channel.id, { name: channel.name, isExtShared: true });
    deal('Globex EU expansion').expectedValue = 424_242;
    await poll();
    expect(replies(channel.id, root.ts)).toHaveLength(1);
    expect(
      t.logs.some((l) => l.msg === 'follow update withheld: the channel is shared with another organisation'),
    ).toBe(true);
    // Withheld for good: allowed later, only what changes from then on is posted (no old news).
    await t.bot.deps.store.settings.save(
      'T0TEST',
      { ...t.bot.deps.settings, externalChannelsAllowed: true },
      'U0ADMIN',
    );
    try {
      await poll();
      expect(replies(channel.id, root.ts)).toHaveLength(1);
      deal('Globex EU expansion').expectedValue = 515_151;
      await poll();
      const thread = replies(channel.id, root.ts);
      expect(thread).toHaveLength(2);
      expect(thread[1]?.text).toContain('515,151');
    } finally {
      await t.bot.deps.store.settings.save(
        'T0TEST',
        { ...t.bot.deps.settings, externalChannelsAllowed: false },
        'U0ADMIN',
      );
    }
  });

  it('says what is unknown, and that a record is already followed', async () => {
    const channel = newChannel();
    await t.command('follow nobody@nowhere.example.com', { channel });
    await t.command('follow #999', { channel });
    await t.idle();
    const answers = t.slack.calls(RESPONSE).map((c) => JSON.stringify(c.args));
    expect(
      answers.some((a) => a.includes('No contact in the CRM has the email nobody@nowhere.example.com')),
    ).toBe(true);
    expect(answers.some((a) => a.includes('There is no ticket #999'))).toBe(true);
    await follow('Globex annual renewal', channel);
    await t.command('follow Globex annual renewal', { channel });
    await t.idle();
    expect(JSON.stringify(t.slack.calls(RESPONSE).at(-1)?.args)).toContain('already follows');
    expect(roots(channel.id)).toHaveLength(1);
  });

  it('backs off when Agile answers 429: the slot is skipped, and so are the next ones until Retry-After', async () => {
    const channel = newChannel();
    const root = await follow('Initech partner referral program', channel);
    await poll();
    deal('Initech partner referral program').milestone = 'Proposal';
    sim().faults.failNext(1, 429, 'Too many requests', { 'Retry-After': '500' });
    const limited = await poll();
    expect(limited.skipped).toBeGreaterThan(0);
    const before = sim().requests.length;
    // 300 s later: still within the 500 s Retry-After, no Agile call at all.
    const waiting = await poll();
    expect(waiting.skipped).toBe(waiting.claimed);
    expect(sim().requests.length).toBe(before);
    await poll();
    const thread = replies(channel.id, root.ts);
    expect(thread.filter((m) => m.text?.includes('Milestone: New → *Proposal*'))).toHaveLength(1);
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/crm_follow_updates_total\{result="skipped"\} [1-9]/);
    expect(metrics).toMatch(/crm_follow_updates_total\{result="posted"\} [1-9]/);
  });

  it('reads many followed deals through the paged deal list, one request per record at most', async () => {
    const channel = newChannel();
    const ids = sim()
      .state.deals.slice(0, 12)
      .map((d) => d.id);
    for (const id of ids) await t.command(`follow deal ${id}`, { channel });
    await t.idle();
    expect(roots(channel.id)).toHaveLength(12);
    await poll();
    const before = sim().requests.length;
    const report = await poll();
    const paths = sim()
      .requests.slice(before)
      .map((r) => r.path);
    expect(paths.filter((p) => /api\/opportunity$/.test(p)).length).toBeGreaterThan(0);
    expect(paths.filter((p) => /api\/opportunity\/\d+$/.test(p))).toEqual([]);
    // Deals: the list's pages and each deal's notes, at most one request per deal (+2 pages). Contacts
    // followed by earlier tests add their own reads, and their existence check falls in a slot that
    // depends on the clock, so they are counted apart.
    const dealPaths = paths.filter((p) => p.includes('api/opportunity'));
    expect(dealPaths.length).toBeLessThanOrEqual(ids.length + 2);
    expect(paths.length).toBeLessThanOrEqual(2 * report.records + 2);
  });
});
