import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { describeStoreContract } from './store-contract.js';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const problem = await reachable();
if (problem === null) {
  // Each fresh database is its own test_<random> database, so parallel files and runs never collide.
  const created: string[] = [];
  describeStoreContract('postgres', {
    async freshDatabase() {
      const name = `test_store_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return { kind: 'postgres', url: url.toString() };
    },
    async cleanup() {
      await admin(async (c) => {
        for (const name of created.splice(0)) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  });
} else if (process.env.CI) {
  describe('store contract: postgres', () => {
    it('reaches PostgreSQL (required in CI)', () => {
      throw new Error(`PostgreSQL at ${ADMIN_URL} is unreachable: ${problem}`);
    });
  });
} else {
  console.warn(
    `[store] PostgreSQL at ${ADMIN_URL} unreachable (${problem}): SKIPPING the PostgreSQL store suite`,
  );
  describe.skip('store contract: postgres (PostgreSQL unreachable)', () => {
    it('needs PostgreSQL', () => {});
  });
}
