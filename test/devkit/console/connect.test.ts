import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONSOLE_TEAM } from '../../../src/devkit/console/console-slack.js';
import { type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';
import { ACTION, BLOCK } from '../../../src/platform/slack/ids.js';

let dir: string;
let c: RunningConsole;
/** What the console logged at warn level or above while starting. */
const startWarnings: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-console-connect-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'warn' });
  const logger = createLogger('warn', { write: (line: string) => void startWarnings.push(line) });
  c = await startConsole({ config, logger, port: 0 });
});
afterAll(async () => {
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const topModal = () => c.slack.snapshot().modal.at(-1);
const plain = (value: string) => ({ type: 'plain_text_input', value });

describe('console: connecting Agile', () => {
  it('starts on a fresh database without a warning (what `npm start` prints first)', () => {
    expect(startWarnings).toEqual([]);
  });

  it('starts with the workspace and Alice connected to the sandbox (stored)', async () => {
    const workspaces = c.bot.deps.store.workspaces;
    expect(await workspaces.getWorkspaceAccount(CONSOLE_TEAM.id)).toMatchObject({ domain: 'sandbox' });
    expect(await workspaces.getPersonalAccount(CONSOLE_TEAM.id, 'U0ALICE')).toMatchObject({
      email: 'alice.moreno@example.com',
    });
  });

  it('/crm disconnect me then /crm connect me with Alice’s own sandbox key', async () => {
    await c.slack.send('C0SALES', '/crm disconnect me');
    await vi.waitFor(() =>
      expect(JSON.stringify(topModal()?.view)).toContain('Disconnect your Agile account'),
    );
    const confirm = topModal();
    if (!confirm) throw new Error('no confirmation');
    expect(await c.slack.submit(confirm.id, {})).toEqual({ ok: true });
    await vi.waitFor(async () =>
      expect(
        await c.bot.deps.store.workspaces.getPersonalAccount(CONSOLE_TEAM.id, 'U0ALICE'),
      ).toBeUndefined(),
    );
    await c.slack.send('C0SALES', '/crm connect me');
    await vi.waitFor(() => expect(JSON.stringify(topModal()?.view)).toContain('API key'));
    const form = topModal();
    if (!form) throw new Error('no form');
    const wrong = await c.slack.submit(form.id, {
      [BLOCK.agileEmail]: { [ACTION.agileEmailInput]: plain('alice.moreno@example.com') },
      [BLOCK.agileApiKey]: { [ACTION.agileApiKeyInput]: plain('wrong') },
    });
    expect(wrong).toMatchObject({
      ok: false,
      errors: { [BLOCK.agileApiKey]: expect.stringContaining('Agile refused') },
    });
    const right = await c.slack.submit(form.id, {
      [BLOCK.agileEmail]: { [ACTION.agileEmailInput]: plain('alice.moreno@example.com') },
      [BLOCK.agileApiKey]: { [ACTION.agileApiKeyInput]: plain('sandbox-personal-key') },
    });
    expect(right).toEqual({ ok: true });
    expect(JSON.stringify(topModal()?.view)).toContain('Connected to *sandbox* as alice.moreno@example.com');
    expect(c.slack.snapshot().violations).toEqual([]);
  });
});
