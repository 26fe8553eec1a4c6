import { describe, expect, it } from 'vitest';
import {
  buildDealConfirmation,
  buildDealModal,
  buildMilestoneSelect,
  decodeMilestoneValue,
  milestoneOptionValue,
} from '../../../src/features/deal/modal-view.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { validateMessage, validateView } from '../../helpers/block-kit-validator.js';

const TRACKS = [
  { id: '1', name: 'Sales', milestones: ['New', 'Won', 'Lost'] },
  { id: '2', name: 'Renewals', milestones: ['Upcoming', 'Churned'] },
];

describe('deal modal builders', () => {
  it('has every labelled input with its block and action ids, within Block Kit limits', () => {
    const view = buildDealModal({
      tracks: TRACKS,
      owners: [{ id: '7', name: 'Alice', email: 'a@x' }],
      values: {
        trackId: '2',
        milestone: 'Churned',
        contacts: [{ id: '9', name: '<!channel> Eve' }],
        ownerId: '7',
      },
      metadata: '{}',
    });
    expect(view.callback_id).toBe(CALLBACK.dealModal);
    const inputs = view.blocks.filter((b) => b.type === 'input') as {
      block_id: string;
      element: { action_id: string };
    }[];
    expect(inputs.map((b) => [b.block_id, b.element.action_id])).toEqual([
      [BLOCK.dealName, ACTION.dealName],
      [BLOCK.value, ACTION.dealValue],
      [BLOCK.probability, ACTION.probability],
      [BLOCK.track, ACTION.trackSelect],
      [BLOCK.milestone, ACTION.milestoneSelect],
      [BLOCK.closeDate, ACTION.closeDate],
      [BLOCK.contact, ACTION.contactPicker],
      [BLOCK.description, ACTION.description],
      [BLOCK.owner, ACTION.ownerSelect],
    ]);
    const milestone = inputs[4]?.element as unknown as {
      options: { value: string }[];
      initial_option: { value: string };
    };
    expect(milestone.options.map((o) => o.value)).toEqual(['Upcoming', 'Churned']);
    expect(milestone.initial_option.value).toBe('Churned');
    expect(validateView(view as never)).toEqual([]);
  });

  it('sends over-long milestone names by index and reads them back', () => {
    const long = 'M'.repeat(90);
    const list = ['New', long];
    expect(milestoneOptionValue(list, 1)).toBe('#1');
    expect(decodeMilestoneValue('#1', list)).toBe(long);
    expect(decodeMilestoneValue('New', list)).toBe('New');
    const select = buildMilestoneSelect(list, long);
    expect(select.initial_option?.value).toBe('#1');
    expect(select.options?.every((o) => o.text.text.length <= 75)).toBe(true);
  });

  it('confirms with escaped name, track, milestone, value, probability and a Move button', () => {
    const m = buildDealConfirmation({
      id: '55',
      name: '<script> <!channel>',
      trackName: 'Sales',
      milestone: 'New',
      value: 1000,
      probability: 20,
    });
    const json = JSON.stringify(m);
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;script&gt;');
    expect(json).toContain('1,000');
    expect(json).toContain(`"action_id":"${ACTION.dealMove}"`);
    expect(validateMessage(m as never)).toEqual([]);
  });
});
