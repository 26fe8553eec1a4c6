import { describe, expect, it } from 'vitest';
import {
  checkDealDraft,
  closeDateToEpochSec,
  type DealDraft,
  type DealSummary,
  dealFieldForError,
  fitMilestone,
  matchDealsByName,
  moveNote,
  rankDeals,
} from '../../../src/features/pipeline/deals.js';
import { AgileError, type Track } from '../../../src/platform/agile/index.js';
import { createCachedSearch } from '../../../src/platform/cached-search.js';

const track = (id: string, name: string, milestones: string): Track =>
  ({ id, name, milestones, milestoneList: milestones.split(',') }) as Track;
const TRACKS = [
  track('1', 'Sales', 'New,Prospect,Won,Lost'),
  track('2', 'Renewals', 'Upcoming,Renewed,Churned'),
];

const draft = (over: Partial<DealDraft> = {}): DealDraft => ({
  name: 'Deal',
  value: 100,
  trackId: '1',
  milestone: 'New',
  timeZone: 'UTC',
  contactIds: [],
  ...over,
});

describe('checkDealDraft', () => {
  it('builds the Agile input from a valid draft', () => {
    const r = checkDealDraft(
      draft({ probability: 40, closeDate: '2030-01-02', contactIds: ['9'], ownerId: '7' }),
      TRACKS,
    );
    expect(r).toEqual({
      ok: true,
      input: {
        name: 'Deal',
        expected_value: 100,
        milestone: 'New',
        pipeline_id: '1',
        probability: 40,
        close_date: Date.UTC(2030, 0, 2, 12) / 1000,
        owner_id: '7',
        contact_ids: ['9'],
      },
    });
  });

  it.each([
    [{ value: undefined }, 'value'],
    [{ value: -1 }, 'value'],
    [{ value: 1e12 + 1 }, 'value'],
    [{ value: Number.NaN }, 'value'],
    [{ probability: 101 }, 'probability'],
    [{ probability: 2.5 }, 'probability'],
    [{ name: '  ' }, 'name'],
    [{ trackId: '9' }, 'track'],
    [{ milestone: 'won' }, 'milestone'],
    [{ trackId: '2', milestone: 'Won' }, 'milestone'],
  ] as const)('refuses %o on %s', (over, field) => {
    const r = checkDealDraft(draft(over as Partial<DealDraft>), TRACKS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([field]);
  });

  it('accepts the documented maximum value and probability bounds', () => {
    expect(checkDealDraft(draft({ value: 1e12, probability: 100 }), TRACKS).ok).toBe(true);
    expect(checkDealDraft(draft({ value: 0, probability: 0 }), TRACKS).ok).toBe(true);
  });
});

describe('closeDateToEpochSec', () => {
  it('is noon of that day in the user’s zone', () => {
    expect(closeDateToEpochSec('2030-07-01', 'Asia/Tokyo')).toBe(Date.UTC(2030, 6, 1, 3) / 1000);
    expect(closeDateToEpochSec('2030-01-01', 'America/Los_Angeles')).toBe(Date.UTC(2030, 0, 1, 20) / 1000);
    expect(closeDateToEpochSec('bad', 'UTC')).toBeUndefined();
  });
});

describe('dealFieldForError', () => {
  const err = (reason: string) =>
    new AgileError({
      kind: 'invalid',
      message: 'Agile CRM answered 400',
      status: 400,
      reason,
    });
  it.each([
    ['expected_value should not exceed 1000000000000', 'value'],
    ['Invalid value for probability: 120', 'probability'],
    ["Milestone 'won' does not exist in track 'Sales'", 'milestone'],
    ['There is no track with id 5', 'track'],
    ['Contact not found with id 5', 'contact'],
    ['No domain user with id 5', 'owner'],
    ['close_date should be epoch seconds', 'closeDate'],
    ['something else', 'name'],
  ])('%s → %s', (reason, field) => {
    expect(dealFieldForError(err(reason))).toBe(field);
  });
});

describe('finding deals', () => {
  const d = (id: string, name: string, extra: Partial<DealSummary> = {}): DealSummary => ({
    id,
    name,
    touchedSec: 0,
    ...extra,
  });
  const deals = [
    d('1', 'Acme pilot', { ownerId: 'u1', touchedSec: 10 }),
    d('2', 'Acme renewal', { ownerId: 'u2', touchedSec: 50 }),
    d('3', 'Big Acme deal', { ownerId: 'u2', touchedSec: 99 }),
    d('4', 'Acme', { touchedSec: 1 }),
    d('5', 'Globex'),
  ];

  it('ranks exact name, then name start, then recent, own, recently updated', () => {
    expect(rankDeals('acme', deals).map((x) => x.id)).toEqual(['4', '2', '1', '3']);
    expect(rankDeals('acme', deals, { ownerId: 'u1' }).map((x) => x.id)).toEqual(['4', '1', '2', '3']);
    expect(rankDeals('', deals, { recentIds: ['5'] }).map((x) => x.id)[0]).toBe('5');
    expect(rankDeals('ACMÉ PIL', deals).map((x) => x.id)).toEqual(['1']);
  });

  it('matches a typed name exactly (any case) before containing', () => {
    expect(matchDealsByName('ACME', deals).map((x) => x.id)).toEqual(['4']);
    expect(matchDealsByName('acme r', deals).map((x) => x.id)).toEqual(['2']);
    expect(matchDealsByName('acm', deals).map((x) => x.id)).toEqual(['1', '2', '3', '4']);
    expect(matchDealsByName('nothing', deals)).toEqual([]);
  });

  it('keeps only deals whose own track has the milestone (any case); none → each track’s milestones', () => {
    const onTracks = [
      d('1', 'Acme pilot', { trackId: '1' }),
      d('2', 'Acme renewal', { trackId: '2' }),
      d('3', 'Acme old', { trackId: '0' }), // no track of its own: the default (first) one, Sales
      d('4', 'Acme gone', { trackId: '99' }), // its track no longer exists: never offered
      d('5', 'Acme unknown'), // track not known here: kept, the move re-checks
    ];
    const ids = (fit: ReturnType<typeof fitMilestone>) =>
      fit.kind === 'fit' ? fit.deals.map((x) => x.id) : [];
    expect(ids(fitMilestone(onTracks, TRACKS, 'won'))).toEqual(['1', '3', '5']);
    expect(ids(fitMilestone(onTracks, TRACKS, 'RENEWED'))).toEqual(['2', '5']);
    expect(fitMilestone(onTracks.slice(0, 4), TRACKS, 'Closed')).toEqual({
      kind: 'none',
      tracks: [
        { name: 'Sales', milestones: ['New', 'Prospect', 'Won', 'Lost'] },
        { name: 'Renewals', milestones: ['Upcoming', 'Renewed', 'Churned'] },
      ],
    });
  });
});

describe('moveNote', () => {
  it('writes the reason, the note and who moved it; nothing when both are empty', () => {
    const n = moveNote(
      { dealId: '1', milestone: 'Lost', reason: 'Budget', note: 'Q3', actorName: 'Alice' },
      'New',
      'Lost',
    );
    expect(n?.description).toBe('Reason: Budget\n\nQ3\n\nMoved from New to Lost from Slack by Alice.');
    expect(moveNote({ dealId: '1', milestone: 'Won', actorName: 'A' }, 'New', 'Won')).toBeUndefined();
  });
});

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
