import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/platform/slack/mrkdwn.js';
import { assertValidMessage, assertValidView, validateMessage, validateView } from './block-kit-validator.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const button = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: `a_${text.length}`,
  text: plain(text),
  ...extra,
});
const option = (text: string, value = text) => ({ text: plain(text), value });
const paths = (v: { path: string }[]) => v.map((x) => x.path);

const goodMessage = {
  text: 'Contact card',
  blocks: [
    { type: 'header', text: plain('Eve Example') },
    {
      type: 'section',
      block_id: 'card',
      text: md('*Eve*'),
      fields: [md('a'), md('b')],
      accessory: { type: 'overflow', action_id: 'more', options: [option('Edit')] },
    },
    {
      type: 'context',
      elements: [md('Score 10'), { type: 'image', image_url: 'https://x/y.png', alt_text: 'x' }],
    },
    {
      type: 'actions',
      block_id: 'acts',
      elements: [
        button('Log note', { style: 'primary', value: '42' }),
        button('Share', {
          confirm: { title: plain('Sure?'), text: md('Yes'), confirm: plain('Go'), deny: plain('No') },
        }),
      ],
    },
    { type: 'divider' },
  ],
};

const goodModal = {
  type: 'modal',
  callback_id: 'note_modal',
  title: plain('Log note'),
  submit: plain('Save'),
  close: plain('Cancel'),
  private_metadata: '{"c":1}',
  blocks: [
    {
      type: 'input',
      block_id: 'subject',
      label: plain('Subject'),
      hint: plain('Short'),
      element: { type: 'plain_text_input', action_id: 'v', max_length: 100, initial_value: 'Hi' },
    },
    {
      type: 'input',
      block_id: 'type',
      label: plain('Type'),
      element: {
        type: 'static_select',
        action_id: 'v',
        placeholder: plain('Pick'),
        options: [option('Call', 'CALL'), option('Email', 'EMAIL')],
        initial_option: option('Call', 'CALL'),
      },
    },
    {
      type: 'input',
      block_id: 'due',
      label: plain('Due date'),
      element: { type: 'datepicker', action_id: 'v', initial_date: '2026-12-03' },
    },
    {
      type: 'input',
      block_id: 'time',
      label: plain('Due time'),
      element: { type: 'timepicker', action_id: 'v', initial_time: '09:30' },
    },
  ],
};

describe('validateMessage', () => {
  it('accepts a well-formed message', () => {
    expect(validateMessage(goodMessage)).toEqual([]);
    expect(() => assertValidMessage(goodMessage)).not.toThrow();
  });

  it('requires a fallback text of at most 4000 characters', () => {
    expect(paths(validateMessage({ blocks: goodMessage.blocks }))).toEqual(['text']);
    expect(paths(validateMessage({ text: 'x'.repeat(LIMITS.fallbackText + 1) }))).toEqual(['text']);
  });

  it('flags too many blocks, duplicate block_ids and input blocks', () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider', block_id: 'same' }));
    const v = validateMessage({
      text: 't',
      blocks: [...blocks, { type: 'input', label: plain('x'), element: {} }],
    });
    const messages = v.map((x) => x.message).join('\n');
    expect(messages).toMatch(/52 blocks, limit 50/);
    expect(messages).toMatch(/duplicate block_id same/);
    expect(messages).toMatch(/input blocks belong in modals/);
  });

  it('flags every text and element limit', () => {
    const bad = {
      text: 't',
      blocks: [
        { type: 'header', text: md('x'.repeat(151)) },
        { type: 'section', text: md('') },
        { type: 'section', fields: Array.from({ length: 11 }, () => md('f')) },
        { type: 'section', text: md('x'.repeat(3001)) },
        { type: 'context', elements: Array.from({ length: 11 }, () => md('c')) },
        {
          type: 'actions',
          elements: [
            button('x'.repeat(76), {
              style: 'blue',
              value: 'v'.repeat(2001),
              url: `https://${'u'.repeat(3000)}`,
            }),
            {
              type: 'overflow',
              action_id: 'o',
              options: Array.from({ length: 6 }, (_, i) => option(`o${i}`)),
            },
            { type: 'static_select', action_id: 's', options: [option('x'.repeat(76), 'v'.repeat(76))] },
            { type: 'plain_text_input', action_id: 'p' },
            { type: 'datepicker', action_id: 'd', initial_date: '03/12/2026' },
            { type: 'timepicker', action_id: 't', initial_time: '9:30pm' },
            {
              type: 'checkboxes',
              action_id: 'c',
              options: Array.from({ length: 11 }, (_, i) => option(`c${i}`)),
            },
          ],
        },
        { type: 'section', text: md('x'), accessory: { type: 'plain_text_input', action_id: 'a' } },
        { type: 'carousel' },
        { type: 'image', image_url: 'https://x/y.png' },
        { type: 'section', block_id: 'b'.repeat(256), text: md('x') },
      ],
    };
    const got = paths(validateMessage(bad));
    expect(got).toEqual(
      expect.arrayContaining([
        'blocks[0].text.type',
        'blocks[0].text.text',
        'blocks[1].text.text',
        'blocks[2].fields',
        'blocks[3].text.text',
        'blocks[4].elements',
        'blocks[5].elements[0].text.text',
        'blocks[5].elements[0].style',
        'blocks[5].elements[0].value',
        'blocks[5].elements[0].url',
        'blocks[5].elements[1].options',
        'blocks[5].elements[2].options[0].text.text',
        'blocks[5].elements[2].options[0].value',
        'blocks[5].elements[3].type',
        'blocks[5].elements[4].initial_date',
        'blocks[5].elements[5].initial_time',
        'blocks[5].elements[6].options',
        'blocks[6].accessory.type',
        'blocks[7].type',
        'blocks[8].alt_text',
        'blocks[9].block_id',
      ]),
    );
  });

  it('budgets the summed block text of a message', () => {
    const blocks = Array.from({ length: 4 }, () => ({ type: 'section', text: md('x'.repeat(2900)) }));
    expect(validateMessage({ text: 't', blocks }).map((v) => v.message)).toEqual([
      expect.stringMatching(/summed block text is 11600/),
    ]);
  });

  it('lets a delete_original response through', () => {
    expect(validateMessage({ delete_original: true })).toEqual([]);
  });
});

describe('validateView', () => {
  it('accepts a well-formed modal', () => {
    expect(validateView(goodModal)).toEqual([]);
    expect(() => assertValidView(goodModal)).not.toThrow();
  });

  it('flags modal title/submit/close, missing submit, metadata and bad selects', () => {
    const bad = {
      ...goodModal,
      title: plain('A title that is far too long'),
      submit: undefined,
      close: md('Close'),
      private_metadata: 'm'.repeat(3001),
      callback_id: 'c'.repeat(256),
      blocks: [
        ...goodModal.blocks.slice(0, 1),
        {
          type: 'input',
          block_id: 'type',
          label: plain('x'.repeat(2001)),
          element: {
            type: 'static_select',
            action_id: 'v',
            placeholder: plain('p'.repeat(151)),
            options: Array.from({ length: 101 }, (_, i) => option(`o${i}`)),
            initial_option: option('missing'),
          },
        },
        {
          type: 'input',
          block_id: 'n',
          label: plain('N'),
          element: { type: 'plain_text_input', action_id: 'v', max_length: 3001 },
        },
        {
          type: 'input',
          block_id: 'num',
          label: plain('Num'),
          element: { type: 'number_input', action_id: 'v' },
        },
        { type: 'input', block_id: 'btn', label: plain('B'), element: button('b') },
      ],
    };
    expect(paths(validateView(bad))).toEqual(
      expect.arrayContaining([
        'title.text',
        'submit',
        'close.type',
        'private_metadata',
        'callback_id',
        'blocks[1].label.text',
        'blocks[1].element.placeholder.text',
        'blocks[1].element.options',
        'blocks[1].element',
        'blocks[2].element.max_length',
        'blocks[3].element.is_decimal_allowed',
        'blocks[4].element.type',
      ]),
    );
    expect(() => assertValidView(bad)).toThrow(/Invalid Block Kit view/);
  });

  it('allows 100 blocks in a modal but not 101', () => {
    const view = (n: number) => ({
      ...goodModal,
      blocks: Array.from({ length: n }, () => ({ type: 'divider' })),
    });
    expect(validateView(view(100))).toEqual([]);
    expect(paths(validateView(view(101)))).toEqual(['blocks']);
  });
});
