import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/features/status/use-case.js';
import { buildStatusMessage, formatUptime } from '../../../src/features/status/views.js';
import { AgileError } from '../../../src/platform/agile/index.js';

const now = new Date('2026-03-10T12:00:00Z');

function report(over: Partial<StatusReport> = {}): StatusReport {
  return {
    agile: { state: 'ok', value: null, ms: 42 },
    slack: { state: 'ok', value: { team: 'Acme', botUser: 'crm-bot' }, ms: 10 },
    store: {
      kind: 'sqlite',
      migrations: { state: 'ok', value: { applied: 1, latest: '001_initial' }, ms: 1 },
    },
    lastTick: null,
    digests: { state: 'ok', value: { enabledSchedules: 0, lastRun: null, nextPostAt: null }, ms: 1 },
    version: '1.2.3',
    startedAt: new Date(now.getTime() - 90_000),
    now,
    ...over,
  };
}

const textOf = (r: StatusReport) => JSON.stringify(buildStatusMessage(r).blocks);

describe('buildStatusMessage', () => {
  it('escapes what Slack, the CRM and the store said', () => {
    const text = textOf(
      report({
        slack: { state: 'ok', value: { team: 'R&D <x>', botUser: 'bot' }, ms: 1 },
        digests: {
          state: 'ok',
          value: {
            enabledSchedules: 1,
            lastRun: {
              status: 'failed',
              localDate: '2026-03-10',
              error: '<!channel> & co',
              channelId: 'C1',
              atMs: 0,
            },
            nextPostAt: now,
          },
          ms: 1,
        },
      }),
    );
    expect(text).toContain('R&amp;D &lt;x&gt;');
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('<#C1>');
  });

  it('names a rejected key, a hang and an unreachable CRM apart', () => {
    const auth = new AgileError({
      kind: 'auth',
      status: 401,
      request: { method: 'GET', path: 'api/contacts' },
      message: 'no',
    });
    expect(textOf(report({ agile: { state: 'failed', error: auth, ms: 5 } }))).toContain('key rejected');
    expect(textOf(report({ agile: { state: 'timeout', budgetMs: 2000 } }))).toContain(
      'did not answer in time',
    );
    const down = new AgileError({
      kind: 'unavailable',
      request: { method: 'GET', path: 'api/contacts' },
      message: 'x',
    });
    expect(textOf(report({ agile: { state: 'failed', error: down, ms: 5 } }))).toContain(
      'could not be reached',
    );
  });

  it('says the scheduler has not ticked in this instance', () => {
    expect(textOf(report())).toContain('no tick yet in this instance');
  });
});

describe('formatUptime', () => {
  it.each([
    [40_000, '40 s'],
    [12 * 60_000, '12 min'],
    [(2 * 60 + 5) * 60_000, '2 h 5 min'],
    [(3 * 24 + 4) * 3_600_000, '3 d 4 h'],
  ])('%d ms → %s', (ms, words) => {
    expect(formatUptime(ms)).toBe(words);
  });
});
