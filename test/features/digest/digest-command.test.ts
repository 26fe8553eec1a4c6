import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_MAX_DAYS,
  DIGEST_USAGE,
  type DigestCommand,
  parseDigestCommand,
} from '../../../src/features/digest/digest-command.js';
import { isValidTimeZone } from '../../../src/features/digest/schedule.js';

const caller = { timeZone: 'America/Chicago' };

function on(text: string) {
  const parsed = parseDigestCommand(text, caller);
  if (parsed.kind !== 'on') throw new Error(`expected on, got ${JSON.stringify(parsed)}`);
  return parsed;
}

function errorOf(text: string): string {
  const parsed = parseDigestCommand(text, caller);
  if (parsed.kind !== 'error') throw new Error(`expected error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe('parseDigestCommand: subcommands', () => {
  it('reads off, status, now case-insensitively, with aliases', () => {
    expect(parseDigestCommand('off')).toEqual({ kind: 'off' });
    expect(parseDigestCommand('  OFF ')).toEqual({ kind: 'off' });
    expect(parseDigestCommand('Status')).toEqual({ kind: 'status' });
    expect(parseDigestCommand('now')).toEqual({ kind: 'now' });
    expect(parseDigestCommand('disable')).toEqual({ kind: 'off' });
    expect(parseDigestCommand('')).toEqual({ kind: 'status' });
    expect(parseDigestCommand('help').kind).toBe('help');
  });

  it('refuses options after off/status/now and unknown subcommands, with usage', () => {
    expect(errorOf('off 9am')).toContain('takes no options');
    const message = errorOf('sometimes');
    expect(message).toContain("I don't know `/crm digest sometimes`. Use on, off, status or now.");
    expect(message).toContain(DIGEST_USAGE);
  });

  it.each([
    ['of', 'off'],
    ['onn', 'on'],
    ['stauts', 'status'],
    ['nwo', 'now'],
    ['hlep', 'help'],
    ['disab', 'disable'],
  ])('suggests the nearest sub-command for the typo %s', (typo, meant) => {
    const message = errorOf(typo);
    expect(message.split('\n')[0]).toBe(
      `I don't know \`/crm digest ${typo}\`. Did you mean \`/crm digest ${meant}\`?`,
    );
    expect(message).toContain(DIGEST_USAGE);
  });

  it('keeps the options of a mistyped `on` as an ellipsis, and escapes what was typed', () => {
    expect(errorOf('onn 9am days 2')).toContain('Did you mean `/crm digest on …`?');
    expect(errorOf('of 9am')).toContain('Did you mean `/crm digest off`?');
    expect(errorOf('<!here>')).toContain("I don't know `/crm digest &lt;!here&gt;`. Use on");
  });
});

describe('parseDigestCommand: on', () => {
  it('applies the defaults: 09:00, the caller zone, 3 days, every day, all owners', () => {
    expect(on('on')).toEqual({
      kind: 'on',
      time: '09:00',
      timeZone: 'America/Chicago',
      horizonDays: 3,
      weekdaysOnly: false,
    });
  });

  it('falls back to UTC when the caller has no usable zone', () => {
    expect(parseDigestCommand('on', {})).toMatchObject({ timeZone: 'UTC' });
    expect(parseDigestCommand('on', { timeZone: 'Nowhere/Land' })).toMatchObject({ timeZone: 'UTC' });
  });

  it.each([
    ['9:00', '09:00'],
    ['09:00', '09:00'],
    ['9am', '09:00'],
    ['9AM', '09:00'],
    ['9 am', '09:00'],
    ['5:30pm', '17:30'],
    ['5:30 PM', '17:30'],
    ['12am', '00:00'],
    ['12pm', '12:00'],
    ['12:15am', '00:15'],
    ['0:00', '00:00'],
    ['23:59', '23:59'],
    ['noon', '12:00'],
    ['midnight', '00:00'],
  ])('reads the time %s as %s', (input, expected) => {
    expect(on(`on ${input}`).time).toBe(expected);
  });

  it('reads every option, in any order, any case', () => {
    const expected = {
      kind: 'on',
      time: '08:30',
      timeZone: 'Europe/Berlin',
      horizonDays: 5,
      weekdaysOnly: true,
      owners: { me: false, emails: ['ana@example.com', 'bo@example.com'] },
    };
    expect(on('on 8:30 Europe/Berlin days 5 weekdays owner ana@example.com,bo@example.com')).toEqual(
      expected,
    );
    expect(on('ON Owner Ana@Example.com, bo@example.com WEEKDAYS Days 5 europe/berlin 8:30AM')).toEqual(
      expected,
    );
    expect(on('on weekdays 5 days owner ana@example.com bo@example.com 08:30 Europe/Berlin')).toEqual(
      expected,
    );
  });

  it('reads owner me, mailto links from Slack formatting, and mixes', () => {
    expect(on('on owner me').owners).toEqual({ me: true, emails: [] });
    expect(on('on owner <mailto:ana@example.com|ana@example.com>').owners).toEqual({
      me: false,
      emails: ['ana@example.com'],
    });
    expect(on('on owner me,ana@example.com owner ANA@example.com').owners).toEqual({
      me: true,
      emails: ['ana@example.com'],
    });
  });

  it('reads UTC and canonicalises zone spelling', () => {
    expect(on('on utc').timeZone).toBe('UTC');
    expect(on('on asia/kolkata').timeZone).toBe('Asia/Kolkata');
    expect(on('on daily').weekdaysOnly).toBe(false);
  });
});

describe('parseDigestCommand: bad input answered clearly', () => {
  it.each([
    ['on 25:00', 'hours go from 0 to 23'],
    ['on 9:75', 'minutes go from 00 to 59'],
    ['on 13pm', 'hours go from 1 to 12'],
    ['on 9:5', 'two digits'],
    ['on 9', 'ambiguous'],
    ['on 9h', 'not a time'],
    ['on Mars/Base', "don't know the time zone `Mars/Base`"],
    ['on days -2', 'from 1 to 30'],
    ['on days 0', 'from 1 to 30'],
    ['on days 31', 'from 1 to 30'],
    ['on days 2.5', 'whole number'],
    ['on days', 'how many days'],
    ['on days soon', 'whole number'],
    ['on owner', 'whose tasks'],
    ['on owner bob', 'not an email'],
    ['on 9am 10am', 'only once'],
    ['on Europe/Berlin Asia/Tokyo', 'only once'],
    ['on days 2 days 3', 'only once'],
    ['on tomorrow', "don't understand `tomorrow`"],
  ])('%s → %s', (input, fragment) => {
    const message = errorOf(input);
    expect(message).toContain(fragment);
    expect(message).toContain(DIGEST_USAGE);
  });

  it('escapes user text echoed in an error', () => {
    const message = errorOf('on <!channel>');
    expect(message).toContain('&lt;!channel&gt;');
    expect(message).not.toContain('<!channel>');
    expect(errorOf('<!here>')).not.toContain('<!here>');
  });

  it('accepts the edges of the day range', () => {
    expect(on('on days 1').horizonDays).toBe(1);
    expect(on(`on days ${DIGEST_MAX_DAYS}`).horizonDays).toBe(DIGEST_MAX_DAYS);
    expect(on('on days=7').horizonDays).toBe(7);
  });
});

function isValidCommand(c: DigestCommand): boolean {
  switch (c.kind) {
    case 'off':
    case 'status':
    case 'now':
      return Object.keys(c).length === 1;
    case 'help':
    case 'error':
      return typeof c.message === 'string' && c.message.length > 0;
    case 'on':
      return (
        /^([01]\d|2[0-3]):[0-5]\d$/.test(c.time) &&
        isValidTimeZone(c.timeZone) &&
        Number.isInteger(c.horizonDays) &&
        c.horizonDays >= 1 &&
        c.horizonDays <= DIGEST_MAX_DAYS &&
        typeof c.weekdaysOnly === 'boolean' &&
        (c.owners === undefined || c.owners.me || c.owners.emails.length > 0)
      );
    default:
      return false;
  }
}

describe('parseDigestCommand: properties', () => {
  const word = fc.constantFrom(
    'on',
    'off',
    'now',
    'status',
    'days',
    '3',
    '-1',
    '9am',
    '25:00',
    '5:30',
    'pm',
    'weekdays',
    'owner',
    'me',
    'a@b.co',
    ',',
    'Europe/Berlin',
    'Mars/Base',
    '<!channel>',
    'utc',
  );
  const text = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.array(word, { maxLength: 8 }).map((w) => w.join(' ')),
  );

  it('never throws and always returns a valid union member', () => {
    fc.assert(
      fc.property(text, fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), (input, tz) => {
        const parsed = parseDigestCommand(input, { timeZone: tz });
        expect(isValidCommand(parsed)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any valid time written as HH:MM', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (h, m) => {
        const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        expect(on(`on ${hhmm}`).time).toBe(hhmm);
        const h12 = h % 12 === 0 ? 12 : h % 12;
        expect(on(`on ${h12}:${String(m).padStart(2, '0')}${h < 12 ? 'am' : 'pm'}`).time).toBe(hhmm);
      }),
    );
  });
});

describe('parseDigestCommand: object-prototype words', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'treats %s as an unknown sub-command',
    (word) => {
      expect(parseDigestCommand(word)).toMatchObject({
        kind: 'error',
        message: expect.stringContaining('Use on, off, status or now'),
      });
    },
  );
});
