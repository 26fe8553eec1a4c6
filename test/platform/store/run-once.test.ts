import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgileError } from '../../../src/platform/agile/errors.js';
import { openStore, type Store } from '../../../src/platform/store/index.js';
import { runOnce } from '../../../src/platform/store/run-once.js';

const noAnswer = (method: string) =>
  new AgileError({
    kind: 'unavailable',
    timedOut: true,
    message: 'no answer',
    request: { method, path: 'api/notes' },
  });

let store: Store;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'run-once-'));
  store = await openStore({ kind: 'sqlite', path: join(dir, 'bot.sqlite') });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runOnce and unknown outcomes', () => {
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
    let flag: boolean | undefined;
    await runOnce(store, 'k2', async (a) => {
      flag = a.afterUnknown;
    });
    expect(flag).toBe(false);
  });

  it('a read that got no answer is a failure, not an unknown outcome', async () => {
    await expect(runOnce(store, 'k3', async () => Promise.reject(noAnswer('GET')))).rejects.toThrow();
    let flag: boolean | undefined;
    await runOnce(store, 'k3', async (a) => {
      flag = a.afterUnknown;
    });
    expect(flag).toBe(false);
  });
});
