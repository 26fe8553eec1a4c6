import { describe, expect, it } from 'vitest';
import { createCachedSearch } from '../../../src/platform/cached-search.js';

describe('createCachedSearch', () => {
  it('shares one fetch per key, and answers from the stale cache within the budget when slow', async () => {
    let now = 0;
    let calls = 0;
    let delayMs = 0;
    const cs = createCachedSearch<string>({
      keyOf: (q) => q.toLowerCase(),
      ttlMs: 1000,
      now: () => new Date(now),
      fetch: async (q) => {
        calls += 1;
        await new Promise((r) => setTimeout(r, delayMs));
        return [`${q}-${calls}`];
      },
    });
    const [a, b] = await Promise.all([cs.search('X'), cs.search('x')]);
    expect(a).toEqual(b);
    expect(calls).toBe(1);
    now = 5000; // stale
    delayMs = 200;
    const slow = await cs.searchWithin('x', 20);
    expect(slow).toEqual({ items: ['X-1'], complete: false });
    await new Promise((r) => setTimeout(r, 250));
    expect((await cs.searchWithin('x', 20)).items).toEqual(['x-2']);
    expect(await cs.searchWithin('never', 10)).toEqual({ items: [], complete: false });
  });

  it('answers the fallback (or nothing) when the fetch fails', async () => {
    const cs = createCachedSearch<string>({
      keyOf: (q) => q,
      fetch: async () => {
        throw new Error('down');
      },
      fallback: () => ['from-fallback'],
    });
    expect(await cs.searchWithin('a', 100)).toEqual({ items: ['from-fallback'], complete: false });
  });
});
