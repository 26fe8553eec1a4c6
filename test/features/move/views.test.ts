import { describe, expect, it } from 'vitest';
import { decodeDisambiguation, encodeDisambiguation } from '../../../src/features/move/schema.js';
import {
  buildDealChoicesMessage,
  buildDealMovedMessage,
  buildDealOptions,
  buildMoveDoneModal,
  buildMoveFailedMessage,
  buildMoveModal,
  buildMoveRepeatedMessage,
  buildMoveSavingModal,
} from '../../../src/features/move/views.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { validateMessage, validateView } from '../../helpers/block-kit-validator.js';

const deal = (id: string, name: string) => ({ id, name, milestone: 'Proposal', value: 1000, touchedSec: 0 });

describe('move modal builders', () => {
  it('asks for a deal first, then shows exactly the track’s milestones with the current one selected', () => {
    const empty = buildMoveModal({ metadata: '{}' });
    expect(empty.callback_id).toBe(CALLBACK.moveModal);
    expect(empty.blocks.some((b) => b.block_id === BLOCK.milestone)).toBe(false);
    const full = buildMoveModal({
      metadata: '{}',
      deal: deal('1', 'Acme'),
      track: { name: 'Sales', milestones: ['New', 'Proposal', 'Won'], defaulted: true },
    });
    const m = full.blocks.find((b) => b.block_id === BLOCK.milestone) as unknown as {
      element: { options: { value: string }[]; initial_option: { value: string } };
    };
    expect(m.element.options.map((o) => o.value)).toEqual(['New', 'Proposal', 'Won']);
    expect(m.element.initial_option.value).toBe('Proposal');
    expect(JSON.stringify(full)).toContain('no track of its own');
    expect(validateView(full as never)).toEqual([]);
    expect(validateView(empty as never)).toEqual([]);
  });

  it('deal options stay within 75 characters and keep the milestone', () => {
    const { options } = buildDealOptions([deal('1', 'X'.repeat(200))]);
    expect(options[0]?.text.text.length).toBeLessThanOrEqual(75);
    expect(options[0]?.text.text).toContain('Proposal');
    expect(
      buildDealOptions(Array.from({ length: 150 }, (_, i) => deal(String(i), `D${i}`))).options,
    ).toHaveLength(100);
  });

  it('disambiguation buttons carry deal + milestone (+ reason) within 2000 characters', () => {
    const v = encodeDisambiguation({
      dealId: '5632144419496002',
      milestone: 'Lost',
      reason: 'x'.repeat(5000),
    });
    expect(v.length).toBeLessThanOrEqual(2000);
    expect(decodeDisambiguation(v)).toMatchObject({ dealId: '5632144419496002', milestone: 'Lost' });
    // Buttons already posted in Slack carry the one-letter shape.
    expect(decodeDisambiguation('{"d":"7","m":"Won"}')).toEqual({ dealId: '7', milestone: 'Won' });
    expect(decodeDisambiguation('junk')).toBeUndefined();
    const msg = buildDealChoicesMessage(
      '<!here>',
      Array.from({ length: 12 }, (_, i) => deal(String(i), `<b>${i}`)),
      'Won',
    );
    const json = JSON.stringify(msg);
    expect(json).not.toContain('<!here>');
    expect(json.match(new RegExp(ACTION.dealDisambiguate, 'g'))).toHaveLength(10);
    expect(json).toContain('2 more');
    expect(validateMessage(msg as never)).toEqual([]);
  });

  it('confirms before → after with value and probability, escaped', () => {
    const msg = buildDealMovedMessage({
      dealId: '1',
      name: '<!channel>',
      before: 'New',
      after: 'Won',
      trackName: 'Sales',
      defaultedTrack: false,
      value: 5000,
      probability: 90,
      unchanged: false,
    });
    const json = JSON.stringify(msg);
    expect(json).toContain('New → *Won*');
    expect(json).toContain('5,000');
    expect(json).toContain('90%');
    expect(json).not.toContain('<!channel>');
    expect(validateMessage(msg as never)).toEqual([]);
  });

  const moved = {
    dealId: '1',
    name: '<!channel> Acme',
    before: 'New',
    after: 'Won',
    trackName: 'Sales',
    defaultedTrack: false,
    unchanged: false,
  };

  it('a move that changed nothing gives the typed reason back whole (long: several sections, not cut)', () => {
    const typed = `${Array.from({ length: 1200 }, (_, i) => `r${i}`).join(' ')} <end> & done`;
    const msg = buildDealMovedMessage({ ...moved, after: 'New', unchanged: true, unsavedNote: typed });
    expect(validateMessage(msg as never)).toEqual([]);
    const quoted = msg.blocks
      .map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''))
      .filter((t) => t.startsWith('```'));
    expect(quoted.length).toBeGreaterThan(1);
    const back = quoted.map((t) =>
      t.slice(3, -3).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
    );
    expect(back.join('')).toBe(typed);
  });

  it('a repeated quick move says it was done once, escaped', () => {
    const msg = buildMoveRepeatedMessage(moved);
    const json = JSON.stringify(msg);
    expect(json).toContain('already sent this move');
    expect(json).toContain('Nothing more changed');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain(ACTION.dealMove);
    expect(JSON.stringify(buildMoveRepeatedMessage({ ...moved, unchanged: true }))).toContain(
      'is already at',
    );
    expect(validateMessage(msg as never)).toEqual([]);
  });

  it('a refused move lists the valid milestones, or asks for a reason', () => {
    const unknown = JSON.stringify(
      buildMoveFailedMessage(
        {
          kind: 'unknown_milestone',
          message: '“Closed” is not a milestone.',
          validMilestones: ['New', 'Won'],
        },
        'Closed',
      ),
    );
    expect(unknown).toContain('Valid milestones: New, Won.');
    expect(unknown).toContain('You typed: Closed');
    const reason = JSON.stringify(
      buildMoveFailedMessage(
        { kind: 'reason_required', message: 'Needs a reason.', validMilestones: [] },
        'Lost',
      ),
    );
    expect(reason).toContain('to Lost because &lt;reason&gt;');
    expect(
      JSON.stringify(buildMoveFailedMessage({ kind: 'crm', words: 'the CRM is down' }, 'Won')),
    ).toContain('the deal was not moved: the CRM is down');
  });

  it('saving and done are status modals of the move callback', () => {
    for (const view of [buildMoveSavingModal(), buildMoveDoneModal(moved)]) {
      expect(view.callback_id).toBe(CALLBACK.moveModal);
      expect(view.submit).toBeUndefined();
      expect(validateView(view as never)).toEqual([]);
    }
    expect(JSON.stringify(buildMoveDoneModal(moved))).not.toContain('<!channel>');
  });
});
