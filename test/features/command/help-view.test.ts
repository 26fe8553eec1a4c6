import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { parseCrmCommand } from '../../../src/features/command/grammar.js';
import { buildHelpMessage, buildUsageError } from '../../../src/features/command/help-view.js';
import { COMMAND_USAGE } from '../../../src/features/command/usage.js';

function texts(blocks: KnownBlock[]): { type: string; text: string }[] {
  const out: { type: string; text: string }[] = [];
  for (const b of blocks) {
    if ((b.type === 'section' || b.type === 'header') && b.text)
      out.push({ type: b.type, text: b.text.text });
    if (b.type === 'context')
      for (const e of b.elements) if ('text' in e) out.push({ type: b.type, text: e.text });
  }
  return out;
}

function expectWithinLimits(blocks: KnownBlock[]): void {
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    if (b.type === 'header') {
      expect(b.text.type).toBe('plain_text');
      expect(b.text.text.length).toBeLessThanOrEqual(150);
    }
    if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(10);
  }
  for (const t of texts(blocks)) {
    expect(t.text.length).toBeGreaterThan(0);
    expect(t.text.length).toBeLessThanOrEqual(3000);
  }
}

/** Unescaped `<` or `>`, or an `&` not starting one of the three entities, would be read as markup. */
function expectNoRawMarkup(text: string): void {
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

describe('buildHelpMessage', () => {
  const help = buildHelpMessage();

  it('is valid Block Kit with a fallback text', () => {
    expect(help.text.length).toBeGreaterThan(0);
    expect(help.text.length).toBeLessThanOrEqual(4000);
    expect(help.blocks[0]?.type).toBe('header');
    expectWithinLimits(help.blocks);
    for (const t of texts(help.blocks)) expectNoRawMarkup(t.text);
  });

  it('shows one example per command, and each example parses to that command', () => {
    const all = texts(help.blocks)
      .map((t) => t.text)
      .join('\n');
    const examples = [...all.matchAll(/`(\/crm [^`]*)`/g)].map((m) => (m[1] ?? '').replace(/^\/crm ?/, ''));
    const kinds = new Set(examples.map((e) => parseCrmCommand(e).kind));
    expect(kinds).toEqual(
      new Set([
        'help',
        'lookup',
        'note',
        'task',
        'modal',
        'move',
        'reply',
        'digest',
        'status',
        'audit',
        'follow',
        'unfollow',
        'following',
        'connect',
        'disconnect',
      ]),
    );
    for (const e of examples) expect(parseCrmCommand(e).kind).not.toBe('error');
    for (const word of [
      'help',
      'lookup',
      'note',
      'task',
      'deal',
      'move',
      'reply',
      'digest on',
      'digest off',
      'digest status',
      'digest now',
      'audit',
    ]) {
      expect(all).toContain(`/crm ${word}`);
    }
  });

  it('every usage example in the table parses without error', () => {
    for (const u of Object.values(COMMAND_USAGE)) {
      expect(parseCrmCommand(u.example.replace(/^\/crm ?/, '')).kind).not.toBe('error');
    }
  });
});

describe('buildUsageError', () => {
  it('renders a parser error: message, then usage in a code block', () => {
    const cmd = parseCrmCommand('note ana Called');
    if (cmd.kind !== 'error') throw new Error('expected an error');
    const msg = buildUsageError(cmd);
    expectWithinLimits(msg.blocks);
    const [message, usage] = texts(msg.blocks);
    expect(message?.text).toContain('needs an email then the text');
    expect(usage?.text.startsWith('```')).toBe(true);
    expect(usage?.text).toContain('/crm note [&lt;email&gt; &lt;text&gt;]');
    expect(msg.text).toContain('needs an email');
  });

  it('escapes echoed input so nobody pings @channel or forges a link', () => {
    const cmd = parseCrmCommand('&lt;!channel&gt; <https://evil.example|click> &amp;');
    if (cmd.kind !== 'error') throw new Error('expected an error');
    const msg = buildUsageError(cmd);
    for (const t of texts(msg.blocks)) expectNoRawMarkup(t.text);
    expect(texts(msg.blocks)[0]?.text).toContain('&lt;!channel&gt;');
  });

  it('stays within limits for huge input, even when escaping grows it past the limit', () => {
    const msg = buildUsageError({ message: '<'.repeat(2000), usage: '&'.repeat(5000) });
    expectWithinLimits(msg.blocks);
    for (const t of texts(msg.blocks)) expectNoRawMarkup(t.text);
    expect(texts(msg.blocks)[1]?.text.endsWith('```')).toBe(true);
    expect(msg.text.length).toBeLessThanOrEqual(4000);
  });

  it('never renders an empty text', () => {
    const msg = buildUsageError({ message: '  ', usage: '' });
    expectWithinLimits(msg.blocks);
  });
});
