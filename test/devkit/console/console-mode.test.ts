import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConsoleRefusedError, type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';

let dir: string;
let c: RunningConsole;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${c.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-console-token': c.token, ...headers },
    body: JSON.stringify(body),
  });

/** A page request with this process's token, as the page's own fetches carry it (cookie or header). */
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${c.baseUrl}${path}`, { headers: { 'x-console-token': c.token, ...headers } });

/** fetch() will not send a foreign Host header; a page reached by DNS rebinding would. */
const statusWithHost = (host: string, path: string, method = 'GET') =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: c.port, path, method, headers: { host, 'x-console-token': c.token } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
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
      const state = (await (await get('/console/api/state')).json()) as {
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
    await post('/console/api/send', { channel: 'C0SALES', text: '/crm audit' });
    let dm: { text?: string }[] | undefined;
    await vi.waitFor(
      async () => {
        const state = (await (await get('/console/api/state')).json()) as {
          messages: Record<string, { text?: string }[]>;
        };
        dm = state.messages.D0ALICE;
        expect(dm?.length).toBeGreaterThan(0);
      },
      { timeout: 5000, interval: 50 },
    );
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
    const page = await fetch(`${c.baseUrl}/?channel=support&token=${c.token}`);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/console/console.js">');
    expect(html).toMatch(/class="active"[^>]*># support/);
    expect((await get('/console/console.js')).status).toBe(200);
    expect(await statusWithHost('evil.test', '/console/api/state')).toBe(403);
    expect(await statusWithHost(`localhost:${c.port}`, '/console/api/state')).toBe(200);
    const form = await fetch(`${c.baseUrl}/console/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-console-token': c.token },
      body: '{"channel":"C0SALES","text":"/crm help"}',
    });
    expect(form.status).toBe(415);
  });

  it('prints a URL with a per-process secret token; without it no page route answers', async () => {
    expect(c.url).toBe(`http://localhost:${c.port}/?token=${c.token}`);
    expect(c.token.length).toBeGreaterThanOrEqual(32);
    for (const path of [
      '/',
      '/?channel=sales',
      '/console/console.js',
      '/console/api/state',
      '/console/api/events',
    ]) {
      expect({ path, status: (await fetch(`${c.baseUrl}${path}`)).status }).toEqual({ path, status: 401 });
      const wrong = await fetch(`${c.baseUrl}${path}`, {
        headers: { 'x-console-token': `${c.token.slice(1)}x` },
      });
      expect({ path, status: wrong.status }).toEqual({ path, status: 401 });
    }
    const send = await fetch(`${c.baseUrl}/console/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0SALES', text: 'hello' }),
    });
    expect(send.status).toBe(401);
  });

  it('the first page load with ?token= sets an HttpOnly SameSite cookie that the page’s requests carry', async () => {
    const page = await fetch(`${c.baseUrl}/?token=${c.token}`);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      new RegExp(`^crm_console_${c.port}=${c.token}; Path=/; HttpOnly; SameSite=Strict$`),
    );
    const pair = cookie.split(';')[0] as string;
    expect((await fetch(`${c.baseUrl}/console/api/state`, { headers: { cookie: pair } })).status).toBe(200);
    expect((await fetch(`${c.baseUrl}/console/console.css`, { headers: { cookie: pair } })).status).toBe(200);
    const other = `crm_console_${c.port + 1}=${c.token}`;
    expect((await fetch(`${c.baseUrl}/console/api/state`, { headers: { cookie: other } })).status).toBe(401);
  });

  it('refuses a foreign Origin (and a foreign Host) on every console route, the Web API included', async () => {
    const foreign = await post(
      '/console/api/send',
      { channel: 'C0SALES', text: 'hi' },
      { origin: 'http://evil.test' },
    );
    expect(foreign.status).toBe(403);
    expect((await get('/console/api/state', { origin: 'null' })).status).toBe(403);
    const own = await post(
      '/console/api/close',
      { viewId: 'V-none', clear: true },
      { origin: `http://127.0.0.1:${c.port}` },
    );
    expect(own.status).not.toBe(403);
    const api = await fetch(`${c.baseUrl}/api/auth.test`, {
      method: 'POST',
      headers: { origin: 'http://evil.test' },
    });
    expect(api.status).toBe(403);
    expect(await statusWithHost('evil.test', '/api/auth.test', 'POST')).toBe(403);
    expect(await statusWithHost('evil.test', '/response/anything', 'POST')).toBe(403);
  });

  it('answers 413 to bodies over the limits (256 KB for page operations, 1 MB for the Web API)', async () => {
    const big = await post('/console/api/send', { channel: 'C0SALES', text: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
    const huge = await fetch(`${c.baseUrl}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C0SALES', text: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(huge.status).toBe(413);
  });

  it('gives response_urls unguessable ids', async () => {
    await post('/console/api/send', { channel: 'C0SALES', text: '/crm lookup grace.hopper@example.com' });
    const deadline = Date.now() + 5000;
    while (!c.api.log.some((call) => call.kind === 'response') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const ids = c.api.log.filter((call) => call.kind === 'response').map((call) => call.responseId);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
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
