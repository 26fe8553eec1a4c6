import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import type { SimulatorState } from '../../../src/devkit/sandbox/agile-simulator.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';
import { BLOCK } from '../../../src/platform/slack/ids.js';

/**
 * Link unfurls and "Log thread to CRM" in the console, in a real browser (Debian's chromium), as a
 * person would use them. Same launch as walkthrough.browser.test.ts; screenshots to test-results/console/.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const SHOTS = 'test-results/console';
const STEP_MS = 10_000;

let dir: string;
let c: RunningConsole;
let browser: BrowserContext;
let page: Page;

const state = (): SimulatorState => {
  if (!c.bot.sandbox) throw new Error('console mode should run the embedded sandbox');
  return c.bot.sandbox.state;
};

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = STEP_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

async function sendIn(boxId: string, text: string): Promise<void> {
  const box = page.locator(boxId);
  await box.fill(text);
  await box.press('Enter');
}

const message = (text: string | RegExp, list = '#messages'): Locator =>
  page.locator(`${list} > .message`).filter({ hasText: text }).last();
const modal = () => page.locator('#modal-root .modal');
const block = (blockId: string) => modal().locator(`[data-block-id="${blockId}"]`);

describe.skipIf(!haveChromium && !process.env.CI)('unfurls and Log thread in the console', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/run does).`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'crm-console-unfurl-'));
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'silent' });
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
  });

  afterAll(async () => {
    await browser?.close();
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a message with a sandbox Agile link shows the record’s card under it', async () => {
    const grace = state().contacts.find((x) =>
      x.properties.some((p) => p.name === 'email' && /grace\.hopper@example\.com/i.test(p.value)),
    );
    if (!grace) throw new Error('no Grace in the sandbox');
    await sendIn('#message-box', `Look at https://sandbox.agilecrm.com/#contact/${grace.id} before the call`);
    const posted = message('before the call');
    const preview = posted.locator('.unfurl');
    await preview.waitFor({ timeout: STEP_MS });
    expect(await preview.textContent()).toContain('Grace Hopper');
    await shot('unfurl-contact');
  });

  it('"Log thread to CRM" on a thread message logs the whole thread as a note', async () => {
    await sendIn('#message-box', 'Kick-off for the Grace renewal');
    const parent = message('Kick-off for the Grace renewal');
    await parent.waitFor();
    // Not a thread yet: only "Log to CRM".
    await parent.hover();
    await parent.getByRole('button', { name: 'More actions' }).click();
    expect(await parent.getByRole('menuitem', { name: 'Log thread to CRM' }).count()).toBe(0);
    await parent.getByRole('menuitem', { name: 'Reply in thread' }).click();
    await sendIn('#thread-box', 'She wants the 3-year price by Friday');
    const reply = message('3-year price', '#thread-messages');
    await reply.waitFor();

    await reply.hover();
    await reply.getByRole('button', { name: 'More actions' }).click();
    await reply.getByRole('menuitem', { name: 'Log thread to CRM' }).click();
    await modal().locator('.modal-title', { hasText: 'Log thread' }).waitFor();
    await modal().filter({ hasText: '2 messages' }).waitFor();
    const search = block(BLOCK.contact).locator('input.search');
    await search.fill('grace');
    await block(BLOCK.contact)
      .locator('.options .option')
      .filter({ hasText: /Grace Hopper/ })
      .first()
      .click();
    await shot('log-thread-modal');
    await modal().locator('.modal-foot button.primary').click();
    await page.locator('#modal-root .overlay').waitFor({ state: 'detached', timeout: STEP_MS });

    const note = await until('the thread note in the sandbox', () =>
      state().notes.find((n) => n.subject === 'Slack thread in #sales'),
    );
    expect(note.description).toMatch(
      /: Kick-off for the Grace renewal\n.*: She wants the 3-year price by Friday/,
    );
    await shot('log-thread-done');
  });
});
