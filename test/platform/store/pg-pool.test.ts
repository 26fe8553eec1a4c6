import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { discardingBrokenClients, isConnectionLevelError } from '../../../src/platform/store/pg-pool.js';

/** A pg client stand-in: each query answers the next outcome; release records its argument. */
function fakePool(outcomes: (Error | 'ok')[]) {
  const released: unknown[] = [];
  let sent = 0;
  const client = Object.assign(new EventEmitter(), {
    query: async () => {
      sent += 1;
      const next = outcomes.shift() ?? 'ok';
      if (next !== 'ok') throw next;
      return { command: 'SELECT', rowCount: 1, rows: [{ one: 1 }] };
    },
    release: (arg?: unknown) => released.push(arg),
  });
  const pool = { connect: async () => client, end: async () => {} } as unknown as Pool;
  return { pool, released, sent: () => sent, client };
}
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isConnectionLevelError', () => {
  it.each([
    [new Error('Query read timeout'), true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Client has encountered a connection error and is not queryable'), true],
    [withCode('read ECONNRESET', 'ECONNRESET'), true],
    [withCode('terminating connection due to administrator command', '57P01'), true],
    [withCode('connection failure', '08006'), true],
    [withCode('canceling statement due to statement timeout', '57014'), false],
    [withCode('duplicate key value violates unique constraint', '23505'), false],
    ['Query read timeout', false],
  ])('%s → %s', (err, expected) => {
    expect(isConnectionLevelError(err)).toBe(expected);
  });
});

describe('discardingBrokenClients', () => {
  it('a query timeout destroys the client on release, and its later queries fail at once without being sent', async () => {
    const timeout = new Error('Query read timeout');
    const discarded: Error[] = [];
    const { pool, released, sent } = fakePool([timeout]);
    const client = await discardingBrokenClients(pool, (err) => discarded.push(err)).connect();
    await expect(client.query('SELECT 1', [])).rejects.toBe(timeout);
    // A transaction's ROLLBACK on the same client: the same error, nothing sent.
    await expect(client.query('rollback', [])).rejects.toBe(timeout);
    expect(sent()).toBe(1);
    client.release();
    expect(released).toEqual([timeout]);
    expect(discarded).toEqual([timeout]);
  });

  it('a statement canceled by the server or a constraint error keeps the client', async () => {
    const { pool, released } = fakePool([
      withCode('canceling statement due to statement timeout', '57014'),
      withCode('duplicate key', '23505'),
    ]);
    const client = await discardingBrokenClients(pool).connect();
    await expect(client.query('SELECT 1', [])).rejects.toThrow('statement timeout');
    await expect(client.query('INSERT', [])).rejects.toThrow('duplicate key');
    await expect(client.query('SELECT 1', [])).resolves.toMatchObject({ rows: [{ one: 1 }] });
    client.release();
    expect(released).toEqual([undefined]);
  });

  it('a socket error between queries (the client emits error) destroys it on release', async () => {
    const { pool, released, client: raw } = fakePool([]);
    const client = await discardingBrokenClients(pool).connect();
    const lost = new Error('Connection terminated unexpectedly');
    raw.emit('error', lost);
    client.release();
    expect(released).toEqual([lost]);
    expect(raw.listenerCount('error')).toBe(0);
  });
});
