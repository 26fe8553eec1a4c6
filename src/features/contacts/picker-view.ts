import type { ExternalSelect, MultiExternalSelect, PlainTextOption } from '@slack/types';
import { ACTION } from '../../platform/slack/ids.js';
import { LIMITS, plainText } from '../../platform/slack/mrkdwn.js';
import type { ContactChoice } from './contact-search.js';

/** "Ada Lovelace — ada@example.com", cut to Slack's 75-character option text. Plain text: no escaping. */
export function contactOption(c: ContactChoice): PlainTextOption {
  const label = c.email && c.email !== c.name ? `${c.name} — ${c.email}` : c.name;
  return { text: plainText(label, LIMITS.optionText), value: c.id };
}

/** Options-load answer for the contact picker: at most Slack's 100 options. */
export function buildContactOptions(choices: ContactChoice[]): { options: PlainTextOption[] } {
  return { options: choices.slice(0, LIMITS.selectOptions).map(contactOption) };
}

interface ContactSelectOptions {
  placeholder?: string;
  initial?: ContactChoice[];
}

/** Single contact, searched by name or email as the user types (options loads, ACTION.contactPicker). */
export function buildContactSelect({ placeholder, initial = [] }: ContactSelectOptions = {}): ExternalSelect {
  const first = initial[0];
  return {
    type: 'external_select',
    action_id: ACTION.contactPicker,
    placeholder: plainText(placeholder ?? 'Type a name or email', LIMITS.placeholder),
    min_query_length: 2,
    ...(first ? { initial_option: contactOption(first) } : {}),
  };
}

/** Several contacts (tasks, deals). */
export function buildMultiContactSelect({
  placeholder,
  initial = [],
}: ContactSelectOptions = {}): MultiExternalSelect {
  return {
    type: 'multi_external_select',
    action_id: ACTION.contactPicker,
    placeholder: plainText(placeholder ?? 'Type names or emails', LIMITS.placeholder),
    min_query_length: 2,
    ...(initial.length > 0 ? { initial_options: initial.map(contactOption) } : {}),
  };
}

/** The contact's name from the picker's option text ("Ada Lovelace — ada@x.com" → "Ada Lovelace"). */
export function contactNameFromOption(text: string): string {
  const at = text.lastIndexOf(' — ');
  return at > 0 && text.slice(at + 3).includes('@') ? text.slice(0, at) : text;
}
