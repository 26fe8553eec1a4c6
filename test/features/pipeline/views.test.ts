import { describe, expect, it } from 'vitest';
import {
  buildDealFacts,
  buildMilestoneSelect,
  buildMoveButton,
  decodeMilestoneValue,
  formatProbability,
  milestoneOptionValue,
} from '../../../src/features/pipeline/views.js';
import { formatDealValue } from '../../../src/platform/slack/format.js';
import { ACTION } from '../../../src/platform/slack/ids.js';

describe('pipeline views', () => {
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

  it('formats values with grouping and no currency, probability as a percent', () => {
    expect(formatDealValue(1250000.5)).toBe('1,250,000.50');
    expect(formatDealValue(undefined)).toBe('—');
    expect(formatProbability(35)).toBe('35%');
    expect(formatProbability(undefined)).toBe('—');
  });

  it('shows the facts escaped, an already-built milestone line as it is', () => {
    const facts = JSON.stringify(
      buildDealFacts({ trackName: '<b>', milestone: { mrkdwn: 'New → *Won*' }, value: 5, probability: 1 }),
    );
    expect(facts).toContain('&lt;b&gt;');
    expect(facts).toContain('New → *Won*');
    expect(JSON.stringify(buildDealFacts({ trackName: 'S', milestone: '<x>' }))).toContain('&lt;x&gt;');
    expect(buildMoveButton('42')).toMatchObject({ action_id: ACTION.dealMove, value: '42' });
  });
});
