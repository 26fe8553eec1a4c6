import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dmChannelOf } from '../../../src/devkit/console/slack-web-api.js';
import { ACTION, BLOCK, CALLBACK, SHORTCUT } from '../../../src/platform/slack/ids.js';
import { DEFAULT_USERS, type RecordedCall } from '../../helpers/fake-slack.js';
import {
  blockActionsPayload,
  CHANNEL,
  messageActionPayload,
  type StateMap,
  USER,
  viewClosedPayload,
  viewSubmissionPayload,
} from '../../helpers/payloads.js';
import { simulatorOf, startTestBot, type TestBot } from '../../helpers/test-bot.js';

const EVE_ID = '9007199254740993';
const CAROL = {
  id: 'U0CAROL',
  name: 'carol',
  realName: 'Carol Customer',
  displayName: 'carol',
  // Stored in Agile as Grace.Hopper@Example.com: found through the case-insensitive fallback.
  email: 'grace.hopper@example.com',
  tz: 'UTC',
};

type View = Record<string, unknown> & { blocks: Record<string, unknown>[]; private_metadata?: string };

/** The bot's clock runs this far ahead of real time (the quick path's one-minute window). */
let clockOffsetMs = 0;

/** What the user typed, read back from the answer's quote sections (code blocks unescaped, plain as is). */
function quotedPieces(posts: RecordedCall[]): string[] {
  const pieces: string[] = [];
  for (const post of posts) {
    for (const b of (post.args.blocks ?? []) as { type: string; text?: { type: string; text: string } }[]) {
      const text = b.type === 'section' ? b.text : undefined;
      if (text?.type === 'plain_text') pieces.push(text.text);
      else if (text?.type === 'mrkdwn' && text.text.startsWith('```') && text.text.endsWith('```'))
        pieces.push(
          text.text.slice(3, -3).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
        );
    }
  }
  return pieces;
}

/** Words with `<`, `>` and `&` in them (escaping makes them longer), separated by spaces and newlines. */
function longNote(length: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++)
    text += `${i % 7 === 0 ? '\n' : ' '}w${i}<&>${'x'.repeat(i % 13)}`;
  return `Start${text.slice(0, length - 13)} the-end`;
}

describe('Log note', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({
      users: [...DEFAULT_USERS, CAROL],
      now: () => new Date(Date.now() + clockOffsetMs),
    });
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const sim = () => simulatorOf(t);
  const logged = (msg: string) => t.logs.some((l) => l.msg === msg);

  const contactId = (email: string) => {
    const c = sim().state.contacts.find((x) =>
      x.properties.some((p) => p.name === 'email' && p.value.toLowerCase() === email.toLowerCase()),
    );
    if (!c) throw new Error(`no seed contact ${email}`);
    return c.id;
  };
  const ADA = 'ada.lovelace@northwind.example.com';
  /** Notes written by the bot (the seed has notes of its own). */
  const notesOf = (id: string) =>
    sim().state.notes.filter((n) => n.contactIds.includes(id) && n.description.includes('Logged from Slack'));

  const values = (
    contact: { id: string; text: string } | null,
    note: string | null,
    subject?: string,
  ): StateMap => ({
    [BLOCK.contact]: {
      [ACTION.contactPicker]: { type: 'external_select', value: contact?.id ?? null, text: contact?.text },
    },
    [BLOCK.subject]: { [ACTION.subjectInput]: { type: 'plain_text_input', value: subject ?? null } },
    [BLOCK.note]: { [ACTION.noteInput]: { type: 'plain_text_input', value: note } },
  });

  const submit = (v: StateMap, privateMetadata: string, id?: string) =>
    t.interact(viewSubmissionPayload({ callbackId: CALLBACK.noteModal, id, privateMetadata, values: v }));

  /** Everything the bot posted as a message (chat.* and response_url posts), as JSON text. */
  const sentMessages = () =>
    t.slack.log
      .filter(
        (c) => c.method.startsWith('chat.post') || c.method === 'chat.update' || c.method === 'response',
      )
      .map((c) => JSON.stringify(c.args))
      .join('\n');

  const labels = (view: View) =>
    view.blocks.filter((b) => b.type === 'input').map((b) => (b.label as { text: string }).text);

  const inputOf = (view: View, blockId: string) =>
    view.blocks.find((b) => b.block_id === blockId)?.element as Record<string, unknown> | undefined;

  /** `/crm note` opens a loading view at once, then fills it with the form (the one form flow). */
  const openNoteForm = async () => {
    const res = await t.command('note');
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    expect(labels(open.args.view as View)).toEqual([]);
    const viewId = [...t.slack.views.keys()][0];
    const update = await t.slack.waitFor('views.update', (c) => c.args.view_id === viewId);
    return { viewId, view: update.args.view as View };
  };

  it('/crm note opens the form at once; submitting writes the note with the Slack footer and confirms', async () => {
    const { view } = await openNoteForm();
    expect(view.callback_id).toBe(CALLBACK.noteModal);
    expect(labels(view)).toEqual(['Contact', 'Subject', 'Note']);
    expect(inputOf(view, BLOCK.contact)?.type).toBe('external_select');
    expect(inputOf(view, BLOCK.note)?.multiline).toBe(true);

    const ada = contactId(ADA);
    const sub = await submit(
      values(
        { id: ada, text: `Ada Lovelace — ${ADA}` },
        'Called about the renewal.\nShe wants a quote.',
        'Renewal call',
      ),
      view.private_metadata ?? '',
    );
    expect(sub.status).toBe(200);
    expect(sub.body).toBe('');
    const notes = notesOf(ada);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.subject).toBe('Renewal call');
    expect(notes[0]?.description).toBe(
      'Called about the renewal.\nShe wants a quote.\n\nLogged from Slack by Alice Archer in #sales',
    );
    const confirm = await t.slack.waitFor('chat.postEphemeral');
    expect(confirm.args.user).toBe(USER.id);
    expect(confirm.args.channel).toBe(CHANNEL.id);
    expect(String(confirm.args.text)).toContain('Ada Lovelace');
    expect(JSON.stringify(confirm.args.blocks)).toContain('Renewal call');
    t.slack.assertNoViolations();
  });

  it('refuses a submission without contact or note before any I/O, keeping the modal open', async () => {
    const sub = await submit(values(null, '   '), '{}');
    expect(sub.json).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.contact]: expect.any(String), [BLOCK.note]: expect.any(String) },
    });
    expect(sim().state.notes.filter((n) => n.description.includes('Logged from Slack'))).toHaveLength(0);
    expect(sim().requests).toHaveLength(0);
    t.slack.assertNoViolations();
  });

  it('the card button opens a loading view at once, then the form with that contact selected', async () => {
    const ada = contactId(ADA);
    const res = await t.interact(blockActionsPayload({ actionId: ACTION.cardLogNote, value: ada }));
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    expect(labels(open.args.view as View)).toEqual([]);
    const update = await t.slack.waitFor('views.update');
    expect(update.args.view_id).toBe([...t.slack.views.keys()][0]);
    const view = update.args.view as View;
    const select = inputOf(view, BLOCK.contact) as {
      initial_option?: { value: string; text: { text: string } };
    };
    expect(select.initial_option?.value).toBe(ada);
    expect(select.initial_option?.text.text).toMatch(/^Ada Lovelace/);
    t.slack.assertNoViolations();
  });

  it('the card button on a contact that is gone opens the form without it and says so', async () => {
    await t.interact(blockActionsPayload({ actionId: ACTION.cardLogNote, value: '5000000000000001' }));
    const update = await t.slack.waitFor('views.update');
    const view = update.args.view as View;
    expect((inputOf(view, BLOCK.contact) as { initial_option?: unknown }).initial_option).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('no longer in the CRM');
    t.slack.assertNoViolations();
  });

  it('the shortcut opens at once, then fills text (mentions resolved), permalink and the contact found by email', async () => {
    const text =
      'Spoke with <@U0BOB> and <mailto:ada.lovelace@northwind.example.com|ada.lovelace@northwind.example.com> in <#C0SALES|sales>: renewal &amp; pricing &lt;soon&gt;, see <https://docs.example.com/q|the quote>';
    const res = await t.interact(
      messageActionPayload({
        callbackId: SHORTCUT.logToCrm,
        message: { ts: '1767225600.000200', text, user: 'U0BOB' },
      }),
    );
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor('views.open');
    expect(labels(open.args.view as View)).toEqual([]);
    const update = await t.slack.waitFor('views.update');
    const permalinkCall = t.slack.calls('chat.getPermalink')[0];
    expect(permalinkCall?.args).toMatchObject({ channel: CHANNEL.id, message_ts: '1767225600.000200' });
    const view = update.args.view as View;
    const note = inputOf(view, BLOCK.note) as { initial_value: string };
    expect(note.initial_value).toBe(
      'Spoke with @Bob Baker and ada.lovelace@northwind.example.com in #sales: renewal & pricing <soon>, see the quote (https://docs.example.com/q)',
    );
    const select = inputOf(view, BLOCK.contact) as { initial_option?: { value: string } };
    expect(select.initial_option?.value).toBe(contactId(ADA));
    expect((inputOf(view, BLOCK.subject) as { initial_value: string }).initial_value).toBe(
      'Slack message from Bob Baker',
    );
    const meta = JSON.parse(view.private_metadata ?? '{}') as Record<string, string>;
    expect(meta).toMatchObject({
      channel: CHANNEL.id,
      ts: '1767225600.000200',
      author: 'U0BOB',
      authorName: 'Bob Baker',
      permalink: expect.stringMatching(/^https:\/\/.+\/archives\/C0SALES\/p1767225600000200$/),
    });
    t.slack.assertNoViolations();
  });

  it("the shortcut preselects the contact from the author's Slack email (matched case-insensitively)", async () => {
    await t.interact(
      messageActionPayload({
        callbackId: SHORTCUT.logToCrm,
        message: { text: 'We need the invoice again', user: CAROL.id },
      }),
    );
    const update = await t.slack.waitFor('views.update');
    const select = inputOf(update.args.view as View, BLOCK.contact) as { initial_option?: { value: string } };
    expect(select.initial_option?.value).toBe(contactId('Grace.Hopper@Example.com'));
    t.slack.assertNoViolations();
  });

  it('on a slow CRM the shortcut still opens at once and fills the form without waiting for the preselection', async () => {
    sim().faults.latencyMs = 2500;
    const crmAnswered = () => sim().requests.filter((r) => r.status !== 0).length;
    await t.interact(
      messageActionPayload({
        callbackId: SHORTCUT.logToCrm,
        message: { text: 'ping ada.lovelace@northwind.example.com' },
      }),
    );
    await t.slack.waitFor('views.open');
    // Opened before the CRM answered anything.
    expect(crmAnswered()).toBe(0);
    const update = await t.slack.waitFor('views.update', () => true, 3000);
    // Filled while the preselection search was still waiting for the CRM.
    expect(sim().requests.length).toBeGreaterThan(0);
    expect(crmAnswered()).toBe(0);
    const note = inputOf(update.args.view as View, BLOCK.note) as { initial_value: string };
    expect(note.initial_value).toBe('ping ada.lovelace@northwind.example.com');
    expect(
      (inputOf(update.args.view as View, BLOCK.contact) as { initial_option?: unknown }).initial_option,
    ).toBeUndefined();
    t.slack.assertNoViolations();
  });

  /** Opens the shortcut on a message and returns the filled view (its metadata carries the message). */
  const openFromMessage = async (ts: string, text: string) => {
    await t.interact(
      messageActionPayload({ callbackId: SHORTCUT.logToCrm, message: { ts, text, user: 'U0BOB' } }),
    );
    const update = await t.slack.waitFor('views.update');
    return update.args.view as View;
  };

  it('logs a message once per contact: the second time the user is told it is already logged, with the link', async () => {
    const ada = contactId(ADA);
    const view = await openFromMessage('1767225600.000300', 'Customer asked for a discount');
    const v = values({ id: ada, text: 'Ada Lovelace' }, 'Customer asked for a discount', 'Discount');
    const first = await submit(v, view.private_metadata ?? '');
    expect(first.body).toBe('');
    const notes = notesOf(ada);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.description).toMatch(
      /^Customer asked for a discount\n\nMessage by Bob Baker\nLogged from Slack by Alice Archer in #sales — https:\/\/\S+\/p1767225600000300$/,
    );
    await t.slack.waitFor('chat.postEphemeral');
    expect(t.slack.reactions).toEqual(new Set([`${CHANNEL.id}/1767225600.000300/memo`]));

    const second = await submit(v, view.private_metadata ?? '');
    const body = second.json as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[BLOCK.contact]).toMatch(/already logged.*https:\/\/\S+\/p1767225600000300/);
    expect(notesOf(ada)).toHaveLength(1);
    expect(t.slack.calls('reactions.add')).toHaveLength(1);

    // The same message to another contact is a new note; the 📝 stays single.
    const grace = contactId('Grace.Hopper@Example.com');
    await submit(
      values({ id: grace, text: 'Grace Hopper' }, 'Customer asked for a discount'),
      view.private_metadata ?? '',
    );
    expect(notesOf(grace)).toHaveLength(1);
    await t.slack.waitFor('chat.postEphemeral', (c) => String(c.args.text).includes('Grace Hopper'));
    expect(t.slack.calls('reactions.add')).toHaveLength(2);
    expect(t.slack.reactions.size).toBe(1);
    t.slack.assertNoViolations();
  });

  it('a double submission of the same view writes one note and confirms once', async () => {
    const ada = contactId(ADA);
    const view = await openFromMessage('1767225600.000400', 'Double click');
    const v = values({ id: ada, text: 'Ada Lovelace' }, 'Double click');
    const [a, b] = await Promise.all([
      submit(v, view.private_metadata ?? '', 'V0DOUBLE'),
      submit(v, view.private_metadata ?? '', 'V0DOUBLE'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(notesOf(ada)).toHaveLength(1);
    await t.slack.waitFor('chat.postEphemeral');
    // The other delivery is done once it logs that the first one confirms.
    await vi.waitFor(() =>
      expect(logged('Log note: a repeated submission; the first one confirms')).toBe(true),
    );
    expect(t.slack.calls('chat.postEphemeral')).toHaveLength(1);
    t.slack.assertNoViolations();
  });

  it('on a slow CRM the modal shows "Saving…" and then the result', async () => {
    const ada = contactId(ADA);
    const { viewId, view } = await openNoteForm();
    sim().faults.latencyMs = 2500;
    const meta = view.private_metadata ?? '';
    const sub = await submit(values({ id: ada, text: 'Ada Lovelace' }, 'Slow save'), meta, viewId);
    // Answered while the CRM write was still unanswered (Slack's 3 s are not spent waiting for it).
    expect(sim().requests.some((r) => r.method === 'POST' && r.status === 0)).toBe(true);
    const saving = sub.json as { response_action: string; view: View };
    expect(saving.response_action).toBe('update');
    expect(JSON.stringify(saving.view.blocks)).toContain('Saving');
    const done = await t.slack.waitFor(
      'views.update',
      (c) => c.args.view_id === viewId && JSON.stringify(c.args.view).includes('Logged a note'),
      5000,
    );
    expect(JSON.stringify(done.args.view)).toContain('Logged a note to *Ada Lovelace*');
    expect(notesOf(ada)).toHaveLength(1);
    await t.slack.waitFor('chat.postEphemeral');
    t.slack.assertNoViolations();
  });

  describe('a slow save that fails after "Saving…" was closed', () => {
    const dmPosts = () =>
      t.slack.calls('chat.postMessage').filter((c) => c.args.channel === dmChannelOf(USER.id));
    const retryValueOf = (call: RecordedCall) => {
      const actions = (
        (call.args.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[]
      )
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements ?? []);
      return actions.find((e) => e.action_id === ACTION.retryWrite)?.value;
    };
    /** The DM's first message (reason and Retry): the one a click is made on, and chat.update replaces. */
    const dmHeadTs = () =>
      (t.slack.messages.get(dmChannelOf(USER.id)) ?? []).find((m) =>
        JSON.stringify(m.blocks).includes('Retry'),
      )?.ts ?? '';
    const clickRetry = (dm: RecordedCall) =>
      t.interact(
        blockActionsPayload({
          actionId: ACTION.retryWrite,
          value: retryValueOf(dm),
          channel: { id: dmChannelOf(USER.id), name: 'directmessage' },
          message: { ts: dmHeadTs(), user: 'UBOT' },
        }),
      );

    async function failSlowly(note: string, close: 'view_closed' | 'gone') {
      const ada = contactId(ADA);
      const { viewId, view } = await openNoteForm();
      sim().faults.latencyMs = 2600;
      sim().faults.failNext(1, 503);
      const sub = await submit(
        values({ id: ada, text: 'Ada Lovelace' }, note, 'Renewal terms'),
        view.private_metadata ?? '',
        viewId,
      );
      const saving = sub.json as { response_action: string; view: View };
      expect(saving.response_action).toBe('update');
      expect(saving.view.notify_on_close).toBe(true);
      if (close === 'view_closed') {
        await t.interact(viewClosedPayload({ callbackId: CALLBACK.noteModal, id: viewId, values: {} }));
      } else {
        // Closed without telling us (Slack answers views.update on it with not_found).
        t.slack.views.delete(viewId ?? '');
      }
      const dm = await t.slack.waitFor(
        'chat.postMessage',
        (c) => JSON.stringify(c.args.blocks).includes('was not saved'),
        10_000,
      );
      await t.idle();
      sim().faults.latencyMs = 0;
      return { ada, viewId, dm };
    }

    it('DMs the whole text (split, never cut) with a Retry that writes the note once', async () => {
      const note = longNote(9_000);
      const { ada, viewId, dm } = await failSlowly(note, 'view_closed');
      expect(t.slack.calls('conversations.open').at(-1)?.args.users).toBe(USER.id);
      expect(JSON.stringify(dm.args.blocks)).toContain('Your note to Ada Lovelace was not saved');
      // The closed modal is not updated with the failure: the DM carries it.
      expect(
        t.slack
          .calls('views.update')
          .filter((c) => c.args.view_id === viewId && JSON.stringify(c.args.view).includes('not answering')),
      ).toHaveLength(0);
      const posts = dmPosts();
      expect(posts.length).toBeGreaterThan(1);
      expect(quotedPieces(posts).join('')).toBe(`Renewal terms\n\n${note}`);
      expect(notesOf(ada)).toHaveLength(0);

      await clickRetry(dm);
      await t.idle();
      expect(notesOf(ada)).toHaveLength(1);
      expect(notesOf(ada)[0]?.description).toContain(note.slice(0, 200));
      const saved = t.slack.calls('chat.update').at(-1);
      expect(JSON.stringify(saved?.args.blocks)).toContain('is saved now');
      // Clicked again (or re-delivered): the saved result replays, nothing is written twice.
      await clickRetry(dm);
      await t.idle();
      expect(notesOf(ada)).toHaveLength(1);
      expect(JSON.stringify(t.slack.calls('chat.update').at(-1)?.args.blocks)).toContain('is saved now');
      t.slack.assertNoViolations();
    }, 30_000);

    it('a modal closed without view_closed (update refused) also gets the DM; a failing Retry keeps the button', async () => {
      const { ada, dm } = await failSlowly('Short note, typed once', 'gone');
      expect(quotedPieces([dm]).join('')).toBe('Renewal terms\n\nShort note, typed once');
      sim().faults.failNext(1, 503);
      await clickRetry(dm);
      await t.idle();
      const again = t.slack.calls('chat.update').at(-1);
      expect(JSON.stringify(again?.args.blocks)).toContain('was not saved');
      expect(retryValueOf(again as RecordedCall)).toBe(retryValueOf(dm));
      expect(notesOf(ada)).toHaveLength(0);
      await clickRetry(dm);
      await t.idle();
      expect(notesOf(ada)).toHaveLength(1);
      t.slack.assertNoViolations();
    }, 30_000);

    it('Slack rate-limiting the DM (429) is waited out (Retry-After) and the DM still arrives', async () => {
      t.slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
      const { dm } = await failSlowly('Rate limited but delivered', 'view_closed');
      expect(quotedPieces([dm]).join('')).toBe('Renewal terms\n\nRate limited but delivered');
      // The refused call and its retry, at least Retry-After apart.
      const [refused, retried] = t.slack.log.filter((c) => c.method === 'chat.postMessage');
      expect((retried?.atMs ?? 0) - (refused?.atMs ?? 0)).toBeGreaterThanOrEqual(950);
      t.slack.assertNoViolations();
    }, 30_000);
  });

  it('a CRM 401 within the budget keeps the modal open with the reason under the note', async () => {
    sim().faults.failNext(1, 401);
    const sub = await submit(values({ id: contactId(ADA), text: 'Ada Lovelace' }, 'Auth fails'), '{}');
    const body = sub.json as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[BLOCK.note]).toMatch(
      /rejected the Agile email and API key.*AGILE_EMAIL \/ AGILE_API_KEY/,
    );
    t.slack.assertNoViolations();
  });

  describe('/crm note <email> <text>', () => {
    const reply = () => t.slack.waitFor('response');

    it('logs at once with the footer and confirms ephemerally (email matched whatever its case)', async () => {
      await t.command('note GRACE.HOPPER@example.com Called about renewal\nsecond line');
      const r = await reply();
      expect(r.args.response_type).toBe('ephemeral');
      expect(String(r.args.text)).toContain('Grace Hopper');
      const notes = notesOf(contactId('Grace.Hopper@Example.com'));
      expect(notes).toHaveLength(1);
      expect(notes[0]?.subject).toBe('Called about renewal');
      expect(notes[0]?.description).toBe(
        'Called about renewal\nsecond line\n\nLogged from Slack by Alice Archer in #sales',
      );
      t.slack.assertNoViolations();
    });

    it('the same command sent twice within the minute writes one note', async () => {
      await t.command(`note ${ADA} Same text twice`);
      await reply();
      await t.command(`note ${ADA} Same text twice`);
      await t.slack.waitFor('response', (c) => String(c.args.text).includes('not written twice'));
      expect(notesOf(contactId(ADA)).filter((n) => n.subject === 'Same text twice')).toHaveLength(1);
      t.slack.assertNoViolations();
    });

    it('the window slides: 59 s apart across a clock minute is one note, 61 s apart is two', async () => {
      const intoMinute = (Date.now() + clockOffsetMs) % 60_000;
      clockOffsetMs += 90_000 - intoMinute; // 30 s into a clock minute
      const sent = () => notesOf(contactId(ADA)).filter((n) => n.subject === 'Sliding window text');
      await t.command(`note ${ADA} Sliding window text`);
      await reply();
      clockOffsetMs += 59_000; // the next clock minute
      await t.command(`note ${ADA} Sliding window text`);
      await t.slack.waitFor('response', (c) => String(c.args.text).includes('already logged'));
      expect(sent()).toHaveLength(1);
      clockOffsetMs += 2_000;
      await t.command(`note ${ADA} Sliding window text`);
      await t.slack.waitFor('response', () => t.slack.calls('response').length >= 3);
      expect(String(t.slack.calls('response')[2]?.args.text)).toContain('Logged a note');
      expect(sent()).toHaveLength(2);
      t.slack.assertNoViolations();
    });

    it.each([11_000, 20_000])(
      'a %i-character note that cannot be logged comes back whole, in parts, split between words',
      async (length) => {
        const text = longNote(length);
        expect(text).toHaveLength(length);
        sim().faults.failNext(1, 401);
        // Slack sends what the user typed with &, <, > as entities.
        await t.command(
          `note ${ADA} ${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`,
        );
        const first = await reply();
        expect(JSON.stringify(first.args.blocks)).toContain('API key');
        expect(JSON.stringify(first.args.blocks)).toMatch(/your note follows in \d messages/);
        await t.slack.waitFor('response', () =>
          t.slack.calls('response').some((c) => /^Your note, part (\d) of \1$/.test(String(c.args.text))),
        );
        const posts = t.slack.calls('response');
        expect(posts.length).toBeLessThanOrEqual(5);
        posts.slice(1).forEach((p, i) => {
          expect(String(p.args.text)).toBe(`Your note, part ${i + 1} of ${posts.length - 1}`);
        });
        const pieces = quotedPieces(posts);
        expect(pieces.join('')).toBe(text);
        for (const piece of pieces.slice(0, -1)) expect(piece).toMatch(/\s$/);
        expect(sentMessages()).not.toMatch(/<&>/);
        expect(notesOf(contactId(ADA))).toHaveLength(0);
        t.slack.assertNoViolations();
      },
    );

    it('a note Agile would take but over 10,000 characters is now logged', async () => {
      const text = longNote(12_000);
      await t.command(
        `note ${ADA} ${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`,
      );
      const r = await reply();
      expect(String(r.args.text)).toContain('Logged a note');
      expect(notesOf(contactId(ADA))[0]?.description.startsWith(text)).toBe(true);
      t.slack.assertNoViolations();
    });

    it('an unknown email offers to create the contact and quotes the text back', async () => {
      await t.command('note nobody@nowhere.example.com Met at the fair, wants a demo');
      const r = await reply();
      const blocks = JSON.stringify(r.args.blocks);
      expect(blocks).toContain('No contact with');
      expect(blocks).toContain('Met at the fair, wants a demo');
      const button = (r.args.blocks as { type: string; elements?: Record<string, unknown>[] }[])
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === ACTION.createContact);
      expect(button?.value).toBe('nobody@nowhere.example.com');
      expect(sim().state.notes.some((n) => n.description.includes('Met at the fair'))).toBe(false);
      t.slack.assertNoViolations();
    });

    it('a CRM 401 says the API key was rejected and quotes the text', async () => {
      sim().faults.failNext(1, 401);
      await t.command(`note ${ADA} Text kept on 401`);
      const r = await reply();
      const blocks = JSON.stringify(r.args.blocks);
      expect(blocks).toContain(
        'the CRM rejected the Agile email and API key — an admin can reconnect with /crm connect (or fix AGILE_EMAIL / AGILE_API_KEY); your own login: /crm connect me',
      );
      expect(blocks).toContain('Text kept on 401');
      t.slack.assertNoViolations();
    });

    it('a CRM that is down gets a specific message and the text quoted', async () => {
      sim().faults.failNext(10, 503);
      await t.command(`note ${ADA} Text kept on 503`);
      const r = await t.slack.waitFor('response', () => true, 5000);
      const blocks = JSON.stringify(r.args.blocks);
      expect(blocks).toContain('not answering properly right now (HTTP 503)');
      expect(blocks).toContain('Text kept on 503');
      expect(notesOf(contactId(ADA))).toHaveLength(0);
      t.slack.assertNoViolations();
    });
  });

  describe('mrkdwn injection', () => {
    const noRawMentions = () => {
      const sent = sentMessages();
      expect(sent).not.toContain('<!here>');
      expect(sent).not.toContain('<!channel>');
      expect(sent).not.toContain('<https://evil');
      expect(sent).not.toContain('<@U123>');
    };

    it('quick path: a note with <!here> and a forged link to `<!channel> Eve` is echoed escaped', async () => {
      // Slack sends what a user typed as entities; the grammar turns them back into the raw text.
      await t.command('note eve@mallory.example.com &lt;!here&gt; see &lt;https://evil|click&gt;');
      const r = await t.slack.waitFor('response');
      const notes = notesOf(EVE_ID);
      expect(notes).toHaveLength(1);
      expect(notes[0]?.description).toContain('<!here> see <https://evil|click>');
      expect(JSON.stringify(r.args)).toContain('&lt;!channel&gt; Eve');
      expect(JSON.stringify(r.args)).toContain('&lt;!here&gt;');
      noRawMentions();
      t.slack.assertNoViolations();
    });

    it('modal path: contact, subject and note are escaped in the confirmation', async () => {
      await submit(
        values(
          { id: EVE_ID, text: '<!channel> Eve <@U123> & Co — eve@mallory.example.com' },
          '<!here> <https://evil|click>',
          '<!here> subject',
        ),
        JSON.stringify({ channel: CHANNEL.id, channelName: CHANNEL.name }),
      );
      const confirm = await t.slack.waitFor('chat.postEphemeral');
      expect(JSON.stringify(confirm.args.blocks)).toContain('&lt;!channel&gt; Eve &lt;@U123&gt; &amp; Co');
      expect(notesOf(EVE_ID)[0]?.description).toContain('<!here> <https://evil|click>');
      noRawMentions();
      t.slack.assertNoViolations();
    });

    it('unknown email and failures quote the text escaped', async () => {
      await t.command('note nobody@nowhere.example.com &lt;!here&gt; &lt;https://evil|click&gt;');
      await t.slack.waitFor('response');
      sim().faults.failNext(1, 401);
      await t.command('note eve@mallory.example.com &lt;!channel&gt; again');
      await t.slack.waitFor('response', (c: RecordedCall) => JSON.stringify(c.args).includes('API key'));
      noRawMentions();
      t.slack.assertNoViolations();
    });
  });
});
