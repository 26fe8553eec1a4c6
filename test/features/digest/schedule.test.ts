import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  type DigestSchedule,
  dueRun,
  isValidTimeZone,
  localDate,
  nextRun,
  parseScheduleTime,
  snoozedDueEpochSec,
} from '../../../src/features/digest/schedule.js';

const at = (iso: string) => new Date(iso);
const daily = (time: string, timeZone: string, weekdaysOnly = false): DigestSchedule => ({
  time,
  timeZone,
  weekdaysOnly,
});

/** Walks minute by minute, recording every instant at which a run becomes due (and marking it done). */
function simulateRuns(schedule: DigestSchedule, fromIso: string, toIso: string): string[] {
  const fired: string[] = [];
  // The run of the starting day counts as done, so only the days after it are observed.
  let last: string | undefined = localDate(new Date(fromIso), schedule.timeZone);
  for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += 60_000) {
    const due = dueRun(schedule, new Date(t), last);
    if (due) {
      fired.push(`${due.localDate}@${new Date(t).toISOString()}`);
      last = due.localDate;
    }
  }
  return fired;
}

describe('time zones', () => {
  it('accepts IANA zones in any case and gives their canonical spelling', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('pacific/chatham')).toBe('Pacific/Chatham');
    expect(isValidTimeZone('UTC')).toBe(true);
  });

  it('refuses unknown zones and raw offsets', () => {
    expect(isValidTimeZone('Mars/Base')).toBe(false);
    expect(isValidTimeZone('+05:30')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('America/New York')).toBe(false);
  });
});

describe('parseScheduleTime', () => {
  it('reads HH:MM and refuses anything else', () => {
    expect(parseScheduleTime('00:00')).toBe(0);
    expect(parseScheduleTime('09:30')).toBe(570);
    expect(parseScheduleTime('23:59')).toBe(1439);
    for (const bad of ['24:00', '9:00', '09:60', '0900', '']) expect(() => parseScheduleTime(bad)).toThrow();
  });
});

describe('localDate', () => {
  it('gives the calendar date in the zone, across midnight and the date line', () => {
    const t = at('2026-01-15T23:30:00Z');
    expect(localDate(t, 'UTC')).toBe('2026-01-15');
    expect(localDate(t, 'America/New_York')).toBe('2026-01-15');
    expect(localDate(t, 'Europe/London')).toBe('2026-01-15');
    expect(localDate(t, 'Asia/Kolkata')).toBe('2026-01-16'); // 05:00 +5:30
    expect(localDate(t, 'Australia/Sydney')).toBe('2026-01-16');
    expect(localDate(t, 'Pacific/Chatham')).toBe('2026-01-16');
    expect(localDate(at('2026-01-16T04:59:59Z'), 'America/New_York')).toBe('2026-01-15');
    expect(localDate(at('2026-01-16T05:00:00Z'), 'America/New_York')).toBe('2026-01-16');
  });
});

describe('nextRun', () => {
  it('finds today when HH:MM is still ahead, tomorrow when it has passed', () => {
    const s = daily('09:00', 'America/New_York');
    expect(nextRun(s, at('2026-01-15T13:00:00Z')).toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(nextRun(s, at('2026-01-15T14:00:00Z')).toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(nextRun(s, at('2026-01-15T14:00:01Z')).toISOString()).toBe('2026-01-16T14:00:00.000Z');
  });

  it('handles half-hour and 45-minute offsets', () => {
    expect(nextRun(daily('09:00', 'Asia/Kolkata'), at('2026-06-01T00:00:00Z')).toISOString()).toBe(
      '2026-06-01T03:30:00.000Z',
    );
    // Chatham winter is +12:45: 09:00 local on 1 June is 20:15 UTC on 31 May.
    expect(nextRun(daily('09:00', 'Pacific/Chatham'), at('2026-05-31T00:00:00Z')).toISOString()).toBe(
      '2026-05-31T20:15:00.000Z',
    );
    // Chatham summer is +13:45.
    expect(nextRun(daily('09:00', 'Pacific/Chatham'), at('2026-01-10T00:00:00Z')).toISOString()).toBe(
      '2026-01-10T19:15:00.000Z',
    );
  });

  it('uses summer and winter offsets in London and Sydney', () => {
    expect(nextRun(daily('08:15', 'Europe/London'), at('2026-01-05T00:00:00Z')).toISOString()).toBe(
      '2026-01-05T08:15:00.000Z',
    );
    expect(nextRun(daily('08:15', 'Europe/London'), at('2026-07-06T00:00:00Z')).toISOString()).toBe(
      '2026-07-06T07:15:00.000Z',
    );
    expect(nextRun(daily('09:00', 'Australia/Sydney'), at('2026-01-05T00:00:00Z')).toISOString()).toBe(
      '2026-01-05T22:00:00.000Z',
    );
    expect(nextRun(daily('09:00', 'Australia/Sydney'), at('2026-07-06T00:00:00Z')).toISOString()).toBe(
      '2026-07-06T23:00:00.000Z',
    );
  });

  it('skips weekends when weekdaysOnly (local weekday, not UTC)', () => {
    // Friday 2026-01-16 10:00 New York, after the run: next is Monday 19th.
    const s = daily('09:00', 'America/New_York', true);
    expect(nextRun(s, at('2026-01-16T15:00:00Z')).toISOString()).toBe('2026-01-19T14:00:00.000Z');
    expect(nextRun({ ...s, weekdaysOnly: false }, at('2026-01-16T15:00:00Z')).toISOString()).toBe(
      '2026-01-17T14:00:00.000Z',
    );
    // Monday 08:00 in Sydney is still Sunday in UTC: weekday is judged locally.
    const syd = daily('08:00', 'Australia/Sydney', true);
    expect(nextRun(syd, at('2026-01-17T23:00:00Z')).toISOString()).toBe('2026-01-18T21:00:00.000Z');
  });

  it('runs a midnight schedule at local midnight', () => {
    expect(nextRun(daily('00:00', 'Europe/London'), at('2026-07-06T12:00:00Z')).toISOString()).toBe(
      '2026-07-06T23:00:00.000Z',
    );
  });

  it('skips dates whose run is already done', () => {
    const s = daily('09:00', 'America/New_York');
    expect(nextRun(s, at('2026-01-15T12:00:00Z'), '2026-01-15').toISOString()).toBe(
      '2026-01-16T14:00:00.000Z',
    );
  });

  it('moves a skipped time on a spring-forward day to the instant the clocks jump', () => {
    // New York 2026-03-08: 02:00 EST → 03:00 EDT (07:00 UTC); 02:30 does not exist.
    expect(nextRun(daily('02:30', 'America/New_York'), at('2026-03-08T00:00:00Z')).toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    // Berlin 2026-03-29: 02:00 CET → 03:00 CEST (01:00 UTC).
    expect(nextRun(daily('02:00', 'Europe/Berlin'), at('2026-03-28T12:00:00Z')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    // Times either side of the gap keep their own offsets.
    expect(nextRun(daily('01:59', 'Europe/Berlin'), at('2026-03-28T12:00:00Z')).toISOString()).toBe(
      '2026-03-29T00:59:00.000Z',
    );
    expect(nextRun(daily('03:00', 'Europe/Berlin'), at('2026-03-28T12:00:00Z')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    // Chatham 2026-09-27: 02:45 → 03:45 local.
    expect(nextRun(daily('03:00', 'Pacific/Chatham'), at('2026-09-26T00:00:00Z')).toISOString()).toBe(
      '2026-09-26T14:00:00.000Z',
    );
  });

  it('takes the first occurrence of a repeated time on a fall-back day', () => {
    // New York 2026-11-01: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(nextRun(daily('01:30', 'America/New_York'), at('2026-11-01T00:00:00Z')).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    // Berlin 2026-10-25: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
    expect(nextRun(daily('02:30', 'Europe/Berlin'), at('2026-10-24T12:00:00Z')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    // After the first occurrence, the next run is the following day, not the repeat.
    expect(
      nextRun(daily('02:30', 'Europe/Berlin'), at('2026-10-25T00:31:00Z'), '2026-10-25').toISOString(),
    ).toBe('2026-10-26T01:30:00.000Z');
  });

  it('agrees with dueRun: the run becomes due exactly at nextRun', () => {
    const zones = [
      'America/New_York',
      'Europe/Berlin',
      'Australia/Sydney',
      'Asia/Kolkata',
      'Pacific/Chatham',
    ];
    for (const timeZone of zones) {
      for (const time of ['00:00', '02:30', '09:00', '23:59']) {
        const s = daily(time, timeZone, true);
        for (const iso of ['2026-03-07T18:00:00Z', '2026-03-28T18:00:00Z', '2026-10-24T18:00:00Z']) {
          const run = nextRun(s, at(iso));
          const before = new Date(run.getTime() - 60_000);
          expect(dueRun(s, run), `${timeZone} ${time} ${iso}`).not.toBeNull();
          // A minute before, the run for that date was not yet due (either not due or a previous date).
          expect(dueRun(s, before)?.localDate).not.toBe(localDate(run, timeZone));
        }
      }
    }
  });
});

describe('dueRun', () => {
  const ny = daily('09:00', 'America/New_York');

  it('is not due before HH:MM, due at and after it, and not due once done', () => {
    expect(dueRun(ny, at('2026-01-15T13:59:00Z'))).toBeNull();
    expect(dueRun(ny, at('2026-01-15T14:00:00Z'))).toEqual({ localDate: '2026-01-15' });
    expect(dueRun(ny, at('2026-01-15T14:00:00Z'), '2026-01-14')).toEqual({ localDate: '2026-01-15' });
    expect(dueRun(ny, at('2026-01-15T14:00:00Z'), '2026-01-15')).toBeNull();
  });

  it('catches up a run missed while down, only on the same local day', () => {
    // Bot was down 08:00–22:00 New York time; at 22:00 the 09:00 run is still owed.
    expect(dueRun(ny, at('2026-01-16T03:00:00Z'), '2026-01-14')).toEqual({ localDate: '2026-01-15' });
    // Past local midnight, yesterday's run is gone and today's is not yet due.
    expect(dueRun(ny, at('2026-01-16T05:30:00Z'), '2026-01-14')).toBeNull();
  });

  it('never runs on local weekends when weekdaysOnly', () => {
    const s = { ...ny, weekdaysOnly: true };
    expect(dueRun(s, at('2026-01-17T15:00:00Z'))).toBeNull(); // Saturday
    expect(dueRun(s, at('2026-01-18T15:00:00Z'))).toBeNull(); // Sunday
    expect(dueRun(s, at('2026-01-19T15:00:00Z'))).toEqual({ localDate: '2026-01-19' });
    // Friday 23:00 New York is Saturday in UTC: still Friday's run.
    expect(dueRun(s, at('2026-01-17T04:00:00Z'), '2026-01-15')).toEqual({ localDate: '2026-01-16' });
  });

  it('treats a last run dated after today as done (zone changed westwards)', () => {
    expect(dueRun(ny, at('2026-01-15T20:00:00Z'), '2026-01-16')).toBeNull();
  });

  it('runs a skipped spring-forward time once, right after the jump (New York 2026-03-08)', () => {
    expect(
      simulateRuns(daily('02:30', 'America/New_York'), '2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z'),
    ).toEqual(['2026-03-08@2026-03-08T07:00:00.000Z', '2026-03-09@2026-03-09T06:30:00.000Z']);
  });

  it('runs a repeated fall-back time once (New York 2026-11-01, Berlin 2026-10-25)', () => {
    expect(
      simulateRuns(daily('01:30', 'America/New_York'), '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z'),
    ).toEqual(['2026-11-01@2026-11-01T05:30:00.000Z', '2026-11-02@2026-11-02T06:30:00.000Z']);
    expect(
      simulateRuns(daily('02:30', 'Europe/Berlin'), '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'),
    ).toEqual(['2026-10-25@2026-10-25T00:30:00.000Z', '2026-10-26@2026-10-26T01:30:00.000Z']);
  });

  it('runs the spring-forward day in Berlin once (2026-03-29)', () => {
    expect(
      simulateRuns(daily('02:15', 'Europe/Berlin'), '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'),
    ).toEqual(['2026-03-29@2026-03-29T01:00:00.000Z', '2026-03-30@2026-03-30T00:15:00.000Z']);
  });

  it('runs a midnight schedule once per local day', () => {
    expect(
      simulateRuns(daily('00:00', 'Asia/Kolkata'), '2026-01-14T12:00:00Z', '2026-01-16T12:00:00Z'),
    ).toEqual(['2026-01-15@2026-01-14T18:30:00.000Z', '2026-01-16@2026-01-15T18:30:00.000Z']);
  });
});

describe('canonicalTimeZone with aliases', () => {
  it('keeps the modern name of an alias the runtime renames', () => {
    expect(canonicalTimeZone('asia/kolkata')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('europe/kyiv')).toBe('Europe/Kyiv');
    expect(localDate(new Date('2026-01-15T20:00:00Z'), canonicalTimeZone('asia/kolkata') as string)).toBe(
      '2026-01-16',
    );
  });
});

describe('snoozedDueEpochSec', () => {
  const sec = (iso: string) => Date.parse(iso) / 1000;
  const snooze = (dueIso: string, clickIso: string, timeZone: string) =>
    new Date(snoozedDueEpochSec(sec(dueIso), Date.parse(clickIso), timeZone) * 1000).toISOString();

  it('moves an overdue task to tomorrow at its local time of day, not to its old due + 1 day', () => {
    // Due Mon 12 Jan 11:00 Berlin (3 days late), clicked Thu 15 Jan 14:00 Berlin → Fri 16 Jan 11:00 Berlin.
    expect(snooze('2026-01-12T10:00:00Z', '2026-01-15T13:00:00Z', 'Europe/Berlin')).toBe(
      '2026-01-16T10:00:00.000Z',
    );
  });

  it('moves a task due earlier today (already late) to tomorrow, and one due exactly now too', () => {
    expect(snooze('2026-01-15T08:00:00Z', '2026-01-15T13:00:00Z', 'Europe/Berlin')).toBe(
      '2026-01-16T08:00:00.000Z',
    );
    expect(snooze('2026-01-15T13:00:00Z', '2026-01-15T13:00:00Z', 'Europe/Berlin')).toBe(
      '2026-01-16T13:00:00.000Z',
    );
  });

  it('adds one day to a due still in the future (later today or days ahead)', () => {
    expect(snooze('2026-01-15T16:00:00Z', '2026-01-15T13:00:00Z', 'Europe/Berlin')).toBe(
      '2026-01-16T16:00:00.000Z',
    );
    expect(snooze('2026-01-18T08:00:00Z', '2026-01-15T13:00:00Z', 'Europe/Berlin')).toBe(
      '2026-01-19T08:00:00.000Z',
    );
  });

  it('reads "tomorrow" in the given zone', () => {
    // 23:30 UTC on the 15th: still the 15th in New York (18:30), already the 16th in Tokyo (08:30).
    // The due, 12:00 UTC on the 14th, is 07:00 in New York and 21:00 in Tokyo.
    const due = '2026-01-14T12:00:00Z';
    expect(snooze(due, '2026-01-15T23:30:00Z', 'America/New_York')).toBe('2026-01-16T12:00:00.000Z');
    expect(snooze(due, '2026-01-15T23:30:00Z', 'Asia/Tokyo')).toBe('2026-01-17T12:00:00.000Z');
  });

  it('keeps the local time across a DST change, and a skipped time becomes the instant after the jump', () => {
    // Berlin springs forward on Sun 29 Mar 2026 at 02:00 → 03:00.
    expect(snooze('2026-03-28T09:00:00Z', '2026-03-27T12:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-29T08:00:00.000Z',
    );
    // Due 02:30 local on the 25th (overdue), clicked on the 28th: 02:30 on the 29th does not exist.
    expect(snooze('2026-03-25T01:30:00Z', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('depends only on its inputs: the same click gives the same due', () => {
    const a = snoozedDueEpochSec(sec('2026-01-12T10:00:00Z'), Date.parse('2026-01-15T13:00:00Z'), 'UTC');
    const b = snoozedDueEpochSec(sec('2026-01-12T10:00:00Z'), Date.parse('2026-01-15T13:00:00Z'), 'UTC');
    expect(a).toBe(b);
    expect(a).toBe(sec('2026-01-16T10:00:00Z'));
  });
});
