import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';

/**
 * Follow a record in the console (issue 12): `/crm follow` from the page starts a thread, a change made
 * in the sandbox (here with `/crm move` and `/crm note` from the same page) shows up live in that
 * thread at the next poll (CRM_POLL_INTERVAL=5), and a deal won is also shown in the channel.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const SHOTS = 'test-results/console';
const STEP_MS = 10_000;
/** Two poll intervals of 5 s and some slack for a loaded machine. */
const POLL_WAIT_MS = 20_000;

let dir: string;
let c: RunningConsole;
let browser: BrowserContext;
let page: Page;

async function send(text: string): Promise<void> {
  const box = page.locator('#message-box');
  await box.fill(text);
  await box.press('Enter');
}

const message = (text: string | RegExp): Locator =>
  page.locator('#messages > .message').filter({ hasText: text }).last();
const threadMessage = (text: string | RegExp): Locator =>
  page.locator('#thread-messages .message').filter({ hasText: text }).last();

describe.skipIf(!haveChromium && !process.env.CI)('following a record in the console', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/run does).`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'crm-console-follow-'));
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
      LOG_LEVEL: 'silent',
      CRM_POLL_INTERVAL: '5',
    });
    c = await startConsole({ config, logger: createLogger('silent'), port: 0 });
    browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
      viewport: { width: 1280, height: 860 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(STEP_MS);
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(`${c.baseUrl}/?channel=sales&token=${c.token}`);
    await page.locator('#message-box').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('posts the deal’s changes live in its thread, and the win in the channel too', async () => {
    await send('/crm follow Northwind data warehouse');
    const announcement = message('is following deal Northwind data warehouse');
    await announcement.waitFor({ timeout: STEP_MS });
    await announcement.getByRole('button', { name: /1 reply/ }).click();
    await threadMessage('Updates on deal Northwind data warehouse go here').waitFor({ timeout: STEP_MS });

    // Let the first poll take the baseline, then change the deal in the sandbox from the page.
    const baselineTaken = async () => {
      const deadline = Date.now() + POLL_WAIT_MS;
      for (;;) {
        const follows = await c.bot.deps.store.follows.listForChannel('T0CONSOLE', 'C0SALES');
        if (follows.some((f) => f.snapshotJson !== null)) return;
        if (Date.now() > deadline) throw new Error('no baseline poll');
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await baselineTaken();
    await send('/crm note grace.hopper@example.com unrelated note');
    await send('/crm move Northwind data warehouse to Proposal');
    await threadMessage('Milestone: Prospect → Proposal').waitFor({ timeout: POLL_WAIT_MS });
    await page.screenshot({ path: join(SHOTS, 'follow-1-thread-update.png') });

    await send('/crm move Northwind data warehouse to Won');
    const won = message('Northwind data warehouse was won');
    await won.waitFor({ timeout: POLL_WAIT_MS });
    expect(await won.locator('.replies').textContent()).toBe('replied to a thread');
    await threadMessage('was won').waitFor({ timeout: STEP_MS });
    await page.screenshot({ path: join(SHOTS, 'follow-2-won-broadcast.png') });
  }, 90_000);
});
