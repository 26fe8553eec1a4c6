import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../../src/platform/config.js';
import { openStore, type Store } from '../../../src/platform/store/index.js';
import { DEFAULT_SETTINGS } from '../../../src/platform/workspace/settings.js';
import { ADMIN_URL, createTestDatabase, dropTestDatabase, postgresProblem } from '../../helpers/postgres.js';
import { fakeClock } from './store-contract.js';

/** The settings and user-link repositories (migration 008), the same on SQLite and PostgreSQL. */
function describeWorkspaceStore(
  name: string,
  fresh: () => Promise<DatabaseConfig>,
  cleanup: () => Promise<void>,
) {
  describe(`workspace settings and user links: ${name}`, () => {
    const clock = fakeClock();
    let store: Store;
    beforeAll(async () => {
      store = await openStore(await fresh(), { now: clock.now });
    });
    afterAll(async () => {
      await store?.close();
      await cleanup();
    });

    it('gives the defaults for a team that saved nothing', async () => {
      expect(await store.settings.get('T-none')).toEqual(DEFAULT_SETTINGS);
    });

    it('saves, replaces and keeps settings per team', async () => {
      await store.settings.save('T1', { ...DEFAULT_SETTINGS, guestsAllowed: true }, 'U1');
      await store.settings.save('T2', { ...DEFAULT_SETTINGS, anyMemberCompletesTasks: true }, 'U2');
      expect(await store.settings.get('T1')).toEqual({ ...DEFAULT_SETTINGS, guestsAllowed: true });
      await store.settings.save('T1', { ...DEFAULT_SETTINGS, externalChannelsAllowed: true }, 'U1');
      expect(await store.settings.get('T1')).toEqual({ ...DEFAULT_SETTINGS, externalChannelsAllowed: true });
      expect(await store.settings.get('T2')).toEqual({ ...DEFAULT_SETTINGS, anyMemberCompletesTasks: true });
    });

    it('deleteTeam removes only that team', async () => {
      await store.settings.save('T3', { ...DEFAULT_SETTINGS, guestsAllowed: true }, 'U1');
      await store.settings.save('T4', { ...DEFAULT_SETTINGS, guestsAllowed: true }, 'U1');
      await store.settings.deleteTeam('T3');
      expect(await store.settings.get('T3')).toEqual(DEFAULT_SETTINGS);
      expect((await store.settings.get('T4')).guestsAllowed).toBe(true);
    });

    it('sets, replaces, lists and removes user links per team', async () => {
      await store.userLinks.set('T1', 'U2', ' Raj.Patel@Example.com ', 'U1');
      clock.advanceSec(5);
      await store.userLinks.set('T1', 'U3', 'ana@example.com', 'U1');
      await store.userLinks.set('T2', 'U2', 'other@example.com', 'U9');
      expect(await store.userLinks.get('T1', 'U2')).toEqual({
        teamId: 'T1',
        slackUserId: 'U2',
        agileEmail: 'raj.patel@example.com',
        setBy: 'U1',
        setMs: clock.now().getTime() - 5000,
      });
      await store.userLinks.set('T1', 'U2', 'sam@example.com', 'U4');
      expect(await store.userLinks.get('T1', 'U2')).toMatchObject({
        agileEmail: 'sam@example.com',
        setBy: 'U4',
      });
      expect((await store.userLinks.list('T1')).map((l) => [l.slackUserId, l.agileEmail])).toEqual([
        ['U2', 'sam@example.com'],
        ['U3', 'ana@example.com'],
      ]);
      await store.userLinks.set('T1', 'U2', null, 'U1');
      expect(await store.userLinks.get('T1', 'U2')).toBeUndefined();
      expect(await store.userLinks.get('T2', 'U2')).toMatchObject({ agileEmail: 'other@example.com' });
      await store.userLinks.deleteTeam('T1');
      expect(await store.userLinks.list('T1')).toEqual([]);
      expect(await store.userLinks.list('T2')).toHaveLength(1);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'store-workspace-'));
describeWorkspaceStore(
  'sqlite',
  async () => ({ kind: 'sqlite', path: join(dir, 'bot.sqlite') }),
  async () => rmSync(dir, { recursive: true, force: true }),
);

const problem = await postgresProblem();
if (problem === null) {
  const created: string[] = [];
  describeWorkspaceStore(
    'postgres',
    async () => {
      const { name, url } = await createTestDatabase('test_workspace');
      created.push(name);
      return { kind: 'postgres', url };
    },
    async () => {
      for (const name of created.splice(0)) await dropTestDatabase(name);
    },
  );
} else if (process.env.CI) {
  it('reaches PostgreSQL (required in CI)', () => {
    throw new Error(`PostgreSQL at ${ADMIN_URL} is unreachable: ${problem}`);
  });
} else {
  console.warn(`[store] PostgreSQL at ${ADMIN_URL} unreachable (${problem}): SKIPPING its workspace suite`);
}
