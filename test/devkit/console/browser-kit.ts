import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type RunningConsole, startConsole } from '../../../src/devkit/console/index.js';
import type { SimulatorState } from '../../../src/devkit/sandbox/agile-simulator.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLogger } from '../../../src/platform/logger.js';

/**
 * The shared set-up of the console's browser tests: the console on a temp SQLite, Debian's chromium
 * opened on #sales with the console's token, and the few page helpers every test uses.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
/** Outside CI a missing chromium skips the file; in CI it fails (see useConsoleBrowser). */
export const skipBrowserTests = !haveChromium && !process.env.CI;
export const SHOTS = 'test-results/console';
export const STEP_MS = 10_000;

export interface ConsoleBrowser {
  /** The running console (bot, fake Slack, sandbox): set once beforeAll has run. */
  readonly c: RunningConsole;
  readonly page: Page;
  /** The embedded sandbox's state (console mode always runs one). */
  state(): SimulatorState;
  /** Types `text` in a composer (the channel's by default) and presses Enter. */
  send(text: string, box?: string): Promise<void>;
  /** The newest message containing `text` (the conversation re-renders, so locate by content). */
  message(text: string | RegExp, list?: string): Locator;
  /** A screenshot to test-results/console/{name}.png. */
  shot(name: string): Promise<unknown>;
  /** Polls `probe` until it returns something, or fails naming `what`. */
  until<T>(what: string, probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  modal(): Locator;
  /** A block of the open modal, by block_id. */
  block(blockId: string): Locator;
}

/**
 * Registers beforeAll/afterAll (call it inside the describe): starts the console with `env` added to
 * its config, opens the page, and closes both afterwards. `name` names the temp directory.
 */
export function useConsoleBrowser(name: string, env: Record<string, string> = {}): ConsoleBrowser {
  let dir: string | undefined;
  let c: RunningConsole | undefined;
  let browser: BrowserContext | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install it (.ci/run does).`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), `crm-console-${name}-`));
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
      LOG_LEVEL: 'silent',
      ...env,
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

  const ui: ConsoleBrowser = {
    get c() {
      if (!c) throw new Error('the console is not started (use it inside a test)');
      return c;
    },
    get page() {
      if (!page) throw new Error('the browser is not open (use it inside a test)');
      return page;
    },
    state() {
      if (!ui.c.bot.sandbox) throw new Error('console mode should run the embedded sandbox');
      return ui.c.bot.sandbox.state;
    },
    async send(text, box = '#message-box') {
      const input = ui.page.locator(box);
      await input.fill(text);
      await input.press('Enter');
    },
    message: (text, list = '#messages') =>
      ui.page.locator(`${list} > .message`).filter({ hasText: text }).last(),
    shot: (shotName) => ui.page.screenshot({ path: join(SHOTS, `${shotName}.png`) }),
    async until(what, probe, timeoutMs = STEP_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = probe();
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    modal: () => ui.page.locator('#modal-root .modal'),
    block: (blockId) => ui.modal().locator(`[data-block-id="${blockId}"]`),
  };
  return ui;
}
