import { describe, expect, it } from 'vitest';
import { validateView } from '../../../src/devkit/console/block-kit-validator.js';
import { buildThreadModal } from '../../../src/features/thread/views.js';
import { BLOCK } from '../../../src/platform/slack/ids.js';

const meta = { channel: 'C1', channelName: 'sales', threadTs: '1.000100', latestTs: '1.000300' };

describe('buildThreadModal', () => {
  it('counts, preview, both pickers; escapes the thread text and stays valid at any size', () => {
    const view = buildThreadModal({
      meta,
      preview: {
        messages: 12,
        people: 3,
        external: 1,
        notes: 3,
        firstNote: `<!channel> & <@U1> ${'x'.repeat(20_000)}`,
      },
    });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('12 messages · 3 people · 1 external');
    expect(text).toContain('logged as 3 notes');
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(text).not.toContain('<!channel>');
    const ids = view.blocks.map((b) => b.block_id);
    expect(ids).toContain(BLOCK.contact);
    expect(ids).toContain(BLOCK.deal);
    expect(ids).not.toContain(BLOCK.logAgain);
  });

  it('asks "Log it again?" with a required box when the thread was logged before', () => {
    const view = buildThreadModal({
      meta: { ...meta, asked: true },
      preview: { messages: 1, people: 1, external: 0, notes: 1, firstNote: 'hi' },
      earlier: { targetName: 'Ada <Lovelace>', loggedBy: 'U0ALICE', createdMs: 1_767_225_600_000 },
    });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('This thread was logged to *Ada &lt;Lovelace&gt;* on <!date^1767225600^');
    expect(text).toContain('by <@U0ALICE>. Log it again?');
    const again = view.blocks.find((b) => b.block_id === BLOCK.logAgain) as
      | { optional?: boolean }
      | undefined;
    expect(again).toBeDefined();
    expect(again?.optional).toBeUndefined();
  });

  it('the form again after a slow failure: the error on top, no preview needed', () => {
    const view = buildThreadModal({ meta, error: 'Notes 1–2 of 3 were logged' });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('Notes 1–2 of 3 were logged');
  });
});
