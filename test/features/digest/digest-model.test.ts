import { describe, expect, it } from 'vitest';
import {
  buildDigestItem,
  buildDigestModel,
  type DigestTask,
  lateLabelFor,
} from '../../../src/features/digest/digest-model.js';
import { sec, digestTask as task } from './fixtures.js';

// 2026-01-15 09:00 in New York (14:00Z); local today ends at 2026-01-16T05:00Z.
const options = { now: new Date('2026-01-15T14:00:00Z'), timeZone: 'America/New_York', horizonDays: 3 };

function idsOf(model: ReturnType<typeof buildDigestModel>, bucket: string): string[] {
  const section = model.sections.find((s) => s.bucket === bucket);
  return section ? section.groups.flatMap((g) => g.items.map((i) => i.task.id)) : [];
}

describe('buildDigestModel', () => {
  it('buckets by local day in the schedule zone, and leaves out tasks past the horizon', () => {
    const model = buildDigestModel(
      [
        task('late2', '2026-01-13T20:00:00Z'), // 13th 15:00 local: 2 days late
        task('late0', '2026-01-15T13:00:00Z'), // today 08:00 local, an hour ago
        task('today', '2026-01-16T04:59:00Z'), // today 23:59 local
        task('tomorrow', '2026-01-16T05:00:00Z'), // 16th 00:00 local
        task('edge', '2026-01-19T04:59:00Z'), // 18th 23:59 local: last day of a 3-day horizon
        task('beyond', '2026-01-19T05:00:00Z'), // 19th 00:00 local
      ],
      options,
    );
    expect(model.localDate).toBe('2026-01-15');
    expect(idsOf(model, 'overdue')).toEqual(['late2', 'late0']);
    expect(idsOf(model, 'today')).toEqual(['today']);
    expect(idsOf(model, 'upcoming')).toEqual(['tomorrow', 'edge']);
    expect(model.counts).toEqual({ overdue: 2, today: 1, upcoming: 2, total: 5 });
    expect(model.beyondHorizon).toBe(1);
    const overdue = model.sections[0]?.groups[0]?.items ?? [];
    expect(overdue.map((i) => i.lateLabel)).toEqual(['2 days late', '1 hour late']);
    expect(overdue.map((i) => i.daysLate)).toEqual([2, 0]);
  });

  it('judges "today" in the zone, not UTC (Sydney is a day ahead)', () => {
    const due = task('x', '2026-01-15T20:00:00Z'); // 16th 07:00 in Sydney, 15th 15:00 in New York
    const now = new Date('2026-01-15T19:00:00Z');
    expect(buildDigestItem(due, { now, timeZone: 'Australia/Sydney', horizonDays: 3 }).bucket).toBe('today');
    expect(buildDigestItem(due, { now, timeZone: 'America/New_York', horizonDays: 3 }).bucket).toBe('today');
    const now2 = new Date('2026-01-15T12:00:00Z'); // 23:00 Sydney on the 15th
    expect(buildDigestItem(due, { now: now2, timeZone: 'Australia/Sydney', horizonDays: 3 }).bucket).toBe(
      'upcoming',
    );
  });

  it('groups by owner email (case-insensitive), name when no email, ordered by most pressing task', () => {
    const model = buildDigestModel(
      [
        task('b1', '2026-01-17T15:00:00Z', { ownerName: 'Bo', ownerEmail: 'BO@example.com' }),
        task('a1', '2026-01-17T16:00:00Z'),
        task('b2', '2026-01-17T17:00:00Z', { ownerName: 'Bo', ownerEmail: 'bo@example.com' }),
        task('c1', '2026-01-17T18:00:00Z', { ownerName: 'Cy', ownerEmail: undefined }),
      ],
      options,
    );
    const groups = model.sections[2]?.groups ?? [];
    expect(groups.map((g) => [g.ownerKey, g.items.map((i) => i.task.id)])).toEqual([
      ['bo@example.com', ['b1', 'b2']],
      ['ana@example.com', ['a1']],
      ['name:Cy', ['c1']],
    ]);
  });

  it('orders equal due times by priority, then subject', () => {
    const due = '2026-01-17T15:00:00Z';
    const model = buildDigestModel(
      [
        task('low', due, { priority: 'LOW', subject: 'a' }),
        task('odd', due, { priority: 'URGENT?', subject: 'a' }),
        task('high', due, { priority: 'HIGH', subject: 'z' }),
        task('n2', due, { subject: 'b' }),
        task('n1', due, { subject: 'a' }),
      ],
      options,
    );
    expect(idsOf(model, 'upcoming')).toEqual(['high', 'n1', 'n2', 'low', 'odd']);
  });

  it('lists a reassigned task under its new owner', () => {
    const model = buildDigestModel(
      [
        task('r', '2026-01-17T15:00:00Z', {
          reassignedTo: { ownerName: 'Bo', ownerEmail: 'bo@example.com', byUserId: 'U1' },
        }),
      ],
      options,
    );
    expect(model.sections[2]?.groups[0]?.ownerKey).toBe('bo@example.com');
  });

  it('gives an empty model for no tasks', () => {
    const model = buildDigestModel([], options);
    expect(model.counts.total).toBe(0);
    expect(model.sections.map((s) => [s.bucket, s.groups.length])).toEqual([
      ['overdue', 0],
      ['today', 0],
      ['upcoming', 0],
    ]);
  });

  it('builds 10,000 tasks across 200 owners well under a second', () => {
    const base = sec('2026-01-15T14:00:00Z');
    const tasks: DigestTask[] = [];
    for (let i = 0; i < 10_000; i++) {
      tasks.push(
        task(String(5_000_000_000_000_000 + i), '2026-01-01T00:00:00Z', {
          dueEpochSec: base + ((i * 7919) % (9 * 86_400)) - 4 * 86_400,
          ownerName: `Owner ${i % 200}`,
          ownerEmail: `owner${i % 200}@example.com`,
          priority: ['HIGH', 'NORMAL', 'LOW'][i % 3] as string,
        }),
      );
    }
    const started = performance.now();
    const model = buildDigestModel(tasks, options);
    const elapsedMs = performance.now() - started;
    expect(model.counts.total + model.beyondHorizon).toBe(10_000);
    expect(model.sections[0]?.groups).toHaveLength(200);
    expect(elapsedMs).toBeLessThan(500);
  });
});

describe('lateLabelFor', () => {
  it('says minutes, hours, then days', () => {
    expect(lateLabelFor(1000, 1000 + 30, 0)).toBe('1 min late');
    expect(lateLabelFor(1000, 1000 + 25 * 60, 0)).toBe('25 min late');
    expect(lateLabelFor(1000, 1000 + 3 * 3600 + 59, 0)).toBe('3 hours late');
    expect(lateLabelFor(1000, 1000 + 3600, 1)).toBe('1 day late');
    expect(lateLabelFor(1000, 1000 + 3600, 4)).toBe('4 days late');
  });
});
