import type {
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { ACTION, BLOCK } from './ids.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText } from './mrkdwn.js';

/** The pieces every modal builder repeats: the view shell, inputs, selects, the owner picker. */

export interface ModalShell {
  callbackId: string;
  title: string;
  blocks: KnownBlock[];
  close?: string;
  /** No submit button when absent (loading, saving and done views). */
  submit?: string;
  /** private_metadata, already encoded. */
  metadata?: string;
}

export function buildModalShell(shell: ModalShell): ModalView {
  return {
    type: 'modal',
    callback_id: shell.callbackId,
    title: plainText(shell.title, LIMITS.viewTitle),
    close: plainText(shell.close ?? 'Cancel', LIMITS.viewTitle),
    ...(shell.submit ? { submit: plainText(shell.submit, LIMITS.viewTitle) } : {}),
    ...(shell.metadata !== undefined ? { private_metadata: shell.metadata } : {}),
    blocks: shell.blocks,
  };
}

/**
 * The one non-form modal (loading, saving, done, unavailable): the form's callback id and title, a
 * Close button and one section of mrkdwn (already escaped by the caller).
 */
export function buildStatusModal(
  shell: Omit<ModalShell, 'blocks' | 'submit' | 'close'> & { text: string },
): ModalView {
  const { text, ...rest } = shell;
  return buildModalShell({ ...rest, close: 'Close', blocks: [textSection(text)] });
}

/** A section of mrkdwn (the caller escapes what came from a user or the CRM). */
export function textSection(text: string): SectionBlock {
  return { type: 'section', text: mrkdwnText(text) };
}

/** A failure shown on top of a form (the inputs below keep what was typed). */
export function errorSection(message: string, icon = '⚠️'): SectionBlock {
  return textSection(`${icon} ${escapeMrkdwn(message)}`);
}

export function inputBlock(
  blockId: string,
  label: string,
  element: InputBlock['element'],
  extra: Partial<InputBlock> = {},
): InputBlock {
  return { type: 'input', block_id: blockId, label: plainText(label, LIMITS.inputLabel), element, ...extra };
}

export function buildStaticSelect(
  actionId: string,
  options: PlainTextOption[],
  initialValue: string | undefined,
  placeholder: string,
): StaticSelect {
  // Slack rejects an initial_option that is not one of the options, text included.
  const initial = options.find((o) => o.value === initialValue);
  return {
    type: 'static_select',
    action_id: actionId,
    placeholder: plainText(placeholder, LIMITS.placeholder),
    options,
    ...(initial ? { initial_option: initial } : {}),
  };
}

export interface OwnerChoice {
  id: string;
  name: string;
  email?: string;
}

/** "Alice Moreno — alice@x.com" when the email adds something, else the name (or the id). */
export function ownerOption(o: OwnerChoice): PlainTextOption {
  const label = o.email && o.email !== o.name ? `${o.name} — ${o.email}` : o.name || o.id;
  return { text: plainText(label, LIMITS.optionText), value: o.id };
}

/** Owners for the select: at most Slack's 100, the chosen one always among them. */
export function ownerOptions(owners: OwnerChoice[], chosen: OwnerChoice | undefined): PlainTextOption[] {
  const list = chosen && !owners.some((o) => o.id === chosen.id) ? [chosen, ...owners] : owners;
  const head = list.slice(0, LIMITS.selectOptions);
  if (chosen && !head.some((o) => o.id === chosen.id)) head[head.length - 1] = chosen;
  return head.map(ownerOption);
}

/** The Owner input, or undefined when there is nobody to pick (Agile then assigns the API user). */
export function buildOwnerInput(
  owners: OwnerChoice[],
  chosen: OwnerChoice | undefined,
  label = 'Owner',
): InputBlock | undefined {
  const options = ownerOptions(owners, chosen);
  if (options.length === 0) return undefined;
  return inputBlock(
    BLOCK.owner,
    label,
    buildStaticSelect(ACTION.ownerSelect, options, chosen?.id, 'Pick an owner'),
  );
}
