import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgileError, errorFromResponse } from '../../../src/platform/agile/errors.js';
import { openStore, type Store } from '../../../src/platform/store/index.js';
import { LEASE_SEC, runOnce } from '../../../src/platform/store/run-once.js';
import { storeTargets } from '../../helpers/store-targets.js';

const targets = await storeTargets('runOnce', 'runonce');

const noAnswer = (method: string) =>
  new AgileError({
    kind: 'unavailable',
    timedOut: true,
    message: 'no answer',
    request: { method, path: 'api/notes' },
  });

const answered = (status: number, body = '') =>
  errorFromResponse({ status, body, request: { method: 'POST', path: 'api/notes' } });

describe.each(targets)('runOnce and unknown outcomes: %s', (_name, fresh) => {
  let store: Store;
  let t = Date.parse('2026-03-10T08:00:00Z');
  const now = () => new Date(t);
  let db: Awaited<ReturnType<typeof fresh>>;
  beforeAll(async () => {
    db = await fresh();
    store = await openStore(db, { now });
  });
  afterAll(async () => {
    await store.close();
  });

  /** Runs `work` under `key` and says whether it was told afterUnknown. */
  async function attempt(s: Store, key: string, fail?: unknown): Promise<boolean | undefined> {
    let flag: boolean | undefined;
    await runOnce(s, key, async (a) => {
      flag = a.afterUnknown;
      if (fail !== undefined) throw fail;
      return 'ok';
    }).catch((err: unknown) => {
      if (err !== fail) throw err;
    });
    return flag;
  }

  it('a write that got no answer leaves the key unknown; the next run is told afterUnknown', async () => {
    const seen: boolean[] = [];
    await expect(
      runOnce(store, 'k1', async (a) => {
        seen.push(a.afterUnknown);
        throw noAnswer('POST');
      }),
    ).rejects.toThrow('no answer');
    const second = await runOnce(store, 'k1', async (a) => {
      seen.push(a.afterUnknown);
      return 'landed';
    });
    expect(second).toEqual({ status: 'done', result: 'landed', replayed: false });
    expect(seen).toEqual([false, true]);
    expect(await runOnce(store, 'k1', async () => 'again')).toEqual({
      status: 'done',
      result: 'landed',
      replayed: true,
    });
  });

  it('a refused write (an answer came) releases the key: the retry is a plain first try', async () => {
    const refused = new AgileError({
      kind: 'invalid',
      status: 400,
      message: 'bad',
      request: { method: 'POST', path: 'api/notes' },
    });
    await expect(runOnce(store, 'k2', async () => Promise.reject(refused))).rejects.toBe(refused);
    expect(await attempt(store, 'k2')).toBe(false);
  });

  it('a read that got no answer is a failure, not an unknown outcome', async () => {
    await expect(runOnce(store, 'k3', async () => Promise.reject(noAnswer('GET')))).rejects.toThrow();
    expect(await attempt(store, 'k3')).toBe(false);
  });

  it('a write answered 502, 504 or 500 DeadlineExceededException is unknown: the retry checks first', async () => {
    const deadline = 'com.google.apphosting.api.DeadlineExceededException: still executing at 60s';
    for (const [i, err] of [answered(502), answered(504), answered(500, deadline)].entries()) {
      const key = `gateway-${i}`;
      expect(await attempt(store, key, err)).toBe(false);
      expect(await attempt(store, key), `${err.status}`).toBe(true);
    }
    // A bare 500, a 503 and a 500 about the input: refusals, the key is released.
    for (const [i, err] of [
      answered(500, 'Internal Server Error'),
      answered(503),
      answered(500, 'java.lang.NumberFormatException: For input string: "x"'),
    ].entries()) {
      const key = `refused-${i}`;
      expect(await attempt(store, key, err)).toBe(false);
      expect(await attempt(store, key), `${err.status} ${err.reason}`).toBe(false);
    }
  });

  it('a write whose process died mid-write is retried once its lease lapses, told afterUnknown', async () => {
    // The dying process: claims and never renews, completes nor releases.
    const dead = await openStore(db, { now });
    expect(await dead.idempotency.claim('k-killed', LEASE_SEC)).toEqual({ status: 'claimed' });
    await dead.close();
    const retried = async () => {
      let flag: boolean | undefined;
      const outcome = await runOnce(store, 'k-killed', async (a) => {
        flag = a.afterUnknown;
        return 'found it';
      });
      return { outcome, flag };
    };
    expect((await retried()).outcome).toEqual({ status: 'in_progress' });
    t += (LEASE_SEC + 1) * 1000;
    expect(await retried()).toEqual({
      outcome: { status: 'done', result: 'found it', replayed: false },
      flag: true,
    });
    expect((await retried()).outcome).toEqual({ status: 'done', result: 'found it', replayed: true });
  });

  it('a retry after an unknown outcome that dies too frees the key after one lease, not a day', async () => {
    await attempt(store, 'k-twice', noAnswer('POST'));
    const dying = await openStore(db, { now });
    expect(await dying.idempotency.claim('k-twice', LEASE_SEC)).toEqual({
      status: 'claimed',
      afterUnknown: true,
    });
    await dying.close();
    t += (LEASE_SEC + 1) * 1000;
    expect(await attempt(store, 'k-twice')).toBe(true);
  });
});
