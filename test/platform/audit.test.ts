import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../../src/platform/agile/errors.js';
import { AgileError } from '../../src/platform/agile/index.js';
import { audited, auditSummary, createAuditTrail, failureOf } from '../../src/platform/audit.js';
import { withRequestContext } from '../../src/platform/request-context.js';
import type { AuditEntryInput, Store } from '../../src/platform/store/index.js';
import { recordingAuditTrail } from '../helpers/recording-store.js';

const actor = { teamId: 'T1', userId: 'U1' };

describe('audited', () => {
  it('records an ok write with the ids known before and the ids from its result', async () => {
    const { audit, writes } = recordingAuditTrail();
    const result = await audited(
      audit,
      {
        action: 'note.create',
        actor,
        summary: 'Subject',
        ids: { contactId: '1' },
        written: (r: { noteId: string }) => ({ recordIds: { noteId: r.noteId } }),
      },
      async () => ({ noteId: '2' }),
    );
    expect(result).toEqual({ noteId: '2' });
    expect(writes).toEqual([
      {
        action: 'note.create',
        actor,
        summary: 'Subject',
        recordIds: { contactId: '1', noteId: '2' },
        outcome: 'ok',
      },
    ]);
  });

  it('records nothing when the result says nothing was written', async () => {
    const { audit, writes } = recordingAuditTrail();
    await audited(audit, { action: 'deal.move', actor, summary: 's', written: () => null }, async () => 1);
    expect(writes).toEqual([]);
  });

  it('records a failure with its kind and rethrows it', async () => {
    const { audit, writes } = recordingAuditTrail();
    const refused = new AgileError({ kind: 'invalid', status: 400, message: 'x' });
    await expect(
      audited(
        audit,
        {
          action: 'task.create',
          actor,
          summary: 's',
          ids: { contactIds: ['1'] },
          written: () => ({ recordIds: {} }),
        },
        async () => {
          throw refused;
        },
      ),
    ).rejects.toBe(refused);
    expect(writes).toEqual([
      expect.objectContaining({ recordIds: { contactIds: ['1'] }, outcome: 'failed', errorKind: 'invalid' }),
    ]);
  });
});

describe('failureOf', () => {
  it('a write with no answer is unknown; a read with none, or any refusal, failed', () => {
    const timedOut = (method: string) =>
      new AgileError({ kind: 'unavailable', message: 'x', timedOut: true, request: { method, path: '/x' } });
    expect(failureOf(timedOut('POST'))).toEqual({ outcome: 'unknown', errorKind: 'unavailable' });
    expect(failureOf(timedOut('GET'))).toEqual({ outcome: 'failed', errorKind: 'unavailable' });
    expect(
      failureOf(
        new AgileError({
          kind: 'unavailable',
          status: 503,
          message: 'x',
          request: { method: 'PUT', path: '/x' },
        }),
      ),
    ).toEqual({ outcome: 'failed', errorKind: 'unavailable' });
    const gateway = errorFromResponse({ status: 504, body: '', request: { method: 'POST', path: '/x' } });
    expect(failureOf(gateway)).toEqual({ outcome: 'unknown', errorKind: 'unavailable' });
    expect(failureOf(Object.assign(new Error('x'), { kind: 'reason_required' }))).toEqual({
      outcome: 'failed',
      errorKind: 'reason_required',
    });
    expect(failureOf(new TypeError('x'))).toEqual({ outcome: 'failed', errorKind: 'TypeError' });
    expect(failureOf('odd')).toEqual({ outcome: 'failed', errorKind: 'error' });
  });
});

describe('createAuditTrail', () => {
  function storeWith(record: (input: AuditEntryInput) => Promise<unknown>) {
    return { audit: { record } } as unknown as Pick<Store, 'audit'>;
  }

  it('adds the API user and the request id, and shortens the summary', async () => {
    const rows: AuditEntryInput[] = [];
    const trail = createAuditTrail({
      store: storeWith(async (input) => rows.push(input)),
      logger: pino({ level: 'silent' }),
      agileUser: 'api@x.example',
      retentionDays: 30,
    });
    await withRequestContext({ requestId: 'req-1' }, () =>
      trail.record({
        action: 'deal.create',
        actor,
        recordIds: { dealId: '5' },
        summary: 'x'.repeat(500),
        outcome: 'ok',
      }),
    );
    await trail.record({
      action: 'deal.create',
      actor,
      recordIds: {},
      summary: 'y',
      outcome: 'ok',
      agileUser: 'me@x.example',
    });
    expect(rows[0]).toMatchObject({
      teamId: 'T1',
      slackUserId: 'U1',
      agileUser: 'api@x.example',
      requestId: 'req-1',
    });
    expect(rows[0]?.summary).toHaveLength(200);
    expect(rows[1]).toMatchObject({ agileUser: 'me@x.example' });
    expect(rows[1]).not.toHaveProperty('requestId');
    expect(trail.retentionDays).toBe(30);
  });

  it('never fails the write when the insert fails: it logs instead', async () => {
    const lines: { msg?: string }[] = [];
    const trail = createAuditTrail({
      store: storeWith(async () => {
        throw new Error('disk full');
      }),
      logger: pino({ level: 'error' }, { write: (s: string) => lines.push(JSON.parse(s)) }),
      agileUser: 'api@x.example',
      retentionDays: 90,
    });
    await expect(
      trail.record({ action: 'note.create', actor, recordIds: {}, summary: 's', outcome: 'ok' }),
    ).resolves.toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual(['could not record the write in the audit trail']);
  });
});

describe('auditSummary', () => {
  it('flattens whitespace and cuts to 200 characters', () => {
    expect(auditSummary('  a\n\tb  ')).toBe('a b');
    expect([...auditSummary('é'.repeat(300))]).toHaveLength(200);
  });
});
