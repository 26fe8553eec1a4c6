import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/platform/slack/ids.js';
import {
  buildModalShell,
  buildOwnerInput,
  buildStaticSelect,
  errorSection,
  ownerOption,
  ownerOptions,
} from '../../../src/platform/slack/modal-parts.js';

describe('modal parts', () => {
  it('a shell without submit has no submit button; metadata only when given', () => {
    const view = buildModalShell({ callbackId: 'cb', title: 'T', blocks: [] });
    expect(view.submit).toBeUndefined();
    expect(view.close?.text).toBe('Cancel');
    expect('private_metadata' in view).toBe(false);
    expect(
      buildModalShell({ callbackId: 'cb', title: 'T', blocks: [], submit: 'Go', metadata: '' }),
    ).toMatchObject({ submit: { text: 'Go' }, private_metadata: '' });
  });

  it('escapes the error text', () => {
    expect(errorSection('<b> & co').text?.text).toBe('⚠️ &lt;b&gt; &amp; co');
  });

  it('a static select only takes an initial option that is one of its options', () => {
    const options = [ownerOption({ id: '1', name: 'A' })];
    expect(buildStaticSelect('a', options, '1', 'p').initial_option).toEqual(options[0]);
    expect(buildStaticSelect('a', options, '2', 'p').initial_option).toBeUndefined();
  });

  it('owner labels add the email only when it says something new', () => {
    expect(ownerOption({ id: '1', name: 'Alice', email: 'a@x.com' }).text.text).toBe('Alice — a@x.com');
    expect(ownerOption({ id: '1', name: 'a@x.com', email: 'a@x.com' }).text.text).toBe('a@x.com');
    expect(ownerOption({ id: '7', name: '' }).text.text).toBe('7');
  });

  it('keeps the chosen owner among the first 100', () => {
    const owners = Array.from({ length: 150 }, (_, i) => ({ id: String(i), name: `U${i}` }));
    const options = ownerOptions(owners, { id: '140', name: 'U140' });
    expect(options).toHaveLength(100);
    expect(options.some((o) => o.value === '140')).toBe(true);
    const input = buildOwnerInput(owners, { id: '140', name: 'U140' });
    expect(input?.block_id).toBe(BLOCK.owner);
    expect(input?.element).toMatchObject({ action_id: ACTION.ownerSelect, initial_option: { value: '140' } });
    expect(buildOwnerInput([], undefined)).toBeUndefined();
  });
});
