import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';

/** Undo in the console, in a real browser (Debian's chromium): a note logged, then undone. */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const SHOTS = 'test-results/console';
const STEP_MS = 10_000;

let dir: string;
let c: RunningConsole;
let browser: BrowserContext;
let page: Page;

const message = (text: string | RegExp): Locator =>
  page.locator('#messages > .message').filter({ hasText: text }).last();

async function send(text: string): Promise<void> {
  const box = page.locator('#message-box');
  await box.fill(text);
  await box.press('Enter');
}

describe.skipIf(!haveChromium && !process.env.CI)('Undo in the console, in a real browser', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/run does).`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'crm-console-undo-'));
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

  it('a quick note shows Undo; clicking it deletes the note and the confirmation says who undid it', async () => {
    if (!c.bot.sandbox) throw new Error('console mode should run the embedded sandbox');
    const sandbox = c.bot.sandbox.state;
    const subject = 'Undo me from the console';
    await send(`/crm note grace.hopper@example.com ${subject}`);
    const confirmation = message(subject);
    const undo = confirmation.getByRole('button', { name: /Undo/ });
    await undo.waitFor();
    expect(sandbox.notes.some((n) => n.subject === subject)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'undo-1-offered.png') });

    await undo.click();
    await message('Undone by').waitFor();
    await expect
      .poll(() => sandbox.notes.some((n) => n.subject === subject), { timeout: STEP_MS })
      .toBe(false);
    expect(await page.locator('#messages').getByRole('button', { name: /Undo/ }).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'undo-2-undone.png') });
  });

  it('a move shows Undo; clicking it puts the deal back at its milestone', async () => {
    if (!c.bot.sandbox) throw new Error('console mode should run the embedded sandbox');
    const sandbox = c.bot.sandbox.state;
    const deal = sandbox.deals.find((d) => !d.archived && d.milestone && !/won|lost/i.test(d.milestone));
    const track = sandbox.tracks.find((t) => t.id === deal?.pipelineId);
    const target = track?.milestones.split(',').find((m) => m !== deal?.milestone && !/lost/i.test(m));
    if (!deal || !target) throw new Error('the sandbox has an open deal to move');
    const previous = deal.milestone;
    await send(`/crm move ${deal.id} to ${target}`);
    const undo = page.locator('#messages').getByRole('button', { name: /Undo/ }).last();
    await undo.waitFor();
    expect(deal.milestone).toBe(target);
    await undo.click();
    await message(`is back at ${previous}`).waitFor();
    expect(deal.milestone).toBe(previous);
  });
});
