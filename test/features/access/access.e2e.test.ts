import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeDigestTaskValue } from '../../../src/features/digest/views.js';
import { encodeTicketMetadata } from '../../../src/features/ticket/schema.js';
import { ACTION, BLOCK, CALLBACK, SHORTCUT } from '../../../src/platform/slack/ids.js';
import { DEFAULT_USERS, type FakeUser, RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  CHANNEL,
  messageActionPayload,
  TEAM,
  USER,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import {
  DEFAULT_USER_PERSONAL,
  simulatorOf,
  startTestBot,
  type TestBot,
  type TestBotOptions,
} from '../../helpers/test-bot.js';

/**
 * Who may do what, end to end over signed requests: every rule allowed and refused. Alice (the default
 * user) is a workspace admin with a personal Agile connection; Bob is a plain member; Raj owns tasks in
 * the sandbox; Ivy installed the app but is no admin; the rest are guests or from another organisation.
 */
const BOB = DEFAULT_USERS[1] as FakeUser;
const base = { tz: 'Europe/London', displayName: 'x' };
const RAJ: FakeUser = {
  ...base,
  id: 'U0RAJ',
  name: 'raj',
  realName: 'Raj Patel',
  email: 'raj.patel@example.com',
};
const IVY: FakeUser = {
  ...base,
  id: 'U0IVY',
  name: 'ivy',
  realName: 'Ivy Installer',
  email: 'ivy@example.com',
};
const GUEST: FakeUser = { ...base, id: 'U0GUEST', name: 'gus', realName: 'Gus Guest', isRestricted: true };
const SINGLE: FakeUser = {
  ...base,
  id: 'U0SINGLE',
  name: 'sia',
  realName: 'Sia Single',
  isUltraRestricted: true,
};
/** Slack Connect: the payload says nothing, users.info says another organisation. */
const STRANGER: FakeUser = {
  ...base,
  id: 'U0STRANGE',
  name: 'sten',
  realName: 'Sten Ranger',
  teamId: 'T0OTHER',
  isStranger: true,
};
const USERS = [...DEFAULT_USERS, RAJ, IVY, GUEST, SINGLE, STRANGER];
const OTHER_TEAM = 'T0OTHER';
const EXT_CHANNEL = { id: 'C0SHARED', name: 'shared-with-partner' };

const ALLOW_ALL: TestBotOptions['workspace'] = {
  settings: { anyMemberCompletesTasks: true, guestsAllowed: true, externalChannelsAllowed: true },
  personal: DEFAULT_USER_PERSONAL,
  installerUserId: IVY.id,
};

function useBot(workspace: TestBotOptions['workspace'], extra: Partial<TestBotOptions> = {}): () => TestBot {
  let t: TestBot | undefined;
  beforeAll(async () => {
    t = await startTestBot({ users: USERS, scheduler: { enabled: false }, workspace, ...extra });
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    bot().reset();
    bot().slack.channels.set(EXT_CHANNEL.id, { name: EXT_CHANNEL.name, isExtShared: true });
  });
  const bot = () => {
    if (!t) throw new Error('bot not started');
    return t;
  };
  return bot;
}

const textOf = (call: RecordedCall | { args: Record<string, unknown> }) =>
  JSON.stringify([call.args.text, call.args.blocks, call.args.view]);

/** Runs `work`, waits until the bot is idle, and returns the Agile requests it caused. */
async function agileRequestsDuring(t: TestBot, work: () => Promise<unknown>) {
  const before = simulatorOf(t).requests.length;
  await work();
  await t.idle();
  return simulatorOf(t).requests.slice(before);
}

function pendingTaskOf(t: TestBot, email: string) {
  const state = simulatorOf(t).state;
  const owner = state.users.find((u) => u.email === email);
  const task = state.tasks.find((x) => !x.isComplete && x.ownerId === owner?.id);
  if (!task) throw new Error(`no pending task of ${email}`);
  return task;
}

let messageSeq = 0;
/** A digest button click on `taskId` by `user` (a fresh digest message each time). */
function digestClick(
  taskId: string,
  dueEpochSec: number,
  user: FakeUser,
  kind: 'complete' | 'snooze' | 'reassign',
  picked?: string,
) {
  messageSeq += 1;
  const actionId =
    kind === 'complete'
      ? ACTION.digestComplete
      : kind === 'snooze'
        ? ACTION.digestSnooze
        : ACTION.digestReassign;
  return blockActionsPayload({
    actionId,
    blockId: `${BLOCK.digestTaskActionsPrefix}${taskId}`,
    ...(kind === 'reassign'
      ? { action: { type: 'users_select', selected_user: picked } }
      : { value: encodeDigestTaskValue({ taskId, dueEpochSec }) }),
    user: { id: user.id, team_id: TEAM.id },
    message: { ts: `1767225600.${String(500000 + messageSeq)}`, text: 'CRM digest' },
  });
}

/** `/crm {text}` in the channel shared with another organisation; its ephemeral answer. */
async function commandInExtChannel(t: TestBot, text: string, overrides: Record<string, unknown> = {}) {
  const earlier = new Set(t.slack.calls(RESPONSE));
  const res = await t.command(text, { channel: EXT_CHANNEL, overrides });
  expect(res.status).toBe(200);
  const answer = await t.slack.waitFor(RESPONSE, (c) => !earlier.has(c));
  expect(answer.args.response_type).toBe('ephemeral');
  return textOf(answer);
}

/** The bot's clock runs this far ahead: a schedule saved "now" for 00:00 UTC is due a day later. */
let clockOffsetMs = 0;
const DAY_MS = 86_400_000;
const movableClock = () => new Date(Date.now() + clockOffsetMs);
const SCHEDULED: Partial<TestBotOptions> = {
  now: movableClock,
  scheduler: { perChannelIntervalMs: 0, retryDelaysMs: [] },
};

/** A digest for 00:00 UTC in `channel`, ticked a day later; resolves once the scheduler is idle. */
async function scheduledDigestIn(t: TestBot, channelId: string) {
  const scheduler = t.bot.digestScheduler;
  if (!scheduler) throw new Error('this bot runs no digest scheduler');
  await t.bot.deps.store.digestSchedules.upsert({
    teamId: TEAM.id,
    channelId,
    time: '00:00',
    timeZone: 'UTC',
    horizonDays: 7,
    weekdaysOnly: false,
    ownerEmails: null,
    userId: USER.id,
  });
  clockOffsetMs = DAY_MS;
  try {
    const report = await scheduler.tick();
    await scheduler.idle();
    return report;
  } finally {
    clockOffsetMs = 0;
  }
}

describe('strict defaults', () => {
  const bot = useBot({ personal: DEFAULT_USER_PERSONAL, installerUserId: IVY.id }, SCHEDULED);

  describe('entry: another organisation’s users and guests get a short refusal and no CRM data', () => {
    it('a member looks up a contact', async () => {
      const t = bot();
      const res = await t.command('lookup ada.lovelace@northwind.example.com', { user: { id: BOB.id } });
      expect(res.status).toBe(200);
      const reply = await t.slack.waitFor(RESPONSE);
      expect(textOf(reply)).toContain('Ada Lovelace');
      t.slack.assertNoViolations();
    });

    it.each([
      ['user_team in the payload', { id: 'U0PARTNER' }, { user_team: OTHER_TEAM }],
      ['users.info: is_stranger, another team', { id: STRANGER.id }, {}],
    ])('a command from another organisation (%s)', async (_label, user, overrides) => {
      const t = bot();
      let res: Awaited<ReturnType<TestBot['command']>> | undefined;
      const requests = await agileRequestsDuring(t, async () => {
        res = await t.command('lookup ada.lovelace@northwind.example.com', { user, overrides });
      });
      expect(res?.status).toBe(200);
      expect(res?.json).toMatchObject({ response_type: 'ephemeral' });
      expect(JSON.stringify(res?.json)).toContain(`This app is available to members of ${TEAM.domain} only.`);
      expect(requests).toEqual([]);
      expect(t.slack.calls(RESPONSE)).toEqual([]);
      expect(t.logs.some((l) => l.msg === 'request refused: not a member' && l.reason === 'external')).toBe(
        true,
      );
    });

    it.each([
      ['multi-channel', GUEST],
      ['single-channel', SINGLE],
    ])('a command from a %s guest', async (_label, guest) => {
      const t = bot();
      let res: Awaited<ReturnType<TestBot['command']>> | undefined;
      const requests = await agileRequestsDuring(t, async () => {
        res = await t.command('lookup ada', { user: { id: guest.id } });
      });
      expect(JSON.stringify(res?.json)).toContain(
        'Guests can’t use the CRM app in this workspace — ask an admin.',
      );
      expect(requests).toEqual([]);
    });

    it('a button from another organisation: an ephemeral refusal through response_url, nothing written', async () => {
      const t = bot();
      const task = pendingTaskOf(t, RAJ.email as string);
      const click = blockActionsPayload({
        actionId: ACTION.digestComplete,
        blockId: `${BLOCK.digestTaskActionsPrefix}${task.id}`,
        value: encodeDigestTaskValue({ taskId: task.id, dueEpochSec: task.dueEpochSec }),
        user: { id: 'U0PARTNER', team_id: OTHER_TEAM },
      });
      const requests = await agileRequestsDuring(t, () => t.interact(click));
      const answer = await t.slack.waitFor(RESPONSE);
      expect(answer.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(textOf(answer)).toContain('available to members of acme only');
      expect(requests).toEqual([]);
      expect(simulatorOf(t).state.tasks.find((x) => x.id === task.id)?.isComplete).toBe(false);
      t.slack.assertNoViolations();
    });

    it('a form submission from another organisation: the refusal under its first input, or the modal closed', async () => {
      const t = bot();
      const stranger = { id: STRANGER.id, team_id: TEAM.id };
      const withInputs = viewSubmissionPayload({ callbackId: CALLBACK.noteModal, user: stranger });
      (withInputs.view as unknown as { blocks: unknown[] }).blocks = [
        { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: 'x' } },
        { type: 'input', block_id: BLOCK.note, element: { type: 'plain_text_input' } },
      ];
      const requests = await agileRequestsDuring(t, async () => {
        const res = await t.interact(withInputs);
        expect(res.json).toEqual({
          response_action: 'errors',
          errors: { [BLOCK.note]: expect.stringContaining('available to members of acme only') },
        });
        const bare = await t.interact(
          viewSubmissionPayload({ callbackId: CALLBACK.noteModal, user: stranger }),
        );
        expect(bare.json).toEqual({ response_action: 'clear' });
      });
      expect(requests).toEqual([]);
    });

    it('an options load from a guest: no options', async () => {
      const t = bot();
      const requests = await agileRequestsDuring(t, async () => {
        const res = await t.interact(
          blockSuggestionPayload({ actionId: ACTION.contactPicker, value: 'ada', user: { id: GUEST.id } }),
        );
        expect(res.json).toEqual({ options: [] });
      });
      expect(requests).toEqual([]);
    });

    it('a shortcut from another organisation: a small modal says why', async () => {
      const t = bot();
      const requests = await agileRequestsDuring(t, () =>
        t.interact(
          messageActionPayload({
            callbackId: SHORTCUT.logToCrm,
            user: { id: 'U0PARTNER', team_id: OTHER_TEAM },
          }),
        ),
      );
      const opened = await t.slack.waitFor('views.open');
      expect((opened.args.view as { callback_id: string }).callback_id).toBe(CALLBACK.accessRefusal);
      expect(textOf(opened)).toContain('available to members of acme only');
      expect(requests).toEqual([]);
      t.slack.assertNoViolations();
    });
  });

  describe('public ticket replies need a personal connection; private notes do not', () => {
    it('/crm reply by a member without one: why, the Connect button and the text back; nothing sent', async () => {
      const t = bot();
      const requests = await agileRequestsDuring(t, () =>
        t.command('reply 1 We shipped the fix <today>', { user: { id: BOB.id } }),
      );
      const answer = await t.slack.waitFor(RESPONSE);
      expect(answer.args.response_type).toBe('ephemeral');
      const text = textOf(answer);
      expect(text).toContain('was not sent');
      expect(text).toContain(ACTION.connectMe);
      expect(text).toContain('Connect your Agile account');
      expect(text).toContain('We shipped the fix &lt;today&gt;');
      expect(requests).toEqual([]);
      t.slack.assertNoViolations();
    });

    it('/crm reply by a connected member is sent', async () => {
      const t = bot();
      const requests = await agileRequestsDuring(t, () => t.command('reply 1 Fixed for you'));
      const answer = await t.slack.waitFor(RESPONSE);
      expect(textOf(answer)).toContain('Public reply sent on ticket #1');
      expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    const submitReply = (t: TestBot, user: FakeUser, visibility: 'public' | 'private', text: string) =>
      t.interact(
        viewSubmissionPayload({
          callbackId: CALLBACK.ticketModal,
          user: { id: user.id, team_id: TEAM.id },
          // The thread as seen "up to the far future": no collision hold.
          privateMetadata: encodeTicketMetadata({
            channelId: CHANNEL.id,
            ticketId: '1',
            subject: 'Login',
            mark: { count: 1000, latestMs: 9e15 },
          }),
          values: {
            [BLOCK.ticket]: { [ACTION.ticketPicker]: { type: 'external_select', value: '1' } },
            [BLOCK.reply]: { [ACTION.replyText]: text },
            [BLOCK.visibility]: { [ACTION.visibility]: { type: 'radio_buttons', value: visibility } },
          },
        }),
      );

    it('the reply modal keeps a member’s public reply, says why and offers Connect; a private note goes', async () => {
      const t = bot();
      const requests = await agileRequestsDuring(t, async () => {
        const res = await submitReply(t, BOB, 'public', 'Dear customer, all good now');
        const answer = res.json as { response_action: string; view: { blocks: unknown[] } };
        expect(answer.response_action).toBe('update');
        const view = JSON.stringify(answer.view);
        expect(view).toContain(ACTION.connectMe);
        expect(view).toContain('Nothing was sent');
        expect(view).toContain('Dear customer, all good now');
      });
      expect(requests).toEqual([]);

      const noteRequests = await agileRequestsDuring(t, () =>
        submitReply(t, BOB, 'private', 'Internal: fixed'),
      );
      expect(noteRequests.filter((r) => r.method === 'POST')).toHaveLength(1);
      t.slack.assertNoViolations();
    });
  });

  describe('digest buttons', () => {
    const noticeFor = async (t: TestBot) => textOf(await t.slack.waitFor(RESPONSE));

    it('Complete and Snooze by someone else than the task’s owner are refused, saying who can', async () => {
      const t = bot();
      const task = pendingTaskOf(t, RAJ.email as string);
      for (const [user, kind] of [
        [BOB, 'complete'],
        [USER as unknown as FakeUser, 'snooze'], // an admin is not the owner either
      ] as const) {
        const requests = await agileRequestsDuring(t, () =>
          t.interact(digestClick(task.id, task.dueEpochSec, user, kind)),
        );
        const notice = await noticeFor(t);
        expect(notice).toContain(`Only the task’s owner (Raj Patel) can ${kind} this task`);
        expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
        t.slack.reset();
      }
      expect(simulatorOf(t).state.tasks.find((x) => x.id === task.id)?.isComplete).toBe(false);
    });

    it('the owner completes their task (matched by email)', async () => {
      const t = bot();
      const task = pendingTaskOf(t, RAJ.email as string);
      await t.interact(digestClick(task.id, task.dueEpochSec, RAJ, 'complete'));
      await t.idle();
      expect(simulatorOf(t).state.tasks.find((x) => x.id === task.id)?.isComplete).toBe(true);
      expect(t.logs.some((l) => l.msg === 'digest click handled' && l.outcome === 'applied')).toBe(true);
    });

    it('the owner snoozes their task', async () => {
      const t = bot();
      const task = pendingTaskOf(t, RAJ.email as string);
      const due = task.dueEpochSec; // the simulator's record changes in place
      await t.interact(digestClick(task.id, due, RAJ, 'snooze'));
      await t.idle();
      const after = simulatorOf(t).state.tasks.find((x) => x.id === task.id);
      expect(after?.dueEpochSec).toBeGreaterThan(due);
      expect(after?.isComplete).toBe(false);
      expect(t.logs.some((l) => l.msg === 'digest click handled' && l.outcome === 'applied')).toBe(true);
      expect(t.slack.calls(RESPONSE).map(textOf).join()).not.toContain('Only the task’s owner');
    });

    it('Reassign by the task’s owner, who is no admin', async () => {
      const t = bot();
      const task = pendingTaskOf(t, RAJ.email as string);
      const sim = simulatorOf(t);
      const alice = sim.state.users.find((u) => u.email === 'alice.moreno@example.com');
      t.slack.users.set('U0AMORENO', {
        ...base,
        id: 'U0AMORENO',
        name: 'am',
        realName: 'Alice Moreno',
        email: 'alice.moreno@example.com',
      });
      await t.interact(digestClick(task.id, task.dueEpochSec, RAJ, 'reassign', 'U0AMORENO'));
      await t.idle();
      expect(sim.state.tasks.find((x) => x.id === task.id)?.ownerId).toBe(alice?.id);
      expect(t.slack.calls(RESPONSE).map(textOf).join()).not.toContain('Only the task’s owner');
    });

    it('Reassign: refused to a member, allowed to an admin and to the installer', async () => {
      const t = bot();
      const task = pendingTaskOf(t, RAJ.email as string);
      const sim = simulatorOf(t);
      const alice = sim.state.users.find((u) => u.email === 'alice.moreno@example.com');
      const raj = sim.state.users.find((u) => u.email === RAJ.email);

      const refused = await agileRequestsDuring(t, () =>
        t.interact(digestClick(task.id, task.dueEpochSec, BOB, 'reassign', RAJ.id)),
      );
      expect(await noticeFor(t)).toContain(
        'Only the task’s owner (Raj Patel) or a workspace admin can reassign',
      );
      expect(refused.filter((r) => r.method !== 'GET')).toEqual([]);

      // Alice (admin) gives it to Slack's Alice Moreno… who is no Slack user here: use Raj → Raj, then Ivy.
      t.slack.users.set('U0AMORENO', {
        ...base,
        id: 'U0AMORENO',
        name: 'am',
        realName: 'Alice Moreno',
        email: 'alice.moreno@example.com',
      });
      await t.interact(
        digestClick(task.id, task.dueEpochSec, USER as unknown as FakeUser, 'reassign', 'U0AMORENO'),
      );
      await t.idle();
      expect(sim.state.tasks.find((x) => x.id === task.id)?.ownerId).toBe(alice?.id);

      await t.interact(digestClick(task.id, task.dueEpochSec, IVY, 'reassign', RAJ.id));
      await t.idle();
      expect(sim.state.tasks.find((x) => x.id === task.id)?.ownerId).toBe(raj?.id);
    });
  });

  describe('Share in channel', () => {
    it('not into a channel shared with another organisation; into an internal one', async () => {
      const t = bot();
      const contact = simulatorOf(t).state.contacts[0];
      if (!contact) throw new Error('no seed contact');
      const share = (channel: { id: string; name: string }, ts: string) =>
        t.interact(
          blockActionsPayload({ actionId: ACTION.cardShare, value: contact.id, channel, message: { ts } }),
        );
      const requests = await agileRequestsDuring(t, () => share(EXT_CHANNEL, '1767225600.000801'));
      const refusal = await t.slack.waitFor(RESPONSE);
      expect(textOf(refusal)).toContain('shared with another organisation');
      expect(requests).toEqual([]);
      expect(t.slack.calls('chat.postMessage')).toEqual([]);

      await share(CHANNEL, '1767225600.000802');
      const posted = await t.slack.waitFor('chat.postMessage');
      expect(posted.args.channel).toBe(CHANNEL.id);
      await t.slack.waitFor(RESPONSE, (c) => textOf(c).includes('Shared the card'));
      await t.idle();
      t.slack.assertNoViolations();
    });
  });

  describe('admin commands', () => {
    it('/crm status: refused to a member, answered to the installer', async () => {
      const t = bot();
      await t.command('status', { user: { id: BOB.id } });
      expect(textOf(await t.slack.waitFor(RESPONSE))).toContain('Only workspace admins and owners');
      await t.idle();
      t.slack.reset();
      await t.command('status', { user: { id: IVY.id } });
      const answer = await t.slack.waitFor(RESPONSE);
      expect(textOf(answer)).not.toContain('Only workspace admins');
      expect(textOf(answer)).toContain('Agile');
    });

    it('/crm connect: refused to a member, allowed to the installer who is no admin', async () => {
      const t = bot();
      await t.command('connect', { user: { id: BOB.id } });
      expect(textOf(await t.slack.waitFor(RESPONSE))).toContain(
        'Only workspace admins and owners (and whoever installed the app) can connect',
      );
      await t.idle();
      t.slack.reset();
      // Past the admin check: this bot's account comes from its configuration, which says so.
      await t.command('connect', { user: { id: IVY.id } });
      const answer = textOf(await t.slack.waitFor(RESPONSE));
      expect(answer).not.toContain('Only workspace admins');
      expect(answer).toContain('comes from the bot’s configuration');
    });
  });

  it('/crm connect me by a guest: refused while guests are not allowed', async () => {
    const t = bot();
    let res: Awaited<ReturnType<TestBot['command']>> | undefined;
    const requests = await agileRequestsDuring(t, async () => {
      res = await t.command('connect me', { user: { id: GUEST.id } });
    });
    expect(JSON.stringify(res?.json)).toContain(
      'Guests can’t use the CRM app in this workspace — ask an admin.',
    );
    expect(t.slack.calls('views.open')).toEqual([]);
    expect(requests).toEqual([]);
  });

  describe('/crm digest in a channel shared with another organisation', () => {
    it.each([
      ['on 08:30', 'No digest was scheduled'],
      ['now', 'The digest was not posted'],
    ])('`/crm digest %s` is refused: nothing saved, nothing read, nothing posted', async (sub, nothing) => {
      const t = bot();
      let answer = '';
      const requests = await agileRequestsDuring(t, async () => {
        answer = await commandInExtChannel(t, `digest ${sub}`);
      });
      expect(answer).toContain(
        'This channel is shared with another organisation, so CRM digests are not posted here. A workspace admin can allow it in the app’s Home tab.',
      );
      expect(answer).toContain(nothing);
      expect(requests).toEqual([]);
      expect(t.slack.calls('chat.postMessage')).toEqual([]);
      expect(await t.bot.deps.store.digestSchedules.get(EXT_CHANNEL.id)).toBeUndefined();
      t.slack.assertNoViolations();
    });

    it('Slack’s own mark on the command is enough (a channel conversations.info has not seen shared)', async () => {
      const t = bot();
      t.slack.channels.delete(EXT_CHANNEL.id);
      const marked = { ...EXT_CHANNEL, id: 'C0MARKED' };
      const res = await t.command('digest now', {
        channel: marked,
        overrides: { is_ext_shared_channel: 'true' } as Record<string, unknown>,
      });
      expect(res.status).toBe(200);
      expect(textOf(await t.slack.waitFor(RESPONSE))).toContain('so CRM digests are not posted here');
      await t.idle();
      expect(t.slack.calls('chat.postMessage')).toEqual([]);
    });

    it('`off` and `status` still answer there', async () => {
      const t = bot();
      expect(await commandInExtChannel(t, 'digest status')).toContain('There is no digest in this channel');
      expect(await commandInExtChannel(t, 'digest off')).toContain('There is no digest in this channel');
    });

    it('a scheduled digest in a channel shared since is skipped, and the schedule is kept', async () => {
      const t = bot();
      let report: Awaited<ReturnType<typeof scheduledDigestIn>> | undefined;
      const requests = await agileRequestsDuring(t, async () => {
        report = await scheduledDigestIn(t, EXT_CHANNEL.id);
      });
      try {
        expect(report).toMatchObject({ due: 1, claimed: 1 });
        expect(requests).toEqual([]);
        expect(t.slack.calls('chat.postMessage')).toEqual([]);
        expect(
          t.logs.some(
            (l) =>
              l.msg ===
                'digest not posted: the channel is shared with another organisation (the schedule is kept)' &&
              l.channel === EXT_CHANNEL.id,
          ),
        ).toBe(true);
        const kept = await t.bot.deps.store.digestSchedules.get(EXT_CHANNEL.id);
        expect(kept?.enabled).toBe(true);
        expect(kept?.lastRun?.status).toBe('failed');
        const status = await commandInExtChannel(t, 'digest status');
        expect(status).toContain('not posted: this channel is shared with another organisation');
        expect(status).toContain('The schedule is kept');
      } finally {
        await t.bot.deps.store.digestSchedules.delete(EXT_CHANNEL.id);
      }
    });
  });
});

describe('an admin who allowed everything', () => {
  const bot = useBot(ALLOW_ALL, SCHEDULED);

  it('guests use the app; another organisation’s users still do not', async () => {
    const t = bot();
    await t.command('lookup ada.lovelace@northwind.example.com', { user: { id: SINGLE.id } });
    expect(textOf(await t.slack.waitFor(RESPONSE))).toContain('Ada Lovelace');
    const res = await t.command('lookup ada', { user: { id: STRANGER.id } });
    expect(JSON.stringify(res.json)).toContain('available to members of acme only');
  });

  it('any member completes a task', async () => {
    const t = bot();
    const task = pendingTaskOf(t, RAJ.email as string);
    await t.interact(digestClick(task.id, task.dueEpochSec, BOB, 'complete'));
    await vi.waitFor(() =>
      expect(simulatorOf(t).state.tasks.find((x) => x.id === task.id)?.isComplete).toBe(true),
    );
    await t.idle();
  });

  it('cards are shared into a channel shared with another organisation', async () => {
    const t = bot();
    const contact = simulatorOf(t).state.contacts[0];
    if (!contact) throw new Error('no seed contact');
    await t.interact(
      blockActionsPayload({
        actionId: ACTION.cardShare,
        value: contact.id,
        channel: EXT_CHANNEL,
        message: { ts: '1767225600.000803' },
      }),
    );
    const posted = await t.slack.waitFor('chat.postMessage');
    expect(posted.args.channel).toBe(EXT_CHANNEL.id);
    await t.idle();
    t.slack.assertNoViolations();
  });

  it('a guest connects their own Agile account: the form opens', async () => {
    const t = bot();
    await t.command('connect me', { user: { id: GUEST.id } });
    const opened = await t.slack.waitFor('views.open');
    expect((opened.args.view as { callback_id: string }).callback_id).toBe(CALLBACK.connectModal);
    await t.idle();
    expect(t.slack.calls(RESPONSE).map(textOf).join()).not.toContain('Guests can’t');
  });

  it('`/crm digest on` and `now` work in a channel shared with another organisation', async () => {
    const t = bot();
    try {
      expect(await commandInExtChannel(t, 'digest on 08:30 UTC')).toContain('Digest turned on');
      expect(await commandInExtChannel(t, 'digest now')).toContain('Digest posted');
      expect(t.slack.calls('chat.postMessage').some((c) => c.args.channel === EXT_CHANNEL.id)).toBe(true);
    } finally {
      await t.bot.deps.store.digestSchedules.delete(EXT_CHANNEL.id);
    }
  });

  it('a scheduled digest is posted in a channel shared with another organisation', async () => {
    const t = bot();
    try {
      expect(await scheduledDigestIn(t, EXT_CHANNEL.id)).toMatchObject({ due: 1, claimed: 1 });
      const posted = t.slack.calls('chat.postMessage').filter((c) => c.args.channel === EXT_CHANNEL.id);
      expect(posted.length).toBeGreaterThan(0);
      expect((await t.bot.deps.store.digestSchedules.get(EXT_CHANNEL.id))?.lastRun?.status).toBe('posted');
    } finally {
      await t.bot.deps.store.digestSchedules.delete(EXT_CHANNEL.id);
    }
  });
});
