import { describe, expect, it } from 'vitest';
import { createMetrics, endpointTemplate } from '../../src/platform/metrics.js';

describe('endpointTemplate', () => {
  it.each([
    ['api/contacts', 'api/contacts'],
    ['api/contacts/5629499534213120', 'api/contacts/:id'],
    ['api/contacts/search/email/ana%40acme.com', 'api/contacts/search/email/:id'],
    ['api/contacts/search/phonenumber/%2B4930123', 'api/contacts/search/phonenumber/:id'],
    ['api/tasks/pending/3', 'api/tasks/pending/:id'],
    ['api/contacts/123/tasks/sort?x=1', 'api/contacts/:id/tasks/sort'],
  ])('%s → %s', (path, template) => {
    expect(endpointTemplate(path)).toBe(template);
  });
});

describe('createMetrics', () => {
  it('one registry per bot: two bots in one process do not share counters', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.digestRuns.inc({ outcome: 'posted' });
    expect((await a.render()).body).toContain('crm_digest_runs_total{outcome="posted"} 1');
    expect((await b.render()).body).not.toContain('crm_digest_runs_total{outcome="posted"}');
  });

  it('keeps the last digest tick and exposes its lag', async () => {
    const m = createMetrics({ processMetrics: false, inFlight: () => 3 });
    expect(m.lastDigestTick()).toBeNull();
    m.digestTick({ atMs: 1_700_000_000_000, lagMs: 1500 });
    expect(m.lastDigestTick()).toEqual({ atMs: 1_700_000_000_000, lagMs: 1500 });
    const { body } = await m.render();
    expect(body).toContain('crm_digest_scheduler_lag_seconds 1.5');
    expect(body).toContain('crm_in_flight_work 3');
  });
});
