import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore } from '../../../src/platform/store/index.js';
import { describeStoreContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
let n = 0;

describeStoreContract('sqlite', {
  freshDatabase: async () => ({ kind: 'sqlite', path: join(dir, `db-${n++}`, 'bot.sqlite') }),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('sqlite specifics', () => {
  const path = join(dir, 'specific', 'nested', 'bot.sqlite');
  afterAll(() => rmSync(join(dir, 'specific'), { recursive: true, force: true }));

  it("creates the file's folder and uses WAL with a busy timeout", async () => {
    const store = await openStore({ kind: 'sqlite', path });
    await store.cache.set('k', 1, 60);
    await store.close();
    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('SELECT count(*) AS n FROM store_migrations').get()).toEqual({
        n: MIGRATIONS.length,
      });
    } finally {
      raw.close();
    }
  });
});
