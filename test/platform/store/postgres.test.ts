import { describe, it } from 'vitest';
import { ADMIN_URL, createTestDatabase, dropTestDatabase, postgresProblem } from '../../helpers/postgres.js';
import { describeStoreContract } from './store-contract.js';

const problem = await postgresProblem();
if (problem === null) {
  // Each fresh database is its own test_<random> database, so parallel files and runs never collide.
  const created: string[] = [];
  describeStoreContract('postgres', {
    async freshDatabase() {
      const { name, url } = await createTestDatabase('test_store');
      created.push(name);
      return { kind: 'postgres', url };
    },
    async cleanup() {
      for (const name of created.splice(0)) await dropTestDatabase(name);
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
