import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../../src/platform/slack/mrkdwn.js';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<https://x|y>', '&lt;https://x|y&gt;'],
    ['<!subteam^S1>', '&lt;!subteam^S1&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
  ])('neutralises %s', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('escapes & first, so already-escaped text stays double-escaped (never decoded)', () => {
    expect(escapeMrkdwn('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
  });

  it('leaves formatting characters alone', () => {
    expect(escapeMrkdwn('*bold* _it_ ~s~ `c`')).toBe('*bold* _it_ ~s~ `c`');
  });
});

describe('truncate', () => {
  it('returns text that fits unchanged', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('ends a cut text with an ellipsis within max', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('never splits an entity', () => {
    const escaped = escapeMrkdwn('ab<cd');
    expect(escaped).toBe('ab&lt;cd');
    expect(truncate(escaped, 5)).toBe('ab…');
    expect(truncate(escaped, 7)).toBe('ab&lt;…');
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });

  it('handles a string that reaches a limit only after escaping', () => {
    const raw = `${'a'.repeat(LIMITS.buttonText - 3)}<`;
    expect(raw.length).toBeLessThanOrEqual(LIMITS.buttonText);
    const escaped = escapeMrkdwn(raw);
    expect(escaped.length).toBeGreaterThan(LIMITS.buttonText);
    const cut = truncate(escaped, LIMITS.buttonText);
    expect(cut.length).toBeLessThanOrEqual(LIMITS.buttonText);
    expect(cut).toBe(`${'a'.repeat(LIMITS.buttonText - 3)}…`);
  });
});

describe('text object helpers', () => {
  it('mrkdwnText is verbatim and within the text limit', () => {
    const t = mrkdwnText('x'.repeat(LIMITS.text + 10));
    expect(t).toMatchObject({ type: 'mrkdwn', verbatim: true });
    expect(t.text.length).toBe(LIMITS.text);
  });

  it('plainText cuts to the given max', () => {
    expect(plainText('a long button label that goes on', 10)).toEqual({
      type: 'plain_text',
      text: 'a long bu…',
      emoji: true,
    });
  });
});

const BROKEN_ENTITY = /&(?!(?:amp|lt|gt);)/;

describe('properties', () => {
  it('escaped output never contains < or > and every & starts an entity', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const e = escapeMrkdwn(s);
        expect(e).not.toMatch(/[<>]/);
        expect(e).not.toMatch(BROKEN_ENTITY);
      }),
    );
  });

  it('truncate never exceeds max and never leaves a broken entity or lone surrogate', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '<', '>', '&', '😀', 'é', 'x') });
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), (s, max) => {
        const out = truncate(escapeMrkdwn(s), max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(BROKEN_ENTITY);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        if (escapeMrkdwn(s).length > max) expect(out.endsWith('…')).toBe(true);
        else expect(out).toBe(escapeMrkdwn(s));
      }),
    );
  });
});
