import { describe, expect, it } from 'vitest';
import { BLOCK } from '../../../src/platform/slack/ids.js';
import { STEP_MS, skipBrowserTests, useConsoleBrowser } from './browser-kit.js';

/**
 * Link unfurls and "Log thread to CRM" in the console, in a real browser (Debian's chromium), as a
 * person would use them. Same launch as walkthrough.browser.test.ts; screenshots to test-results/console/.
 */

describe.skipIf(skipBrowserTests)('unfurls and Log thread in the console', () => {
  const ui = useConsoleBrowser('unfurl');
  const { state, send, message, shot, until, modal, block } = ui;

  it('a message with a sandbox Agile link shows the record’s card under it', async () => {
    const grace = state().contacts.find((x) =>
      x.properties.some((p) => p.name === 'email' && /grace\.hopper@example\.com/i.test(p.value)),
    );
    if (!grace) throw new Error('no Grace in the sandbox');
    await send(`Look at https://sandbox.agilecrm.com/#contact/${grace.id} before the call`);
    const posted = message('before the call');
    const preview = posted.locator('.unfurl');
    await preview.waitFor({ timeout: STEP_MS });
    expect(await preview.textContent()).toContain('Grace Hopper');
    await shot('unfurl-contact');
  });

  it('"Log thread to CRM" on a thread message logs the whole thread as a note', async () => {
    await send('Kick-off for the Grace renewal');
    const parent = message('Kick-off for the Grace renewal');
    await parent.waitFor();
    // Not a thread yet: only "Log to CRM".
    await parent.hover();
    await parent.getByRole('button', { name: 'More actions' }).click();
    expect(await parent.getByRole('menuitem', { name: 'Log thread to CRM' }).count()).toBe(0);
    await parent.getByRole('menuitem', { name: 'Reply in thread' }).click();
    await send('She wants the 3-year price by Friday', '#thread-box');
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
    await ui.page.locator('#modal-root .overlay').waitFor({ state: 'detached', timeout: STEP_MS });

    const note = await until('the thread note in the sandbox', () =>
      state().notes.find((n) => n.subject === 'Slack thread in #sales'),
    );
    expect(note.description).toMatch(
      /: Kick-off for the Grace renewal\n.*: She wants the 3-year price by Friday/,
    );
    await shot('log-thread-done');
  });
});
