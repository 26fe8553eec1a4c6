import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestTask } from '../../../src/features/digest/digest-model.js';
import { parseDigestTaskValue } from '../../../src/features/digest/views.js';
import type { HomeAdminData, HomeData, HomeDeal } from '../../../src/features/home/use-case.js';
import {
  buildAgileUserOptions,
  buildHomeView,
  buildMapMemberModal,
  decodeMapMemberMetadata,
  encodeMapMemberMetadata,
  HOME_TASKS_MAX,
  parseUserLinkValue,
  slackUserOfLinkBlock,
} from '../../../src/features/home/views.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { DEFAULT_SETTINGS } from '../../../src/platform/workspace/settings.js';
import { validateView } from '../../helpers/block-kit-validator.js';
import { mrkdwnTexts } from '../../helpers/blocks.js';

const now = new Date('2026-01-15T14:00:00Z');
const nowSec = Math.floor(now.getTime() / 1000);
const EVIL = '<!channel> & <https://evil.example|click> *Eve*';

function task(i: number, over: Partial<DigestTask> = {}): DigestTask {
  return {
    id: String(1000 + i),
    subject: `Call back customer ${i}`,
    type: 'CALL',
    priority: i % 3 === 0 ? 'HIGH' : 'NORMAL',
    dueEpochSec: nowSec + (i - 2) * 3600,
    ownerName: 'Ana',
    contactName: `Contact ${i}`,
    ...over,
  };
}

function deal(i: number, over: Partial<HomeDeal> = {}): HomeDeal {
  return { id: String(2000 + i), name: `Deal ${i}`, milestone: `Stage ${i % 4}`, value: 1000 * i, ...over };
}

function agileUsersOf(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: String(3000 + i),
    name: `Agile user ${i} ${'x'.repeat(80)}`,
    email: `user${i}@example.com`,
  }));
}

function admin(
  members: number,
  over: Partial<HomeAdminData> & { agileUserCount?: number } = {},
): HomeAdminData {
  const { agileUserCount = 150, ...rest } = over;
  const agileUsers = agileUsersOf(agileUserCount);
  return {
    settings: { ...DEFAULT_SETTINGS, guestsAllowed: true },
    rows: Array.from({ length: members }, (_, i) => ({
      slackUserId: `U${i}`,
      name: `Member ${i}`,
      identity: {
        email: `user${i}@example.com`,
        source: i === 0 ? ('override' as const) : ('slack' as const),
      },
      agileUser: agileUsers[i],
    })),
    moreMembers: 7,
    summary: { members: members + 7, override: 1, personal: 0, slack: members + 6, unmatched: 0 },
    agileUsers,
    ...rest,
  };
}

function data(over: Partial<HomeData> = {}): HomeData {
  return {
    userId: 'U0ANA',
    timeZone: 'Europe/Madrid',
    isAdmin: false,
    connection: {
      workspace: { domain: 'acme', email: 'api@acme.example.com' },
      personal: null,
      installerUserId: null,
    },
    agileDomain: 'acme',
    identity: { email: 'ana@acme.example.com', source: 'slack' },
    agile: {
      kind: 'loaded',
      data: { owner: { id: '1', name: 'Ana' }, tasks: [task(1), task(2)], deals: [deal(1), deal(2)] },
    },
    digests: [
      {
        channelId: 'C1',
        label: '#sales',
        time: '09:00',
        timeZone: 'Europe/Paris',
        weekdaysOnly: true,
        horizonDays: 3,
      },
    ],
    admin: null,
    ...over,
  };
}

const text = (view: unknown) => mrkdwnTexts(view).join('\n');
const blocksOf = (view: { blocks: unknown[] }) => view.blocks as KnownBlock[];

describe('buildHomeView', () => {
  it('shows my tasks with Complete / Snooze carrying the task and its due, and my deals with Move', () => {
    const view = buildHomeView(data(), now);
    expect(view.type).toBe('home');
    expect(validateView(view)).toEqual([]);
    const json = JSON.stringify(view);
    expect(json).toContain('Call back customer 1');
    // 1 hour before now: overdue, shown in Madrid time (UTC+1 in January).
    expect(text(view)).toContain('Due Thu 15 Jan, 14:00 (overdue)');
    const actions = blocksOf(view).find((b) => b.block_id === 'home_task:1001');
    const complete = actions?.type === 'actions' ? actions.elements[0] : undefined;
    expect(complete).toMatchObject({ action_id: ACTION.homeTaskComplete });
    const value = complete && 'value' in complete ? complete.value : undefined;
    expect(parseDigestTaskValue(value)).toEqual({ taskId: '1001', dueEpochSec: task(1).dueEpochSec });
    const moves = blocksOf(view).filter(
      (b) => b.type === 'section' && JSON.stringify(b.accessory ?? {}).includes(ACTION.dealMove),
    );
    expect(moves).toHaveLength(2);
    expect(text(view)).toContain('#sales: weekdays at 09:00');
  });

  it('offers members only their own connection buttons, admins the workspace ones and the admin sections', () => {
    const member = JSON.stringify(buildHomeView(data(), now));
    expect(member).toContain(ACTION.connectMe);
    expect(member).not.toContain(ACTION.disconnectWorkspace);
    expect(member).not.toContain(ACTION.homeSettings);
    const adminView = buildHomeView(data({ isAdmin: true, admin: admin(3) }), now);
    const json = JSON.stringify(adminView);
    expect(json).toContain(ACTION.disconnectWorkspace);
    expect(json).toContain(ACTION.homeSettings);
    expect(validateView(adminView)).toEqual([]);
    const settings = blocksOf(adminView).find((b) => b.block_id === 'home_settings');
    expect(JSON.stringify(settings)).toContain('"initial_options":[{');
    // "Map a member…": Slack's own member picker, whatever the number of members.
    const picker = blocksOf(adminView).find((b) => b.block_id === BLOCK.homeMapMember);
    expect(picker?.type === 'actions' && picker.elements[0]).toMatchObject({
      type: 'users_select',
      action_id: ACTION.homeMapMember,
    });
    expect(text(adminView)).toContain(
      '10 members · 1 by override · 0 by their Agile connection · 9 by Slack email',
    );
    expect(text(adminView)).toContain('7 more members not listed: use *Map a member…* above.');
    // 150 Agile users do not fit a row's picker: the row opens the member's modal instead.
    const row = blocksOf(adminView).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}U0`);
    expect(row?.type === 'section' && row.accessory).toMatchObject({
      type: 'button',
      action_id: ACTION.homeMapMember,
      value: 'U0',
    });
  });

  it('keeps a static picker on each row when every Agile user fits it (99 and "No override")', () => {
    const view = buildHomeView(data({ isAdmin: true, admin: admin(3, { agileUserCount: 99 }) }), now);
    expect(validateView(view)).toEqual([]);
    const row = blocksOf(view).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}U0`);
    const select =
      row?.type === 'section' && row.accessory?.type === 'static_select' ? row.accessory : undefined;
    expect(select?.options).toHaveLength(100);
    expect(select?.initial_option?.value).toBe('user:3000');
    const other = blocksOf(view).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}U1`);
    expect(
      other?.type === 'section' &&
        other.accessory?.type === 'static_select' &&
        other.accessory.initial_option?.value,
    ).toBe('none');
    const personal = buildHomeView(
      data({
        isAdmin: true,
        admin: admin(1, {
          agileUserCount: 3,
          rows: [
            { slackUserId: 'U9', name: 'Pat', identity: { email: 'user1@example.com', source: 'personal' } },
          ],
        }),
      }),
      now,
    );
    expect(text(personal)).toContain('*Pat* → no Agile user with user1@example.com · their Agile connection');
  });

  it('says why there are no tasks: Agile down, no Agile user, not connected', () => {
    const failed = buildHomeView(
      data({ agile: { kind: 'failed', error: 'the CRM could not be reached' } }),
      now,
    );
    expect(text(failed)).toContain('Could not load your tasks from Agile (the CRM could not be reached)');
    expect(validateView(failed)).toEqual([]);
    const noOwner = buildHomeView(data({ agile: { kind: 'loaded', data: { tasks: [], deals: [] } } }), now);
    expect(text(noOwner)).toContain('No Agile user has your email (ana@acme.example.com)');
    const notConnected = buildHomeView(
      data({
        agile: { kind: 'not_connected' },
        connection: { workspace: null, personal: null, installerUserId: null },
      }),
      now,
    );
    expect(text(notConnected)).toContain('not connected to Agile CRM yet');
    expect(JSON.stringify(notConnected)).not.toContain(ACTION.connectWorkspace);
  });

  it('escapes every CRM and Slack text', () => {
    const view = buildHomeView(
      data({
        isAdmin: true,
        agile: {
          kind: 'loaded',
          data: {
            owner: { id: '1', name: EVIL },
            tasks: [task(1, { subject: EVIL, contactName: EVIL })],
            deals: [deal(1, { name: EVIL, milestone: EVIL })],
          },
        },
        digests: [
          {
            channelId: 'C1',
            label: '#<!here>',
            time: '09:00',
            timeZone: 'UTC',
            weekdaysOnly: false,
            horizonDays: 1,
          },
        ],
        admin: admin(1, {
          rows: [{ slackUserId: 'U1', name: EVIL, identity: { email: '<!channel>@x.com', source: 'slack' } }],
        }),
      }),
      now,
    );
    for (const t of mrkdwnTexts(view)) {
      expect(t).not.toMatch(/<!channel>|<!here>|<https:/);
    }
    expect(text(view)).toContain('&lt;!channel&gt;');
  });

  it('stays within 100 blocks and every text limit with the most it can list', () => {
    const long = 'W'.repeat(5000);
    const view = buildHomeView(
      data({
        isAdmin: true,
        agile: {
          kind: 'loaded',
          data: {
            owner: { id: '1', name: long },
            tasks: Array.from({ length: 60 }, (_, i) => task(i, { subject: long, contactName: long })),
            deals: Array.from({ length: 60 }, (_, i) => deal(i, { name: long, milestone: `${long}${i}` })),
          },
        },
        digests: Array.from({ length: 40 }, (_, i) => ({
          channelId: `C${i}`,
          label: `#${long}`,
          time: '09:00',
          timeZone: 'UTC',
          weekdaysOnly: false,
          horizonDays: 3,
        })),
        admin: admin(20),
      }),
      now,
      `⚠️ ${long}`,
    );
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(validateView(view)).toEqual([]);
    const taskRows = blocksOf(view).filter((b) => b.block_id?.startsWith('home_task:'));
    expect(taskRows).toHaveLength(HOME_TASKS_MAX);
    expect(text(view)).toContain('48 more open tasks');
  });
});

describe('home values', () => {
  it('reads back the mapping pickers and rows', () => {
    expect(parseUserLinkValue('none')).toBeNull();
    expect(parseUserLinkValue('user:42')).toBe('42');
    expect(parseUserLinkValue('user:')).toBeUndefined();
    expect(parseUserLinkValue('42')).toBeUndefined();
    expect(parseUserLinkValue(undefined)).toBeUndefined();
    expect(slackUserOfLinkBlock(`${BLOCK.homeUserLinkPrefix}U1`)).toBe('U1');
    expect(slackUserOfLinkBlock(BLOCK.homeUserLinkPrefix)).toBeUndefined();
    expect(slackUserOfLinkBlock('other:U1')).toBeUndefined();
  });

  it('never throws, and gives back exactly the id a picker value carries', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), (value) => {
        const parsed = parseUserLinkValue(value);
        if (parsed === null) expect(value).toBe('none');
        else if (parsed !== undefined) expect(value).toBe(`user:${parsed}`);
      }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        expect(parseUserLinkValue(`user:${id}`)).toBe(id);
        expect(slackUserOfLinkBlock(`${BLOCK.homeUserLinkPrefix}${id}`)).toBe(id);
      }),
    );
  });
});

describe('the member mapping modal', () => {
  const member = { id: 'U7', name: EVIL };
  const inputOf = (view: { blocks: unknown[] }) =>
    (view.blocks as KnownBlock[]).find((b) => b.block_id === BLOCK.homeMapAgileUser);

  it('shows the current match and why, with every Agile user in a static select when they fit', () => {
    const users = agileUsersOf(99);
    const view = buildMapMemberModal({
      kind: 'loaded',
      member,
      identity: { email: 'user5@example.com', source: 'override' },
      agileUser: users[5],
      agileUsers: users,
    });
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe(CALLBACK.homeMapMemberModal);
    expect(decodeMapMemberMetadata(view.private_metadata)).toBe('U7');
    expect(text(view)).toContain('*Why:* an admin’s override');
    expect(text(view)).toContain('&lt;!channel&gt;');
    const input = inputOf(view);
    const select =
      input?.type === 'input' && input.element.type === 'static_select' ? input.element : undefined;
    expect(select?.options?.[0]?.value).toBe('none');
    expect(select?.options).toHaveLength(100);
    expect(select?.initial_option?.value).toBe('user:3005');
  });

  it('uses an external select with type-ahead past 99 Agile users, "No override" preselected', () => {
    const view = buildMapMemberModal({
      kind: 'loaded',
      member,
      identity: { email: 'pat@agile.example.com', source: 'personal' },
      agileUsers: agileUsersOf(250),
    });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).toContain('*Why:* their own Agile connection');
    expect(text(view)).toContain('nobody: no Agile user has pat@agile.example.com');
    const input = inputOf(view);
    expect(input?.type === 'input' && input.element).toMatchObject({
      type: 'external_select',
      action_id: ACTION.homeMapAgileUser,
      min_query_length: 0,
      initial_option: { value: 'none' },
    });
  });

  it('says there is no match, and offers no picker when the Agile users could not be read', () => {
    const view = buildMapMemberModal({
      kind: 'loaded',
      member,
      identity: null,
      agileUsers: [],
      agileUsersError: 'the CRM is not answering',
    });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).toContain('*Matched to:* nobody');
    expect(text(view)).toContain('no override, no Agile connection of their own and no email');
    expect(text(view)).toContain('Could not load the Agile users (the CRM is not answering)');
    expect(inputOf(view)).toBeUndefined();
    expect(view.submit).toBeUndefined();
  });

  it('answers the type-ahead with at most 100 options, "No override" first only when it matches', () => {
    const all = buildAgileUserOptions(agileUsersOf(150), '');
    expect(all.options).toHaveLength(100);
    expect(all.options[0]?.value).toBe('none');
    const typed = buildAgileUserOptions(agileUsersOf(2), 'user1');
    expect(typed.options.map((o) => o.value)).toEqual(['user:3000', 'user:3001']);
    expect(buildAgileUserOptions([], 'no ov').options.map((o) => o.value)).toEqual(['none']);
    expect(decodeMapMemberMetadata(encodeMapMemberMetadata('U1'))).toBe('U1');
    expect(decodeMapMemberMetadata('not json')).toBeUndefined();
  });
});
