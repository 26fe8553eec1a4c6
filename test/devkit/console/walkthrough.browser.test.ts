import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLOCK } from '../../../src/platform/slack/ids.js';
import { CHROMIUM, STEP_MS, skipBrowserTests, useConsoleBrowser } from './browser-kit.js';

/**
 * The console in a real browser (Debian's chromium): every flow of the product, done by hand as a
 * person would, asserting on what the page shows and on what landed in the Agile sandbox.
 * Screenshots of each step go to test-results/console/.
 */

if (skipBrowserTests) {
  console.warn(`[console browser tests] skipped: ${CHROMIUM} not found (apt-get install chromium).`);
}

describe.skipIf(skipBrowserTests)('the console in a real browser', () => {
  const ui = useConsoleBrowser('browser');
  const { state, send, message, shot, until, modal, block } = ui;
  beforeAll(() => {
    ui.page.on('dialog', (d) => void d.accept());
  });

  async function openModal(title: string): Promise<void> {
    await modal().locator('.modal-title', { hasText: title }).waitFor({ timeout: STEP_MS });
  }

  async function pickExternal(blockId: string, query: string, option: string | RegExp): Promise<void> {
    const search = block(blockId).locator('input.search');
    await search.waitFor({ timeout: STEP_MS });
    await search.fill(query);
    await block(blockId).locator('.options .option').filter({ hasText: option }).first().click();
    await block(blockId).locator('.chip').filter({ hasText: option }).waitFor({ timeout: STEP_MS });
  }

  async function submitModal(): Promise<void> {
    await modal().locator('.modal-foot button.primary').click();
    await ui.page.locator('#modal-root .overlay').waitFor({ state: 'detached', timeout: STEP_MS });
  }

  it('looks up a contact: the card shows what the sandbox holds, only to me', async () => {
    const grace = state().contacts.find((x) =>
      x.properties.some((p) => p.name === 'email' && /grace\.hopper@example\.com/i.test(p.value)),
    );
    const phone = grace?.properties.find((p) => p.name === 'phone')?.value;
    expect(phone).toBeTruthy();

    await send('/crm lookup grace.hopper@example.com');
    const card = message('Grace Hopper');
    await card.waitFor({ timeout: STEP_MS });
    expect(await card.textContent()).toContain(phone as string);
    expect(await card.locator('.only-you').textContent()).toBe('Only visible to you');
    await shot('1-lookup');
  });

  it('logs a note from the "Log to CRM" message shortcut', async () => {
    const typed = 'Grace wants the 3-year quote by Friday & asked about <SSO>';
    await send(typed);
    const posted = message('Grace wants the 3-year quote');
    await posted.waitFor({ timeout: STEP_MS });
    // Typed text is shown as typed: never interpreted as HTML or Slack syntax.
    expect(await posted.locator('.content').textContent()).toBe(typed);

    await posted.hover();
    await posted.getByRole('button', { name: 'More actions' }).click();
    await posted.getByRole('menuitem', { name: 'Log to CRM' }).click();
    await openModal('Log note');
    await pickExternal(BLOCK.contact, 'grace', /Grace Hopper/);
    await shot('2-log-note-modal');
    await submitModal();

    const graceId = state().contacts.find((x) =>
      x.properties.some((p) => p.name === 'first_name' && p.value === 'Grace'),
    )?.id;
    const note = await until('the note in the sandbox', () =>
      state().notes.find((n) => n.description.includes('3-year quote')),
    );
    expect(note.contactIds).toContain(graceId);
    expect(note.description).toContain('asked about <SSO>');
    await shot('2-log-note-done');
  });

  it('creates a task through its modal', async () => {
    const subject = 'Send Grace the 3-year quote';
    await send('/crm task');
    await openModal('Create task');
    // Slack refuses an empty required input itself, under that input.
    await block(BLOCK.subject).locator('input').waitFor();
    await modal().locator('.modal-foot button.primary').click();
    await block(BLOCK.subject).locator('.input-error').waitFor();

    await pickExternal(BLOCK.contact, 'grace', /Grace Hopper/);
    await block(BLOCK.subject).locator('input').fill(subject);
    // The app's own validation answers response_action errors: shown under the date, typed values kept.
    const due = block(BLOCK.dueDate).locator('input[type="date"]');
    await due.fill('2001-01-15');
    await modal().locator('.modal-foot button.primary').click();
    const dueError = block(BLOCK.dueDate).locator('.input-error');
    await dueError.waitFor();
    expect(await dueError.textContent()).toMatch(/past|future/i);
    expect(await block(BLOCK.subject).locator('input').inputValue()).toBe(subject);
    await shot('3-task-modal-error');

    await due.fill('2099-01-15');
    await shot('3-task-modal');
    await submitModal();

    const task = await until('the task in the sandbox', () =>
      state().tasks.find((t) => t.subject === subject),
    );
    expect(task.isComplete).toBe(false);
    await message(subject).waitFor({ timeout: STEP_MS });
    await shot('3-task-done');
  });

  it('creates a deal: switching the track reloads its milestones and keeps what was typed', async () => {
    const name = 'Northwind 3-year renewal';
    await send('/crm deal');
    await openModal('Create deal');
    const nameInput = block(BLOCK.dealName).locator('input');
    await nameInput.waitFor();
    await nameInput.fill(name);
    await block(BLOCK.value).locator('input').fill('72000');
    // The track select dispatches block_actions; the app answers with views.update.
    await block(BLOCK.track).locator('select').selectOption({ label: 'Renewals' });
    const milestone = block(BLOCK.milestone).locator('select');
    await milestone.locator('option', { hasText: 'Negotiation' }).waitFor({ state: 'attached' });
    expect(await nameInput.inputValue()).toBe(name);
    await milestone.selectOption({ label: 'Negotiation' });
    await shot('4-deal-modal');
    await submitModal();

    const renewals = state().tracks.find((t) => t.name === 'Renewals');
    const deal = await until('the deal in the sandbox', () => state().deals.find((d) => d.name === name));
    expect(deal).toMatchObject({ pipelineId: renewals?.id, milestone: 'Negotiation', expectedValue: 72000 });
    await shot('4-deal-done');
  });

  it("moves a deal's milestone from the Move button on the contact card", async () => {
    const deal = state().deals.find((d) => d.name === 'Northwind fleet tracking rollout');
    expect(deal?.milestone).not.toBe('Won');
    const card = ui.page
      .locator('#messages > .message')
      .filter({ hasText: 'Grace Hopper', has: ui.page.getByRole('button', { name: 'Move' }) })
      .last();
    await card.getByRole('button', { name: 'Move' }).first().click();
    await openModal('Move deal');
    const milestone = block(BLOCK.milestone).locator('select');
    await milestone.waitFor({ timeout: STEP_MS });
    await milestone.selectOption({ label: 'Won' });
    await shot('5-move-modal');
    await submitModal();

    await until('the deal moved in the sandbox', () =>
      state().deals.find((d) => d.id === deal?.id && d.milestone === 'Won'),
    );
    await message('Won').waitFor({ timeout: STEP_MS });
    await shot('5-move-done');
  });

  it('replies to a ticket', async () => {
    const ticket = state().tickets.find((t) => t.status !== 'CLOSED');
    expect(ticket).toBeDefined();
    const reply = 'Thanks, the fix is live: please try again.';
    await send('/crm reply');
    await openModal('Reply to ticket');
    const firstWord = (ticket?.subject ?? '').split(/\s+/).find((w) => w.length >= 4) ?? '';
    await pickExternal(BLOCK.ticket, firstWord, ticket?.subject ?? '');
    const text = block(BLOCK.reply).locator('textarea');
    await text.waitFor({ timeout: STEP_MS });
    await text.fill(reply);
    await shot('6-reply-modal');
    await submitModal();

    await until('the reply in the sandbox', () =>
      state().ticketNotes.find((n) => n.ticketId === ticket?.id && n.plainText.includes('the fix is live')),
    );
    await shot('6-reply-done');
  });

  it('runs the digest now for the channel', async () => {
    await ui.page.getByRole('button', { name: 'Run digest now' }).click();
    const digest = ui.page
      .locator('#messages > .message')
      .filter({ has: ui.page.locator('.header') })
      .last();
    await digest.waitFor({ timeout: STEP_MS });
    // The task created above is due in the future, but overdue seed tasks are listed by subject.
    const nowSec = Date.now() / 1000;
    const overdue = state().tasks.filter((t) => !t.isComplete && t.dueEpochSec < nowSec);
    expect(overdue.length).toBeGreaterThan(0);
    const shown = (await ui.page.locator('#messages').textContent()) ?? '';
    expect(overdue.some((t) => shown.includes(t.subject))).toBe(true);
    await shot('7-digest');

    // Complete on one of the console user's own tasks (by default only a task's owner may): the task
    // is completed in the CRM, the item updated in place.
    const me = state().users.find((u) => u.email === 'alice.moreno@example.com');
    const mine = state().tasks.filter((t) => !t.isComplete && t.ownerId === me?.id);
    let mineShown: Locator | undefined;
    let mineId = '';
    for (const task of mine) {
      const actions = digest.locator(`[data-block-id="${BLOCK.digestTaskActionsPrefix}${task.id}"]`);
      if ((await actions.count()) > 0) {
        mineShown = actions;
        mineId = task.id;
        break;
      }
    }
    if (!mineShown) throw new Error('none of the console user’s tasks is in the digest message');
    await mineShown.getByRole('button', { name: 'Complete' }).click();
    const done = await until('the console user’s task completed in the sandbox', () =>
      state().tasks.find((t) => t.id === mineId && t.isComplete),
    );
    await digest.locator('s', { hasText: done.subject }).waitFor({ timeout: STEP_MS });
    await shot('7-digest-complete');

    // The seed has more pending tasks than one message holds: the rest is in the digest's thread.
    expect(await digest.textContent()).toMatch(/more in the thread/);
    await digest.locator('button.replies').click();
    await ui.page.locator('#thread-messages .message').nth(1).waitFor();
    await shot('7-digest-thread');
    expect(ui.c.api.violations).toEqual([]);
  });
});
