import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleRefusedError, type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';

let dir: string;
let c: RunningConsole;

const post = (path: string, body: unknown) =>
  fetch(`${c.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** fetch() will not send a foreign Host header; a page reached by DNS rebinding would. */
const statusWithHost = (host: string, path: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: c.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-console-test-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'silent' });
  c = await startConsole({ config, logger: createLogger('silent'), port: 0 });
});
afterAll(async () => {
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('console mode over HTTP', () => {
  it('runs /crm help through signed Slack requests and shows the answer in the channel', async () => {
    const res = await post('/console/api/send', { channel: 'C0SALES', text: '/crm help' });
    expect(await res.json()).toEqual({ ok: true });
    const deadline = Date.now() + 5000;
    let help: { text?: string; ephemeral: boolean } | undefined;
    while (!help && Date.now() < deadline) {
      const state = (await (await fetch(`${c.baseUrl}/console/api/state`)).json()) as {
        messages: Record<string, { text?: string; ephemeral: boolean; blocks?: unknown }[]>;
      };
      help = state.messages.C0SALES?.find((m) => JSON.stringify(m.blocks ?? m.text).includes('/crm'));
      if (!help) await new Promise((r) => setTimeout(r, 50));
    }
    expect(help).toMatchObject({ ephemeral: true });
    // The bot answered through the emulated Web API or a response_url, with its per-process token.
    expect(c.api.log.length).toBeGreaterThan(0);
    expect(
      c.api.log
        .filter((call) => call.kind === 'api')
        .every((call) => call.token?.startsWith('xoxb-console-')),
    ).toBe(true);
    c.api.assertNoViolations();
  });

  it('/crm audit puts the CSV in Alice’s DM with the bot, shown as a message naming the file', async () => {
    await post('/console/api/send', {
      channel: 'C0SALES',
      text: '/crm note ada.lovelace@northwind.example.com Called from the console',
    });
    await c.api.waitFor('response', (call) => JSON.stringify(call.args).includes('Logged a note'), 5000);
    const deadline = Date.now() + 5000;
    await post('/console/api/send', { channel: 'C0SALES', text: '/crm audit' });
    let dm: { text?: string }[] | undefined;
    while (!dm?.length && Date.now() < deadline) {
      const state = (await (await fetch(`${c.baseUrl}/console/api/state`)).json()) as {
        messages: Record<string, { text?: string }[]>;
      };
      dm = state.messages.D0ALICE;
      if (!dm?.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(dm?.[0]?.text).toMatch(/📎 crm-audit-.+\.csv \(\d+ bytes\)/);
    const file = [...c.api.files.values()][0];
    expect(file?.content?.toString('utf8')).toContain('note.create');
  });

  it('uses the embedded Agile sandbox and keeps signature checks on', async () => {
    expect(c.bot.sandbox).not.toBeNull();
    const forged = await fetch(`${c.baseUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': 'v0=forged',
      },
      body: 'command=%2Fcrm&text=help',
    });
    expect(forged.status).toBe(401);
  });

  it('serves the page and refuses other hosts and non-JSON posts', async () => {
    const page = await fetch(`${c.baseUrl}/?channel=support`);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/console/console.js">');
    expect(html).toMatch(/class="active"[^>]*># support/);
    expect((await fetch(`${c.baseUrl}/console/console.js`)).status).toBe(200);
    expect(await statusWithHost('evil.test', '/console/api/state')).toBe(403);
    expect(await statusWithHost(`localhost:${c.port}`, '/console/api/state')).toBe(200);
    const form = await fetch(`${c.baseUrl}/console/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"channel":"C0SALES","text":"/crm help"}',
    });
    expect(form.status).toBe(415);
  });

  it('listens on 127.0.0.1 only', async () => {
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!external) return;
    await expect(fetch(`http://${external}:${c.port}/healthz`)).rejects.toThrow();
  });

  it('never starts when Slack credentials are set', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-real',
      SLACK_SIGNING_SECRET: 's',
      AGILE_DOMAIN: 'acme',
      AGILE_EMAIL: 'a@acme.com',
      AGILE_API_KEY: 'k',
    });
    await expect(startConsole({ config, port: 0 })).rejects.toBeInstanceOf(ConsoleRefusedError);
  });
});
