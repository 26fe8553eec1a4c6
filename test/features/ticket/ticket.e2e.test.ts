import type { KnownBlock } from '@slack/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { mrkdwnTexts } from '../../helpers/blocks.js';
import { RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  type StateMap,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { DEFAULT_USER_PERSONAL, simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

let t: TestBot;
/** The bot's clock runs this far ahead of real time (cache ages, quick-path minutes). */
let clockOffsetMs = 0;

beforeAll(async () => {
  // Public replies need a personal Agile connection: the default user has one.
  t = await startTestBot({
    now: () => new Date(Date.now() + clockOffsetMs),
    workspace: { personal: DEFAULT_USER_PERSONAL },
  });
});
afterAll(async () => {
  await t?.close();
});
/** Ticket notes of the seed: whatever else is in the simulator, the bot wrote. */
let seeded = new Set<string>();
beforeEach(() => {
  t.reset();
  clockOffsetMs += 10 * 60_000;
  seeded = new Set(sim().state.ticketNotes.map((n) => n.id));
});

const sim = () => simulatorOf(t);
/** Notes the bot added to a ticket. */
const notesOf = (ticketId: string) =>
  sim().state.ticketNotes.filter((n) => n.ticketId === ticketId && !seeded.has(n.id));
const addedCount = () => sim().state.ticketNotes.filter((n) => !seeded.has(n.id)).length;

interface ViewSnapshot {
  id: string;
  hash: string;
  privateMetadata: string;
  blocks: KnownBlock[];
  view: Record<string, unknown>;
}

function viewNow(id: string): ViewSnapshot {
  const v = t.slack.views.get(id);
  if (!v) throw new Error(`no view ${id}`);
  return {
    id,
    hash: v.hash,
    privateMetadata: String(v.view.private_metadata ?? ''),
    blocks: (v.view.blocks ?? []) as KnownBlock[],
    view: v.view,
  };
}

const blockText = (blocks: KnownBlock[]) => JSON.stringify(blocks);

/** `/crm ticket`: views.open with the loading view, then views.update with the form. */
async function openModal(
  text = 'ticket',
): Promise<{ viewId: string; open: RecordedCall; update: RecordedCall }> {
  const started = Date.now();
  const res = await t.command(text);
  expect(res.status).toBe(200);
  const open = await t.slack.waitFor('views.open');
  expect(open.atMs - started).toBeLessThan(3000);
  const update = await t.slack.waitFor('views.update');
  const viewId = String(update.args.view_id);
  return { viewId, open, update };
}

/** Picks a ticket in the modal (block_actions) and waits for the view showing its thread. */
async function pickTicket(viewId: string, ticketId: string, values: StateMap = {}): Promise<ViewSnapshot> {
  const before = viewNow(viewId);
  const updatesBefore = t.slack.calls('views.update').length;
  const res = await t.interact(
    blockActionsPayload({
      actionId: ACTION.ticketPicker,
      blockId: BLOCK.ticket,
      action: {
        type: 'external_select',
        selected_option: { value: ticketId, text: { type: 'plain_text', text: `#${ticketId}` } },
      },
      view: {
        id: viewId,
        hash: before.hash,
        callbackId: CALLBACK.ticketModal,
        privateMetadata: before.privateMetadata,
        values: {
          [BLOCK.ticket]: { [ACTION.ticketPicker]: { type: 'external_select', value: ticketId } },
          ...values,
        },
      },
    }),
  );
  expect(res.status).toBe(200);
  await t.slack.waitFor('views.update', () => t.slack.calls('views.update').length > updatesBefore);
  return viewNow(viewId);
}

function formValues(ticketId: string, reply: string, visibility?: 'public' | 'private'): StateMap {
  return {
    [BLOCK.ticket]: { [ACTION.ticketPicker]: { type: 'external_select', value: ticketId } },
    [BLOCK.reply]: { [ACTION.replyText]: reply },
    [BLOCK.visibility]: {
      [ACTION.visibility]: { type: 'radio_buttons', value: visibility ?? null },
    },
  };
}

function submit(view: ViewSnapshot, values: StateMap) {
  return t.interact(
    viewSubmissionPayload({
      callbackId: CALLBACK.ticketModal,
      id: view.id,
      hash: view.hash,
      privateMetadata: view.privateMetadata,
      values,
    }),
  );
}

async function openAndPick(ticketId: string): Promise<ViewSnapshot> {
  const { viewId } = await openModal();
  return pickTicket(viewId, ticketId);
}

describe('/crm ticket modal', () => {
  it('opens at once with a loading view, then shows the form with Ticket, Reply and Visibility', async () => {
    const { open, update } = await openModal();
    expect(JSON.stringify(open.args.view)).toMatch(/Loading/);
    expect(update.args.hash).toBeDefined();
    const view = update.args.view as { blocks: KnownBlock[]; callback_id: string };
    expect(view.callback_id).toBe(CALLBACK.ticketModal);
    const labels = view.blocks.flatMap((b) => (b.type === 'input' ? [b.label.text] : []));
    expect(labels).toEqual(['Ticket', 'Reply', 'Visibility']);
    expect(blockText(view.blocks)).toContain('the customer will receive this by email');
    t.slack.assertNoViolations();
  });

  it('/crm reply alone opens the same modal', async () => {
    const { update } = await openModal('reply');
    expect((update.args.view as { callback_id: string }).callback_id).toBe(CALLBACK.ticketModal);
    t.slack.assertNoViolations();
  });

  it('options load lists open tickets newest first, searchable by subject, requester and id', async () => {
    const load = async (value: string) => {
      const res = await t.interact(
        blockSuggestionPayload({ actionId: ACTION.ticketPicker, blockId: BLOCK.ticket, value }),
      );
      expect(res.status).toBe(200);
      return (res.json as { options: { value: string; text: { text: string } }[] }).options;
    };
    const all = await load('');
    const open = sim()
      .state.tickets.filter((x) => x.status !== 'CLOSED')
      .sort((a, b) => b.createdMs - a.createdMs)
      .map((x) => x.id);
    expect(all.map((o) => o.value)).toEqual(open);
    expect(all.some((o) => o.text.text.includes('Request to close account'))).toBe(false);
    expect((await load('sso')).map((o) => o.text.text)).toEqual([expect.stringContaining('SSO login loop')]);
    const ticket2 = sim().state.tickets.find((x) => x.id === '2');
    const requester = ticket2?.requesterName.split(' ')[0] ?? 'none';
    expect((await load(requester.toLowerCase())).map((o) => o.value)).toContain('2');
    expect((await load('#4')).map((o) => o.value)[0]).toBe('4');
  });

  it('answers the options load from the cache within 3 s when Agile takes 2.5 s', async () => {
    await t.interact(blockSuggestionPayload({ actionId: ACTION.ticketPicker, value: '' }));
    clockOffsetMs += 5 * 60_000; // the cached listing is now stale: a refresh must start
    sim().faults.latencyMs = 2500;
    const res = await t.interact(blockSuggestionPayload({ actionId: ACTION.ticketPicker, value: 'export' }));
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(3000);
    const options = (res.json as { options: { text: { text: string } }[] }).options;
    expect(options.map((o) => o.text.text)).toEqual([expect.stringContaining('Cannot export reports')]);
    sim().faults.latencyMs = 0;
  });

  it('picking a ticket shows its latest messages (requester and agent) in the user zone, keeping typed text', async () => {
    const { viewId } = await openModal();
    const view = await pickTicket(viewId, '1', { [BLOCK.reply]: { [ACTION.replyText]: 'half-written' } });
    const text = blockText(view.blocks);
    expect(text).toContain('The export button spins forever');
    expect(text).toContain('(requester)');
    expect(text).toContain('(agent)');
    expect(text).toContain('private note');
    const first = sim().state.ticketNotes.find((n) => n.ticketId === '1');
    const { TZDate } = await import('@date-fns/tz');
    const { format } = await import('date-fns');
    // Alice's Slack zone is America/New_York; ticket times are epoch milliseconds.
    expect(text).toContain(format(new TZDate(first?.createdMs ?? 0, 'America/New_York'), 'EEE d MMM, HH:mm'));
    expect(text).toContain('half-written');
    expect(JSON.parse(view.privateMetadata)).toMatchObject({ ticketId: '1', mark: { count: 3 } });
    t.slack.assertNoViolations();
  });

  it('escapes a ticket subject and message holding <!channel> in mrkdwn', async () => {
    const view = await openAndPick('3');
    const mrkdwn = mrkdwnTexts(view.blocks).join('\n');
    expect(mrkdwn).not.toMatch(/<!channel>|<!everyone>|<@U999>|<https:/);
    expect(mrkdwn).toContain('&lt;!everyone&gt; click &lt;https://evil.example|here&gt; &amp; win');
    // The subject shows in the picker as plain_text (literal) and in the confirmation escaped.
    const values = formValues('3', 'Looking', 'private');
    await submit(view, values);
    const confirm = await t.slack.waitFor('chat.postEphemeral');
    const confirmMrkdwn = mrkdwnTexts(confirm.args.blocks).join('\n');
    expect(confirmMrkdwn).toContain('&lt;!channel&gt; urgent &lt;@U999&gt; help');
    expect(confirmMrkdwn).not.toMatch(/<!channel>|<@U999>/);
    t.slack.assertNoViolations();
  });

  it.each([
    ['public', 'PUBLIC'],
    ['private', 'PRIVATE'],
  ] as const)(
    'a %s submission lands as note_type %s and confirms to the actor',
    async (visibility, noteType) => {
      const view = await openAndPick('4');
      const res = await submit(view, formValues('4', `Checking your ${visibility} SAML setup`, visibility));
      expect(res.status).toBe(200);
      expect(res.body).toBe('');
      const notes = notesOf('4');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ noteType, htmlText: `Checking your ${visibility} SAML setup` });
      const confirm = await t.slack.waitFor('chat.postEphemeral');
      expect(confirm.args).toMatchObject({ channel: 'C0SALES', user: 'U0ALICE' });
      expect(String(confirm.args.text)).toContain('#4');
      expect(String(confirm.args.text)).toContain('SSO login loop');
      expect(String(confirm.args.text)).toContain(visibility === 'public' ? 'Public reply' : 'Private note');
      t.slack.assertNoViolations();
    },
  );

  it('escapes HTML in the reply and keeps line breaks', async () => {
    const view = await openAndPick('1');
    const reply = `<script>alert(1)</script>\n<b>bold</b> & "quotes" 'single'\r\nlast line`;
    await submit(view, formValues('1', reply, 'public'));
    const [note] = notesOf('1');
    expect(note?.htmlText).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;<br>\n&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot; &#39;single&#39;<br>\nlast line',
    );
    expect(note?.htmlText).not.toMatch(/<script|<b>/);
    t.slack.assertNoViolations();
  });

  it('validates before any write: no ticket, empty reply, no visibility', async () => {
    const { viewId } = await openModal();
    const res = await submit(viewNow(viewId), {
      [BLOCK.reply]: { [ACTION.replyText]: '   ' },
      [BLOCK.visibility]: { [ACTION.visibility]: { type: 'radio_buttons', value: null } },
    });
    expect(res.json).toMatchObject({
      response_action: 'errors',
      errors: {
        [BLOCK.ticket]: expect.any(String),
        [BLOCK.reply]: expect.any(String),
        [BLOCK.visibility]: expect.any(String),
      },
    });
    expect(addedCount()).toBe(0);
  });

  it('holds the reply when a new message arrived after the thread was shown, then sends once on confirm', async () => {
    const view = await openAndPick('4');
    const arrivedMs = Date.now() + clockOffsetMs;
    sim().state.ticketNotes.push({
      id: '777001',
      ticketId: '4',
      createdBy: 'REQUESTER',
      createdMs: arrivedMs,
      plainText: 'Never mind, it works now!',
      htmlText: 'Never mind, it works now!',
      noteType: 'PUBLIC',
      userId: sim().state.tickets.find((x) => x.id === '4')?.assigneeId ?? '',
    });
    seeded.add('777001');
    const values = formValues('4', 'Try clearing the cookies', 'public');
    const held = await submit(view, values);
    const answer = held.json as {
      response_action: string;
      view: { blocks: KnownBlock[]; private_metadata: string };
    };
    expect(answer.response_action).toBe('update');
    expect(blockText(answer.view.blocks)).toContain('Never mind, it works now!');
    expect(blockText(answer.view.blocks)).toContain('Try clearing the cookies');
    expect(notesOf('4')).toHaveLength(0);

    // Slack shows the held view under the same id; submitting it confirms.
    const heldView: ViewSnapshot = {
      ...view,
      privateMetadata: answer.view.private_metadata,
      blocks: answer.view.blocks,
    };
    const confirmed = await submit(heldView, values);
    expect(confirmed.body).toBe('');
    const again = await submit(heldView, values);
    expect(again.status).toBe(200);
    expect(notesOf('4')).toHaveLength(1);
    expect(notesOf('4')[0]).toMatchObject({ noteType: 'PUBLIC', htmlText: 'Try clearing the cookies' });
  });

  it('with a slow CRM the modal shows Sending…, then the result, and confirms once', async () => {
    const view = await openAndPick('2');
    sim().faults.latencyMs = 1700;
    const res = await submit(view, formValues('2', 'Slow but sure', 'public'));
    expect(res.elapsedMs).toBeLessThan(3000);
    const answer = res.json as { response_action: string; view: { blocks: KnownBlock[] } };
    expect(answer.response_action).toBe('update');
    expect(blockText(answer.view.blocks)).toContain('Sending');
    const done = await t.slack.waitFor(
      'views.update',
      (c) => blockText((c.args.view as { blocks: KnownBlock[] }).blocks).includes('Public reply sent'),
      8000,
    );
    expect(done.args.view_id).toBe(view.id);
    await t.slack.waitFor('chat.postEphemeral', undefined, 2000);
    expect(notesOf('2')).toHaveLength(1);
    sim().faults.latencyMs = 0;
    t.slack.assertNoViolations();
  });

  it('a double submission writes one note', async () => {
    const view = await openAndPick('2');
    const values = formValues('2', 'The VAT number is fixed', 'private');
    const [a, b] = await Promise.all([submit(view, values), submit(view, values)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // The confirmation follows the one write; the other delivery found it in progress and wrote nothing.
    await t.slack.waitFor('chat.postEphemeral');
    expect(notesOf('2')).toHaveLength(1);
    expect(t.slack.calls('chat.postEphemeral')).toHaveLength(1);
  });

  it.each([
    [401, 1, /API key/],
    // Reads are retried on 5xx: three failures in a row exhaust them.
    [500, 3, /not answering properly/],
  ])(
    'an Agile %i on submission shows a specific error on the form and sends nothing',
    async (status, times, message) => {
      const view = await openAndPick('1');
      sim().faults.failNext(times, status);
      const res = await submit(view, formValues('1', `Fault ${status} reply`, 'public'));
      expect(res.json).toMatchObject({ response_action: 'errors' });
      const errors = (res.json as { errors: Record<string, string> }).errors;
      expect(Object.values(errors).join(' ')).toMatch(message);
      expect(Object.values(errors).join(' ')).toMatch(/Nothing was sent/);
      expect(notesOf('1')).toHaveLength(0);
    },
  );

  it('an Agile 400 on the write (ticket gone) shows on the Ticket input, typed values kept by Slack', async () => {
    const view = await openAndPick('1');
    const state = sim().state;
    state.tickets = state.tickets.filter((x) => x.id !== '1');
    state.ticketNotes = state.ticketNotes.filter((n) => n.ticketId !== '1');
    const res = await submit(view, formValues('1', 'Into the void', 'private'));
    expect(res.json).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCK.ticket]: expect.stringMatching(/Ticket not found/) },
    });
    expect(notesOf('1')).toHaveLength(0);
  });
});

describe('/crm reply <id> <text>', () => {
  it('posts a public reply at once and confirms', async () => {
    const res = await t.command('reply 1 Fixed in release 4.2 <b>now</b>');
    expect(res.status).toBe(200);
    const reply = await t.slack.waitFor(RESPONSE);
    expect(reply.args.response_type).toBe('ephemeral');
    expect(String(reply.args.text)).toMatch(/Public reply sent on ticket #1/);
    expect(notesOf('1')).toEqual([
      expect.objectContaining({
        noteType: 'PUBLIC',
        htmlText: 'Fixed in release 4.2 &lt;b&gt;now&lt;/b&gt;',
      }),
    ]);
    t.slack.assertNoViolations();
  });

  it('`ticket <id> <text>` is the same', async () => {
    await t.command('ticket #2 Sent the corrected invoice');
    await t.slack.waitFor(RESPONSE);
    expect(notesOf('2')).toHaveLength(1);
  });

  it('a repeated command within the minute sends once', async () => {
    await t.command('reply 4 Same words twice');
    await t.slack.waitFor(RESPONSE);
    await t.command('reply 4 Same words twice');
    await t.slack.waitFor(RESPONSE, () => t.slack.calls(RESPONSE).length >= 2);
    expect(notesOf('4')).toHaveLength(1);
    expect(String(t.slack.calls(RESPONSE)[1]?.args.text)).toMatch(/nothing sent twice/);
  });

  it('the window slides: 59 s apart across a clock minute sends once, 61 s apart sends twice', async () => {
    // Start 30 s into a clock minute so the second send falls into the next one.
    const intoMinute = (Date.now() + clockOffsetMs) % 60_000;
    clockOffsetMs += 90_000 - intoMinute;
    await t.command('reply 4 Sliding window words');
    await t.slack.waitFor(RESPONSE);
    clockOffsetMs += 59_000;
    await t.command('reply 4 Sliding window words');
    await t.slack.waitFor(RESPONSE, () => t.slack.calls(RESPONSE).length >= 2);
    expect(String(t.slack.calls(RESPONSE)[1]?.args.text)).toMatch(/nothing sent twice/);
    expect(notesOf('4').filter((n) => n.plainText.includes('Sliding window words'))).toHaveLength(1);
    clockOffsetMs += 2_000;
    await t.command('reply 4 Sliding window words');
    await t.slack.waitFor(RESPONSE, () => t.slack.calls(RESPONSE).length >= 3);
    expect(String(t.slack.calls(RESPONSE)[2]?.args.text)).not.toMatch(/nothing sent twice/);
    expect(notesOf('4').filter((n) => n.plainText.includes('Sliding window words'))).toHaveLength(2);
    t.slack.assertNoViolations();
  });

  it('an unknown ticket id answers clearly and quotes the text back', async () => {
    await t.command('reply 999999 Hello there');
    const reply = await t.slack.waitFor(RESPONSE);
    expect(String(reply.args.text)).toMatch(/no ticket #999999/);
    expect(JSON.stringify(reply.args.blocks)).toContain('Hello there');
    expect(addedCount()).toBe(0);
    t.slack.assertNoViolations();
  });

  it.each([
    [401, /API key/],
    [500, /not answering properly/],
  ])('an Agile %i answers a specific message with the text quoted back', async (status, message) => {
    // Warm the ticket cache so the fault hits the write.
    await t.interact(blockSuggestionPayload({ actionId: ACTION.ticketPicker, value: '' }));
    sim().faults.failNext(1, status);
    await t.command('reply 1 Please keep this text');
    const reply = await t.slack.waitFor(RESPONSE);
    expect(String(reply.args.text)).toMatch(message);
    expect(JSON.stringify(reply.args.blocks)).toContain('Please keep this text');
    expect(notesOf('1')).toHaveLength(0);
    t.slack.assertNoViolations();
  });
});
