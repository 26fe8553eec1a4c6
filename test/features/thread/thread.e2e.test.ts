import { describe, expect, it } from 'vitest';
import { dmChannelOf, type EmulatedView } from '../../../src/devkit/console/slack-web-api.js';
import { ACTION, BLOCK, CALLBACK, SHORTCUT } from '../../../src/platform/slack/ids.js';
import { DEFAULT_USERS, type FakeUser } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  CHANNEL,
  messageActionPayload,
  type StateMap,
  TEAM,
  USER,
  viewClosedPayload,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { simulatorOf } from '../../helpers/test-bot.js';
import { useTestBot } from '../../helpers/use-test-bot.js';

const EVE: FakeUser = {
  id: 'U0EVE',
  name: 'eve',
  realName: 'Eve External',
  displayName: 'eve',
  email: 'eve@partner.example',
  tz: 'Asia/Tokyo',
  teamId: 'T0PARTNER',
};
/** Slack calls this one a stranger (users.info is_stranger) though users.info gives no other team. */
const SAM: FakeUser = {
  id: 'U0SAM',
  name: 'sam',
  realName: 'Sam Stranger',
  displayName: 'sam',
  tz: 'UTC',
  isStranger: true,
};
const t = useTestBot({ users: [...DEFAULT_USERS, EVE, SAM] });
const sim = () => simulatorOf(t);

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { text: string }[] };

function contact(email: string) {
  const c = sim().state.contacts.find((x) =>
    x.properties.some((p) => p.name === 'email' && p.value === email),
  );
  if (!c) throw new Error(`no seed contact ${email}`);
  return c;
}

/** A thread in #sales: the parent by Alice, then replies by the given users. */
function thread(replies: { user: string; text: string }[], parentText = 'Kick-off with <@U0BOB> about Acme') {
  const parent = t.slack.addMessage({ channel: CHANNEL.id, text: parentText, user: USER.id });
  const posted = replies.map((r) =>
    t.slack.addMessage({ channel: CHANNEL.id, text: r.text, user: r.user, threadTs: parent.ts }),
  );
  return { parent, replies: posted };
}

/** Uses the shortcut on a message and waits for the filled form. */
async function openOn(message: { ts: string; threadTs?: string; text?: string }): Promise<EmulatedView> {
  const res = await t.interact(
    messageActionPayload({
      callbackId: SHORTCUT.logThreadToCrm,
      message: { ts: message.ts, threadTs: message.threadTs, text: message.text ?? 'x' },
    }),
  );
  expect(res.status).toBe(200);
  await t.idle();
  const view = [...t.slack.views.values()].find((v) => v.view.callback_id === CALLBACK.threadModal);
  if (!view) throw new Error('no Log thread modal');
  return view;
}

const blocksOf = (v: EmulatedView) => v.view.blocks as Block[];
const allText = (v: EmulatedView) =>
  blocksOf(v)
    .map((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)].join('\n'))
    .join('\n');

async function submit(view: EmulatedView, values: StateMap) {
  const res = await t.interact(
    viewSubmissionPayload({
      callbackId: CALLBACK.threadModal,
      id: view.id,
      privateMetadata: String(view.view.private_metadata),
      values,
    }),
  );
  await t.idle();
  return res;
}

const toContact = (id: string, name: string): StateMap => ({
  [BLOCK.contact]: { [ACTION.contactPicker]: { type: 'external_select', value: id, text: name } },
});

const notesOf = (contactId: string) => sim().state.notes.filter((n) => n.contactIds.includes(contactId));

describe('Log thread to CRM', () => {
  it('logs a thread with three speakers (one external) as one note, times in the actor’s zone', async () => {
    const ada = contact('ada.lovelace@northwind.example.com');
    const before = notesOf(ada.id).length;
    const { replies } = thread([
      { user: 'U0BOB', text: 'Sent the quote &amp; the <https://acme.example/terms|terms>' },
      { user: EVE.id, text: 'Thanks <@U0ALICE>, we will review it' },
    ]);
    const reply = replies[0];
    if (!reply) throw new Error('no reply');
    // Used on a reply: the whole thread is logged, parent first.
    const view = await openOn({ ts: reply.ts, threadTs: reply.threadTs });
    const form = allText(view);
    expect(form).toContain('3 messages · 3 people · 1 external');
    expect(form).toContain('Eve External (external) (');
    expect(blocksOf(view).some((b) => b.block_id === BLOCK.logAgain)).toBe(false);

    const res = await submit(view, toContact(ada.id, 'Ada Lovelace — ada.lovelace@northwind.example.com'));
    expect(res.status).toBe(200);
    const [note, ...more] = notesOf(ada.id).slice(before);
    expect(more).toEqual([]);
    const lines = note?.description.split('\n') ?? [];
    expect(note?.subject).toBe('Slack thread in #sales');
    const spoken = lines.filter((l) => /^\S.* \(\d\d:\d\d\): /.test(l));
    expect(spoken).toHaveLength(3);
    expect(spoken[0]).toMatch(/^Alice Archer \(\d\d:\d\d\): Kick-off with @Bob Baker about Acme$/);
    expect(spoken[1]).toMatch(
      /^Bob Baker \(\d\d:\d\d\): Sent the quote & the terms \(https:\/\/acme.example\/terms\)$/,
    );
    expect(spoken[2]).toMatch(
      /^Eve External \(external\) \(\d\d:\d\d\): Thanks @Alice Archer, we will review it$/,
    );
    // Alice's zone (America/New_York), whatever the machine's.
    const hhmm = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(Number(reply.ts) * 1000));
    expect(spoken[1]).toContain(`(${hhmm})`);
    expect(note?.description).toContain('Logged from Slack by Alice Archer in #sales');
    const confirmation = t.slack.ephemerals.find((e) => e.text?.includes('Logged the thread'));
    expect(confirmation?.text).toContain('Ada Lovelace');
    t.slack.assertNoViolations();
  });

  it('someone Slack calls a stranger is marked external too', async () => {
    const { parent } = thread([{ user: SAM.id, text: 'hello from outside' }], 'Welcome');
    const view = await openOn({ ts: parent.ts });
    expect(allText(view)).toContain('2 messages · 2 people · 1 external');
    expect(allText(view)).toMatch(/Sam Stranger \(external\) \(\d\d:\d\d\): hello from outside/);
  });

  it('a thread the app cannot read says why in the form', async () => {
    const { parent } = thread([{ user: 'U0BOB', text: 'secret' }]);
    t.slack.failNext('conversations.replies', { error: 'not_in_channel' });
    const view = await openOn({ ts: parent.ts });
    expect(allText(view)).toContain('add the Agile CRM app to it first (/invite @Agile CRM)');
    t.slack.assertNoViolations();
  });

  it.each([
    ['a direct message', { id: 'D0ALICEBOB', name: 'directmessage' }, 'in a direct message'],
    [
      'a group direct message',
      { id: 'G0GROUPDM', name: 'mpdm-alice--bob--eve-1' },
      'in a group direct message',
    ],
  ])(
    'in %s the app is not part of, the form says it can’t read it and what to do instead',
    async (_what, channel, where) => {
      t.slack.failNext('conversations.replies', { error: 'channel_not_found' });
      const res = await t.interact(
        messageActionPayload({
          callbackId: SHORTCUT.logThreadToCrm,
          channel,
          message: { ts: '1767225600.000100', text: 'Between us' },
        }),
      );
      expect(res.status).toBe(200);
      await t.idle();
      const view = [...t.slack.views.values()].find((v) => v.view.callback_id === CALLBACK.threadModal);
      const text = view ? allText(view) : '';
      expect(text).toContain(
        `I can’t read this thread: it is ${where}, which the Agile CRM app is not part of`,
      );
      expect(text).toContain('Log to CRM on the messages you want to keep');
      expect(text).not.toContain('/invite');
      t.slack.assertNoViolations();
    },
  );

  it('reads a thread of several pages of replies', async () => {
    t.slack.repliesPageMax = 2;
    const ada = contact('ada.lovelace@northwind.example.com');
    const before = notesOf(ada.id).length;
    const { parent } = thread(
      Array.from({ length: 4 }, (_, i) => ({ user: 'U0BOB', text: `reply ${i + 1}` })),
    );
    const view = await openOn({ ts: parent.ts });
    expect(allText(view)).toContain('5 messages');
    await submit(view, toContact(ada.id, 'Ada Lovelace'));
    const note = notesOf(ada.id).slice(before)[0];
    for (let i = 1; i <= 4; i++) expect(note?.description).toContain(`: reply ${i}`);
    expect(t.slack.calls('conversations.replies').length).toBeGreaterThanOrEqual(6);
    t.slack.assertNoViolations();
  });

  it('a long thread becomes several numbered notes, written in order', async () => {
    const deal = sim().state.deals[0];
    if (!deal) throw new Error('no seed deal');
    const long = (i: number) => `${i} ${'word '.repeat(400)}`.trim();
    const { parent } = thread(Array.from({ length: 30 }, (_, i) => ({ user: 'U0BOB', text: long(i + 1) })));
    const view = await openOn({ ts: parent.ts });
    const parts = Number(/logged as (\d+) notes/.exec(allText(view))?.[1]);
    expect(parts).toBeGreaterThanOrEqual(3);
    await submit(view, {
      [BLOCK.deal]: {
        [ACTION.dealPicker]: { type: 'external_select', value: deal.id, text: `${deal.name} · x` },
      },
    });
    const notes = sim().state.notes.filter((n) => n.dealIds.includes(deal.id));
    const numbered = Array.from({ length: parts }, (_, i) => `Slack thread in #sales (${i + 1}/${parts})`);
    expect(notes.map((n) => n.subject)).toEqual(numbered);
    for (const n of notes) expect(n.description.length).toBeLessThanOrEqual(10_000);
    const order = notes.flatMap((n) =>
      [...n.description.matchAll(/Bob Baker \(\d\d:\d\d\): (\d+) /g)].map((m) => Number(m[1])),
    );
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    t.slack.assertNoViolations();
  });

  it('logged to a deal: the audit and the thread log hold each note’s own id, never the deal’s', async () => {
    const deal = sim().state.deals[1];
    if (!deal) throw new Error('no seed deal');
    const since = Date.now() - 1000;
    const long = (i: number) => `${i} ${'word '.repeat(400)}`.trim();
    const { parent } = thread(Array.from({ length: 12 }, (_, i) => ({ user: 'U0BOB', text: long(i + 1) })));
    const view = await openOn({ ts: parent.ts });
    const parts = Number(/logged as (\d+) notes/.exec(allText(view))?.[1]);
    expect(parts).toBeGreaterThanOrEqual(2);
    await submit(view, {
      [BLOCK.deal]: {
        [ACTION.dealPicker]: { type: 'external_select', value: deal.id, text: `${deal.name} · x` },
      },
    });
    const written = sim()
      .state.notes.filter(
        (n) => n.dealIds.includes(deal.id) && n.subject.startsWith('Slack thread in #sales'),
      )
      .map((n) => n.id);
    expect(written).toHaveLength(parts);
    expect(written).not.toContain(deal.id);

    const store = t.bot.deps.store;
    const audit = (await store.audit.list({ teamId: TEAM.id, sinceMs: since, limit: 100 })).filter(
      (a) => a.action === 'note.create' && a.recordIds.dealId === deal.id,
    );
    expect(audit.map((a) => a.recordIds.noteId)).toEqual(written);
    const log = await store.threadLogs.latest(TEAM.id, CHANNEL.id, parent.ts);
    expect(log).toMatchObject({ targetKind: 'deal', targetId: deal.id, noteIds: written });
    t.slack.assertNoViolations();
  });

  it('the same thread logged twice asks before writing again', async () => {
    const ada = contact('ada.lovelace@northwind.example.com');
    const { parent } = thread([{ user: 'U0BOB', text: 'once' }]);
    await submit(await openOn({ ts: parent.ts }), toContact(ada.id, 'Ada Lovelace'));
    const count = notesOf(ada.id).length;

    t.slack.reset();
    t.slack.messages.set(CHANNEL.id, []);
    const again = thread([{ user: 'U0BOB', text: 'once' }]);
    // Same channel and parent ts as the logged thread: re-create it under the old ts.
    again.parent.ts = parent.ts;
    for (const r of again.replies) r.threadTs = parent.ts;
    const view = await openOn({ ts: parent.ts });
    expect(allText(view)).toMatch(
      /This thread was logged to \*Ada Lovelace\* on <!date\^\d+\^.*> by <@U0ALICE>\. Log it again\?/,
    );
    expect(blocksOf(view).some((b) => b.block_id === BLOCK.logAgain)).toBe(true);

    const refused = await submit(view, toContact(ada.id, 'Ada Lovelace'));
    expect(JSON.parse(refused.body)).toMatchObject({
      response_action: 'errors',
      errors: { [BLOCK.logAgain]: expect.any(String) },
    });
    expect(notesOf(ada.id)).toHaveLength(count);

    await submit(view, {
      ...toContact(ada.id, 'Ada Lovelace'),
      [BLOCK.logAgain]: { [ACTION.logAgain]: { type: 'checkboxes', values: [{ value: 'again' }] } },
    });
    expect(notesOf(ada.id)).toHaveLength(count + 1);

    // The same form submitted again (a double click, a re-delivery): no question, no second note.
    const repeated = await submit(view, toContact(ada.id, 'Ada Lovelace'));
    expect(repeated.body).toBe('');
    expect(notesOf(ada.id)).toHaveLength(count + 1);
  });

  it('a failure mid-way says what was written; the retry writes the rest only', async () => {
    const ada = contact('ada.lovelace@northwind.example.com');
    const before = notesOf(ada.id).length;
    const long = (i: number) => `${i} ${'word '.repeat(400)}`.trim();
    const { parent } = thread(Array.from({ length: 30 }, (_, i) => ({ user: 'U0BOB', text: long(i + 1) })));
    const view = await openOn({ ts: parent.ts });
    const parts = Number(/logged as (\d+) notes/.exec(allText(view))?.[1]);
    const numbered = Array.from({ length: parts }, (_, i) => `Slack thread in #sales (${i + 1}/${parts})`);
    sim().faults.failNext(1, 503, undefined, undefined, { method: 'POST', path: 'api/notes', skip: 2 });
    const failed = await submit(view, toContact(ada.id, 'Ada Lovelace'));
    const answer = JSON.parse(failed.body) as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(answer.errors[BLOCK.contact]).toMatch(
      /^Notes 1–2 of \d+ were logged to Ada Lovelace; note 3 failed \(.*503.*\)\. Submit again to log the rest/,
    );
    expect(
      notesOf(ada.id)
        .slice(before)
        .map((n) => n.subject),
    ).toEqual(numbered.slice(0, 2));

    await submit(view, toContact(ada.id, 'Ada Lovelace'));
    expect(
      notesOf(ada.id)
        .slice(before)
        .map((n) => n.subject),
    ).toEqual(numbered);
    // Each part written once: no duplicates of the first two.
    expect(
      sim().requests.filter((r) => r.method === 'POST' && r.path.endsWith('api/notes') && r.status === 200),
    ).toHaveLength(parts);
    t.slack.assertNoViolations();
  });

  it('a failure after "Saving…" was closed comes by DM; its Retry logs the rest, each note once', async () => {
    const ada = contact('ada.lovelace@northwind.example.com');
    const before = notesOf(ada.id).length;
    const long = (i: number) => `${i} ${'word '.repeat(400)}`.trim();
    const { parent } = thread(Array.from({ length: 30 }, (_, i) => ({ user: 'U0BOB', text: long(i + 1) })));
    const view = await openOn({ ts: parent.ts });
    const parts = Number(/logged as (\d+) notes/.exec(allText(view))?.[1]);
    const numbered = Array.from({ length: parts }, (_, i) => `Slack thread in #sales (${i + 1}/${parts})`);
    const written = () =>
      notesOf(ada.id)
        .slice(before)
        .map((n) => n.subject);
    // Two notes written past the form's 2 s (so it shows "Saving…"), the third refused.
    sim().faults.latencyMs = 1100;
    sim().faults.failNext(1, 503, undefined, undefined, { method: 'POST', path: 'api/notes', skip: 2 });
    const res = await t.interact(
      viewSubmissionPayload({
        callbackId: CALLBACK.threadModal,
        id: view.id,
        privateMetadata: String(view.view.private_metadata),
        values: toContact(ada.id, 'Ada Lovelace'),
      }),
    );
    const saving = res.json as { response_action: string; view: { notify_on_close?: boolean } };
    expect(saving.response_action).toBe('update');
    expect(saving.view.notify_on_close).toBe(true);
    await t.interact(viewClosedPayload({ callbackId: CALLBACK.threadModal, id: view.id, values: {} }));
    const dm = await t.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === dmChannelOf(USER.id) && JSON.stringify(c.args.blocks).includes('Retry'),
      10_000,
    );
    await t.idle();
    sim().faults.latencyMs = 0;
    const said = JSON.stringify(dm.args.blocks);
    expect(said).toContain('Your thread log to Ada Lovelace was not saved');
    expect(said).toMatch(
      /Notes 1–2 of \d+ were logged to Ada Lovelace; note 3 failed \(.*503.*\)\. Retry logs the rest/,
    );
    expect(said).not.toContain('Submit again');
    // The closed modal is not updated with the failure: the DM carries it.
    expect(
      t.slack
        .calls('views.update')
        .filter((c) => c.args.view_id === view.id && /failed/.test(JSON.stringify(c.args.view))),
    ).toHaveLength(0);
    expect(written()).toEqual(numbered.slice(0, 2));

    const button = (dm.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((e) => e.action_id === ACTION.retryWrite);
    // The DM's first message: the one the click is made on (chat.update replaces it; the value stays).
    const head = (t.slack.messages.get(dmChannelOf(USER.id)) ?? []).find((m) =>
      JSON.stringify(m.blocks).includes(button?.value ?? '-'),
    );
    const clickRetry = async () => {
      await t.interact(
        blockActionsPayload({
          actionId: ACTION.retryWrite,
          value: button?.value,
          channel: { id: dmChannelOf(USER.id), name: 'directmessage' },
          message: { ts: head?.ts ?? '', user: 'UBOT' },
        }),
      );
      await t.idle();
      return JSON.stringify(t.slack.calls('chat.update').at(-1)?.args.blocks);
    };
    expect(await clickRetry()).toContain(
      `is saved now: logged the thread (31 messages) to contact Ada Lovelace as ${parts} notes`,
    );
    expect(written()).toEqual(numbered);
    // Clicked again: the saved result replays, nothing is written twice.
    expect(await clickRetry()).toContain('is saved now');
    expect(written()).toEqual(numbered);
    expect(await t.bot.deps.store.threadLogs.latest(TEAM.id, CHANNEL.id, parent.ts)).toMatchObject({
      targetId: ada.id,
      noteIds: notesOf(ada.id)
        .slice(before)
        .map((n) => n.id),
    });
    t.slack.assertNoViolations();
  }, 30_000);
});
