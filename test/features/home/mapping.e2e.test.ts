import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatedView } from '../../../src/devkit/console/slack-web-api.js';
import { nextId } from '../../../src/devkit/sandbox/state.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { validateView } from '../../helpers/block-kit-validator.js';
import { mrkdwnTexts } from '../../helpers/blocks.js';
import type { FakeUser } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  TEAM,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { SANDBOX_ALICE as ALICE, SANDBOX_RAJ as RAJ } from '../../helpers/sandbox-users.js';
import { documentedOnlyRun, simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

/**
 * App Home's Slack ↔ Agile user mapping (issue 10): the short list, "Map a member…" for everyone past
 * it, the member's modal (current match and why, the override picker: static up to 100 options, else
 * a type-ahead), and each member's own personal connection counted. ALICE is an admin, RAJ a member.
 */

/** Members named to sort after Alice and Raj: they fill the list's 20 rows. */
const crowd: FakeUser[] = Array.from({ length: 24 }, (_, i) => ({
  id: `U0M${String(i).padStart(2, '0')}`,
  name: `m${i}`,
  realName: `Test Member ${String(i).padStart(2, '0')}`,
  displayName: `m${i}`,
  email: `member${i}@example.com`,
  tz: 'UTC',
}));
const ZED: FakeUser = {
  id: 'U0ZED',
  name: 'zed',
  realName: 'Zz Last Member',
  displayName: 'zed',
  tz: 'UTC',
};

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type: string; action_id?: string }[];
  accessory?: { type: string; action_id?: string; value?: string };
  element?: {
    type: string;
    action_id?: string;
    options?: { value: string; text: { text: string } }[];
    initial_option?: { value: string };
  };
};

const blocksOf = (v: EmulatedView) => (v.view.blocks ?? []) as Block[];
const textOf = (v: EmulatedView) => mrkdwnTexts(v.view).join('\n');

let eventSeq = 0;
async function openHome(t: TestBot, userId: string): Promise<EmulatedView> {
  const before = t.slack.calls('views.publish').length;
  const res = await t.event({
    token: 'deprecated',
    team_id: TEAM.id,
    api_app_id: 'A0CRM',
    type: 'event_callback',
    event_id: `EvMap${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user: userId, channel: `D${userId}`, tab: 'home', event_ts: '1.0' },
  });
  expect(res.status).toBe(200);
  await vi.waitFor(() => expect(t.slack.calls('views.publish').length).toBeGreaterThan(before), {
    timeout: 5000,
  });
  await t.idle();
  return homeOf(t, userId);
}

function homeOf(t: TestBot, userId: string): EmulatedView {
  const view = [...t.slack.views.values()].find((v) => v.userId === userId && v.view.type === 'home');
  if (!view) throw new Error(`no home view published for ${userId}`);
  return view;
}

/** "Map a member…" in `adminId`'s Home tab: picks `memberId`; resolves with the filled modal. */
async function mapMember(t: TestBot, adminId: string, memberId: string): Promise<EmulatedView> {
  const home = homeOf(t, adminId);
  const updates = t.slack.calls('views.update').length;
  await t.interact(
    blockActionsPayload({
      user: { id: adminId, team_id: TEAM.id },
      actionId: ACTION.homeMapMember,
      blockId: BLOCK.homeMapMember,
      action: { type: 'users_select', selected_user: memberId, initial_user: undefined },
      view: { id: home.id },
    }),
  );
  await vi.waitFor(() => expect(t.slack.calls('views.update').length).toBeGreaterThan(updates), {
    timeout: 5000,
  });
  await t.idle();
  return latestModal(t);
}

function latestModal(t: TestBot): EmulatedView {
  const modal = [...t.slack.views.values()]
    .filter((v) => v.view.callback_id === CALLBACK.homeMapMemberModal)
    .at(-1);
  if (!modal) throw new Error('the mapping modal did not open');
  expect(validateView(modal.view)).toEqual([]);
  return modal;
}

const pickerOf = (modal: EmulatedView) =>
  blocksOf(modal).find((b) => b.block_id === BLOCK.homeMapAgileUser)?.element;

function submitModal(t: TestBot, modal: EmulatedView, userId: string, value: string, text?: string) {
  return t.interact(
    viewSubmissionPayload({
      callbackId: CALLBACK.homeMapMemberModal,
      id: modal.id,
      user: { id: userId, team_id: TEAM.id },
      privateMetadata: String(modal.view.private_metadata ?? ''),
      values: {
        [BLOCK.homeMapAgileUser]: {
          [ACTION.homeMapAgileUser]: { type: pickerOf(modal)?.type as 'static_select', value, text },
        },
      },
    }),
  );
}

describe('App Home mapping: a short list and "Map a member…" for everyone', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ users: [ALICE, RAJ, ...crowd, ZED], scheduler: { enabled: false } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    t.reset();
    await t.bot.deps.store.userLinks.deleteTeam(TEAM.id);
  });

  it('lists 20 members with a summary of all, and maps the 27th member through the modal', async () => {
    const home = await openHome(t, ALICE.id);
    expect(blocksOf(home).filter((b) => b.block_id?.startsWith(BLOCK.homeUserLinkPrefix))).toHaveLength(20);
    const text = textOf(home);
    expect(text).toContain('27 members · 0 by override · 0 by their Agile connection · 26 by Slack email');
    expect(text).toContain('7 more members not listed: use *Map a member…* above.');
    expect(text).not.toContain('Zz Last Member');
    const picker = blocksOf(home).find((b) => b.block_id === BLOCK.homeMapMember);
    expect(picker?.elements?.[0]).toMatchObject({ type: 'users_select', action_id: ACTION.homeMapMember });

    // The last member by name, far past the list: no email, so no match, and why.
    const modal = await mapMember(t, ALICE.id, ZED.id);
    const words = textOf(modal);
    expect(words).toContain('*Zz Last Member*');
    expect(words).toContain('*Matched to:* nobody');
    expect(words).toContain(
      'no override, no Agile connection of their own and no email on their Slack profile',
    );
    const select = pickerOf(modal);
    expect(select?.type).toBe('static_select');
    expect(select?.initial_option?.value).toBe('none');
    const raj = select?.options?.find((o) => o.text.text.includes('Raj Patel'));
    if (!raj) throw new Error('the modal lists the Agile users');

    const publishes = t.slack.calls('views.publish').length;
    const res = await submitModal(t, modal, ALICE.id, raj.value, raj.text.text);
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    await t.idle();
    expect(await t.bot.deps.store.userLinks.get(TEAM.id, ZED.id)).toMatchObject({
      agileEmail: RAJ.email,
      setBy: ALICE.id,
    });
    // The Home tab comes back with what changed and the new count.
    expect(t.slack.calls('views.publish').length).toBe(publishes + 1);
    const after = textOf(homeOf(t, ALICE.id));
    expect(after).toContain('*Zz Last Member* now maps to Raj Patel (raj.patel@example.com) (override)');
    expect(after).toContain('27 members · 1 by override');

    // The modal again: the override, and why.
    const again = await mapMember(t, ALICE.id, ZED.id);
    expect(textOf(again)).toContain('*Matched to:* Raj Patel (raj.patel@example.com)');
    expect(textOf(again)).toContain('*Why:* an admin’s override');
    expect(pickerOf(again)?.initial_option?.value).toBe(raj.value);

    // "No override" removes it.
    await submitModal(t, again, ALICE.id, 'none', 'No override');
    await t.idle();
    expect(await t.bot.deps.store.userLinks.get(TEAM.id, ZED.id)).toBeUndefined();
    expect(textOf(homeOf(t, ALICE.id))).toContain('*Zz Last Member*: no override any more');
    t.slack.assertNoViolations();
  });

  it("shows a member's own personal Agile connection in the list and in their modal", async () => {
    const sim = simulatorOf(t);
    // Raj connected himself as the sandbox's API user (Sam Sandbox), not as his Slack email's user.
    await t.bot.deps.accounts.connectPersonal(TEAM.id, {
      slackUserId: RAJ.id,
      email: sim.credentials.email,
      apiKey: sim.credentials.apiKey,
      connectedMs: Date.now(),
    });
    try {
      const home = await openHome(t, ALICE.id);
      const row = blocksOf(home).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}${RAJ.id}`);
      expect(row?.text?.text).toContain(`Sam Sandbox (${sim.credentials.email})`);
      expect(row?.text?.text).toContain('their Agile connection');
      expect(textOf(home)).toContain('1 by their Agile connection');
      // The admin's own row is still hers (the Slack email: she has no personal connection).
      const own = blocksOf(home).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}${ALICE.id}`);
      expect(own?.text?.text).toContain(`Alice Moreno (${ALICE.email})`);
      expect(own?.text?.text).toContain('Slack email');

      const modal = await mapMember(t, ALICE.id, RAJ.id);
      expect(textOf(modal)).toContain(`*Matched to:* Sam Sandbox (${sim.credentials.email})`);
      expect(textOf(modal)).toContain('*Why:* their own Agile connection');
      t.slack.assertNoViolations();
    } finally {
      await t.bot.deps.accounts.disconnectPersonal(TEAM.id, RAJ.id);
    }
  });

  it('a member cannot save a mapping (checked again on submit) nor list the Agile users', async () => {
    await openHome(t, ALICE.id);
    const modal = await mapMember(t, ALICE.id, ZED.id);
    const raj = pickerOf(modal)?.options?.find((o) => o.text.text.includes('Raj Patel'));
    if (!raj) throw new Error('the modal lists the Agile users');
    // Raj submits a copy of the admin's modal.
    const res = await submitModal(t, modal, RAJ.id, raj.value, raj.text.text);
    expect(res.json).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.homeMapAgileUser]: expect.stringContaining('Only workspace admins') },
    });
    await t.idle();
    expect(await t.bot.deps.store.userLinks.get(TEAM.id, ZED.id)).toBeUndefined();
    const options = await t.interact(
      blockSuggestionPayload({
        actionId: ACTION.homeMapAgileUser,
        blockId: BLOCK.homeMapAgileUser,
        value: 'raj',
        user: { id: RAJ.id, team_id: TEAM.id },
      }),
    );
    expect(options.json).toEqual({ options: [] });

    // A member opening the modal (a stale Home tab) is told why.
    await openHome(t, RAJ.id);
    const refused = await mapMember(t, RAJ.id, ZED.id);
    expect(textOf(refused)).toContain('Only workspace admins');
    expect(pickerOf(refused)).toBeUndefined();
    t.slack.assertNoViolations();
  });
});

// Users named by no contact, deal or task do not exist for the documented-only run (no api/users).
describe.skipIf(documentedOnlyRun())('App Home mapping past 100 Agile users', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ users: [ALICE, RAJ, ZED], scheduler: { enabled: false } });
    const sim = simulatorOf(t);
    for (let i = 0; i < 140; i++) {
      sim.state.users.push({
        id: nextId(sim.state),
        domain: 'sandbox',
        email: `seller${i}@example.com`,
        name: `Seller ${String(i).padStart(3, '0')}`,
        isAdmin: false,
        isAccountOwner: false,
      });
    }
  });
  afterAll(() => t.close());

  it('types ahead over every Agile user and saves the one picked; rows open the modal', async () => {
    const home = await openHome(t, ALICE.id);
    // No row picker can hold them all: each row opens the member's modal.
    const row = blocksOf(home).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}${RAJ.id}`);
    expect(row?.accessory).toMatchObject({ type: 'button', action_id: ACTION.homeMapMember, value: RAJ.id });

    const updates = t.slack.calls('views.update').length;
    await t.interact(
      blockActionsPayload({
        user: { id: ALICE.id, team_id: TEAM.id },
        actionId: ACTION.homeMapMember,
        blockId: `${BLOCK.homeUserLinkPrefix}${RAJ.id}`,
        action: { type: 'button', value: RAJ.id },
        view: { id: home.id },
      }),
    );
    await vi.waitFor(() => expect(t.slack.calls('views.update').length).toBeGreaterThan(updates), {
      timeout: 5000,
    });
    await t.idle();
    const modal = latestModal(t);
    expect(textOf(modal)).toContain('*Matched to:* Raj Patel (raj.patel@example.com)');
    expect(textOf(modal)).toContain('*Why:* the email on their Slack profile');
    expect(pickerOf(modal)).toMatchObject({
      type: 'external_select',
      action_id: ACTION.homeMapAgileUser,
      initial_option: { value: 'none' },
    });

    const load = (value: string) =>
      t.interact(
        blockSuggestionPayload({
          actionId: ACTION.homeMapAgileUser,
          blockId: BLOCK.homeMapAgileUser,
          value,
          user: { id: ALICE.id, team_id: TEAM.id },
          view: { id: modal.id, callbackId: CALLBACK.homeMapMemberModal },
        }),
      );
    type Options = { options: { value: string; text: { type: string; text: string } }[] };
    const all = (await load('')).json as Options;
    expect(all.options).toHaveLength(100);
    expect(all.options[0]?.value).toBe('none');
    const typed = (await load('seller 13')).json as Options;
    expect(typed.options.map((o) => o.text.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Seller 13${i} (seller13${i}@example.com)`),
    );
    // The last of 143 Agile users is reachable by typing.
    const last = (await load('SELLER 139')).json as Options;
    const pick = last.options[0];
    if (!pick) throw new Error('the type-ahead finds Seller 139');
    // Each answer fits a select (Block Kit limits on the options themselves).
    const asSelect = {
      type: 'modal',
      title: { type: 'plain_text', text: 'x' },
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'x' },
          accessory: { type: 'static_select', action_id: 'x', options: all.options },
        },
      ],
    };
    expect(validateView(asSelect)).toEqual([]);

    const res = await submitModal(t, modal, ALICE.id, pick.value, pick.text.text);
    expect(res.body).toBe('');
    await t.idle();
    expect(await t.bot.deps.store.userLinks.get(TEAM.id, RAJ.id)).toMatchObject({
      agileEmail: 'seller139@example.com',
    });
    // Raj's own Home tab now reads that Agile user.
    expect(textOf(await openHome(t, RAJ.id))).toContain('seller139@example.com (set by an admin)');
    t.slack.assertNoViolations();
  });
});
