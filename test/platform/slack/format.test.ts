import { describe, expect, it } from 'vitest';
import { channelLabel, conversationKind, formatDealValue } from '../../../src/platform/slack/format.js';

describe('display formats', () => {
  it('channel labels skip DMs and private-group pseudo-names', () => {
    expect(channelLabel('sales')).toBe('#sales');
    expect(channelLabel('#sales')).toBe('#sales');
    expect(channelLabel('privategroup')).toBeUndefined();
    expect(channelLabel('mpdm-a--b-1')).toBeUndefined();
    expect(channelLabel(undefined)).toBeUndefined();
  });

  it('deal values: thousands separators, cents only when there are any', () => {
    expect(formatDealValue(25500.5)).toBe('25,500.50');
    expect(formatDealValue(12000.5)).toBe('12,000.50');
    expect(formatDealValue(12000)).toBe('12,000');
    expect(formatDealValue(0.1 + 0.2)).toBe('0.30');
    expect(formatDealValue(99.999)).toBe('100');
    expect(formatDealValue(undefined)).toBe('—');
  });
});

describe('conversationKind', () => {
  it('tells a 1:1 DM, a group DM and a channel apart from the payload’s id and name', () => {
    expect(conversationKind('D0123', 'directmessage')).toBe('im');
    expect(conversationKind('D0123')).toBe('im');
    expect(conversationKind('G0123', 'mpdm-alice--bob--eve-1')).toBe('mpim');
    expect(conversationKind('C0123', 'mpdm-alice--bob-1')).toBe('mpim');
    expect(conversationKind('G0123', 'privategroup')).toBe('channel');
    expect(conversationKind('C0SALES', 'sales')).toBe('channel');
  });
});
