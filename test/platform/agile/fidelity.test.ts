// The client follows what the API reference shows, not what a lenient simulator let pass (issue 11 part 2).
import { describe, expect, it } from 'vitest';
import type { AgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import type { AgileClient } from '../../../src/platform/agile/index.js';
import { describeAgileError } from '../../../src/platform/slack/error-words.js';
import { clientFor, failureOf, recordingSleep, requestsTo, useClientAndSimulator } from './sim.js';

let sim: AgileSimulator;
let client: AgileClient;

useClientAndSimulator((started) => {
  ({ sim, client } = started);
});

const DEADLINE =
  'com.google.apphosting.api.DeadlineExceededException: This request (00000185a) started at 2026/12/04 10:00:00.000 UTC and was still executing at 2026/12/04 10:01:00.000 UTC.';
const DATASTORE_TIMEOUT =
  'com.google.appengine.api.datastore.DatastoreTimeoutException: The datastore operation timed out, or the data was temporarily unavailable.';
const BAD_INPUT = 'java.lang.NumberFormatException: For input string: "abc"';

describe('deal notes: the answer is the deal', () => {
  it('parses the deal that POST api/opportunity/deals/notes returns (not a note)', async () => {
    const deal = sim.state.deals[0];
    const answer = await client.notes.createForDeal({
      subject: 'Pricing',
      description: '10% off',
      dealIds: [deal?.id ?? ''],
    });
    expect(answer.id).toBe(deal?.id);
    expect(answer.name).toBe(deal?.name);
    expect(sim.state.notes.some((n) => n.subject === 'Pricing' && n.dealIds.includes(deal?.id ?? ''))).toBe(
      true,
    );
  });
});

describe('a 500 with a transient Java exception', () => {
  it('is retried on a read, and succeeds', async () => {
    const { sleep, delays } = recordingSleep();
    const reader = clientFor(sim, { sleep });
    const id = sim.state.contacts[0]?.id ?? '';
    sim.faults.inject({
      method: 'GET',
      path: `api/contacts/${id}`,
      fault: { kind: 'status', status: 500, body: DEADLINE },
    });
    sim.faults.inject({
      method: 'GET',
      path: `api/contacts/${id}`,
      fault: { kind: 'status', status: 500, body: DATASTORE_TIMEOUT },
    });
    const contact = await reader.contacts.get(id);
    expect(contact?.id).toBe(id);
    expect(requestsTo(sim, 'GET', `/dev/api/contacts/${id}`)).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it('is not retried on a create (POST), and says the CRM is not answering properly', async () => {
    sim.faults.inject({
      method: 'POST',
      path: 'api/notes',
      fault: { kind: 'status', status: 500, body: DEADLINE },
    });
    const err = await failureOf(
      client.notes.createForContacts({
        subject: 's',
        description: 'd',
        contactIds: [sim.state.contacts[0]?.id ?? ''],
      }),
    );
    expect(err.kind).toBe('unavailable');
    expect(requestsTo(sim, 'POST', '/dev/api/notes')).toHaveLength(1);
    expect(describeAgileError(err)).toContain('HTTP 500');
  });

  it('a 500 reflecting bad input is not retried, even on a read', async () => {
    const id = sim.state.contacts[0]?.id ?? '';
    sim.faults.inject({
      method: 'GET',
      path: `api/contacts/${id}`,
      fault: { kind: 'status', status: 500, body: BAD_INPUT },
    });
    const err = await failureOf(client.contacts.get(id));
    expect(err.kind).toBe('invalid');
    expect(requestsTo(sim, 'GET', `/dev/api/contacts/${id}`)).toHaveLength(1);
  });
});

describe('406', () => {
  it('is the contact limit only when the body says so', async () => {
    const input = { properties: [{ type: 'SYSTEM' as const, name: 'first_name', value: 'Zed' }] };
    sim.faults.inject({
      method: 'POST',
      path: 'api/contacts',
      fault: { kind: 'status', status: 406, body: 'Contacts limit exceeded. Please upgrade your plan.' },
    });
    expect((await failureOf(client.contacts.create(input))).kind).toBe('limit');
    sim.faults.inject({
      method: 'POST',
      path: 'api/contacts',
      fault: { kind: 'status', status: 406, body: '' },
    });
    const plain = await failureOf(client.contacts.create(input));
    expect(plain.kind).toBe('refused');
    expect(describeAgileError(plain)).toBe('the CRM refused the request (HTTP 406)');
  });
});

describe('POST search/email', () => {
  it('an answer of {} means none found', async () => {
    sim.faults.inject({
      method: 'POST',
      path: 'api/contacts/search/email',
      fault: { kind: 'status', status: 200, body: '{}', contentType: 'application/json' },
    });
    expect(await client.contacts.searchByEmails(['a@x.example', 'b@x.example'])).toEqual([null, null]);
  });

  it('the simulator answers {} when nobody matched, as the reference says', async () => {
    expect(await client.contacts.searchByEmails(['nobody@nowhere.example'])).toEqual([null]);
    const last = sim.requests[sim.requests.length - 1];
    expect(last?.status).toBe(200);
  });
});

describe('new records get ids above 2^53 too', () => {
  it('keeps every created id exact', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await client.contacts.create({
        properties: [
          { type: 'SYSTEM', name: 'first_name', value: `Big${i}` },
          { type: 'SYSTEM', name: 'email', value: `big${i}@ids.example` },
        ],
      });
      ids.push(created.id);
      expect(sim.state.contacts.some((c) => c.id === created.id)).toBe(true);
      expect((await client.contacts.get(created.id))?.id).toBe(created.id);
    }
    expect(ids.filter((id) => BigInt(id) > 2n ** 53n).length).toBeGreaterThanOrEqual(2);
  });
});
