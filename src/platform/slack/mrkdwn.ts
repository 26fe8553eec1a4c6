import type { MrkdwnElement, PlainTextElement } from '@slack/types';

/**
 * Block Kit limits (../shared/slack-platform.md). Measure them after escaping: one `<` becomes four
 * characters. Lengths are UTF-16 code units (JS string length), never fewer than Slack's characters.
 */
export const LIMITS = {
  /** Slack rejects a message with more blocks (invalid_blocks). */
  messageBlocks: 50,
  /** Modals and the Home tab hold twice as many blocks as a message. */
  viewBlocks: 100,
  /** block_id, action_id, callback_id, external_id: longer ids are rejected. */
  id: 255,
  /** Any text object; an empty one is rejected too. */
  text: 3000,
  /** Each section field renders in a half-width column. */
  sectionField: 2000,
  /** Two columns of five rows is all a section lays out. */
  sectionFields: 10,
  /** Headers are a single large line of plain_text. */
  headerText: 150,
  /** Context blocks are a single small line. */
  contextElements: 10,
  /** Actions blocks wrap buttons; Slack caps the row. */
  actionsElements: 25,
  /** Input label and hint are plain_text under the field. */
  inputLabel: 2000,
  inputHint: 2000,
  /** Image alt_text is required and capped. */
  imageAltText: 2000,
  /** Any URL in a block (image_url, button url). */
  url: 3000,
  /** Button labels show ~30 characters; Slack rejects more than 75. */
  buttonText: 75,
  /** Button value comes back in block_actions; keep state small. */
  buttonValue: 2000,
  /** Placeholders are one greyed line. */
  placeholder: 150,
  /** Static selects: options or option groups per menu. */
  selectOptions: 100,
  /** Option text is one line of a menu. */
  optionText: 75,
  /** Option value: 75 is safe for every SDK (some docs say 150). */
  optionValue: 75,
  /** Option description, under the text in checkboxes and radios. */
  optionDescription: 75,
  /** Overflow menus hold 1 to 5 options. */
  overflowOptions: 5,
  /** Checkboxes and radio buttons list at most 10 choices. */
  choiceOptions: 10,
  /** plain_text_input max_length / min_length ceiling. */
  inputMaxLength: 3000,
  /** Confirm dialog parts. */
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Modal title, submit and close are short button-like labels. */
  viewTitle: 24,
  /** Anything we round-trip through a modal must fit here. */
  privateMetadata: 3000,
  /** Slack stacks at most three modals. */
  viewStack: 3,
  /** chat.update rejects a longer fallback `text`; chat.postMessage truncates at 40,000. */
  fallbackText: 4000,
  /** Undocumented msg_blocks_too_long around 12–13k summed characters: stay under with margin. */
  messageBlockText: 11_000,
} as const;

/** The one escape for text entering mrkdwn: neutralises <!channel>, <@U…>, <url|label>. Never decodes. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` code units ending with '…'. Apply AFTER escaping: it never splits an
 * entity (&amp; &lt; &gt;) or a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = max - ELLIPSIS.length;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 5) {
    const entity = /^&(?:amp|lt|gt);/.exec(text.slice(amp));
    if (entity && amp + entity[0].length > cut) cut = amp;
  }
  const last = text.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

/** A mrkdwn text object from already-escaped mrkdwn; verbatim stops Slack auto-linking names and URLs. */
export function mrkdwnText(text: string, max: number = LIMITS.text): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, max), verbatim: true };
}

/** A plain_text object (no escaping needed: Slack renders it literally), cut to the block's limit. */
export function plainText(text: string, max: number = LIMITS.text): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}
