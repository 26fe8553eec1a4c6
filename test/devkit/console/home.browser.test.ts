import { describe, expect, it } from 'vitest';
import { STEP_MS, skipBrowserTests, useConsoleBrowser } from './browser-kit.js';

/** The console's Home tab in a real browser (Debian's chromium): App Home as the console user sees it. */

describe.skipIf(skipBrowserTests)('the console Home tab in a real browser', () => {
  const ui = useConsoleBrowser('home');
  const { shot } = ui;

  it('shows my tasks and deals, and Complete on a task completes it in the sandbox', async () => {
    const sandbox = ui.state();
    const alice = sandbox.users.find((u) => u.email === 'alice.moreno@example.com');
    const first = sandbox.tasks
      .filter((t) => t.ownerId === alice?.id && !t.isComplete)
      .sort((a, b) => a.dueEpochSec - b.dueEpochSec)[0];
    if (!first) throw new Error('the sandbox gives Alice pending tasks');

    await ui.page.locator('#home-tab').click();
    const home = ui.page.locator('#home');
    await home.getByText('My open tasks').waitFor({ timeout: STEP_MS });
    await home.getByText('My open deals').waitFor();
    // The console user administers the workspace: settings and the user mapping are shown.
    await home.getByText('Workspace settings (admins)').waitFor();
    expect(await ui.page.locator('#composer').isHidden()).toBe(true);
    await shot('home-1-opened');

    const row = home.locator(`[data-block-id="home_task:${first.id}"]`);
    await row.getByRole('button', { name: 'Complete' }).click();
    await row.waitFor({ state: 'detached', timeout: STEP_MS });
    expect(sandbox.tasks.find((t) => t.id === first.id)?.isComplete).toBe(true);
    await shot('home-2-completed');

    // An admin setting: ticking it saves it for the workspace and the re-published tab shows it ticked.
    const published = ui.c.api.calls('views.publish').length;
    await home.locator('label.check', { hasText: 'Guests may use the bot' }).locator('input').check();
    await expect
      .poll(async () => (await ui.c.bot.deps.store.settings.get('T0CONSOLE')).guestsAllowed, {
        timeout: STEP_MS,
      })
      .toBe(true);
    await expect
      .poll(() => ui.c.api.calls('views.publish').length, { timeout: STEP_MS })
      .toBeGreaterThan(published);
    const homeView = ui.c.slack.snapshot().home?.view as { blocks?: unknown[] } | undefined;
    expect(JSON.stringify(homeView?.blocks)).toContain('"initial_options":[{');
    expect(
      await home.locator('label.check', { hasText: 'Guests may use the bot' }).locator('input').isChecked(),
    ).toBe(true);

    // Back to a channel: the conversation comes back.
    await ui.page.locator('a[data-channel="C0SALES"]').click();
    await ui.page.locator('#message-box').waitFor();
    expect(await ui.page.locator('#home').isHidden()).toBe(true);
  });
});
