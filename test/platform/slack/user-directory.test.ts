import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSlackUserDirectory } from '../../../src/platform/slack/user-directory.js';

const logger = pino({ level: 'silent' });

function fakeClient() {
  const calls = { info: 0, lookup: 0 };
  const faults: { info?: unknown; lookup?: unknown } = {};
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        calls.info++;
        if (faults.info) throw faults.info;
        return {
          user: {
            id: user,
            real_name: 'Ada Lovelace',
            tz: 'Europe/London',
            is_owner: true,
            profile: { email: 'ada@x.example' },
          },
        };
      },
      lookupByEmail: async ({ email }: { email: string }) => {
        calls.lookup++;
        if (faults.lookup) throw faults.lookup;
        if (email !== 'ada@x.example')
          throw Object.assign(new Error('x'), { data: { error: 'users_not_found' } });
        return { user: { id: 'U0ADA' } };
      },
    },
  } as unknown as WebClient;
  return { client, calls, faults };
}

describe('Slack user directory', () => {
  it('caches a profile for 15 minutes of the injected clock, concurrent callers sharing one call', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const { client, calls } = fakeClient();
    const users = createSlackUserDirectory(client, logger, () => new Date(clock));
    const [a] = await Promise.all([users.profile('U0ADA'), users.profile('U0ADA')]);
    expect(a).toEqual({
      id: 'U0ADA',
      name: 'Ada Lovelace',
      timeZone: 'Europe/London',
      email: 'ada@x.example',
      isAdmin: true,
      isOwner: true,
      isRestricted: false,
      isUltraRestricted: false,
      isStranger: false,
    });
    clock += 14 * 60_000;
    await users.profile('U0ADA');
    expect(calls.info).toBe(1);
    clock += 2 * 60_000;
    await users.profile('U0ADA');
    expect(calls.info).toBe(2);
  });

  it('a failed users.info degrades to UTC and the id, and is not cached', async () => {
    const { client, calls, faults } = fakeClient();
    const users = createSlackUserDirectory(client, logger);
    faults.info = new Error('ratelimited');
    expect(await users.profile('U0ADA')).toEqual({
      id: 'U0ADA',
      name: 'U0ADA',
      timeZone: 'UTC',
      isAdmin: false,
      isOwner: false,
      isRestricted: false,
      isUltraRestricted: false,
      isStranger: false,
    });
    faults.info = undefined;
    expect((await users.profile('U0ADA')).timeZone).toBe('Europe/London');
    expect(calls.info).toBe(2);
  });

  it('reads guests, owners and another organisation’s users from users.info', async () => {
    const client = {
      users: {
        info: async () => ({
          user: {
            id: 'U0EXT',
            team_id: 'T0OTHER',
            is_restricted: true,
            is_ultra_restricted: true,
            is_stranger: true,
            is_primary_owner: true,
          },
        }),
      },
    } as unknown as WebClient;
    const users = createSlackUserDirectory(client, logger);
    expect(await users.profile('U0EXT')).toMatchObject({
      teamId: 'T0OTHER',
      isRestricted: true,
      isUltraRestricted: true,
      isStranger: true,
      isOwner: true,
      isAdmin: false,
    });
  });

  it('caches hits and misses by email (any case), but not failures', async () => {
    const { client, calls, faults } = fakeClient();
    const users = createSlackUserDirectory(client, logger);
    expect(await users.userIdForEmail(' ADA@x.example ')).toBe('U0ADA');
    expect(await users.userIdForEmail('ada@x.example')).toBe('U0ADA');
    expect(await users.userIdForEmail('nobody@x.example')).toBeUndefined();
    expect(await users.userIdForEmail('nobody@x.example')).toBeUndefined();
    expect(calls.lookup).toBe(2);
    faults.lookup = new Error('down');
    expect(await users.userIdForEmail('eve@x.example')).toBeUndefined();
    faults.lookup = undefined;
    await users.userIdForEmail('eve@x.example');
    expect(calls.lookup).toBe(4);
  });
});
