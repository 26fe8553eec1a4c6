import { describe, expect, it, vi } from 'vitest';
import { startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { call, json, useSimulator } from './sim-fetch.js';

const sim = useSimulator();

describe('contact paging', () => {
  it('puts count on the first and cursor on the last element, none on the last page', async () => {
    const total = sim.state.contacts.length;
    const first = await call(sim, 'api/contacts?page_size=20');
    const page1 = json<{ id: string; count?: string; cursor?: string }[]>(first);
    expect(page1).toHaveLength(20);
    expect(page1[0]?.count).toBe(String(total));
    expect(page1.slice(0, -1).some((c) => c.cursor !== undefined)).toBe(false);
    const cursor = page1[19]?.cursor;
    expect(cursor).toEqual(expect.any(String));
    const page2 = json<{ id: string; cursor?: string }[]>(
      await call(sim, `api/contacts?page_size=20&cursor=${encodeURIComponent(cursor ?? '')}`),
    );
    expect(page2).toHaveLength(total - 20);
    expect(page2.some((c) => c.cursor !== undefined)).toBe(false);
    expect(new Set([...page1, ...page2].map((c) => c.id)).size).toBe(total);
  });

  it('answers 500 with a Java exception text for a garbage or foreign cursor', async () => {
    const bad = await call(sim, 'api/contacts?page_size=5&cursor=not-a-cursor');
    expect(bad.status).toBe(500);
    expect(bad.text).toMatch(/^java\.lang\.IllegalArgumentException/);
    const deals = json<{ cursor?: string }[]>(await call(sim, 'api/opportunity?page_size=2'));
    const foreign = await call(
      sim,
      `api/contacts?page_size=5&cursor=${encodeURIComponent(deals[1]?.cursor ?? '')}`,
    );
    expect(foreign.status).toBe(500);
  });

  it('answers 204 with an empty body for an empty list', async () => {
    const empty = await startAgileSimulator({ seed: false });
    try {
      const res = await call(empty, 'api/contacts?page_size=10');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await call(empty, 'api/opportunity')).status).toBe(204);
      expect((await call(empty, 'api/tasks')).status).toBe(204);
    } finally {
      await empty.close();
    }
  });
});

describe('faults', () => {
  it('failNext answers the given status for the next n requests only', async () => {
    sim.faults.failNext(2, 503, 'Service Unavailable');
    const a = await call(sim, 'api/contacts');
    const b = await call(sim, 'api/contacts', { auth: null });
    const c = await call(sim, 'api/users');
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.text).toBe('Service Unavailable');
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('latencyMs delays every response', async () => {
    sim.faults.latencyMs = 150;
    expect((await call(sim, 'api/users')).status).toBe(200);
    expect((await call(sim, 'api/contacts')).status).toBe(200);
    expect(sim.requests.map((r) => r.delayedMs)).toEqual([150, 150]);
  });

  it('hangNext never answers until aborted; later requests are served', async () => {
    sim.faults.hangNext(1);
    const controller = new AbortController();
    const pending = call(sim, 'api/users', { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toThrow();
    expect((await call(sim, 'api/users')).status).toBe(200);
  });

  it('close() does not hang on a hanging request', async () => {
    const other = await startAgileSimulator({ seed: false });
    other.faults.hangNext(1);
    const pending = call(other, 'api/users').catch((error: unknown) => error);
    await vi.waitFor(() => expect(other.requests).toHaveLength(1));
    // A close that waited for the hanging request would fail this test by its timeout.
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('recording and reset', () => {
  it('records requests with method, path, query, headers and body', async () => {
    await call(sim, 'api/contacts/search/email', { form: { email_ids: '["a@b.c"]' } });
    const [rec] = sim.requests;
    expect(rec?.method).toBe('POST');
    expect(rec?.path).toBe('/dev/api/contacts/search/email');
    expect(rec?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(rec?.body).toBe('email_ids=%5B%22a%40b.c%22%5D');
    expect(rec?.status).toBe(200);
  });

  it('reset() restores seed data with the same ids and clears requests and faults', async () => {
    const ids = sim.state.contacts.map((c) => c.id);
    await call(sim, `api/contacts/${ids[0]}`, { method: 'DELETE' });
    sim.faults.latencyMs = 500;
    sim.faults.failNext(5, 500);
    expect(sim.state.contacts).toHaveLength(ids.length - 1);
    sim.reset();
    expect(sim.requests).toHaveLength(0);
    expect(sim.faults.latencyMs).toBe(0);
    expect(sim.state.contacts.map((c) => c.id)).toEqual(ids);
    expect((await call(sim, `api/contacts/${ids[0]}`)).status).toBe(200);
  });

  it('answers 404 for unknown paths and 405 for a wrong method', async () => {
    expect((await call(sim, 'api/nothing-here')).status).toBe(404);
    expect((await call(sim, 'api/tasks/pending/3', { method: 'DELETE' })).status).toBe(405);
  });
});
