import { describe, expect, it } from 'vitest';
import { createHomeAgileCache, HOME_CACHE_TTL_MS } from '../../../src/features/home/home-cache.js';
import type { HomeAgileData } from '../../../src/features/home/use-case.js';
import { isHomeAdmin } from '../../../src/features/home/use-case.js';

function clock() {
  let ms = Date.parse('2026-01-15T10:00:00Z');
  return { now: () => new Date(ms), advance: (d: number) => (ms += d) };
}

const data = (n: number): HomeAgileData => ({ owner: { id: String(n), name: 'x' }, tasks: [], deals: [] });

describe('createHomeAgileCache', () => {
  it('reads once a minute per team and user, again after the minute', async () => {
    const c = clock();
    const cache = createHomeAgileCache(c.now);
    let reads = 0;
    const read = async () => data(++reads);
    for (let i = 0; i < 5; i++) await cache.get('T1', 'U1', 'a@x.com', read);
    expect(reads).toBe(1);
    await cache.get('T2', 'U1', 'a@x.com', read);
    await cache.get('T1', 'U2', 'b@x.com', read);
    expect(reads).toBe(3);
    c.advance(HOME_CACHE_TTL_MS - 1);
    await cache.get('T1', 'U1', 'a@x.com', read);
    expect(reads).toBe(3);
    c.advance(2);
    expect((await cache.get('T1', 'U1', 'a@x.com', read)).owner?.id).toBe('4');
  });

  it('reads again when the Agile email changed, after forget, and after a failed read', async () => {
    const cache = createHomeAgileCache(clock().now);
    let reads = 0;
    const read = async () => data(++reads);
    await cache.get('T1', 'U1', 'a@x.com', read);
    await cache.get('T1', 'U1', 'override@x.com', read);
    expect(reads).toBe(2);
    cache.forget('T1', 'U1');
    await cache.get('T1', 'U1', 'override@x.com', read);
    expect(reads).toBe(3);
    cache.forget('T1', 'U1');
    await expect(cache.get('T1', 'U1', 'a@x.com', () => Promise.reject(new Error('down')))).rejects.toThrow();
    await cache.get('T1', 'U1', 'a@x.com', read);
    expect(reads).toBe(4);
  });

  it('shares one read between opens at the same moment', async () => {
    const cache = createHomeAgileCache(clock().now);
    let reads = 0;
    const read = () => new Promise<HomeAgileData>((r) => setTimeout(() => r(data(++reads)), 10));
    await Promise.all([1, 2, 3].map(() => cache.get('T1', 'U1', 'a@x.com', read)));
    expect(reads).toBe(1);
  });
});

it('does not keep a read that was under way when the entry was forgotten', async () => {
  const cache = createHomeAgileCache(clock().now);
  let reads = 0;
  const read = () => new Promise<HomeAgileData>((r) => setTimeout(() => r(data(++reads)), 10));
  const pending = cache.get('T1', 'U1', 'a@x.com', read);
  cache.forget('T1', 'U1');
  await pending;
  await cache.get('T1', 'U1', 'a@x.com', read);
  expect(reads).toBe(2);
});

it("forgetTeam drops that team's members only", async () => {
  const cache = createHomeAgileCache(clock().now);
  let reads = 0;
  const read = async () => data(++reads);
  await cache.get('T1', 'U1', 'a@x.com', read);
  await cache.get('T1', 'U2', 'b@x.com', read);
  await cache.get('T10', 'U1', 'a@x.com', read);
  cache.forgetTeam('T1');
  await cache.get('T10', 'U1', 'a@x.com', read);
  expect(reads).toBe(3);
  await cache.get('T1', 'U1', 'a@x.com', read);
  await cache.get('T1', 'U2', 'b@x.com', read);
  expect(reads).toBe(5);
});

describe('isHomeAdmin', () => {
  const connection = (installerUserId: string | null) => ({
    connection: { workspace: null, personal: null, installerUserId },
  });
  it('admins and owners (users.info), and the installing user', () => {
    expect(isHomeAdmin(connection(null), 'U1', { isAdmin: true })).toBe(true);
    expect(isHomeAdmin(connection('U1'), 'U1', { isAdmin: false })).toBe(true);
    expect(isHomeAdmin(connection('U2'), 'U1', { isAdmin: false })).toBe(false);
    expect(isHomeAdmin(connection(null), 'U1', { isAdmin: false })).toBe(false);
  });
});
