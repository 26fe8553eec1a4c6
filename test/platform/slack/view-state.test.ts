import { describe, expect, it } from 'vitest';
import { readState } from '../../../src/platform/slack/view-state.js';

describe('readState', () => {
  const state = readState({
    b_text: { a: { type: 'plain_text_input', value: '  hello ' } },
    b_blank: { a: { type: 'plain_text_input', value: '   ' } },
    b_null: { a: { type: 'plain_text_input', value: null } },
    b_sel: {
      a: {
        type: 'static_select',
        selected_option: { value: 'HIGH', text: { type: 'plain_text', text: 'High' } },
      },
    },
    b_multi: {
      a: {
        type: 'multi_external_select',
        selected_options: [
          { value: '1', text: { type: 'plain_text', text: 'One' } },
          { value: '2', text: { type: 'plain_text', text: 'Two' } },
        ],
      },
    },
    b_date: { a: { type: 'datepicker', selected_date: '2026-12-03' } },
    b_time: { a: { type: 'timepicker', selected_time: '09:30' } },
    b_num: { a: { type: 'number_input', value: '12.5' } },
    b_nan: { a: { type: 'number_input', value: 'abc' } },
  });

  it('reads each kind of input, keeping text as typed', () => {
    expect(state.text('b_text', 'a')).toBe('  hello ');
    expect(state.selected('b_sel', 'a')).toEqual({ value: 'HIGH', text: 'High' });
    expect(state.selectedMany('b_multi', 'a').map((o) => o.value)).toEqual(['1', '2']);
    expect(state.date('b_date', 'a')).toBe('2026-12-03');
    expect(state.time('b_time', 'a')).toBe('09:30');
    expect(state.number('b_num', 'a')).toBe(12.5);
  });

  it('never throws on missing, blank, null or malformed values', () => {
    expect(state.text('b_blank', 'a')).toBeUndefined();
    expect(state.text('b_null', 'a')).toBeUndefined();
    expect(state.text('missing', 'a')).toBeUndefined();
    expect(state.selected('missing', 'x')).toBeUndefined();
    expect(state.selectedMany('missing', 'x')).toEqual([]);
    expect(state.number('b_nan', 'a')).toBeUndefined();
    expect(readState(undefined).date('x', 'y')).toBeUndefined();
  });
});
