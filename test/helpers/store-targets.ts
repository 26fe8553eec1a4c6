import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { DatabaseConfig } from '../../src/platform/config.js';
import { ADMIN_URL, createTestDatabase, dropTestDatabase, postgresProblem } from './postgres.js';

export type StoreTarget = [name: string, fresh: () => Promise<DatabaseConfig>];

/**
 * The databases a store test runs on (for describe.each): SQLite in a temp directory, and PostgreSQL
 * when it answers (in CI it must). Each fresh() is a new, empty database; all are removed afterAll.
 * `what` names the test in the warning, `prefix` its temp directory and databases.
 */
export async function storeTargets(what: string, prefix: string): Promise<StoreTarget[]> {
  const dir = mkdtempSync(join(tmpdir(), `store-${prefix}-`));
  let n = 0;
  const problem = await postgresProblem();
  if (problem !== null) {
    if (process.env.CI) throw new Error(`PostgreSQL at ${ADMIN_URL} is unreachable: ${problem}`);
    console.warn(`[store] PostgreSQL at ${ADMIN_URL} unreachable (${problem}): ${what} runs on SQLite only`);
  }
  const pgDatabases: string[] = [];
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const name of pgDatabases.splice(0)) await dropTestDatabase(name);
  });

  const targets: StoreTarget[] = [
    ['sqlite', async () => ({ kind: 'sqlite', path: join(dir, `db-${n++}.sqlite`) })],
  ];
  if (problem === null) {
    targets.push([
      'postgres',
      async () => {
        const { name, url } = await createTestDatabase(`test_${prefix}`);
        pgDatabases.push(name);
        return { kind: 'postgres', url };
      },
    ]);
  }
  return targets;
}
