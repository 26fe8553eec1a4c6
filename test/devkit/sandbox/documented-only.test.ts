import { describe, expect, it } from 'vitest';
import {
  simulatorRoutes,
  startAgileSimulator,
  UNDOCUMENTED_ROUTES,
} from '../../../src/devkit/sandbox/agile-simulator.js';
import { call, useSimulator } from './sim-fetch.js';

/**
 * Every `dev/api/…` path the API reference (shared/agile-crm-api.txt) shows, examples with their sample
 * ids and emails: `grep -o 'dev/api/[^ ?"\\]*' agile-crm-api.txt | sort -u`.
 */
const REFERENCE_PATHS = [
  'api/campaigns/enroll/email',
  'api/contacts',
  'api/contacts/5688267051630592/notes',
  'api/contacts/add-score',
  'api/contacts/add/property',
  'api/contacts/change-owner',
  'api/contacts/companies/list',
  'api/contacts/delete/tags',
  'api/contacts/edit-properties',
  'api/contacts/edit/add-star',
  'api/contacts/edit/lead-score',
  'api/contacts/edit/tags',
  'api/contacts/email/note/add',
  'api/contacts/email/tags/add',
  'api/contacts/email/tags/delete',
  'api/contacts/notes/bulk',
  'api/contacts/search/email',
  'api/contacts/search/email/{email}',
  'api/contacts/search/phonenumber/{phone-number}',
  'api/contacts/{contact_id}/deals',
  'api/contacts/{contact_id}/events/sort',
  'api/contacts/{contact_id}/notes/{note_id}',
  'api/contacts/{contact_id}/tasks/sort',
  'api/contacts/{id}',
  'api/documents',
  'api/documents/contact/5668302869233664/docs',
  'api/events',
  'api/events/5149503652888576',
  'api/filters/filter/dynamic-filter',
  'api/milestone/pipelines',
  'api/milestone/pipelines/5149503652888576',
  'api/notes/',
  'api/notes/{ticket-id}',
  'api/opportunity',
  'api/opportunity/981',
  'api/opportunity/based',
  'api/opportunity/bulk',
  'api/opportunity/byMilestone',
  'api/opportunity/byPipeline/based',
  'api/opportunity/deals/notes',
  'api/opportunity/email/[email',
  'api/opportunity/my/deals',
  'api/opportunity/partial-update',
  'api/opportunity/partial-update/delete-contact',
  'api/opportunity/{deal-id}/notes',
  'api/opportunity/{id}',
  'api/search',
  'api/tasks',
  'api/tasks/5149503652888576',
  'api/tasks/based',
  'api/tasks/email/[email',
  'api/tasks/partial-update',
  'api/tasks/pending/3',
  'api/tasks/{task-id}',
  'api/tickets/100',
  'api/tickets/filter',
  'api/tickets/filters',
  'api/tickets/new-ticket',
  'api/tickets/notes/{ticketid}',
  'api/workflows',
  'api/workflows/remove-active-subscriber/{workflow-id}/{contact_id}',
].map((p) => p.split('/').filter((s) => s !== ''));

function documented(pattern: string, reference: string[][]): boolean {
  const parts = pattern.split('/');
  return reference.some(
    (ref) => ref.length === parts.length && parts.every((part, i) => part.startsWith(':') || part === ref[i]),
  );
}

describe('documented-only mode', () => {
  const sim = useSimulator({ undocumented: false });

  it('every route but UNDOCUMENTED_ROUTES is in the API reference, and those are not', () => {
    const reference = REFERENCE_PATHS;
    const undocumented = new Set(UNDOCUMENTED_ROUTES.map((r) => `${r.method} ${r.pattern}`));
    for (const r of simulatorRoutes()) {
      const key = `${r.method} ${r.pattern}`;
      expect(documented(r.pattern, reference), key).toBe(!undocumented.has(key));
    }
    expect([...undocumented].sort()).toEqual([
      'GET api/current-user',
      'GET api/users',
      'GET api/users/current-user',
    ]);
  });

  it('answers the undocumented routes 404 like an unknown path, and serves the documented ones', async () => {
    for (const path of ['api/users', 'api/users/current-user', 'api/current-user', 'api/no-such-thing']) {
      const res = await call(sim, path);
      expect({ path, status: res.status, text: res.text }).toEqual({ path, status: 404, text: 'Not Found' });
    }
    expect((await call(sim, 'api/opportunity?page_size=5')).status).toBe(200);
  });

  it('serves the undocumented routes by default', async () => {
    const full = await startAgileSimulator();
    try {
      expect((await call(full, 'api/users')).status).toBe(200);
    } finally {
      await full.close();
    }
  });
});

describe('the request log', () => {
  it('keeps only the most recent maxRecordedRequests', async () => {
    const sim = await startAgileSimulator({ maxRecordedRequests: 3 });
    try {
      for (const size of [1, 2, 3, 4, 5]) await call(sim, `api/opportunity?page_size=${size}`);
      expect(sim.requests.map((r) => r.query.page_size)).toEqual(['3', '4', '5']);
    } finally {
      await sim.close();
    }
  });
});
