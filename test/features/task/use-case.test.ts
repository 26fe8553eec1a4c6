import { describe, expect, it } from 'vitest';
import { guessTaskType, quickTask, taskErrorField } from '../../../src/features/task/use-case.js';
import { AgileError } from '../../../src/platform/agile/index.js';
import { keyRecordingStore, recordingAuditTrail } from '../../helpers/recording-store.js';

describe('taskErrorField', () => {
  const invalid = (reason: string) => new AgileError({ kind: 'invalid', status: 400, message: 'x', reason });
  it.each([
    ['Invalid priority_type: X. Accepted values (case sensitive): HIGH, NORMAL, LOW', 'priority'],
    ['Invalid type: FAX. Accepted values (case sensitive): CALL, EMAIL', 'taskType'],
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

  it('keys a quick task on team, user, email (any case), subject and due text, with no clock in it', async () => {
    const { store, keys } = keyRecordingStore();
    const deps = {
      agile: {
        contacts: { searchByEmail: async () => ({ id: '42', properties: [] }) },
        tasks: {
          create: async (t: { subject: string; due: number }) => ({
            id: '7',
            subject: t.subject,
            due: t.due,
          }),
        },
      },
      store,
      audit: recordingAuditTrail().audit,
      owners: {
        list: async () => [],
        byEmail: async () => undefined,
        apiUser: async () => undefined,
        defaultFor: async () => undefined,
      },
      slackUsers: { profile: async (id: string) => ({ id, name: id, timeZone: 'UTC' }) },
      now: () => new Date('2030-03-12T18:00:00Z'),
    } as unknown as Parameters<typeof quickTask>[0];
    const base = { email: 'a@b.example', subject: 'S', dueText: 'fri' };
    const actor = { teamId: 'T1', userId: 'U1' };
    await quickTask(deps, actor, base);
    await quickTask(deps, actor, { ...base, email: 'A@B.EXAMPLE' });
    await quickTask(deps, actor, { ...base, subject: '  S ' });
    await quickTask(deps, { ...actor, userId: 'U2' }, base);
    await quickTask(deps, { ...actor, teamId: 'T2' }, base);
    await quickTask(deps, actor, { ...base, subject: 'T' });
    await quickTask(deps, actor, { ...base, dueText: null });
    const [key, sameEmail, sameSubject, ...others] = keys;
    expect(sameEmail).toBe(key);
    expect(sameSubject).toBe(key);
    expect(new Set([key, ...others]).size).toBe(5);
    expect(key?.startsWith('task.quick:')).toBe(true);
    expect(key?.length).toBeLessThan(100);
  });
});
