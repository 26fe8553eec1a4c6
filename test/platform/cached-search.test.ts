import { describe, expect, it } from 'vitest';
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
});
