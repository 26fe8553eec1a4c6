import { describe, expect, it } from 'vitest';
import type { AgileClient, DomainUser } from '../../../src/platform/agile/index.js';
import { createOwnerDirectory } from '../../../src/platform/agile/owner-directory.js';

const alice = { id: '1', email: 'Alice@x.example', name: 'Alice' } as DomainUser;
const api = { id: '9', email: 'api@x.example', name: 'API' } as DomainUser;

function fakeAgile() {
  const calls = { list: 0, current: 0 };
  const faults = { list: false, current: false };
  const agile = {
    users: {
      list: async () => {
        calls.list++;
        if (faults.list) throw new Error('down');
        return [alice, api];
      },
      current: async () => {
        calls.current++;
        if (faults.current) throw new Error('down');
        return api;
      },
    },
  } as unknown as AgileClient;
  return { agile, calls, faults };
}

describe('owner directory', () => {
  it('reads the users once per 10 minutes of the injected clock, concurrent callers sharing one read', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const { agile, calls } = fakeAgile();
    const owners = createOwnerDirectory(agile, () => new Date(clock));
    await Promise.all([owners.list(), owners.list(), owners.byEmail('alice@x.example')]);
    expect(calls.list).toBe(1);
    clock += 9 * 60_000;
    expect(await owners.byEmail('ALICE@X.EXAMPLE')).toBe(alice);
    expect(calls.list).toBe(1);
    clock += 2 * 60_000;
    await owners.list();
    expect(calls.list).toBe(2);
  });

  it('keeps no failed read: the next call asks again', async () => {
    const { agile, calls, faults } = fakeAgile();
    const owners = createOwnerDirectory(agile);
    faults.list = true;
    await expect(owners.list()).rejects.toThrow('down');
    faults.list = false;
    expect(await owners.list()).toEqual([alice, api]);
    expect(calls.list).toBe(2);
  });

  it('the API user: read once, undefined (never a throw) on failure, then asked again', async () => {
    const { agile, calls, faults } = fakeAgile();
    const owners = createOwnerDirectory(agile);
    faults.current = true;
    expect(await owners.apiUser()).toBeUndefined();
    faults.current = false;
    expect(await owners.apiUser()).toBe(api);
    expect(await owners.apiUser()).toBe(api);
    expect(calls.current).toBe(2);
  });

  it('byEmail without an email is undefined, without a read', async () => {
    const { agile, calls } = fakeAgile();
    expect(await createOwnerDirectory(agile).byEmail(undefined)).toBeUndefined();
    expect(calls.list).toBe(0);
  });
});
