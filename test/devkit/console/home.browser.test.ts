import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';

/** The console's Home tab in a real browser (Debian's chromium): App Home as the console user sees it. */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const SHOTS = 'test-results/console';
const STEP_MS = 10_000;

let dir: string;
let c: RunningConsole;
let browser: BrowserContext;
let page: Page;

describe.skipIf(!haveChromium && !process.env.CI)('the console Home tab in a real browser', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/run does).`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'crm-console-home-'));
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

  it('shows my tasks and deals, and Complete on a task completes it in the sandbox', async () => {
    if (!c.bot.sandbox) throw new Error('console mode should run the embedded sandbox');
    const sandbox = c.bot.sandbox.state;
    const alice = sandbox.users.find((u) => u.email === 'alice.moreno@example.com');
    const first = sandbox.tasks
      .filter((t) => t.ownerId === alice?.id && !t.isComplete)
      .sort((a, b) => a.dueEpochSec - b.dueEpochSec)[0];
    if (!first) throw new Error('the sandbox gives Alice pending tasks');

    await page.locator('#home-tab').click();
    const home = page.locator('#home');
    await home.getByText('My open tasks').waitFor({ timeout: STEP_MS });
    await home.getByText('My open deals').waitFor();
    // The console user administers the workspace: settings and the user mapping are shown.
    await home.getByText('Workspace settings (admins)').waitFor();
    expect(await page.locator('#composer').isHidden()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'home-1-opened.png') });

    const row = home.locator(`[data-block-id="home_task:${first.id}"]`);
    await row.getByRole('button', { name: 'Complete' }).click();
    await row.waitFor({ state: 'detached', timeout: STEP_MS });
    expect(sandbox.tasks.find((t) => t.id === first.id)?.isComplete).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'home-2-completed.png') });

    // An admin setting: ticking it saves it for the workspace and the re-published tab shows it ticked.
    const published = c.api.calls('views.publish').length;
    await home.locator('label.check', { hasText: 'Guests may use the bot' }).locator('input').check();
    await expect
      .poll(async () => (await c.bot.deps.store.settings.get('T0CONSOLE')).guestsAllowed, {
        timeout: STEP_MS,
      })
      .toBe(true);
    await expect
      .poll(() => c.api.calls('views.publish').length, { timeout: STEP_MS })
      .toBeGreaterThan(published);
    const homeView = c.slack.snapshot().home?.view as { blocks?: unknown[] } | undefined;
    expect(JSON.stringify(homeView?.blocks)).toContain('"initial_options":[{');
    expect(
      await home.locator('label.check', { hasText: 'Guests may use the bot' }).locator('input').isChecked(),
    ).toBe(true);

    // Back to a channel: the conversation comes back.
    await page.locator('a[data-channel="C0SALES"]').click();
    await page.locator('#message-box').waitFor();
    expect(await page.locator('#home').isHidden()).toBe(true);
  });
});
