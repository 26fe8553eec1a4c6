import { describe, expect, it } from 'vitest';
import { startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import {
  type AgileClient,
  AgileError,
  type AgileErrorKind,
  type DomainUser,
} from '../../../src/platform/agile/index.js';
import { createOwnerDirectory, endpointMissing } from '../../../src/platform/agile/owner-directory.js';
import { clientFor, requestsTo } from './sim.js';

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

  it('default owner: the Agile user with the Slack email, else the API user, never a throw', async () => {
    const owners = createOwnerDirectory(fakeAgile().agile);
    expect(await owners.defaultFor('ALICE@x.example')).toBe(alice);
    expect(await owners.defaultFor('bob@x.example')).toBe(api);
    expect(await owners.defaultFor(undefined)).toBe(api);
    const down = fakeAgile();
    down.faults.list = true;
    expect(await createOwnerDirectory(down.agile).defaultFor('alice@x.example')).toBeUndefined();
  });

  it('byEmail without an email is undefined, without a read', async () => {
    const { agile, calls } = fakeAgile();
    expect(await createOwnerDirectory(agile).byEmail(undefined)).toBeUndefined();
    expect(calls.list).toBe(0);
  });
});

describe('owner directory without api/users (an Agile that serves only the documented endpoints)', () => {
  it('gathers the owners named on deals, tasks and contacts, and asks api/users only once', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const sim = await startAgileSimulator({ undocumented: false });
    try {
      const owners = createOwnerDirectory(clientFor(sim), () => new Date(clock), {
        apiEmail: sim.credentials.email,
      });
      const listed = await owners.list();
      expect(listed.map((u) => u.email).sort()).toEqual(sim.state.users.map((u) => u.email).sort());
      const alice = sim.state.users.find((u) => u.email !== sim.credentials.email);
      expect((await owners.byEmail(alice?.email.toUpperCase()))?.id).toBe(alice?.id);
      // The API user: the gathered owner with AGILE_EMAIL, current-user being missing too.
      expect((await owners.apiUser())?.email).toBe(sim.credentials.email);
      expect((await owners.apiUser())?.email).toBe(sim.credentials.email);
      expect(requestsTo(sim, 'GET', '/dev/api/users').map((r) => [r.path, r.status])).toEqual([
        ['/dev/api/users', 404],
        ['/dev/api/users/current-user', 404],
      ]);
      clock += 11 * 60_000;
      const deals = requestsTo(sim, 'GET', '/dev/api/opportunity').length;
      expect(await owners.list()).toHaveLength(listed.length);
      expect(requestsTo(sim, 'GET', '/dev/api/opportunity').length).toBe(deals + 1);
      expect(requestsTo(sim, 'GET', '/dev/api/users')).toHaveLength(2);
    } finally {
      await sim.close();
    }
  });

  it('the API user is undefined when no gathered owner has AGILE_EMAIL', async () => {
    const sim = await startAgileSimulator({ undocumented: false, seed: false });
    try {
      const owners = createOwnerDirectory(clientFor(sim), () => new Date(), {
        apiEmail: sim.credentials.email,
      });
      expect(await owners.list()).toEqual([]);
      expect(await owners.apiUser()).toBeUndefined();
    } finally {
      await sim.close();
    }
  });

  it('re-reads api/users after a 5xx (not "missing"), falling back meanwhile; throws when everything fails', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const sim = await startAgileSimulator();
    try {
      const owners = createOwnerDirectory(clientFor(sim, { retries: 0 }), () => new Date(clock));
      sim.faults.failNext(1, 503);
      expect((await owners.list()).length).toBe(sim.state.users.length);
      clock += 11 * 60_000;
      await owners.list();
      expect(requestsTo(sim, 'GET', '/dev/api/users').map((r) => r.status)).toEqual([503, 200]);
      clock += 11 * 60_000;
      sim.faults.failNext(4, 503);
      await expect(owners.list()).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      await sim.close();
    }
  });
});

describe('endpointMissing', () => {
  it('is true for 404, 403, 405 and unreadable answers; false for 401, 429, 5xx and other errors', () => {
    const err = (kind: AgileErrorKind, status?: number) =>
      new AgileError({ kind, status, message: 'x', request: { method: 'GET', path: 'api/users' } });
    expect(endpointMissing(err('not_found', 404))).toBe(true);
    expect(endpointMissing(err('auth', 403))).toBe(true);
    expect(endpointMissing(err('bad_response', 405))).toBe(true);
    expect(endpointMissing(err('bad_response'))).toBe(true);
    expect(endpointMissing(err('auth', 401))).toBe(false);
    expect(endpointMissing(err('rate_limited', 429))).toBe(false);
    expect(endpointMissing(err('unavailable', 503))).toBe(false);
    expect(endpointMissing(new Error('down'))).toBe(false);
  });
});
