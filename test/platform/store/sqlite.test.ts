import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/platform/secrets.js';
import { MIGRATIONS, openStore } from '../../../src/platform/store/index.js';
import { describeStoreContract, installation } from './store-contract.js';

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

describe('sqlite: secrets at rest', () => {
  const path = join(dir, 'secrets', 'bot.sqlite');
  afterAll(() => rmSync(join(dir, 'secrets'), { recursive: true, force: true }));
  /** The database file and its WAL and shared-memory files, as raw bytes. */
  const rawBytes = () =>
    Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter(existsSync).map((p) => readFileSync(p)));

  it('the database file (with its WAL) holds no bot token or API key in clear', async () => {
    const store = await openStore({ kind: 'sqlite', path }, { keyring: createKeyring(Buffer.alloc(32, 7)) });
    const inst = installation({ botToken: 'xoxb-CLEAR-TOKEN-4815162342' });
    await store.workspaces.saveInstallation(inst);
    await store.workspaces.setWorkspaceAccount(inst.teamId, {
      domain: 'acme',
      email: 'ops@acme.example',
      apiKey: 'WORKSPACE-API-KEY-0987654321',
      connectedBy: 'U1',
      connectedMs: 1,
    });
    await store.workspaces.setPersonalAccount(inst.teamId, 'U1', {
      slackUserId: 'U1',
      email: 'u1@acme.example',
      apiKey: 'PERSONAL-API-KEY-1122334455',
      connectedMs: 1,
    });
    const secrets = [
      'xoxb-CLEAR-TOKEN-4815162342',
      'WORKSPACE-API-KEY-0987654321',
      'PERSONAL-API-KEY-1122334455',
    ];
    // While open (the rows sit in the WAL) and after close (checkpointed into the main file).
    const whileOpen = rawBytes();
    expect(whileOpen.includes('ops@acme.example')).toBe(true); // the check can see clear text at all
    for (const secret of secrets) expect(whileOpen.includes(secret)).toBe(false);
    expect((await store.workspaces.getInstallation(inst.teamId))?.botToken).toBe(inst.botToken);
    await store.close();
    const closed = rawBytes();
    for (const secret of secrets) expect(closed.includes(secret)).toBe(false);
  });

  it("a ciphertext copied into another team's row does not decrypt there", async () => {
    const store = await openStore({ kind: 'sqlite', path }, { keyring: createKeyring(Buffer.alloc(32, 7)) });
    const [one, two] = [installation({ teamId: 'TONE' }), installation({ teamId: 'TTWO' })];
    await store.workspaces.saveInstallation(one);
    await store.workspaces.saveInstallation(two);
    const raw = new BetterSqlite3(path);
    try {
      raw
        .prepare(
          "UPDATE slack_installations SET bot_token_enc = (SELECT bot_token_enc FROM slack_installations WHERE team_id = 'TONE') WHERE team_id = 'TTWO'",
        )
        .run();
    } finally {
      raw.close();
    }
    expect(await store.workspaces.getInstallation('TTWO')).toBeUndefined();
    expect((await store.workspaces.getInstallation('TONE'))?.botToken).toBe(one.botToken);
    await store.close();
  });
});
