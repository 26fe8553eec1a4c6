import { describe, expect, it } from 'vitest';
import {
  buildDealCreatedMessage,
  buildDealDoneModal,
  buildDealLoadingModal,
  buildDealModal,
  buildDealSavingModal,
  buildDealUnavailableModal,
} from '../../../src/features/deal/views.js';
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
        track: '2',
        milestone: 'Churned',
        contact: [{ id: '9', name: '<!channel> Eve' }],
        owner: '7',
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

  it('keeps the typed milestone only when the picked track has it', () => {
    const view = buildDealModal({
      tracks: TRACKS,
      owners: [],
      values: { track: '1', milestone: 'Churned', contact: [] },
      metadata: '{}',
    });
    const milestone = view.blocks.find((b) => b.block_id === BLOCK.milestone) as unknown as {
      element: { initial_option: { value: string } };
    };
    expect(milestone.element.initial_option.value).toBe('New');
  });

  it('loading, saving, done and unavailable are status modals of the deal callback, escaped, with no submit', () => {
    const views = [
      buildDealLoadingModal(),
      buildDealSavingModal(),
      buildDealDoneModal({ id: '1', name: '<!here> big', trackName: 'Sales', milestone: 'New' }),
      buildDealUnavailableModal('No <tracks>', '{"channel":"C1"}'),
    ];
    for (const view of views) {
      expect(view.callback_id).toBe(CALLBACK.dealModal);
      expect(view.submit).toBeUndefined();
      expect(JSON.stringify(view)).not.toMatch(/<!here>|<tracks>/);
      expect(validateView(view as never)).toEqual([]);
    }
    expect(views[3]?.private_metadata).toBe('{"channel":"C1"}');
  });

  it('confirms with escaped name, track, milestone, value, probability and a Move button', () => {
    const m = buildDealCreatedMessage({
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
