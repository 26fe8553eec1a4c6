import { describe, expect, it } from 'vitest';
import {
  type DealSummary,
  fitMilestone,
  matchDealsByName,
  rankDeals,
} from '../../../src/features/pipeline/deal-search.js';
import type { Track } from '../../../src/platform/agile/index.js';

const track = (id: string, name: string, milestones: string): Track =>
  ({ id, name, milestones, milestoneList: milestones.split(',') }) as Track;
const TRACKS = [
  track('1', 'Sales', 'New,Prospect,Won,Lost'),
  track('2', 'Renewals', 'Upcoming,Renewed,Churned'),
];

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
