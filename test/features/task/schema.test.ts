import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTACTS_MAX,
  decodeTaskMetadata,
  encodeTaskMetadata,
  PAST_DUE_MESSAGE,
  SUBJECT_MAX,
  type TaskFormInput,
  taskFormSchema,
} from '../../../src/features/task/schema.js';
import { parseForm } from '../../../src/platform/slack/form-flow.js';
import { BLOCK } from '../../../src/platform/slack/ids.js';

const LA = 'America/Los_Angeles';
/** Tuesday 12 March 2030, 11:00 in Los Angeles (PDT). */
const NOW = new Date('2030-03-12T18:00:00Z');

/** The form checked in a zone at a time: the draft, or the errors keyed by block id. */
const check = (input: TaskFormInput, ctx: { timeZone: string; now: Date }) =>
  parseForm(taskFormSchema(ctx), input);

const good: TaskFormInput = {
  subject: '  Send the quote  ',
  taskType: 'CALL',
  priority: 'LOW',
  dueDate: '2030-03-14',
  dueTime: '15:30',
  contact: ['9007199254740993', '9007199254740993', '42'],
  description: ' details ',
  owner: '5629585249009664',
};

describe('taskFormSchema', () => {
  it('accepts a good form: trims, de-duplicates contacts, due in epoch seconds', () => {
    const r = check(good, { timeZone: LA, now: NOW });
    expect(r).toEqual({
      ok: true,
      data: {
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
    const r = check({ ...good, taskType: undefined, priority: undefined }, { timeZone: LA, now: NOW });
    expect(r.ok && [r.data.type, r.data.priority]).toEqual(['FOLLOW_UP', 'NORMAL']);
  });

  it('puts a past day on the date and an earlier hour today on the time', () => {
    const past = check({ ...good, dueDate: '2030-03-11' }, { timeZone: LA, now: NOW });
    expect(past).toEqual({ ok: false, errors: { [BLOCK.dueDate]: PAST_DUE_MESSAGE } });
    const earlier = check({ ...good, dueDate: '2030-03-12', dueTime: '10:59' }, { timeZone: LA, now: NOW });
    expect(earlier).toEqual({ ok: false, errors: { [BLOCK.dueTime]: PAST_DUE_MESSAGE } });
    // The same wall clock is still ahead in Tokyo? No: there it is Wednesday already.
    const tokyo = check(
      { ...good, dueDate: '2030-03-12', dueTime: '23:00' },
      { timeZone: 'Asia/Tokyo', now: NOW },
    );
    expect(tokyo).toEqual({ ok: false, errors: { [BLOCK.dueDate]: PAST_DUE_MESSAGE } });
  });

  it('reports every bad field at once', () => {
    const r = check(
      {
        subject: ' ',
        taskType: 'FAX',
        priority: 'URGENT',
        dueDate: undefined,
        dueTime: undefined,
        contact: Array.from({ length: CONTACTS_MAX + 1 }, (_, i) => String(i + 1)),
        description: 'x'.repeat(3001),
        owner: 'alice',
      },
      { timeZone: LA, now: NOW },
    );
    expect(r.ok).toBe(false);
    expect(Object.keys(r.ok ? {} : r.errors).sort()).toEqual(
      [
        BLOCK.contact,
        BLOCK.description,
        BLOCK.dueDate,
        BLOCK.dueTime,
        BLOCK.owner,
        BLOCK.priority,
        BLOCK.subject,
        BLOCK.taskType,
      ].sort(),
    );
  });

  it('refuses an over-long subject', () => {
    const r = check({ ...good, subject: 'x'.repeat(SUBJECT_MAX + 1) }, { timeZone: LA, now: NOW });
    expect(r.ok ? undefined : r.errors[BLOCK.subject]).toMatch(/under 500/);
  });

  it('never throws, whatever the strings', () => {
    fc.assert(
      fc.property(
        fc.record({
          subject: fc.option(fc.string(), { nil: undefined }),
          taskType: fc.option(fc.string(), { nil: undefined }),
          priority: fc.option(fc.string(), { nil: undefined }),
          dueDate: fc.option(fc.string(), { nil: undefined }),
          dueTime: fc.option(fc.string(), { nil: undefined }),
          contact: fc.array(fc.string()),
          description: fc.option(fc.string(), { nil: undefined }),
          owner: fc.option(fc.string(), { nil: undefined }),
        }),
        (input) => {
          const r = check(input, { timeZone: LA, now: NOW });
          expect(typeof r.ok).toBe('boolean');
        },
      ),
    );
  });
});

describe('task form checks that stay per input', () => {
  it('an unknown contact id wins over the count; a missing date and a past time are both reported', () => {
    const ids = Array.from({ length: CONTACTS_MAX + 1 }, (_, i) => String(i + 1));
    const r = check({ ...good, contact: [...ids, 'x'] }, { timeZone: LA, now: NOW });
    expect(r).toEqual({ ok: false, errors: { [BLOCK.contact]: 'Pick contacts from the list' } });
    const both = check({ ...good, subject: '', dueDate: '2030-03-01' }, { timeZone: LA, now: NOW });
    expect(both.ok ? {} : both.errors).toEqual({
      [BLOCK.subject]: 'Give the task a subject',
      [BLOCK.dueDate]: PAST_DUE_MESSAGE,
    });
    expect(check({ ...good, dueDate: '2030-02-31' }, { timeZone: LA, now: NOW })).toEqual({
      ok: false,
      errors: { [BLOCK.dueDate]: 'That date does not exist' },
    });
  });
});

describe('task modal metadata', () => {
  it('round-trips with readable keys; damaged metadata reads as no channel, UTC', () => {
    const meta = { channelId: 'C0SALES', timeZone: LA };
    expect(JSON.parse(encodeTaskMetadata(meta))).toEqual(meta);
    expect(decodeTaskMetadata(encodeTaskMetadata(meta))).toEqual(meta);
    expect(decodeTaskMetadata('{not json')).toEqual({ channelId: '', timeZone: 'UTC' });
    expect(decodeTaskMetadata(undefined)).toEqual({ channelId: '', timeZone: 'UTC' });
  });
});
