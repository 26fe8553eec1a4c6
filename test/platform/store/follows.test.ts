import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FollowInput, openStore, type Store } from '../../../src/platform/store/index.js';
import { storeTargets } from '../../helpers/store-targets.js';

const targets = await storeTargets('follows', 'follows');

const input = (over: Partial<FollowInput> = {}): FollowInput => ({
  teamId: 'T1',
  channelId: 'C1',
  kind: 'deal',
  recordId: '101',
  label: 'Acme renewal',
  createdBy: 'U1',
  ...over,
});

describe.each(targets)('follows store: %s', (_name, fresh) => {
  let store: Store;
  let other: Store;
  let t = Date.parse('2026-03-10T08:00:00Z');
  const now = () => new Date(t);
  beforeEach(async () => {
    const db = await fresh();
    store = await openStore(db, { now });
    other = await openStore(db, { now });
  });
  afterEach(async () => {
    await store.close();
    await other.close();
  });

  it('adds a follow once per channel and record, and lists the channel and the active ones', async () => {
    const first = await store.follows.add(input());
    expect(first).not.toBeNull();
    expect(await other.follows.add(input({ label: 'again' }))).toBeNull();
    expect(await store.follows.add(input({ channelId: 'C2' }))).not.toBeNull();
    t += 1000;
    expect(await store.follows.add(input({ kind: 'ticket' }))).not.toBeNull();
    expect((await store.follows.listForChannel('T1', 'C1')).map((f) => f.kind)).toEqual(['deal', 'ticket']);
    // Not announced yet: the poller leaves it alone.
    expect(await store.follows.listActive()).toEqual([]);
    await store.follows.setThread(first?.id ?? '', '111.222');
    const active = await store.follows.listActive();
    expect(active.map((f) => [f.id, f.threadTs])).toEqual([[first?.id, '111.222']]);
    expect(await store.follows.find('T1', 'C1', 'deal', '101')).toMatchObject({ label: 'Acme renewal' });
  });

  it('claims each (follow, slot) for exactly one instance', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      const f = await store.follows.add(input({ recordId: String(i) }));
      ids.push(f?.id ?? '');
    }
    const [a, b] = await Promise.all([
      store.follows.claimPolls(ids, 7, 'a'),
      other.follows.claimPolls(ids, 7, 'b'),
    ]);
    expect(a.length + b.length).toBe(250);
    expect(new Set([...a, ...b]).size).toBe(250);
    expect(await store.follows.claimPolls(ids, 7, 'c')).toEqual([]);
    expect((await store.follows.claimPolls(ids, 8, 'c')).length).toBe(250);
    t += 60_000;
    expect(await store.follows.purgePollsBefore(t)).toBe(500);
  });

  it('keeps the latest slot’s snapshot and removes a follow once', async () => {
    const f = await store.follows.add(input());
    const id = f?.id ?? '';
    expect(await store.follows.saveSnapshot(id, 5, '{"v":5}')).toBe(true);
    expect(await store.follows.saveSnapshot(id, 4, '{"v":4}')).toBe(false);
    expect(await store.follows.saveSnapshot(id, 6, '{"v":6}')).toBe(true);
    expect(await store.follows.get(id)).toMatchObject({ snapshotJson: '{"v":6}', snapshotSlot: 6 });
    await store.follows.claimPolls([id], 6, 'a');
    const removed = await Promise.all([store.follows.remove(id), other.follows.remove(id)]);
    expect(removed.filter(Boolean)).toHaveLength(1);
    expect(await store.follows.get(id)).toBeUndefined();
    expect(await store.follows.saveSnapshot(id, 7, '{}')).toBe(false);
  });
});
