import { describe, expect, it } from 'vitest';
import { skipBrowserTests, useConsoleBrowser } from './browser-kit.js';

/**
 * A held public ticket reply in the console (issue 12): `/crm reply` answers "Sending in 4 s", the DM
 * (the sidebar's directmessage) has Cancel; a cancelled reply never reaches the sandbox, the next one is
 * sent after the hold and its DM says so. A short hold (TICKET_REPLY_HOLD_SECONDS=4): real time here.
 */

const SEND_WAIT_MS = 15_000;

describe.skipIf(skipBrowserTests)('a held ticket reply in the console', () => {
  const ui = useConsoleBrowser('held', { TICKET_REPLY_HOLD_SECONDS: '4' });
  const { send, message, shot } = ui;
  const notesWith = (text: string) => ui.state().ticketNotes.filter((n) => n.plainText.includes(text));

  it('Cancel in the DM keeps it from being sent; the next one is sent after the hold', async () => {
    await send('/crm reply 1 Console hold: please cancel me');
    await message('Sending in 4 s').waitFor();
    await ui.page.locator('.channels a', { hasText: 'directmessage' }).click();
    const held = message(/Sending in 4 s.*Console hold: please cancel me/s);
    await held.waitFor();
    await shot('held-1-dm-with-cancel');
    await held.getByRole('button', { name: 'Cancel' }).click();
    await message('Cancelled — not sent').waitFor();
    expect(await message('Cancelled — not sent').textContent()).toContain('Console hold: please cancel me');

    await send('/crm reply 1 Console hold: send me');
    await message(/Sent to .* at/).waitFor({ timeout: SEND_WAIT_MS });
    await shot('held-2-sent');
    expect(notesWith('Console hold: send me')).toHaveLength(1);
    expect(notesWith('please cancel me')).toHaveLength(0);
  }, 60_000);
});
