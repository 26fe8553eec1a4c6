import type { AnyBlock, InputBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  buildTicketReplyFailedMessages,
  buildTicketReplySentMessage,
} from '../../../src/features/ticket/message-views.js';
import {
  buildTicketDoneModal,
  buildTicketLoadingModal,
  buildTicketModal,
  buildTicketOptions,
  buildTicketSavingModal,
  buildTicketUnavailableModal,
  DEFAULT_VISIBILITY,
  formatMessageTime,
  THREAD_MESSAGES_SHOWN,
  ticketStatusWords,
} from '../../../src/features/ticket/modal-views.js';
import { decodeTicketMetadata, encodeTicketMetadata } from '../../../src/features/ticket/schema.js';
import type { ThreadMessage, TicketSummary } from '../../../src/features/ticket/tickets.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { LIMITS } from '../../../src/platform/slack/mrkdwn.js';
import { validateMessage, validateView } from '../../helpers/block-kit-validator.js';
import { mrkdwnTexts } from '../../helpers/blocks.js';

const EVIL = '<!channel> & <@U123> <https://x.example|click>';

const ticket = (over: Partial<TicketSummary> = {}): TicketSummary => ({
  id: '42',
  subject: 'Export broken',
  status: 'OPEN',
  requesterName: 'Ada Lovelace',
  requesterEmail: 'ada@example.com',
  createdMs: Date.UTC(2026, 2, 1, 12),
  lastUpdatedMs: Date.UTC(2026, 2, 1, 12),
  ...over,
});

const message = (i: number, over: Partial<ThreadMessage> = {}): ThreadMessage => ({
  id: String(i),
  from: i % 2 ? 'agent' : 'requester',
  author: i % 2 ? 'Sam Agent' : 'Ada Lovelace',
  visibility: 'public',
  text: `message ${i}`,
  createdMs: Date.UTC(2026, 2, 1, 12, i),
  ...over,
});

const inputs = (blocks: AnyBlock[]) => blocks.filter((b): b is InputBlock => b.type === 'input');
const meta = { channelId: 'C1' };

describe('ticket modal builders', () => {
  it('loading, saving and unavailable views: callback id, no submit, valid, metadata kept', () => {
    for (const view of [
      buildTicketLoadingModal(meta),
      buildTicketSavingModal(meta),
      buildTicketUnavailableModal(meta, 'The CRM is down <!channel>'),
    ]) {
      expect(view.callback_id).toBe(CALLBACK.ticketModal);
      expect(view.submit).toBeUndefined();
      expect(validateView(view)).toEqual([]);
      expect(decodeTicketMetadata(view.private_metadata)).toEqual(meta);
      expect(mrkdwnTexts(view.blocks).join('')).not.toContain('<!channel>');
    }
  });

  it('form: Ticket (external select dispatching actions), Reply (multiline), Visibility (Private by default)', () => {
    const view = buildTicketModal({ meta, timeZone: 'UTC' });
    const [picker, reply, visibility] = inputs(view.blocks);
    expect(inputs(view.blocks).map((b) => [b.block_id, b.label.text])).toEqual([
      [BLOCK.ticket, 'Ticket'],
      [BLOCK.reply, 'Reply'],
      [BLOCK.visibility, 'Visibility'],
    ]);
    expect(picker?.dispatch_action).toBe(true);
    expect(picker?.element).toMatchObject({ type: 'external_select', action_id: ACTION.ticketPicker });
    expect(reply?.element).toMatchObject({
      type: 'plain_text_input',
      action_id: ACTION.replyText,
      multiline: true,
    });
    expect(DEFAULT_VISIBILITY).toBe('private');
    expect(visibility?.element).toMatchObject({
      type: 'radio_buttons',
      action_id: ACTION.visibility,
      initial_option: { value: 'private' },
    });
    expect(JSON.stringify(visibility)).toContain('Public reply — the customer will receive this by email');
    expect(validateView(view)).toEqual([]);
  });

  it('shows the last messages of the chosen ticket, escaped, keeping what was typed', () => {
    const messages = Array.from({ length: 8 }, (_, i) =>
      message(i, i === 7 ? { text: EVIL, author: EVIL } : {}),
    );
    const view = buildTicketModal({
      meta,
      timeZone: 'Asia/Tokyo',
      ticket: ticket({ subject: EVIL, requesterName: EVIL }),
      messages,
      reply: 'typed <b>',
      visibility: 'public',
    });
    const mrkdwn = mrkdwnTexts(view.blocks).join('\n');
    expect(mrkdwn).not.toContain('message 2');
    expect(mrkdwn).toContain('message 3');
    expect(mrkdwn).toContain(`last ${THREAD_MESSAGES_SHOWN} of 8 messages`);
    expect(mrkdwn).not.toMatch(/<!channel>|<@U123>|<https:/);
    expect(mrkdwn).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    // 12:07 UTC is 21:07 in Tokyo.
    expect(mrkdwn).toContain('21:07');
    const [, reply, visibility] = inputs(view.blocks);
    expect(reply?.element).toMatchObject({ initial_value: 'typed <b>' });
    expect(visibility?.element).toMatchObject({ initial_option: { value: 'public' } });
    expect(validateView(view)).toEqual([]);
  });

  it('shows the ticket status in words, not Agile’s capitals', () => {
    for (const [status, words] of [
      ['PENDING', 'Pending'],
      ['OPEN', 'Open'],
      ['NEW', 'New'],
      ['CLOSED', 'Closed'],
      ['ON_HOLD', 'On hold'],
      ['', 'Unknown status'],
    ] as const) {
      const view = buildTicketModal({ meta, timeZone: 'UTC', ticket: ticket({ status }), messages: [] });
      const line = mrkdwnTexts(view.blocks).find((m) => m.startsWith('Ticket #42'));
      expect(line).toBe(`Ticket #42 · ${words} · from Ada Lovelace`);
    }
    expect(ticketStatusWords(undefined)).toBe('Unknown status');
  });

  it('a held submission shows the new messages first and asks to confirm', () => {
    const view = buildTicketModal({
      meta,
      timeZone: 'UTC',
      ticket: ticket(),
      messages: [message(0), message(1)],
      newMessages: [message(1, { text: 'just arrived' })],
      reply: 'my answer',
      visibility: 'public',
    });
    const first = mrkdwnTexts(view.blocks.slice(0, 2)).join('\n');
    expect(first).toContain('A new message arrived');
    expect(first).toContain('Nothing was sent');
    expect(mrkdwnTexts(view.blocks.slice(1, 2)).join('')).toContain('just arrived');
    expect(view.submit?.text).toBe('Send anyway');
    expect(validateView(view)).toEqual([]);
  });

  it('stays within Block Kit limits with huge messages and subjects', () => {
    const huge = `<&>${'x'.repeat(5000)}`;
    const view = buildTicketModal({
      meta: { channelId: 'C1', ticketId: '42', subject: huge, mark: { count: 9, latestMs: 1 } },
      timeZone: 'UTC',
      ticket: ticket({ subject: huge, requesterName: huge }),
      messages: Array.from({ length: 30 }, (_, i) => message(i, { text: huge, author: huge })),
      newMessages: Array.from({ length: 30 }, (_, i) => message(i, { text: huge })),
      reply: 'y'.repeat(3000),
      error: huge,
    });
    expect(validateView(view)).toEqual([]);
    expect(view.private_metadata?.length).toBeLessThanOrEqual(LIMITS.privateMetadata);
  });

  it('private_metadata round-trips with readable keys and never throws on garbage', () => {
    const m = { channelId: 'C1', ticketId: '42', subject: 'S', mark: { count: 3, latestMs: 1700000000000 } };
    expect(JSON.parse(encodeTicketMetadata(m))).toEqual(m);
    expect(decodeTicketMetadata(encodeTicketMetadata(m))).toEqual(m);
    expect(decodeTicketMetadata('not json')).toEqual({ channelId: '' });
    expect(decodeTicketMetadata(undefined)).toEqual({ channelId: '' });
    expect(decodeTicketMetadata('{"channelId":5,"ticketId":"7","mark":{"count":"x"}}')).toEqual({
      channelId: '',
      ticketId: '7',
    });
  });

  it('done view is valid and says what happened', () => {
    const view = buildTicketDoneModal({ ticketId: '42', subject: EVIL, visibility: 'public' });
    expect(mrkdwnTexts(view.blocks).join('')).toContain('Public reply sent on ticket #42');
    expect(mrkdwnTexts(view.blocks).join('')).not.toContain('<!channel>');
    expect(validateView(view)).toEqual([]);
  });
});

describe('ticket picker options', () => {
  it('labels "#id subject — requester", cut to 75 characters, at most 100', () => {
    const many = Array.from({ length: 130 }, (_, i) => ticket({ id: String(i), subject: 's'.repeat(100) }));
    const { options } = buildTicketOptions(many);
    expect(options).toHaveLength(LIMITS.selectOptions);
    expect(options.every((o) => o.text.text.length <= LIMITS.optionText)).toBe(true);
    expect(buildTicketOptions([ticket()]).options[0]).toEqual({
      text: { type: 'plain_text', text: '#42 Export broken — Ada Lovelace', emoji: true },
      value: '42',
    });
  });
});

describe('confirmation and failure messages', () => {
  it('confirmation names ticket, subject (escaped) and visibility', () => {
    const msg = buildTicketReplySentMessage({
      ticketId: '7',
      subject: EVIL,
      visibility: 'private',
      text: 'hi',
    });
    expect(msg.text).toContain('Private note added on ticket #7');
    expect(mrkdwnTexts(msg.blocks).join('')).not.toMatch(/<!channel>|<@U123>/);
    expect(validateMessage(msg)).toEqual([]);
  });

  it('failure quotes the text back', () => {
    const [msg, ...more] = buildTicketReplyFailedMessages({
      ticketId: '7',
      reason: 'the CRM is down',
      text: 'my <precious> words',
    });
    expect(more).toEqual([]);
    expect(mrkdwnTexts(msg?.blocks ?? []).join('')).toContain('my &lt;precious&gt; words');
    expect(validateMessage(msg)).toEqual([]);
  });

  it('failure gives a long reply back whole, in parts within Block Kit limits, never cut', () => {
    const text = Array.from({ length: 2500 }, (_, i) => `word${i} <&>`).join(' ');
    const messages = buildTicketReplyFailedMessages({ ticketId: '7', reason: 'the CRM is down', text });
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(5);
    for (const m of messages) expect(validateMessage(m)).toEqual([]);
    const quoted = messages
      .flatMap((m) => m.blocks)
      .map((b) => (b.type === 'section' && b.text ? b.text : undefined))
      .filter((t) => t !== undefined)
      .map((t) =>
        t.type === 'plain_text'
          ? t.text
          : t.text.startsWith('```')
            ? t.text.slice(3, -3).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
            : '',
      )
      .join('');
    expect(quoted).toBe(text);
  });

  it('formats times in the zone, falling back to UTC for an unknown zone', () => {
    const ms = Date.UTC(2026, 0, 5, 23, 30);
    expect(formatMessageTime(ms, 'Europe/Paris')).toBe('Tue 6 Jan, 00:30');
    expect(formatMessageTime(ms, 'Not/AZone')).toMatch(/23:30/);
  });
});
