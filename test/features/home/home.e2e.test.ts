import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatedView } from '../../../src/devkit/console/slack-web-api.js';
import { defaultTrack, milestonesOf } from '../../../src/devkit/sandbox/state.js';
import { snoozedDueEpochSec } from '../../../src/features/digest/schedule.js';
import { formatDue } from '../../../src/features/digest/views.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { DEFAULT_SETTINGS } from '../../../src/platform/workspace/settings.js';
import { mrkdwnTexts } from '../../helpers/blocks.js';
import { blockActionsPayload, TEAM, viewSubmissionPayload } from '../../helpers/payloads.js';
import { SANDBOX_ALICE as ALICE, SANDBOX_RAJ as RAJ } from '../../helpers/sandbox-users.js';
import { simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

// ALICE is a workspace admin and the sandbox's Alice Moreno; RAJ is a member and the sandbox's Raj Patel.
let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ users: [ALICE, RAJ], scheduler: { enabled: false } });
});
afterAll(() => t.close());
beforeEach(async () => {
  t.reset();
  await t.bot.deps.store.settings.save(TEAM.id, DEFAULT_SETTINGS, ALICE.id);
  await t.bot.deps.store.userLinks.deleteTeam(TEAM.id);
  // Every test starts with a cold home cache.
  for (const u of [ALICE, RAJ]) t.bot.deps.home.cache.forget(TEAM.id, u.id);
});

let eventSeq = 0;
async function openHome(userId: string): Promise<EmulatedView> {
  const before = t.slack.calls('views.publish').length;
  const res = await t.event({
    token: 'deprecated',
    team_id: TEAM.id,
    api_app_id: 'A0CRM',
    type: 'event_callback',
    event_id: `Ev${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId}`,
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    },
  });
  expect(res.status).toBe(200);
  await vi.waitFor(() => expect(t.slack.calls('views.publish').length).toBeGreaterThan(before), {
    timeout: 5000,
  });
  await t.idle();
  return homeOf(userId);
}

function homeOf(userId: string): EmulatedView {
  const view = [...t.slack.views.values()].find((v) => v.userId === userId && v.view.type === 'home');
  if (!view) throw new Error(`no home view published for ${userId}`);
  return view;
}

type Block = {
  type: string;
  block_id?: string;
  elements?: { action_id?: string; value?: string; initial_options?: { value: string }[] }[];
  accessory?: { action_id?: string; value?: string; options?: { value: string; text: { text: string } }[] };
};

const blocksOf = (v: EmulatedView) => (v.view.blocks ?? []) as Block[];
const textOf = (v: EmulatedView) => mrkdwnTexts(v.view).join('\n') + JSON.stringify(v.view);

function pendingTasksOf(email: string) {
  const sim = simulatorOf(t);
  const user = sim.state.users.find((u) => u.email === email);
  return sim.state.tasks
    .filter((task) => task.ownerId === user?.id && !task.isComplete)
    .sort((a, b) => a.dueEpochSec - b.dueEpochSec);
}

/** A click in the published Home tab of `userId`. */
function homeClick(userId: string, actionId: string, blockId: string, action: Record<string, unknown>) {
  const view = homeOf(userId);
  return blockActionsPayload({
    user: { id: userId, username: userId, name: userId, team_id: TEAM.id },
    actionId,
    blockId,
    action,
    view: { id: view.id },
  });
}

describe('App Home', () => {
  it('publishes my open tasks and my open deals by milestone, within Block Kit limits', async () => {
    const home = await openHome(ALICE.id);
    const [first] = pendingTasksOf(ALICE.email);
    if (!first) throw new Error('the sandbox gives Alice pending tasks');
    const text = textOf(home);
    expect(text).toContain('My open tasks');
    expect(text).toContain(first.subject);
    // The due in my time zone (Alice is in Europe/Madrid).
    expect(text).toContain(formatDue(first.dueEpochSec, ALICE.tz));
    expect(text).toContain('My open deals');
    const sim = simulatorOf(t);
    const aliceId = sim.state.users.find((u) => u.email === ALICE.email)?.id;
    const openDeal = sim.state.deals.find(
      (d) => d.ownerId === aliceId && !['Won', 'Lost', 'Renewed', 'Churned'].includes(d.milestone),
    );
    if (!openDeal) throw new Error('the sandbox gives Alice open deals');
    const move = blocksOf(home).find((b) => b.accessory?.value === openDeal.id);
    expect(move?.accessory?.action_id).toBe(ACTION.dealMove);
    expect(text).toContain(openDeal.milestone);
    expect(blocksOf(home).length).toBeLessThanOrEqual(100);
    expect(text).toContain('Workspace:');
    t.slack.assertNoViolations();
  });

  it('shows admins the settings and the user mapping, and members neither', async () => {
    const admin = textOf(await openHome(ALICE.id));
    expect(admin).toContain('Workspace settings (admins)');
    expect(admin).toContain('Slack ↔ Agile users (admins)');
    const member = textOf(await openHome(RAJ.id));
    expect(member).not.toContain('Workspace settings');
    expect(member).not.toContain('Slack ↔ Agile users');
    expect(member).not.toContain(ACTION.connectWorkspace);
    expect(member).toContain(ACTION.connectMe);
    t.slack.assertNoViolations();
  });

  it('saves a setting ticked by an admin and re-publishes it ticked; a member cannot', async () => {
    await openHome(ALICE.id);
    const before = t.slack.calls('views.publish').length;
    await t.interact(
      homeClick(ALICE.id, ACTION.homeSettings, 'home_settings', {
        type: 'checkboxes',
        selected_options: [{ value: 'guestsAllowed', text: { type: 'plain_text', text: 'Guests' } }],
      }),
    );
    await t.idle();
    expect(await t.bot.deps.store.settings.get(TEAM.id)).toEqual({
      ...DEFAULT_SETTINGS,
      guestsAllowed: true,
    });
    expect(t.slack.calls('views.publish').length).toBe(before + 1);
    const settings = blocksOf(homeOf(ALICE.id)).find((b) => b.block_id === 'home_settings');
    expect(settings?.elements?.[0]?.initial_options?.map((o) => o.value)).toEqual(['guestsAllowed']);

    await openHome(RAJ.id);
    await t.interact(
      homeClick(RAJ.id, ACTION.homeSettings, 'home_settings', {
        type: 'checkboxes',
        selected_options: [{ value: 'externalChannelsAllowed', text: { type: 'plain_text', text: 'x' } }],
      }),
    );
    await t.idle();
    expect((await t.bot.deps.store.settings.get(TEAM.id)).externalChannelsAllowed).toBe(false);
    expect(textOf(homeOf(RAJ.id))).toContain('Only workspace admins');
    t.slack.assertNoViolations();
  });

  it("saves an admin's mapping override, and the member's home then reads that Agile user's tasks", async () => {
    const home = await openHome(ALICE.id);
    const row = blocksOf(home).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}${RAJ.id}`);
    expect(JSON.stringify(row)).toContain('raj.patel@example.com');
    const sam = row?.accessory?.options?.find((o) => o.text.text.includes('Sam Sandbox'));
    if (!sam) throw new Error('the override picker lists the Agile users');
    await t.interact(
      homeClick(ALICE.id, ACTION.homeUserLink, `${BLOCK.homeUserLinkPrefix}${RAJ.id}`, {
        type: 'static_select',
        selected_option: { value: sam.value, text: { type: 'plain_text', text: sam.text.text } },
      }),
    );
    await t.idle();
    const link = await t.bot.deps.store.userLinks.get(TEAM.id, RAJ.id);
    expect(link).toMatchObject({
      agileEmail: simulatorOf(t).credentials.email.toLowerCase(),
      setBy: ALICE.id,
    });
    const rajHome = textOf(await openHome(RAJ.id));
    expect(rajHome).toContain('(set by an admin)');

    // "No override" removes it.
    await openHome(ALICE.id);
    await t.interact(
      homeClick(ALICE.id, ACTION.homeUserLink, `${BLOCK.homeUserLinkPrefix}${RAJ.id}`, {
        type: 'static_select',
        selected_option: { value: 'none', text: { type: 'plain_text', text: 'No override' } },
      }),
    );
    await t.idle();
    expect(await t.bot.deps.store.userLinks.get(TEAM.id, RAJ.id)).toBeUndefined();
    t.slack.assertNoViolations();
  });

  it('moves a deal from the home with the Move form, then re-publishes the home with its new milestone', async () => {
    const home = await openHome(ALICE.id);
    const sim = simulatorOf(t);
    const aliceId = sim.state.users.find((u) => u.email === ALICE.email)?.id;
    const target = sim.state.deals.find(
      (d) => d.ownerId === aliceId && blocksOf(home).some((b) => b.accessory?.value === d.id),
    );
    if (!target) throw new Error('the home lists one of Alice’s deals with Move');
    const track = sim.state.tracks.find((tr) => tr.id === target.pipelineId) ?? defaultTrack(sim.state);
    const next = (track ? milestonesOf(track) : []).find(
      (m) => m !== target.milestone && !/lost|churned/i.test(m),
    );
    if (!next) throw new Error('the deal’s track has another open milestone');

    const click = homeClick(ALICE.id, ACTION.dealMove, 'move', { type: 'button', value: target.id });
    (click as unknown as { view: { type: string } }).view.type = 'home';
    await t.interact(click);
    const filled = await t.slack.waitFor(
      'views.update',
      (c) => JSON.stringify(c.args.view).includes(BLOCK.milestone),
      5000,
    );
    const moveView = [...t.slack.views.values()].find((v) => v.view.callback_id === CALLBACK.moveModal);
    if (!moveView) throw new Error('the Move form opened');
    expect(String(moveView.view.private_metadata)).toContain('"home":true');
    expect(filled).toBeDefined();

    const publishes = t.slack.calls('views.publish').length;
    await t.interact(
      viewSubmissionPayload({
        callbackId: CALLBACK.moveModal,
        id: moveView.id,
        privateMetadata: String(moveView.view.private_metadata ?? ''),
        values: {
          [BLOCK.deal]: { [ACTION.dealPicker]: { type: 'external_select', value: target.id } },
          [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: next } },
          [BLOCK.reason]: { [ACTION.reason]: { type: 'plain_text_input', value: null } },
          [BLOCK.note]: { [ACTION.noteInput]: { type: 'plain_text_input', value: null } },
        },
      }),
    );
    await t.idle();
    expect(sim.state.deals.find((d) => d.id === target.id)?.milestone).toBe(next);
    expect(t.slack.calls('views.publish').length).toBe(publishes + 1);
    const blocks = blocksOf(homeOf(ALICE.id));
    const at = blocks.findIndex((b) => b.accessory?.value === target.id);
    const heading = blocks
      .slice(0, at)
      .reverse()
      .find((b) => b.type === 'context');
    expect(JSON.stringify(heading)).toContain(next);
    t.slack.assertNoViolations();
  });

  it('reads Agile once however often the home is opened within a minute', async () => {
    const sim = simulatorOf(t);
    await openHome(RAJ.id);
    const afterFirst = sim.requests.length;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) await openHome(RAJ.id);
    expect(sim.requests.length).toBe(afterFirst);
    expect(t.slack.calls('views.publish').length).toBe(5);
  });

  it('completes my task once from the home (a click delivered twice) and re-publishes without it', async () => {
    const home = await openHome(RAJ.id);
    const [task] = pendingTasksOf(RAJ.email);
    if (!task) throw new Error('the sandbox gives Raj pending tasks');
    const actions = blocksOf(home).find((b) => b.block_id === `home_task:${task.id}`);
    const complete = actions?.elements?.find((e) => e.action_id === ACTION.homeTaskComplete);
    expect(complete?.value).toBeDefined();
    const click = homeClick(RAJ.id, ACTION.homeTaskComplete, `home_task:${task.id}`, {
      type: 'button',
      value: complete?.value,
    });
    const publishes = t.slack.calls('views.publish').length;
    await Promise.all([t.interact(click), t.interact(click)]);
    await t.idle();
    const sim = simulatorOf(t);
    const updates = sim.requests.filter(
      (r) => r.method === 'PUT' && r.path.endsWith('api/tasks/partial-update'),
    );
    expect(updates).toHaveLength(1);
    expect(sim.state.tasks.find((x) => x.id === task.id)?.isComplete).toBe(true);
    expect(t.slack.calls('views.publish').length).toBeGreaterThan(publishes);
    expect(blocksOf(homeOf(RAJ.id)).some((b) => b.block_id === `home_task:${task.id}`)).toBe(false);
    t.slack.assertNoViolations();
  });

  it('says at the top of the home why Complete failed, and the same click works once Agile is back', async () => {
    const home = await openHome(RAJ.id);
    // Not the task the test above completed: its click is remembered for a minute.
    const [, task] = pendingTasksOf(RAJ.email);
    if (!task) throw new Error('the sandbox gives Raj pending tasks');
    const actions = blocksOf(home).find((b) => b.block_id === `home_task:${task.id}`);
    const complete = actions?.elements?.find((e) => e.action_id === ACTION.homeTaskComplete);
    const click = homeClick(RAJ.id, ACTION.homeTaskComplete, `home_task:${task.id}`, {
      type: 'button',
      value: complete?.value,
    });
    const sim = simulatorOf(t);
    // A refusal (a 5xx would be retried: a partial update is idempotent).
    sim.faults.failNext(1, 400, 'Task is locked');
    await t.interact(click);
    await t.idle();
    expect(sim.state.tasks.find((x) => x.id === task.id)?.isComplete).toBe(false);
    const text = textOf(homeOf(RAJ.id));
    expect(text).toContain('Could not complete the task');
    expect(text).toContain(task.subject);

    await t.interact(click);
    await t.idle();
    expect(sim.state.tasks.find((x) => x.id === task.id)?.isComplete).toBe(true);
    expect(textOf(homeOf(RAJ.id))).not.toContain('Could not complete');
    t.slack.assertNoViolations();
  });

  it('snoozes my task one day, shown in my time zone', async () => {
    const home = await openHome(RAJ.id);
    const [task] = pendingTasksOf(RAJ.email);
    if (!task) throw new Error('the sandbox gives Raj pending tasks');
    const actions = blocksOf(home).find((b) => b.block_id === `home_task:${task.id}`);
    const snooze = actions?.elements?.find((e) => e.action_id === ACTION.homeTaskSnooze);
    const dueBefore = task.dueEpochSec;
    const actionTs = `${Math.floor(Date.now() / 1000)}.000100`;
    await t.interact(
      homeClick(RAJ.id, ACTION.homeTaskSnooze, `home_task:${task.id}`, {
        type: 'button',
        value: snooze?.value,
        action_ts: actionTs,
      }),
    );
    await t.idle();
    const after = simulatorOf(t).state.tasks.find((x) => x.id === task.id);
    // An overdue task moves to tomorrow at its own time of day in Raj's zone (Asia/Kolkata), a later one by a day.
    expect(after?.dueEpochSec).toBe(snoozedDueEpochSec(dueBefore, Number(actionTs) * 1000, RAJ.tz));
    expect(after?.dueEpochSec).toBeGreaterThan(dueBefore);
    t.slack.assertNoViolations();
  });

  it("publishes the home with a short notice when Agile is down, and lists my channels' digests", async () => {
    t.slack.channelMembers.set('C0SALES', new Set([RAJ.id]));
    t.slack.channelMembers.set('C0OTHER', new Set([ALICE.id]));
    await t.bot.deps.store.digestSchedules.upsert({
      teamId: TEAM.id,
      channelId: 'C0SALES',
      time: '08:30',
      timeZone: 'Asia/Kolkata',
      horizonDays: 3,
      weekdaysOnly: true,
      ownerEmails: null,
      userId: RAJ.id,
    });
    await t.bot.deps.store.digestSchedules.upsert({
      teamId: TEAM.id,
      channelId: 'C0OTHER',
      time: '09:00',
      timeZone: 'UTC',
      horizonDays: 3,
      weekdaysOnly: false,
      ownerEmails: null,
      userId: ALICE.id,
    });
    try {
      simulatorOf(t).faults.failNext(50, 503);
      const text = textOf(await openHome(RAJ.id));
      expect(text).toContain('Could not load your tasks from Agile');
      expect(text).toContain('#c0sales');
      expect(text).toContain('08:30');
      expect(text).not.toContain('#c0other');
      t.slack.assertNoViolations();
    } finally {
      simulatorOf(t).faults.reset();
      await t.bot.deps.store.digestSchedules.delete('C0SALES');
      await t.bot.deps.store.digestSchedules.delete('C0OTHER');
    }
  });
});
