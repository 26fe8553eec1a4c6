import { describe, expect, it } from 'vitest';
import {
  alreadyLoggedError,
  buildNoteAlreadyLoggedMessage,
  buildNoteLoggedMessage,
  buildQuickNoteDuplicateMessage,
  buildQuickNoteFailedMessage,
  buildQuickNoteUnknownContactMessage,
  buildQuoteBlocks,
  planQuote,
  QUOTE_PARTS_MAX,
} from '../../../src/features/note/message-views.js';
import {
  buildNoteAlreadyLoggedModal,
  buildNoteDoneModal,
  buildNoteLoadingModal,
  buildNoteModal,
  buildNoteSavingModal,
  buildNoteUnavailableModal,
  NOTE_INPUT_MAX,
} from '../../../src/features/note/modal-views.js';
import {
  contactNameFromOption,
  decodeNoteMeta,
  encodeNoteMeta,
  NOTE_TEXT_MAX,
} from '../../../src/features/note/schema.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { assertValidMessage, assertValidView } from '../../helpers/block-kit-validator.js';

const EVIL = '<!channel> Eve <@U123> & Co';
const EVIL_NOTE = '<!here> <https://evil|click>';

type Block = Record<string, unknown> & { block_id?: string; element?: Record<string, unknown> };

const inputs = (blocks: unknown[]) => (blocks as Block[]).filter((b) => b.type === 'input');
const raw = (x: unknown) => JSON.stringify(x);

describe('buildNoteModal', () => {
  it('has the callback id, the three labelled inputs and their ids', () => {
    const view = buildNoteModal({ meta: {} });
    assertValidView(view);
    expect(view.callback_id).toBe(CALLBACK.noteModal);
    const ins = inputs(view.blocks);
    expect(ins.map((b) => (b.label as { text: string }).text)).toEqual(['Contact', 'Subject', 'Note']);
    expect(ins.map((b) => b.block_id)).toEqual([BLOCK.contact, BLOCK.subject, BLOCK.note]);
    expect(ins.map((b) => b.element?.action_id)).toEqual([
      ACTION.contactPicker,
      ACTION.subjectInput,
      ACTION.noteInput,
    ]);
    expect(ins[2]?.element).toMatchObject({ multiline: true, max_length: NOTE_INPUT_MAX });
  });

  it('prefills contact, subject and note, and shows the message source escaped', () => {
    const view = buildNoteModal({
      meta: {
        channel: 'C1',
        channelName: 'sales',
        ts: '1.2',
        permalink: 'https://a.slack.com/p12?x=1&y=2',
        authorName: EVIL,
      },
      contact: { id: '9007199254740993', name: EVIL, email: 'eve@x.com' },
      subject: EVIL_NOTE,
      note: EVIL_NOTE,
      error: EVIL,
    });
    assertValidView(view);
    const ins = inputs(view.blocks);
    expect(ins[0]?.element?.initial_option).toMatchObject({ value: '9007199254740993' });
    expect(ins[2]?.element?.initial_value).toBe(EVIL_NOTE);
    const mrkdwn = raw(view.blocks.filter((b) => b.type !== 'input'));
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).toContain('&lt;!channel&gt; Eve &lt;@U123&gt; &amp; Co');
    expect(mrkdwn).toContain('<https://a.slack.com/p12?x=1&amp;y=2|view message>');
    expect(mrkdwn).toContain('in #sales');
  });

  it('cuts a message longer than the input holds, within limits', () => {
    const view = buildNoteModal({ meta: {}, note: '<'.repeat(5000), subject: 's'.repeat(600) });
    assertValidView(view);
    const prefilled = String(inputs(view.blocks)[2]?.element?.initial_value ?? '');
    expect(prefilled.length).toBeGreaterThan(0);
    expect(prefilled.length).toBeLessThanOrEqual(NOTE_INPUT_MAX);
  });

  it('round-trips its metadata and reads damaged metadata as empty', () => {
    const meta = {
      channel: 'C1',
      channelName: 'sales',
      ts: '1.2',
      permalink: 'https://p',
      author: 'U1',
      authorName: 'Bob',
    };
    expect(decodeNoteMeta(encodeNoteMeta(meta))).toEqual(meta);
    expect(decodeNoteMeta('not json')).toEqual({});
    expect(decodeNoteMeta(undefined)).toEqual({});
    const long = encodeNoteMeta({
      ...meta,
      authorName: 'x'.repeat(5000),
      permalink: `https://${'p'.repeat(5000)}`,
    });
    expect(long.length).toBeLessThanOrEqual(3000);
  });

  it('loading, saving, done, already and unavailable views are valid and escaped', () => {
    for (const v of [
      buildNoteLoadingModal(),
      buildNoteSavingModal(),
      buildNoteDoneModal({ contactName: EVIL, subject: EVIL_NOTE, permalink: 'https://p' }),
      buildNoteAlreadyLoggedModal({ contactName: EVIL, permalink: null }),
      buildNoteUnavailableModal(EVIL),
    ]) {
      assertValidView(v);
      expect(inputs(v.blocks)).toEqual([]);
      expect(raw(v)).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
    }
  });

  it('reads the contact name out of the picker option text', () => {
    expect(contactNameFromOption('Ada Lovelace — ada@x.com')).toBe('Ada Lovelace');
    expect(contactNameFromOption('Ada — Lovelace')).toBe('Ada — Lovelace');
    expect(contactNameFromOption('Ada')).toBe('Ada');
  });
});

describe('note messages', () => {
  it('confirmation and already-logged messages escape names and subjects, fallback included', () => {
    for (const m of [
      buildNoteLoggedMessage({ contactName: EVIL, subject: EVIL_NOTE, permalink: 'https://p' }),
      buildNoteAlreadyLoggedMessage({ contactName: EVIL, permalink: 'https://p' }),
      buildQuickNoteDuplicateMessage({ contactName: EVIL, inProgress: false }),
      buildQuickNoteDuplicateMessage({ contactName: EVIL, inProgress: true }),
    ]) {
      assertValidMessage(m);
      expect(raw(m)).not.toMatch(/<!channel>|<!here>|<https:\/\/evil|<@U123>/);
    }
  });

  it('unknown contact: a Create contact button carrying the email, and the text quoted', () => {
    const [m, ...more] = buildQuickNoteUnknownContactMessage({
      email: 'ana@x.com',
      text: `line one\n${EVIL_NOTE}`,
    });
    expect(more).toEqual([]);
    if (!m) throw new Error('no message');
    assertValidMessage(m);
    const button = (m.blocks as unknown as Block[]).flatMap(
      (b) => (b.elements as Block[] | undefined) ?? [],
    )[0];
    expect(button).toMatchObject({ action_id: ACTION.createContact, value: 'ana@x.com' });
    expect(raw(m.blocks)).toContain('```line one\\n&lt;!here&gt; &lt;https://evil|click&gt;```');
    expect(raw(m)).not.toMatch(/<!here>|<https:\/\/evil/);
  });

  it('a failure says why, then sends a long text back whole in parts within the message limits', () => {
    const text = `${'<!here> '.repeat(1500)}\nend`;
    const messages = buildQuickNoteFailedMessage({ email: 'ana@x.com', text, reason: 'the CRM is down' });
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(1 + QUOTE_PARTS_MAX);
    expect(raw(messages[0]?.blocks)).toContain('the CRM is down');
    for (const m of messages) {
      assertValidMessage(m);
      expect(raw(m)).not.toContain('<!here>');
    }
    const plan = planQuote(text);
    expect(plan.omittedChars).toBe(0);
    expect(plan.parts.flat().join('')).toBe(text);
  });

  it('plans any text up to NOTE_TEXT_MAX whole: escape-heavy or without spaces falls back to plain text', () => {
    for (const text of ['&'.repeat(NOTE_TEXT_MAX), `${'a'.repeat(2999)} `.repeat(NOTE_TEXT_MAX / 3000)]) {
      const plan = planQuote(text);
      expect(plan.omittedChars).toBe(0);
      expect(plan.parts.length).toBeLessThanOrEqual(QUOTE_PARTS_MAX);
      expect(plan.parts.flat().join('')).toBe(text);
    }
    expect(planQuote('has ``` a fence').style).toBe('plain');
    expect(planQuote('x'.repeat(50_000)).omittedChars).toBeGreaterThan(0);
  });

  it('quotes a short text whole in one code block section', () => {
    const blocks = buildQuoteBlocks(['a\nb'], 'code');
    expect(blocks).toHaveLength(1);
    expect(raw(blocks)).toContain('```a\\nb```');
  });

  it('the already-logged error fits under an input and carries the link', () => {
    expect(alreadyLoggedError('https://p/1')).toContain('https://p/1');
    expect(alreadyLoggedError(null)).toMatch(/already logged/);
  });
});
