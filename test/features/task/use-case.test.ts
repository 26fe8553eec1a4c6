import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTACTS_MAX,
  defaultDue,
  defaultOwner,
  describeDue,
  fromLocalDue,
  guessTaskType,
  PAST_DUE_MESSAGE,
  quickTaskKey,
  SUBJECT_MAX,
  type TaskFormInput,
  taskErrorField,
  toLocalDue,
  validateTaskForm,
} from '../../../src/features/task/use-case.js';
import { AgileError } from '../../../src/platform/agile/index.js';

const LA = 'America/Los_Angeles';
/** Tuesday 12 March 2030, 11:00 in Los Angeles (PDT). */
const NOW = new Date('2030-03-12T18:00:00Z');

const good: TaskFormInput = {
  subject: '  Send the quote  ',
  type: 'CALL',
  priority: 'LOW',
  dueDate: '2030-03-14',
  dueTime: '15:30',
  contactIds: ['9007199254740993', '9007199254740993', '42'],
  description: ' details ',
  ownerId: '5629585249009664',
};

describe('defaultDue / local due', () => {
  it('is tomorrow at 09:00 in the user zone', () => {
    expect(defaultDue(NOW, LA).toISOString()).toBe('2030-03-13T16:00:00.000Z');
    // 18:00Z is already Wednesday 03:00 in Tokyo: tomorrow is Thursday there.
    expect(defaultDue(NOW, 'Asia/Tokyo').toISOString()).toBe('2030-03-14T00:00:00.000Z');
  });

  it('keeps 09:00 local across the DST change (LA springs forward on 10 March 2030)', () => {
    const saturday = new Date('2030-03-09T18:00:00Z');
    // Sunday 10 March 09:00 is already PDT (UTC-7).
    expect(defaultDue(saturday, LA).toISOString()).toBe('2030-03-10T16:00:00.000Z');
  });

  it('reads a picked date and time in the zone, and back', () => {
    const due = fromLocalDue({ date: '2030-12-03', time: '09:30' }, LA);
    expect(due?.toISOString()).toBe('2030-12-03T17:30:00.000Z');
    expect(toLocalDue(due as Date, LA)).toEqual({ date: '2030-12-03', time: '09:30' });
  });

  it('refuses dates that do not exist or are malformed', () => {
    expect(fromLocalDue({ date: '2030-02-31', time: '09:00' }, LA)).toBeUndefined();
    expect(fromLocalDue({ date: '2030-13-01', time: '09:00' }, LA)).toBeUndefined();
    expect(fromLocalDue({ date: 'tomorrow', time: '09:00' }, LA)).toBeUndefined();
    expect(fromLocalDue({ date: '2030-03-01', time: '25:00' }, LA)).toBeUndefined();
  });

  it('round-trips any instant through the pickers to the minute, in several zones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_900_000_000, max: 2_200_000_000 }),
        fc.constantFrom(LA, 'Europe/Paris', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe'),
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

  it('describes a due date in the user zone', () => {
    expect(describeDue(Date.parse('2030-03-14T22:30:00Z') / 1000, LA, NOW)).toBe(
      'Thu 14 Mar, 15:30 (America/Los_Angeles)',
    );
  });
});

describe('validateTaskForm', () => {
  it('accepts a good form: trims, de-duplicates contacts, due in epoch seconds', () => {
    const r = validateTaskForm(good, { timeZone: LA, now: NOW });
    expect(r).toEqual({
      ok: true,
      draft: {
        subject: 'Send the quote',
        type: 'CALL',
        priority: 'LOW',
        dueEpochSec: Date.parse('2030-03-14T22:30:00Z') / 1000,
        contactIds: ['9007199254740993', '42'],
        description: 'details',
        ownerId: '5629585249009664',
      },
    });
  });

  it('defaults type and priority when none were picked', () => {
    const r = validateTaskForm({ ...good, type: undefined, priority: undefined }, { timeZone: LA, now: NOW });
    expect(r.ok && [r.draft.type, r.draft.priority]).toEqual(['FOLLOW_UP', 'NORMAL']);
  });

  it('puts a past day on the date and an earlier hour today on the time', () => {
    const past = validateTaskForm({ ...good, dueDate: '2030-03-11' }, { timeZone: LA, now: NOW });
    expect(past).toEqual({ ok: false, errors: { dueDate: PAST_DUE_MESSAGE } });
    const earlier = validateTaskForm(
      { ...good, dueDate: '2030-03-12', dueTime: '10:59' },
      { timeZone: LA, now: NOW },
    );
    expect(earlier).toEqual({ ok: false, errors: { dueTime: PAST_DUE_MESSAGE } });
    // The same wall clock is still ahead in Tokyo? No: there it is Wednesday already.
    const tokyo = validateTaskForm(
      { ...good, dueDate: '2030-03-12', dueTime: '23:00' },
      { timeZone: 'Asia/Tokyo', now: NOW },
    );
    expect(tokyo).toEqual({ ok: false, errors: { dueDate: PAST_DUE_MESSAGE } });
  });

  it('reports every bad field at once', () => {
    const r = validateTaskForm(
      {
        subject: ' ',
        type: 'FAX',
        priority: 'URGENT',
        dueDate: undefined,
        dueTime: undefined,
        contactIds: Array.from({ length: CONTACTS_MAX + 1 }, (_, i) => String(i + 1)),
        description: 'x'.repeat(3001),
        ownerId: 'alice',
      },
      { timeZone: LA, now: NOW },
    );
    expect(r.ok).toBe(false);
    expect(Object.keys(r.ok ? {} : r.errors).sort()).toEqual(
      ['contact', 'description', 'dueDate', 'dueTime', 'owner', 'priority', 'subject', 'type'].sort(),
    );
  });

  it('refuses an over-long subject', () => {
    const r = validateTaskForm({ ...good, subject: 'x'.repeat(SUBJECT_MAX + 1) }, { timeZone: LA, now: NOW });
    expect(r.ok ? undefined : r.errors.subject).toMatch(/under 500/);
  });

  it('never throws, whatever the strings', () => {
    fc.assert(
      fc.property(
        fc.record({
          subject: fc.option(fc.string(), { nil: undefined }),
          type: fc.option(fc.string(), { nil: undefined }),
          priority: fc.option(fc.string(), { nil: undefined }),
          dueDate: fc.option(fc.string(), { nil: undefined }),
          dueTime: fc.option(fc.string(), { nil: undefined }),
          contactIds: fc.array(fc.string()),
          description: fc.option(fc.string(), { nil: undefined }),
          ownerId: fc.option(fc.string(), { nil: undefined }),
        }),
        (input) => {
          const r = validateTaskForm(input, { timeZone: LA, now: NOW });
          expect(typeof r.ok).toBe('boolean');
        },
      ),
    );
  });
});

describe('taskErrorField', () => {
  const invalid = (reason: string) => new AgileError({ kind: 'invalid', status: 400, message: 'x', reason });
  it.each([
    ['Invalid priority_type: X. Accepted values (case sensitive): HIGH, NORMAL, LOW', 'priority'],
    ['Invalid type: FAX. Accepted values (case sensitive): CALL, EMAIL', 'type'],
    ['due should be epoch seconds', 'dueDate'],
    ['Contact not found with id 12', 'contact'],
    ['No domain user with id 99', 'owner'],
    ['Task subject is mandatory', 'subject'],
    ['something else entirely', 'subject'],
  ])('%s → %s', (reason, field) => {
    expect(taskErrorField(invalid(reason))).toBe(field);
  });

  it('puts non-input failures (auth, outage) on the subject, the top input', () => {
    expect(taskErrorField(new AgileError({ kind: 'unavailable', status: 503, message: 'x' }))).toBe(
      'subject',
    );
    expect(taskErrorField(new Error('boom'))).toBe('subject');
  });
});

describe('quick path helpers', () => {
  it('guesses the type from the first word', () => {
    expect(guessTaskType('Call Ana about renewal')).toBe('CALL');
    expect(guessTaskType('email the contract')).toBe('EMAIL');
    expect(guessTaskType('Send the quote')).toBe('SEND');
    expect(guessTaskType('Demo for the board')).toBe('MEETING');
    expect(guessTaskType('Check in')).toBe('FOLLOW_UP');
    expect(guessTaskType('')).toBe('FOLLOW_UP');
  });

  it('keys a quick task on user, email (any case), subject and due text, with no clock in it', () => {
    const base = { userId: 'U1', email: 'a@b.example', subject: 'S', dueText: 'fri' };
    const key = quickTaskKey(base);
    expect(quickTaskKey({ ...base, email: 'A@B.EXAMPLE' })).toBe(key);
    expect(quickTaskKey({ ...base, userId: 'U2' })).not.toBe(key);
    expect(quickTaskKey({ ...base, subject: 'T' })).not.toBe(key);
    expect(quickTaskKey({ ...base, dueText: null })).not.toBe(key);
    expect(key.length).toBeLessThan(100);
  });

  it('default owner: the Agile user with the Slack email, else the API user, never a throw', async () => {
    const alice = { id: '1', email: 'alice@x.example', name: 'Alice' };
    const api = { id: '9', email: 'api@x.example', name: 'API' };
    const owners = {
      list: async () => [alice, api] as never,
      byEmail: async (e: string | undefined) =>
        (e?.toLowerCase() === alice.email ? alice : undefined) as never,
      apiUser: async () => api as never,
    };
    expect(await defaultOwner(owners, 'ALICE@x.example')).toBe(alice);
    expect(await defaultOwner(owners, 'bob@x.example')).toBe(api);
    expect(await defaultOwner(owners, undefined)).toBe(api);
    const down = {
      ...owners,
      byEmail: async () => {
        throw new Error('down');
      },
    };
    expect(await defaultOwner(down, 'alice@x.example')).toBeUndefined();
  });
});
