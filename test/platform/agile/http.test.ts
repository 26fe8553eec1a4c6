import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import {
  type AgileClient,
  type AgileClientOptions,
  AgileError,
  buildContactProperties,
  createAgileClient,
} from '../../../src/platform/agile/index.js';
import { describeAgileError } from '../../../src/platform/slack/error-words.js';
import { clientFor, failureOf, recordingSleep, requestsTo, useClientAndSimulator } from './sim.js';

let sim: AgileSimulator;
let client: AgileClient;

useClientAndSimulator((started) => {
  ({ sim, client } = started);
});

const someId = () => sim.state.contacts[0]?.id ?? '';

/** A client pointed at the simulator whose sleep records the delays asked for instead of waiting. */
function clientWithRecordedSleep(options: Partial<AgileClientOptions> = {}) {
  const { sleep, delays } = recordingSleep();
  return { client: clientFor(sim, { sleep, ...options }), delays };
}

describe('retries', () => {
  it('retries a GET after a 503, after the first backoff delay, and succeeds', async () => {
    const { client, delays } = clientWithRecordedSleep();
    sim.faults.failNext(1, 503);
    const contact = await client.contacts.get(someId());
    expect(contact?.id).toBe(someId());
    expect(requestsTo(sim, 'GET', `/dev/api/contacts/${someId()}`)).toHaveLength(2);
    expect(delays).toEqual([250]);
  });

  it('gives up after the configured retries with kind unavailable, backing off exponentially', async () => {
    const { client, delays } = clientWithRecordedSleep({ retryBaseDelayMs: 100 });
    sim.faults.failNext(5, 503);
    const err = await failureOf(client.contacts.get(someId()));
    expect(err.kind).toBe('unavailable');
    expect(err.status).toBe(503);
    expect(requestsTo(sim, 'GET', '/dev/api/contacts/')).toHaveLength(3); // 1 + 2 retries
    expect(delays).toEqual([100, 200]);
  });

  it('retries an idempotent PUT after a 502', async () => {
    sim.faults.failNext(1, 502);
    const updated = await client.contacts.setStarValue(someId(), 2);
    expect(updated.star_value).toBe(2);
    expect(requestsTo(sim, 'PUT', '/dev/api/contacts/edit/add-star')).toHaveLength(2);
  });

  it('retries a DELETE after a 503', async () => {
    sim.faults.failNext(1, 503);
    await client.contacts.delete(someId());
    expect(requestsTo(sim, 'DELETE', '/dev/api/contacts/')).toHaveLength(2);
  });

  it('never re-sends a POST create that got a 503', async () => {
    const { client, delays } = clientWithRecordedSleep();
    sim.faults.failNext(1, 503);
    const err = await failureOf(
      client.contacts.create({
        properties: buildContactProperties({ firstName: 'Once', emails: ['once@example.org'] }),
      }),
    );
    expect(err.kind).toBe('unavailable');
    expect(requestsTo(sim, 'POST', '/dev/api/contacts')).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(sim.state.contacts.some((c) => c.properties.some((p) => p.value === 'once@example.org'))).toBe(
      false,
    );
  });

  it('honours Retry-After-less 429 with backoff on reads, not on creates', async () => {
    const { client, delays } = clientWithRecordedSleep();
    sim.faults.failNext(1, 429);
    expect((await client.contacts.get(someId()))?.id).toBe(someId());
    expect(delays).toEqual([250]);
    sim.faults.failNext(1, 429);
    const err = await failureOf(
      client.tasks.create({ subject: 'x', type: 'CALL', priority_type: 'LOW', due: 1_900_000_000 }),
    );
    expect(err.kind).toBe('rate_limited');
    expect(requestsTo(sim, 'POST', '/dev/api/tasks')).toHaveLength(1);
    expect(delays).toEqual([250]);
  });

  it('waits for Retry-After (seconds) on a 429 before retrying a read', async () => {
    const { client, delays } = clientWithRecordedSleep();
    sim.faults.failNext(1, 429, 'Too many requests', { 'Retry-After': '2' });
    expect((await client.contacts.get(someId()))?.id).toBe(someId());
    expect(delays).toEqual([2000]);
    expect(requestsTo(sim, 'GET', `/dev/api/contacts/${someId()}`)).toHaveLength(2);
  });

  it('waits until a Retry-After HTTP date, read against the injected clock', async () => {
    const retryAt = 'Wed, 21 Oct 2026 07:28:00 GMT';
    const { client, delays } = clientWithRecordedSleep({ now: () => Date.parse(retryAt) - 3_000 });
    sim.faults.failNext(1, 503, 'Down for maintenance', { 'Retry-After': retryAt });
    expect((await client.contacts.get(someId()))?.id).toBe(someId());
    expect(delays).toEqual([3000]);
  });

  it('fails a read as rate_limited at once when Retry-After is longer than it will wait', async () => {
    const { client, delays } = clientWithRecordedSleep();
    sim.faults.failNext(1, 429, 'Too many requests', { 'Retry-After': '3600' });
    const err = await failureOf(client.contacts.get(someId()));
    expect(err.kind).toBe('rate_limited');
    expect(requestsTo(sim, 'GET', `/dev/api/contacts/${someId()}`)).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('does not retry a 500 whose body is a Java exception (bad input)', async () => {
    sim.faults.failNext(3, 500, 'java.lang.NumberFormatException: For input string: "abc"');
    const err = await failureOf(client.contacts.setLeadScore(someId(), 1));
    expect(err.kind).toBe('invalid');
    expect(err.reason).toContain('For input string');
    expect(requestsTo(sim, 'PUT', '/dev/api/contacts/edit/lead-score')).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('a request that hangs ends as unavailable (timed out) instead of hanging', async () => {
    const quick = clientFor(sim, { timeoutMs: 150, retries: 0 });
    sim.faults.hangNext(1);
    const err = await failureOf(quick.contacts.get(someId()));
    expect(err).toBeInstanceOf(AgileError);
    expect(err.kind).toBe('unavailable');
    expect(err.timedOut).toBe(true);
    expect(err.status).toBeUndefined();
    expect(describeAgileError(err)).toContain('did not answer in time');
  });

  it('a GET that times out once is retried; a POST that times out is not, and says the outcome is unknown', async () => {
    const { client: quick, delays } = clientWithRecordedSleep({ timeoutMs: 150 });
    sim.faults.hangNext(1);
    expect((await quick.contacts.get(someId()))?.id).toBe(someId());
    expect(delays).toEqual([250]);
    sim.faults.latencyMs = 400;
    const err = await failureOf(
      quick.notes.createForContacts({ subject: 's', description: 'd', contactIds: [someId()] }),
    );
    expect(err.kind).toBe('unavailable');
    expect(err).toMatchObject({ timedOut: true, write: true });
    expect(describeAgileError(err)).toContain('it may have been saved all the same');
    expect(requestsTo(sim, 'POST', '/dev/api/notes')).toHaveLength(1);
    expect(delays).toEqual([250]);
  });
  it('the timeout also covers a body that stalls after the headers, and the read is retried', async () => {
    let served = 0;
    const stalling = createServer((_req, res) => {
      served++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"id": ');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalling.address() as AddressInfo;
      const { sleep, delays } = recordingSleep();
      const stalled = createAgileClient({
        baseUrl: `http://127.0.0.1:${port}/dev/`,
        email: 'a@b.c',
        apiKey: 'k',
        timeoutMs: 150,
        retries: 1,
        sleep,
      });
      const err = await failureOf(stalled.contacts.get('1'));
      expect(err).toMatchObject({ kind: 'unavailable', timedOut: true });
      expect(served).toBe(2);
      expect(delays).toEqual([250]);
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });
});

describe('answers that are not what we expect', () => {
  it('a 200 with XML is a bad_response, not a crash', async () => {
    sim.faults.failNext(1, 200, '<contact><id>1</id></contact>');
    const err = await failureOf(client.contacts.get(someId()));
    expect(err.kind).toBe('bad_response');
  });

  it('a 200 with a wrong shape fails clearly, naming the field', async () => {
    sim.faults.failNext(1, 200, '{"id": {"nested": true}}');
    const err = await failureOf(client.contacts.get(someId()));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toContain('id');
  });

  it('an unreachable server is unavailable', async () => {
    const nowhere = createAgileClient({
      baseUrl: 'http://127.0.0.1:1/dev/',
      email: 'a@b.c',
      apiKey: 'k',
      retries: 0,
    });
    const err = await failureOf(nowhere.contacts.get('1'));
    expect(err.kind).toBe('unavailable');
    expect(err.timedOut).toBe(false);
  });
});
