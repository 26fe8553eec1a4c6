import { describe, expect, it } from 'vitest';
import {
  defaultTrack,
  isLostMilestone,
  matchMilestone,
  trackOfDeal,
} from '../../../src/features/pipeline/milestones.js';
import type { Track } from '../../../src/platform/agile/index.js';

const track = (id: string, name: string, milestones: string, extra: Record<string, unknown> = {}): Track =>
  ({ id, name, milestones, milestoneList: milestones.split(','), ...extra }) as Track;
const SALES = track('11', 'Sales', 'New,Prospect,Won,Lost');
const RENEWALS = track('22', 'Renewals', 'Upcoming,Renewed,Churned');

describe('milestones', () => {
  it('matches a typed milestone to the track’s exact spelling, case-insensitively', () => {
    expect(matchMilestone(SALES, 'won')).toBe('Won');
    expect(matchMilestone(SALES, ' LOST ')).toBe('Lost');
    expect(matchMilestone(SALES, 'Churned')).toBeUndefined();
    const odd = track('3', 'Odd', 'won,Won');
    expect(matchMilestone(odd, 'Won')).toBe('Won');
  });

  it('finds the deal’s track, or the default one when it has none', () => {
    expect(trackOfDeal({ pipeline_id: '22' }, [SALES, RENEWALS])).toEqual({
      track: RENEWALS,
      defaulted: false,
    });
    expect(trackOfDeal({ pipeline_id: undefined }, [SALES, RENEWALS])).toEqual({
      track: SALES,
      defaulted: true,
    });
    expect(trackOfDeal({ pipeline_id: '0' }, [SALES, RENEWALS])).toEqual({ track: SALES, defaulted: true });
    expect(trackOfDeal({ pipeline_id: '99' }, [SALES])).toBeUndefined();
    const named = track('5', 'Default', 'Open,Won');
    expect(defaultTrack([SALES, named])).toBe(named);
  });

  it('knows lost milestones by the track’s marker, else by name', () => {
    expect(isLostMilestone(SALES, 'Lost')).toBe(true);
    expect(isLostMilestone(RENEWALS, 'Churned')).toBe(true);
    expect(isLostMilestone(SALES, 'Won')).toBe(false);
    const marked = track('7', 'Custom', 'Open,Dropped,Closed lost', { lost_milestone: 'Dropped' });
    expect(isLostMilestone(marked, 'Dropped')).toBe(true);
    expect(isLostMilestone(marked, 'Closed lost')).toBe(false);
  });
});
