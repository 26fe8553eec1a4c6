import { describe, expect, it } from 'vitest';
import { createDealDirectory } from '../../../src/features/pipeline/deal-directory.js';
import type { AgileClient, Deal, Track } from '../../../src/platform/agile/index.js';

const SALES = { id: '1', name: 'Sales', milestones: 'New,Won', milestoneList: ['New', 'Won'] } as Track;

function fakeAgile(deals: Partial<Deal>[] = []) {
  const calls = { tracks: 0 };
  let failTracks = false;
  const agile = {
    tracks: {
      list: async () => {
        calls.tracks += 1;
        if (failTracks) throw new Error('down');
        return [SALES];
      },
    },
    deals: {
      iterate: async function* () {
        yield* deals as Deal[];
      },
      mine: async () => [] as Deal[],
    },
  } as unknown as AgileClient;
  return { agile, calls, failTracks: (v: boolean) => (failTracks = v) };
}

describe('the deal directory', () => {
  it('reads the tracks once a minute (clock injected), shares a read, and never caches a failure', async () => {
    let now = 1_000_000;
    const { agile, calls, failTracks } = fakeAgile();
    const dir = createDealDirectory(agile, () => new Date(now));
    await Promise.all([dir.tracks(), dir.tracks()]);
    expect(calls.tracks).toBe(1);
    now += 59_000;
    await dir.tracks();
    expect(calls.tracks).toBe(1);
    now += 2_000;
    failTracks(true);
    await expect(dir.tracks()).rejects.toThrow('down');
    failTracks(false);
    expect(await dir.tracks()).toEqual([SALES]);
    expect(calls.tracks).toBe(3);
  });

  it('lays the bot’s own writes over the listing for a minute, and ranks them first for their user', async () => {
    let now = 1_000_000;
    const { agile } = fakeAgile([{ id: '1', name: 'Acme', milestone: 'New' }]);
    const dir = createDealDirectory(agile, () => new Date(now));
    dir.touched('U1', { id: '1', milestone: 'Won' });
    dir.touched('U1', { id: '2', name: 'Brand new', milestone: 'New' });
    const fresh = await dir.fresh();
    expect(fresh.find((d) => d.id === '1')?.milestone).toBe('Won');
    expect(fresh.map((d) => d.id)).toContain('2');
    expect(dir.recentFor('U1')).toEqual(['2', '1']);
    expect((await dir.searchWithin('', 1000, { recentIds: dir.recentFor('U1') })).deals[0]?.id).toBe('2');
    now += 61_000;
    const later = await dir.fresh();
    expect(later.find((d) => d.id === '1')?.milestone).toBe('New');
    expect(later.map((d) => d.id)).not.toContain('2');
  });
});
