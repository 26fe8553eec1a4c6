import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestTask } from '../../../src/features/digest/digest-model.js';
import { parseDigestTaskValue } from '../../../src/features/digest/views.js';
import type { HomeAdminData, HomeData, HomeDeal } from '../../../src/features/home/use-case.js';
import {
  buildHomeView,
  HOME_TASKS_MAX,
  parseUserLinkValue,
  slackUserOfLinkBlock,
} from '../../../src/features/home/views.js';
import { ACTION, BLOCK } from '../../../src/platform/slack/ids.js';
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

function admin(members: number, over: Partial<HomeAdminData> = {}): HomeAdminData {
  const agileUsers = Array.from({ length: 150 }, (_, i) => ({
    id: String(3000 + i),
    name: `Agile user ${i} ${'x'.repeat(80)}`,
    email: `user${i}@example.com`,
  }));
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
    agileUsers,
    ...over,
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
    const row = blocksOf(adminView).find((b) => b.block_id === `${BLOCK.homeUserLinkPrefix}U0`);
    expect(
      row?.type === 'section' &&
        row.accessory?.type === 'static_select' &&
        row.accessory.initial_option?.value,
    ).toBe('user:3000');
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
