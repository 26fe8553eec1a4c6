import { describe, expect, it } from 'vitest';
import { STEP_MS, skipBrowserTests, useConsoleBrowser } from './browser-kit.js';

/**
 * Follow a record in the console (issue 12): `/crm follow` from the page starts a thread, a change made
 * in the sandbox (here with `/crm move` and `/crm note` from the same page) shows up live in that
 * thread at the next poll (CRM_POLL_INTERVAL=5), and a deal won is also shown in the channel.
 */

/** Two poll intervals of 5 s and some slack for a loaded machine. */
const POLL_WAIT_MS = 20_000;

describe.skipIf(skipBrowserTests)('following a record in the console', () => {
  const ui = useConsoleBrowser('follow', { CRM_POLL_INTERVAL: '5' });
  const { send, message, shot } = ui;
  const threadMessage = (text: string | RegExp) => message(text, '#thread-messages');

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
        const follows = await ui.c.bot.deps.store.follows.listForChannel('T0CONSOLE', 'C0SALES');
        if (follows.some((f) => f.snapshotJson !== null)) return;
        if (Date.now() > deadline) throw new Error('no baseline poll');
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await baselineTaken();
    await send('/crm note grace.hopper@example.com unrelated note');
    await send('/crm move Northwind data warehouse to Proposal');
    await threadMessage('Milestone: Prospect → Proposal').waitFor({ timeout: POLL_WAIT_MS });
    await shot('follow-1-thread-update');

    await send('/crm move Northwind data warehouse to Won');
    const won = message('Northwind data warehouse was won');
    await won.waitFor({ timeout: POLL_WAIT_MS });
    expect(await won.locator('.replies').textContent()).toBe('replied to a thread');
    await threadMessage('was won').waitFor({ timeout: STEP_MS });
    await shot('follow-2-won-broadcast');
  }, 90_000);
});
