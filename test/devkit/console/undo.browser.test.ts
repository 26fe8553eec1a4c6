import { describe, expect, it } from 'vitest';
import { STEP_MS, skipBrowserTests, useConsoleBrowser } from './browser-kit.js';

/** Undo in the console, in a real browser (Debian's chromium): a note logged, then undone. */

describe.skipIf(skipBrowserTests)('Undo in the console, in a real browser', () => {
  const ui = useConsoleBrowser('undo');
  const { send, message, shot } = ui;

  it('a quick note shows Undo; clicking it deletes the note and the confirmation says who undid it', async () => {
    const sandbox = ui.state();
    const subject = 'Undo me from the console';
    await send(`/crm note grace.hopper@example.com ${subject}`);
    const confirmation = message(subject);
    const undo = confirmation.getByRole('button', { name: /Undo/ });
    await undo.waitFor();
    expect(sandbox.notes.some((n) => n.subject === subject)).toBe(true);
    await shot('undo-1-offered');

    await undo.click();
    await message('Undone by').waitFor();
    await expect
      .poll(() => sandbox.notes.some((n) => n.subject === subject), { timeout: STEP_MS })
      .toBe(false);
    expect(await ui.page.locator('#messages').getByRole('button', { name: /Undo/ }).count()).toBe(0);
    await shot('undo-2-undone');
  });

  it('a move shows Undo; clicking it puts the deal back at its milestone', async () => {
    const sandbox = ui.state();
    const deal = sandbox.deals.find((d) => !d.archived && d.milestone && !/won|lost/i.test(d.milestone));
    const track = sandbox.tracks.find((t) => t.id === deal?.pipelineId);
    const target = track?.milestones.split(',').find((m) => m !== deal?.milestone && !/lost/i.test(m));
    if (!deal || !target) throw new Error('the sandbox has an open deal to move');
    const previous = deal.milestone;
    await send(`/crm move ${deal.id} to ${target}`);
    const undo = ui.page.locator('#messages').getByRole('button', { name: /Undo/ }).last();
    await undo.waitFor();
    expect(deal.milestone).toBe(target);
    await undo.click();
    await message(`is back at ${previous}`).waitFor();
    expect(deal.milestone).toBe(previous);
  });
});
