// A form write that fails after the user closed its "Saving…" modal reaches them by DM with their whole
// text and a Retry button (issue 11 part 4): deal, move and ticket reply (public and private) forms.
// Per form: the DM quotes everything typed, Retry writes once, a second Retry writes nothing more; a
// write that got no answer is checked before it is written again (no customer emailed twice).
import { describe, expect, it } from 'vitest';
import { dmChannelOf } from '../../src/devkit/console/slack-web-api.js';
import type { TargetedFault } from '../../src/devkit/sandbox/agile-simulator.js';
import { ACTION, BLOCK, CALLBACK, SHORTCUT } from '../../src/platform/slack/ids.js';
import type { RecordedCall } from '../helpers/fake-slack.js';
import {
  blockActionsPayload,
  CHANNEL,
  messageActionPayload,
  type StateMap,
  USER,
  viewClosedPayload,
  viewSubmissionPayload,
} from '../helpers/payloads.js';
import { DEFAULT_USER_PERSONAL, simulatorOf } from '../helpers/test-bot.js';
import { useTestBot } from '../helpers/use-test-bot.js';
import { matrixKit } from './fault-matrix-kit.js';

// Above the form's 2 s budget (so the modal shows "Saving…" first), short enough for quick tests.
const TIMEOUT_MS = 2300;

const t = useTestBot({
  agileOptions: { timeoutMs: TIMEOUT_MS, retries: 0, retryBaseDelayMs: 5 },
  scheduler: { enabled: false },
  // Public replies are sent with the user's own Agile account: the default user has one.
  workspace: { personal: DEFAULT_USER_PERSONAL },
});
const sim = () => simulatorOf(t);
const { openForm, pick } = matrixKit(t);
const DM = dmChannelOf(USER.id);

type View = { blocks?: { block_id?: string }[]; private_metadata?: string; notify_on_close?: boolean };

/**
 * Submits with `fault` on the write: the modal turns into "Saving…" (asking to hear of its closing),
 * the user closes it, and the failure comes by DM. Resolves with the DM's first message.
 */
async function failAfterClose(
  form: { callbackId: string; viewId: string; meta: string; values: StateMap },
  write: { method: string; path: RegExp | string },
  fault: TargetedFault,
): Promise<RecordedCall> {
  sim().faults.inject({ ...write, fault, times: 1 });
  const from = t.slack.log.length;
  const res = await t.interact(
    viewSubmissionPayload({
      callbackId: form.callbackId,
      id: form.viewId,
      privateMetadata: form.meta,
      values: form.values,
    }),
  );
  const saving = res.json as { response_action: string; view: View };
  expect(saving.response_action, res.body).toBe('update');
  expect(saving.view.notify_on_close).toBe(true);
  await t.interact(viewClosedPayload({ callbackId: form.callbackId, id: form.viewId, values: {} }));
  const dm = await t.slack.waitFor(
    'chat.postMessage',
    (c) =>
      t.slack.log.indexOf(c) >= from && c.args.channel === DM && /saved:/.test(JSON.stringify(c.args.blocks)),
    10_000,
  );
  await t.idle();
  sim().faults.reset();
  return dm;
}

/** Everything the DM said since `dm` (the head and its text follow-ups), as JSON. */
const dmSince = (dm: RecordedCall) =>
  t.slack.log
    .slice(t.slack.log.indexOf(dm))
    .filter((c) => c.method === 'chat.postMessage' && c.args.channel === DM)
    .map((c) => JSON.stringify(c.args.blocks))
    .join('\n');

async function clickRetry(dm: RecordedCall): Promise<string> {
  const button = (
    (dm.args.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[]
  )
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.action_id === ACTION.retryWrite);
  expect(button?.value).toBeTruthy();
  // The DM's first message: the one the click is made on (chat.update replaces it; the value stays).
  const head = (t.slack.messages.get(DM) ?? []).find((m) =>
    JSON.stringify(m.blocks).includes(button?.value ?? '-'),
  );
  await t.interact(
    blockActionsPayload({
      actionId: ACTION.retryWrite,
      value: button?.value,
      channel: { id: DM, name: 'directmessage' },
      message: { ts: head?.ts ?? '' },
    }),
  );
  await t.idle();
  return JSON.stringify(t.slack.calls('chat.update').at(-1)?.args.blocks);
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

describe('Retry DMs of the forms', () => {
  it('Create deal: the name and description come back; Retry finds the deal that landed (one deal)', async () => {
    const { viewId, meta } = await openForm('deal', CALLBACK.dealModal);
    const sales = sim().state.tracks.find((x) => x.name === 'Sales');
    const name = `Retry deal ${Date.now()}`;
    const description = `Terms <agreed> & signed\n${words(700)} end-of-description`;
    const values: StateMap = {
      [BLOCK.dealName]: { [ACTION.dealName]: { type: 'plain_text_input', value: name } },
      [BLOCK.value]: { [ACTION.dealValue]: { type: 'number_input', value: '1200' } },
      [BLOCK.probability]: { [ACTION.probability]: { type: 'number_input', value: null } },
      [BLOCK.track]: { [ACTION.trackSelect]: { type: 'static_select', value: sales?.id ?? '' } },
      [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: 'New' } },
      [BLOCK.closeDate]: { [ACTION.closeDate]: { type: 'datepicker', selected_date: null } },
      [BLOCK.contact]: { [ACTION.contactPicker]: { type: 'multi_external_select', values: [] } },
      [BLOCK.description]: { [ACTION.description]: { type: 'plain_text_input', value: description } },
      [BLOCK.owner]: { [ACTION.ownerSelect]: { type: 'static_select', value: null } },
    };
    const dm = await failAfterClose(
      { callbackId: CALLBACK.dealModal, viewId, meta, values },
      { method: 'POST', path: 'api/opportunity' },
      { kind: 'apply-then-hang' },
    );
    const said = dmSince(dm);
    // No answer: it may have been saved — never "was not saved".
    expect(said).toContain('may not have been saved');
    expect(said).not.toContain('was not saved');
    expect(said).toContain(name);
    expect(said).toContain('end-of-description');
    expect(said).toContain('&lt;agreed&gt; &amp; signed');
    const deals = () => sim().state.deals.filter((d) => d.name === name);
    expect(deals()).toHaveLength(1);
    expect(await clickRetry(dm)).toContain('is saved now');
    expect(deals()).toHaveLength(1);
    expect(await clickRetry(dm)).toContain('is saved now');
    expect(deals()).toHaveLength(1);
    t.slack.assertNoViolations();
  }, 30_000);

  it('Move: reason and note come back; Retry moves once and writes the note once', async () => {
    const opened = await openForm('move', CALLBACK.moveModal);
    const deal = sim().state.deals.find((d) => d.name === 'Globex annual renewal');
    const dealId = deal?.id ?? '';
    const { viewId, meta } = await pick(
      opened,
      CALLBACK.moveModal,
      { blockId: BLOCK.deal, actionId: ACTION.dealPicker },
      dealId,
    );
    const token = `${Date.now()}`;
    const values: StateMap = {
      [BLOCK.deal]: { [ACTION.dealPicker]: { type: 'external_select', value: dealId } },
      [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: 'Churned' } },
      [BLOCK.reason]: { [ACTION.reason]: { type: 'plain_text_input', value: `Budget cut ${token}` } },
      [BLOCK.note]: {
        [ACTION.noteInput]: { type: 'plain_text_input', value: `Call again in spring ${token}` },
      },
    };
    const dm = await failAfterClose(
      { callbackId: CALLBACK.moveModal, viewId, meta, values },
      { method: 'PUT', path: 'api/opportunity/partial-update' },
      { kind: 'hang' },
    );
    const said = dmSince(dm);
    expect(said).toContain('may not have been saved');
    expect(said).toContain(`Budget cut ${token}`);
    expect(said).toContain(`Call again in spring ${token}`);
    const notes = () => sim().state.notes.filter((n) => n.description.includes(token));
    expect(notes()).toHaveLength(0);
    expect(await clickRetry(dm)).toContain('is saved now');
    expect(sim().state.deals.find((d) => d.id === dealId)?.milestone).toBe('Churned');
    expect(await clickRetry(dm)).toContain('is saved now');
    expect(notes()).toHaveLength(1);
    t.slack.assertNoViolations();
  }, 30_000);

  const ticketForm = async () => {
    const ticketId = sim().state.tickets.find((x) => x.status !== 'CLOSED')?.id ?? '';
    const opened = await openForm('ticket', CALLBACK.ticketModal);
    const { viewId, meta } = await pick(
      opened,
      CALLBACK.ticketModal,
      { blockId: BLOCK.ticket, actionId: ACTION.ticketPicker },
      ticketId,
    );
    const values = (text: string, visibility: 'public' | 'private'): StateMap => ({
      [BLOCK.ticket]: { [ACTION.ticketPicker]: { type: 'external_select', value: ticketId } },
      [BLOCK.reply]: { [ACTION.replyText]: text },
      [BLOCK.visibility]: { [ACTION.visibility]: { type: 'radio_buttons', value: visibility } },
    });
    return { ticketId, viewId, meta, values };
  };
  const ticketWrite = (ticketId: string) => ({ method: 'POST', path: `api/notes/${ticketId}` });
  const sentWith = (token: string) => sim().state.ticketNotes.filter((n) => n.plainText.includes(token));

  it('public reply sent but unanswered: Retry reads the thread first and never emails the customer twice', async () => {
    const { ticketId, viewId, meta, values } = await ticketForm();
    const token = `${Date.now()}`;
    const text = `Fixed in release ${token}\n${words(250)} signed-off`;
    const dm = await failAfterClose(
      { callbackId: CALLBACK.ticketModal, viewId, meta, values: values(text, 'public') },
      ticketWrite(ticketId),
      { kind: 'apply-then-hang' },
    );
    const said = dmSince(dm);
    expect(said).toContain('Your public reply');
    expect(said).toContain('may not have been saved');
    expect(said).toContain('signed-off');
    expect(sentWith(token)).toHaveLength(1);
    const retried = await clickRetry(dm);
    expect(retried).toContain('is saved now');
    expect(retried).toContain('public reply sent');
    expect(sentWith(token)).toHaveLength(1);
    await clickRetry(dm);
    expect(sentWith(token)).toHaveLength(1);
    expect(sentWith(token)[0]?.noteType).toBe('PUBLIC');
    t.slack.assertNoViolations();
  }, 30_000);

  it('private note unanswered (timeout before apply): Retry adds it once', async () => {
    const { ticketId, viewId, meta, values } = await ticketForm();
    const token = `${Date.now()}`;
    const dm = await failAfterClose(
      { callbackId: CALLBACK.ticketModal, viewId, meta, values: values(`Internal: ${token}`, 'private') },
      ticketWrite(ticketId),
      { kind: 'hang' },
    );
    expect(dmSince(dm)).toContain(`Internal: ${token}`);
    expect(sentWith(token)).toHaveLength(0);
    expect(await clickRetry(dm)).toContain('private note added');
    await clickRetry(dm);
    expect(sentWith(token)).toHaveLength(1);
    expect(sentWith(token)[0]?.noteType).toBe('PRIVATE');
    t.slack.assertNoViolations();
  }, 30_000);

  it('a reply whose ticket got a new customer message meanwhile is not sent by Retry (the button goes)', async () => {
    const { ticketId, viewId, meta, values } = await ticketForm();
    const token = `${Date.now()}`;
    const dm = await failAfterClose(
      { callbackId: CALLBACK.ticketModal, viewId, meta, values: values(`Try this ${token}`, 'public') },
      ticketWrite(ticketId),
      { kind: 'hang' },
    );
    sim().state.ticketNotes.push({
      id: `9${token}`,
      ticketId,
      createdBy: 'REQUESTER',
      createdMs: Date.now() + 60_000,
      plainText: 'Never mind, it works now!',
      htmlText: 'Never mind, it works now!',
      noteType: 'PUBLIC',
      userId: sim().state.tickets.find((x) => x.id === ticketId)?.assigneeId ?? '',
    });
    const retried = await clickRetry(dm);
    expect(retried).toContain('nothing was sent');
    expect(retried).toContain('1 new message');
    expect(retried).not.toContain(ACTION.retryWrite);
    expect(sentWith(token)).toHaveLength(0);
    t.slack.assertNoViolations();
  }, 30_000);

  it('Log thread: a note unanswered is found by Retry (not written again) and the rest is logged once', async () => {
    const ada = sim().state.contacts.find((c) =>
      c.properties.some((p) => p.name === 'email' && p.value === 'ada.lovelace@northwind.example.com'),
    );
    if (!ada) throw new Error('no seed contact Ada');
    const token = `${Date.now()}`;
    const parent = t.slack.addMessage({ channel: CHANNEL.id, text: `Kick-off ${token}`, user: USER.id });
    for (let i = 1; i <= 30; i++)
      t.slack.addMessage({
        channel: CHANNEL.id,
        text: `${i} ${'word '.repeat(400)}`.trim(),
        user: 'U0BOB',
        threadTs: parent.ts,
      });
    await t.interact(
      messageActionPayload({
        callbackId: SHORTCUT.logThreadToCrm,
        message: { ts: parent.ts, text: parent.text ?? '' },
      }),
    );
    await t.idle();
    const view = [...t.slack.views.values()].find((v) => v.view.callback_id === CALLBACK.threadModal);
    if (!view) throw new Error('no Log thread modal');
    const parts = Number(/logged as (\d+) notes/.exec(JSON.stringify(view.view.blocks))?.[1]);
    expect(parts).toBeGreaterThanOrEqual(2);
    const earlier = new Set(sim().state.notes.map((n) => n.id));
    const subjects = () =>
      sim()
        .state.notes.filter((n) => n.contactIds.includes(ada.id) && !earlier.has(n.id))
        .map((n) => n.subject);
    const numbered = Array.from({ length: parts }, (_, i) => `Slack thread in #sales (${i + 1}/${parts})`);

    const dm = await failAfterClose(
      {
        callbackId: CALLBACK.threadModal,
        viewId: view.id,
        meta: String(view.view.private_metadata),
        values: {
          [BLOCK.contact]: {
            [ACTION.contactPicker]: { type: 'external_select', value: ada.id, text: 'Ada Lovelace' },
          },
        },
      },
      { method: 'POST', path: 'api/notes' },
      { kind: 'apply-then-hang' },
    );
    const said = dmSince(dm);
    // The first note got no answer: it may have been saved — never "was not saved".
    expect(said).toContain('Your thread log to Ada Lovelace may not have been saved');
    expect(subjects()).toEqual(numbered.slice(0, 1));
    expect(await clickRetry(dm)).toContain(`to contact Ada Lovelace as ${parts} notes`);
    expect(subjects()).toEqual(numbered);
    expect(await clickRetry(dm)).toContain('is saved now');
    expect(subjects()).toEqual(numbered);
    t.slack.assertNoViolations();
  }, 30_000);
});
