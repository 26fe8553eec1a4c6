import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDue, fromLocalDue, parseDueDate, toLocalDue } from '../../../src/features/task/due-date.js';

type Ok = { ok: true; dueEpochSec: number; date: Date; label: string };

function ok(text: string, timeZone: string, nowIso: string): Ok {
  const r = parseDueDate(text, { timeZone, now: new Date(nowIso) });
  if (!r.ok) throw new Error(`${text} in ${timeZone}: ${r.reason} ${r.message}`);
  expect(r.dueEpochSec).toBe(Math.floor(r.date.getTime() / 1000));
  return r;
}

// Saturday 28 Nov 2026, 09:11:58 UTC = Sat 01:11 in Los Angeles, Sat 18:11 in Tokyo, Sat 10:11 in Berlin.
const NOW = '2026-11-28T09:11:58Z';

describe('parseDueDate in America/Los_Angeles (UTC-8 in winter)', () => {
  const tz = 'America/Los_Angeles';
  it.each([
    ['tomorrow 3pm', '2026-11-29T23:00:00.000Z', 'Sun 29 Nov, 15:00'],
    ['fri', '2026-12-04T17:00:00.000Z', 'Fri 4 Dec, 09:00'],
    ['2026-12-03 09:30', '2026-12-03T17:30:00.000Z', 'Thu 3 Dec, 09:30'],
    ['in 2 days', '2026-11-30T17:00:00.000Z', 'Mon 30 Nov, 09:00'],
    ['today 5pm', '2026-11-29T01:00:00.000Z', 'Sat 28 Nov, 17:00'],
    ['next monday', '2026-11-30T17:00:00.000Z', 'Mon 30 Nov, 09:00'],
    ['dec 3', '2026-12-03T17:00:00.000Z', 'Thu 3 Dec, 09:00'],
    ['at 3pm on fri', '2026-12-04T23:00:00.000Z', 'Fri 4 Dec, 15:00'],
    ['tonight', '2026-11-29T06:00:00.000Z', 'Sat 28 Nov, 22:00'],
    ['today', '2026-11-28T17:00:00.000Z', 'Sat 28 Nov, 09:00'],
    ['in 3 hours', '2026-11-28T12:11:58.000Z', 'Sat 28 Nov, 04:11'],
    ['jan 5', '2027-01-05T17:00:00.000Z', 'Tue 5 Jan 2027, 09:00'],
  ])('%j → %s (%s)', (text, iso, label) => {
    const r = ok(text, tz, NOW);
    expect(r.date.toISOString()).toBe(iso);
    expect(r.label).toBe(label);
  });
});

describe('parseDueDate in Asia/Tokyo (UTC+9, no DST)', () => {
  const tz = 'Asia/Tokyo';
  it.each([
    ['tomorrow 3pm', '2026-11-29T06:00:00.000Z'],
    ['fri', '2026-12-04T00:00:00.000Z'],
    ['2026-12-03 09:30', '2026-12-03T00:30:00.000Z'],
    ['in 2 days', '2026-11-30T00:00:00.000Z'],
    ['next monday', '2026-11-30T00:00:00.000Z'],
    ['dec 3', '2026-12-03T00:00:00.000Z'],
  ])('%j → %s', (text, iso) => {
    expect(ok(text, tz, NOW).date.toISOString()).toBe(iso);
  });

  it('"tomorrow" is the local tomorrow, a different UTC date than the server would pick at 23:30 local', () => {
    // 23:30 in Tokyo is still 14:30 UTC the same day: tomorrow is the 29th in Tokyo.
    expect(ok('tomorrow 9am', tz, '2026-11-28T14:30:00Z').date.toISOString()).toBe(
      '2026-11-29T00:00:00.000Z',
    );
  });

  it('"today 5pm" after 5pm local is past', () => {
    const r = parseDueDate('today 5pm', { timeZone: tz, now: new Date(NOW) });
    expect(r).toMatchObject({ ok: false, reason: 'past' });
  });

  it('"today" with no time after 09:00 is the end of the day, not refused', () => {
    expect(ok('today', tz, NOW).label).toBe('Sat 28 Nov, 23:59');
  });
});

describe('parseDueDate in Europe/Berlin across DST', () => {
  const tz = 'Europe/Berlin';
  // Friday 27 Mar 2026, 10:00 CET (UTC+1); clocks go to CEST (UTC+2) on Sunday 29 Mar at 02:00.
  const BEFORE_SPRING = '2026-03-27T09:00:00Z';

  it('a weekday after the change keeps its wall-clock time (09:00 CEST = 07:00 UTC)', () => {
    const r = ok('next monday', tz, BEFORE_SPRING);
    expect(r.date.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(r.label).toBe('Mon 30 Mar, 09:00');
  });

  it('a time before the change stays CET', () => {
    expect(ok('tomorrow 3pm', tz, BEFORE_SPRING).date.toISOString()).toBe('2026-03-28T14:00:00.000Z');
  });

  it('"in 3 days" lands at 09:00 local after the change', () => {
    expect(ok('in 3 days', tz, BEFORE_SPRING).date.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('a relative time counts real hours across the change', () => {
    // Sat 28 Mar 23:00 CET + 5 h = Sun 29 Mar 05:00 CEST (the 02:00–03:00 hour does not exist).
    const r = ok('in 5 hours', tz, '2026-03-28T22:00:00Z');
    expect(r.date.toISOString()).toBe('2026-03-29T03:00:00.000Z');
    expect(r.label).toBe('Sun 29 Mar, 05:00');
  });

  it('autumn: a date after the change back to CET (09:00 = 08:00 UTC)', () => {
    // Fri 23 Oct 2026 10:00 CEST; clocks go back on Sunday 25 Oct.
    expect(ok('mon', tz, '2026-10-23T08:00:00Z').date.toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('Los Angeles: the US change on 1 Nov 2026 moves 09:00 from 16:00 to 17:00 UTC', () => {
    const now = '2026-10-30T16:00:00Z'; // Fri 09:00 PDT
    expect(ok('mon', 'America/Los_Angeles', now).date.toISOString()).toBe('2026-11-02T17:00:00.000Z');
    expect(ok('tomorrow', 'America/Los_Angeles', now).date.toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });
});

describe('parseDueDate rules', () => {
  it('a bare weekday naming today means next week', () => {
    // Saturday 10:11 in Berlin.
    expect(ok('sat', 'Europe/Berlin', NOW).label).toBe('Sat 5 Dec, 09:00');
  });

  it('a weekday naming today with a time still ahead is today', () => {
    expect(ok('sat 5pm', 'Europe/Berlin', NOW).label).toBe('Sat 28 Nov, 17:00');
  });

  it.each(['yesterday', 'yesterday 5pm', '2026-11-01 10:00', 'today 8am', 'now'])(
    '%j is refused as past',
    (text) => {
      const r = parseDueDate(text, { timeZone: 'Europe/Berlin', now: new Date(NOW) });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe('past');
        expect(r.message).toContain('already past');
      }
    },
  );

  it.each(['', '   ', 'garbage', 'fri blah', 'sometime soon', 'due', '<!channel>', 'x'.repeat(500)])(
    '%j is unparseable, with examples',
    (text) => {
      const r = parseDueDate(text, { timeZone: 'Asia/Tokyo', now: new Date(NOW) });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe('unparseable');
        expect(r.message).toContain('tomorrow 3pm');
      }
    },
  );

  it('an unknown time zone is refused, not guessed', () => {
    const r = parseDueDate('tomorrow', { timeZone: 'Mars/Olympus', now: new Date(NOW) });
    expect(r).toMatchObject({ ok: false, reason: 'unparseable' });
  });
});

describe('parseDueDate does not depend on the server zone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it.each(['UTC', 'Pacific/Kiritimati', 'America/Sao_Paulo', 'Australia/Lord_Howe'])(
    'host %s',
    (hostZone) => {
      process.env.TZ = hostZone;
      const now = '2026-03-27T09:00:00Z';
      expect(ok('next monday', 'Europe/Berlin', now).date.toISOString()).toBe('2026-03-30T07:00:00.000Z');
      expect(ok('tomorrow 3pm', 'America/Los_Angeles', now).date.toISOString()).toBe(
        '2026-03-28T22:00:00.000Z',
      );
      expect(ok('dec 3', 'Asia/Tokyo', now).date.toISOString()).toBe('2026-12-03T00:00:00.000Z');
    },
  );
});

describe('parseDueDate properties', () => {
  it('never throws; an accepted date is always in the future', () => {
    const zones = fc.constantFrom(
      'America/Los_Angeles',
      'Asia/Tokyo',
      'Europe/Berlin',
      'UTC',
      'Asia/Kolkata',
    );
    const nowArb = fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true });
    const words = fc.constantFrom(
      'tomorrow',
      'fri',
      'next',
      'in',
      '2',
      'days',
      '3pm',
      'dec',
      'at',
      'today',
      '09:30',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(words, { maxLength: 5 }).map((ws) => ws.join(' ')),
    );
    fc.assert(
      fc.property(text, zones, nowArb, (t, timeZone, now) => {
        const r = parseDueDate(t, { timeZone, now });
        if (r.ok) {
          expect(r.date.getTime()).toBeGreaterThan(now.getTime());
          expect(r.label).not.toBe('');
        } else {
          expect(r.message).not.toBe('');
        }
      }),
      { numRuns: 400 },
    );
  });
});

const LA_ZONE = 'America/Los_Angeles';
/** Tuesday 12 March 2030, 11:00 in Los Angeles (PDT). */
const TUESDAY = new Date('2030-03-12T18:00:00Z');

describe('defaultDue / local due', () => {
  it('is tomorrow at 09:00 in the user zone', () => {
    expect(defaultDue(TUESDAY, LA_ZONE).toISOString()).toBe('2030-03-13T16:00:00.000Z');
    // 18:00Z is already Wednesday 03:00 in Tokyo: tomorrow is Thursday there.
    expect(defaultDue(TUESDAY, 'Asia/Tokyo').toISOString()).toBe('2030-03-14T00:00:00.000Z');
  });

  it('keeps 09:00 local across the DST change (LA springs forward on 10 March 2030)', () => {
    const saturday = new Date('2030-03-09T18:00:00Z');
    // Sunday 10 March 09:00 is already PDT (UTC-7).
    expect(defaultDue(saturday, LA_ZONE).toISOString()).toBe('2030-03-10T16:00:00.000Z');
  });

  it('reads a picked date and time in the zone, and back', () => {
    const due = fromLocalDue({ date: '2030-12-03', time: '09:30' }, LA_ZONE);
    expect(due?.toISOString()).toBe('2030-12-03T17:30:00.000Z');
    expect(toLocalDue(due as Date, LA_ZONE)).toEqual({ date: '2030-12-03', time: '09:30' });
  });

  it('refuses dates that do not exist or are malformed', () => {
    expect(fromLocalDue({ date: '2030-02-31', time: '09:00' }, LA_ZONE)).toBeUndefined();
    expect(fromLocalDue({ date: '2030-13-01', time: '09:00' }, LA_ZONE)).toBeUndefined();
    expect(fromLocalDue({ date: 'tomorrow', time: '09:00' }, LA_ZONE)).toBeUndefined();
    expect(fromLocalDue({ date: '2030-03-01', time: '25:00' }, LA_ZONE)).toBeUndefined();
  });

  it('round-trips any instant through the pickers to the minute, in several zones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_900_000_000, max: 2_200_000_000 }),
        fc.constantFrom(LA_ZONE, 'Europe/Paris', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe'),
        (sec, zone) => {
          const minute = new Date(Math.floor(sec / 60) * 60_000);
          const local = toLocalDue(minute, zone);
          const back = fromLocalDue(local, zone);
          // An ambiguous wall-clock time (the hour repeated in autumn) may land on either instant.
          expect(back).toBeDefined();
          expect(toLocalDue(back as Date, zone)).toEqual(local);
        },
      ),
      { numRuns: 300 },
    );
  });
});
