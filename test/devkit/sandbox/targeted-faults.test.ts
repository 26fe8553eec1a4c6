import { describe, expect, it } from 'vitest';
import { call, useSimulator } from './sim-fetch.js';

const sim = useSimulator();

const note = (subject: string) => ({
  json: { subject, description: 'd', contact_ids: [sim.state.contacts[0]?.id] },
});
const notesWith = (subject: string) => sim.state.notes.filter((n) => n.subject === subject).length;

describe('targeted faults (SimulatorFaults.inject)', () => {
  it('answers a status only to the matching method and path, `times` times', async () => {
    sim.faults.inject({
      method: 'POST',
      path: /^api\/notes$/,
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '3' } },
      times: 2,
    });
    expect((await call(sim, 'api/contacts')).status).toBe(200);
    const first = await call(sim, 'api/notes', note('a'));
    expect(first.status).toBe(429);
    expect((await call(sim, 'api/notes', note('a'))).status).toBe(429);
    expect(notesWith('a')).toBe(0);
    expect((await call(sim, 'api/notes', note('a'))).status).toBe(200);
    expect(notesWith('a')).toBe(1);
    expect(sim.requests.filter((r) => r.fault === 'status')).toHaveLength(2);
  });

  it('drop: resets the connection, nothing applied', async () => {
    sim.faults.inject({ method: 'POST', path: 'api/notes', fault: { kind: 'drop' } });
    await expect(call(sim, 'api/notes', note('b'))).rejects.toThrow();
    expect(notesWith('b')).toBe(0);
  });

  it('apply-then-drop: applied, then the connection is reset', async () => {
    sim.faults.inject({ method: 'POST', path: 'api/notes', fault: { kind: 'apply-then-drop' } });
    await expect(call(sim, 'api/notes', note('c'))).rejects.toThrow();
    expect(notesWith('c')).toBe(1);
  });

  it('apply-then-status: applied, then answered with the status (a 504, a 500 naming the deadline)', async () => {
    const body = 'com.google.apphosting.api.DeadlineExceededException: still executing at 60s';
    sim.faults.inject({
      method: 'POST',
      path: 'api/notes',
      fault: { kind: 'apply-then-status', status: 500, body },
    });
    const answer = await call(sim, 'api/notes', note('f'));
    expect(answer.status).toBe(500);
    expect(answer.text).toBe(body);
    expect(notesWith('f')).toBe(1);
    expect(sim.requests.at(-1)?.fault).toBe('apply-then-status');
  });

  it('hang and apply-then-hang: no answer; applied only in the second', async () => {
    sim.faults.inject({ method: 'POST', path: 'api/notes', fault: { kind: 'hang' } });
    await expect(
      call(sim, 'api/notes', { ...note('d'), signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    expect(notesWith('d')).toBe(0);
    sim.faults.inject({ method: 'POST', path: 'api/notes', fault: { kind: 'apply-then-hang' } });
    await expect(
      call(sim, 'api/notes', { ...note('e'), signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    expect(notesWith('e')).toBe(1);
  });

  it('reset() clears the rules', async () => {
    sim.faults.inject({ path: 'api/contacts', fault: { kind: 'status', status: 500 } });
    sim.faults.reset();
    expect((await call(sim, 'api/contacts')).status).toBe(200);
  });
});
