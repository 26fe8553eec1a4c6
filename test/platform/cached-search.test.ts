import { describe, expect, it, vi } from 'vitest';
import { createCachedSearch } from '../../src/platform/cached-search.js';

describe('createCachedSearch (lru-cache)', () => {
  it('expires by the injected clock, even one starting at the epoch', async () => {
    let now = 0;
    let calls = 0;
    const cs = createCachedSearch<number>({
      keyOf: (q) => q,
      ttlMs: 1000,
      now: () => new Date(now),
      fetch: async () => [++calls],
    });
    expect(await cs.search('a')).toEqual([1]);
    now = 999;
    expect(await cs.search('a')).toEqual([1]);
    now = 2000;
    expect(await cs.search('a')).toEqual([2]);
  });

  it('a failed refresh answers the stale list (incomplete) and keeps it; with nothing cached it fails', async () => {
    let now = 1;
    let down = false;
    const cs = createCachedSearch<string>({
      keyOf: (q) => q,
      ttlMs: 1000,
      now: () => new Date(now),
      fetch: async (q) => {
        if (down) throw new Error('down');
        return [q];
      },
    });
    await cs.search('a');
    down = true;
    now = 5000;
    expect(await cs.searchWithin('a', 100)).toEqual({ items: ['a'], complete: false });
    expect(await cs.searchWithin('a', 100)).toEqual({ items: ['a'], complete: false });
    await expect(cs.search('b')).rejects.toThrow('down');
    cs.prefetch('b');
  });

  it('shares one fetch per key, and answers from the stale cache within the budget while a refresh is slow', async () => {
    let now = 1;
    let calls = 0;
    let release: (() => void) | undefined;
    const cs = createCachedSearch<string>({
      keyOf: (q) => q.toLowerCase(),
      ttlMs: 1000,
      now: () => new Date(now),
      fetch: async (q) => {
        calls += 1;
        const n = calls;
        if (n > 1) await new Promise<void>((r) => (release = r));
        return [`${q}-${n}`];
      },
    });
    const [a, b] = await Promise.all([cs.search('X'), cs.search('x')]);
    expect(a).toEqual(b);
    expect(calls).toBe(1);
    now = 5000; // stale
    expect(await cs.searchWithin('x', 20)).toEqual({ items: ['X-1'], complete: false });
    expect(calls).toBe(2);
    release?.();
    await vi.waitFor(async () => expect((await cs.searchWithin('x', 20)).items).toEqual(['x-2']));
    expect(calls).toBe(2);
  });

  it('answers the fallback (or nothing) when the fetch fails', async () => {
    const failing = (fallback?: () => string[]) =>
      createCachedSearch<string>({
        keyOf: (q) => q,
        fetch: async () => {
          throw new Error('down');
        },
        ...(fallback ? { fallback } : {}),
      });
    expect(await failing(() => ['from-fallback']).searchWithin('a', 100)).toEqual({
      items: ['from-fallback'],
      complete: false,
    });
    expect(await failing().searchWithin('a', 100)).toEqual({ items: [], complete: false });
  });
});
