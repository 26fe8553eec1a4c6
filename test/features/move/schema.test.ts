import { describe, expect, it } from 'vitest';
import {
  decodeMoveMetadata,
  encodeMoveMetadata,
  type MoveMetadata,
  moveFormSchema,
} from '../../../src/features/move/schema.js';
import { parseForm } from '../../../src/platform/slack/form-flow.js';
import { BLOCK } from '../../../src/platform/slack/ids.js';

const META: MoveMetadata = {
  channel: 'C1',
  dealId: '7',
  dealName: 'Acme',
  current: 'Prospect',
  trackName: 'Sales',
  milestones: ['New', 'Prospect', 'Won', 'Lost'],
  lost: ['Lost'],
};

const parse = (values: Record<string, string | undefined>, hasMilestoneInput = true) =>
  parseForm(moveFormSchema(META, hasMilestoneInput), values);

describe('the Move form schema', () => {
  it('gives the move to make', () => {
    expect(parse({ deal: '7', milestone: 'Lost', reason: 'Budget', note: 'Q3' })).toEqual({
      ok: true,
      data: { dealId: '7', milestone: 'Lost', reason: 'Budget', note: 'Q3' },
    });
  });

  it.each([
    [{}, true, BLOCK.deal, 'Pick a deal'],
    [
      { deal: '8', milestone: 'Won' },
      true,
      BLOCK.deal,
      'Wait a moment for this deal’s milestones to load, then pick one',
    ],
    [{ deal: '7' }, false, BLOCK.deal, 'Wait a moment for this deal’s milestones to load, then pick one'],
    [{ deal: '7', milestone: 'Churned' }, true, BLOCK.milestone, 'Pick one of this deal’s milestones'],
    [
      { deal: '7', milestone: 'Prospect' },
      true,
      BLOCK.milestone,
      'The deal is already at Prospect — pick another milestone',
    ],
    [
      { deal: '7', milestone: 'Lost' },
      true,
      BLOCK.reason,
      'Say why the deal is lost: it is saved on the deal as a note',
    ],
  ] as const)('%o → one error, under %s', (values, hasInput, block, message) => {
    expect(parse(values, hasInput)).toEqual({ ok: false, errors: { [block]: message } });
  });
});

describe('the Move metadata', () => {
  it('round-trips with readable keys, and shrinks to fit 3,000 characters', () => {
    expect(decodeMoveMetadata(encodeMoveMetadata(META))).toEqual(META);
    const big = {
      ...META,
      dealName: 'N'.repeat(2000),
      milestones: Array.from({ length: 100 }, (_, i) => `M${i}`.repeat(10)),
    };
    const raw = encodeMoveMetadata(big);
    expect(raw.length).toBeLessThanOrEqual(3000);
    expect(decodeMoveMetadata(raw)).toMatchObject({ channel: 'C1', dealId: '7' });
  });
});
