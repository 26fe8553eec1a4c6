import { describe, expect, it } from 'vitest';
import { closeDateToEpochSec, type DealDraft, toDealInput } from '../../../src/features/deal/use-case.js';

const SALES = { id: '1', name: 'Sales', milestones: ['New', 'Won'] };

describe('toDealInput', () => {
  it('builds the Agile input from a draft, leaving out what was not given', () => {
    const draft: DealDraft = {
      name: 'Deal',
      value: 100,
      probability: 40,
      track: SALES,
      milestone: 'New',
      closeDate: '2030-01-02',
      contactIds: ['9'],
      ownerId: '7',
    };
    expect(toDealInput(draft, 'UTC')).toEqual({
      name: 'Deal',
      expected_value: 100,
      milestone: 'New',
      pipeline_id: '1',
      probability: 40,
      close_date: Date.UTC(2030, 0, 2, 12) / 1000,
      owner_id: '7',
      contact_ids: ['9'],
    });
    // close_date is mandatory in the reference's deal field table: 30 days from now unless given.
    const now = Date.UTC(2030, 0, 31, 23, 30);
    expect(
      toDealInput({ name: 'D', value: 0, track: SALES, milestone: 'Won', contactIds: [] }, 'UTC', now),
    ).toEqual({
      name: 'D',
      expected_value: 0,
      milestone: 'Won',
      pipeline_id: '1',
      close_date: Date.UTC(2030, 2, 2, 12) / 1000,
    });
    // The day is counted in the user's zone: 23:30 UTC on 31 Jan is already 1 Feb in Tokyo.
    expect(
      toDealInput({ name: 'D', value: 0, track: SALES, milestone: 'Won', contactIds: [] }, 'Asia/Tokyo', now)
        .close_date,
    ).toBe(Date.UTC(2030, 2, 3, 3) / 1000);
  });
});

describe('closeDateToEpochSec', () => {
  it('is noon of that day in the user’s zone', () => {
    expect(closeDateToEpochSec('2030-07-01', 'Asia/Tokyo')).toBe(Date.UTC(2030, 6, 1, 3) / 1000);
    expect(closeDateToEpochSec('2030-01-01', 'America/Los_Angeles')).toBe(Date.UTC(2030, 0, 1, 20) / 1000);
    expect(closeDateToEpochSec('bad', 'UTC')).toBeUndefined();
  });
});
