import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyring, keyId } from '../../src/platform/secrets.js';
import { openStore } from '../../src/platform/store/index.js';
import { startTestBot } from '../helpers/test-bot.js';

const dir = mkdtempSync(join(tmpdir(), 'secrets-at-rest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets at rest through the composition root', () => {
  it('start-up re-encrypts what the previous key wrote, logs the count, and deps.accounts writes encrypted', async () => {
    const path = join(dir, 'bot.sqlite');
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = await openStore({ kind: 'sqlite', path }, { keyring: createKeyring(oldKey) });
    await before.workspaces.setWorkspaceAccount('T1', {
      domain: 'acme',
      email: 'ops@acme.example',
      apiKey: 'OLD-WORKSPACE-KEY-314159',
      connectedBy: 'U1',
      connectedMs: 1,
    });
    await before.workspaces.setPersonalAccount('T1', 'U1', {
      slackUserId: 'U1',
      email: 'u1@acme.example',
      apiKey: 'OLD-PERSONAL-KEY-271828',
      connectedMs: 1,
    });
    await before.close();

    const env = {
      DATABASE_URL: `sqlite:${path}`,
      ENCRYPTION_KEY: newKey.toString('base64'),
      ENCRYPTION_KEY_PREVIOUS: oldKey.toString('hex'),
    };
    const t = await startTestBot({ env, scheduler: { enabled: false }, followPoller: { enabled: false } });
    try {
      expect(t.logs.find((l) => l.msg === 'stored secrets checked against the encryption key')).toMatchObject(
        {
          reencrypted: 2,
          keyId: keyId(newKey),
          keySource: 'ENCRYPTION_KEY',
        },
      );
      await t.bot.deps.accounts.connectPersonal('T1', {
        slackUserId: 'U2',
        email: 'u2@acme.example',
        apiKey: 'NEW-PERSONAL-KEY-161803',
        connectedMs: 2,
      });
      for (const key of [oldKey, newKey]) {
        expect(t.logText()).not.toContain(key.toString('base64'));
        expect(t.logText()).not.toContain(key.toString('hex'));
      }
    } finally {
      await t.close();
    }

    // The previous key is no longer needed, and no API key is in the file in clear.
    const after = await openStore({ kind: 'sqlite', path }, { keyring: createKeyring(newKey) });
    expect((await after.workspaces.getWorkspaceAccount('T1'))?.apiKey).toBe('OLD-WORKSPACE-KEY-314159');
    expect((await after.workspaces.listPersonalAccounts('T1')).map((a) => a.apiKey)).toEqual([
      'OLD-PERSONAL-KEY-271828',
      'NEW-PERSONAL-KEY-161803',
    ]);
    await after.close();
    const raw = readFileSync(path);
    for (const clear of ['OLD-WORKSPACE-KEY-314159', 'OLD-PERSONAL-KEY-271828', 'NEW-PERSONAL-KEY-161803']) {
      expect(raw.includes(clear)).toBe(false);
    }
  });
});
