import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFailedWriteMessages, buildRetriedMessage } from '../../../src/platform/slack/failed-write.js';
import { ACTION } from '../../../src/platform/slack/ids.js';
import type { SlackMessage } from '../../../src/platform/slack/message.js';
import { noticeWithText } from '../../../src/platform/slack/quote.js';
import { validateMessage } from '../../helpers/block-kit-validator.js';

/** The user's text read back from quote sections (code blocks unescaped, plain_text as is). */
function quoted(messages: SlackMessage[]): string {
  return messages
    .flatMap((m) => m.blocks)
    .map((b) => (b.type === 'section' && b.text ? b.text : undefined))
    .filter((t) => t !== undefined)
    .map((t) => {
      if (t.type === 'plain_text') return t.text;
      if (!t.text.startsWith('```')) return '';
      return t.text.slice(3, -3).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    })
    .join('');
}

const retryButtons = (messages: SlackMessage[]) =>
  messages
    .flatMap((m) => m.blocks)
    .flatMap((b) => (b.type === 'actions' ? b.elements : []))
    .filter((e) => 'action_id' in e && e.action_id === ACTION.retryWrite);

describe('failure DM (buildFailedWriteMessages)', () => {
  it('one message for a short text: the reason, Retry, the text', () => {
    const messages = buildFailedWriteMessages({
      what: 'Your note to Ada <Lovelace>',
      reason: 'the CRM is not answering properly (503)',
      typed: 'Called about <renewal> & pricing',
      retryId: 'r-1',
    });
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0]?.blocks)).toContain('Ada &lt;Lovelace&gt;');
    expect(retryButtons(messages)).toMatchObject([{ value: 'r-1' }]);
    expect(quoted(messages)).toBe('Called about <renewal> & pricing');
    for (const m of messages) expect(validateMessage(m)).toEqual([]);
  });

  it('a write that got no answer "may not have been saved": never "was not saved"', () => {
    const unknown = buildFailedWriteMessages({
      what: 'Your deal',
      reason: 'the CRM did not answer in time',
      typed: 'Big deal',
      retryId: 'r-2',
      unknown: true,
    });
    expect(unknown[0]?.text).toContain('Your deal may not have been saved');
    expect(JSON.stringify(unknown)).not.toContain('was not saved');
    const failed = buildFailedWriteMessages({ what: 'Your deal', reason: 'x', typed: '', retryId: null });
    expect(failed[0]?.text).toContain('Your deal was not saved');
  });

  it('no Retry button without a retry id (text only)', () => {
    const messages = buildFailedWriteMessages({
      what: 'Your deal',
      reason: 'x',
      typed: 'Big deal',
      retryId: null,
    });
    expect(retryButtons(messages)).toEqual([]);
    expect(quoted(messages)).toBe('Big deal');
  });

  it('any text up to 100,000 characters comes back whole, in valid messages, Retry once at the top', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 0, max: 250 }),
        (chunk, times) => {
          const typed = `${chunk} <&> `.repeat(times).slice(0, 100_000) || 'x';
          const messages = buildFailedWriteMessages({
            what: 'Your note',
            reason: 'down',
            typed,
            retryId: 'r',
          });
          for (const m of messages) expect(validateMessage(m)).toEqual([]);
          expect(quoted(messages)).toBe(typed);
          expect(retryButtons(messages)).toHaveLength(1);
          expect(retryButtons(messages.slice(0, 1))).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('noticeWithText with few parts (a response_url) still never cuts a 40,000-character text', () => {
    const typed = Array.from({ length: 6000 }, (_, i) => `w${i}&<`)
      .join(' ')
      .slice(0, 40_000);
    const messages = noticeWithText({ text: 'failed', blocks: [] }, 'You typed', typed, 4);
    expect(messages.length).toBeLessThanOrEqual(5);
    expect(quoted(messages)).toBe(typed);
  });

  it('the retried message drops the button', () => {
    const m = buildRetriedMessage('Your note to Ada', 'logged to Ada (Renewal)');
    expect(retryButtons([m])).toEqual([]);
    expect(validateMessage(m)).toEqual([]);
  });
});
