import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import { buildModalShell, errorSection, inputBlock, textSection } from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import type { ContactChoice } from '../contacts/contact-search.js';
import { buildContactSelect } from '../contacts/picker-view.js';
import { channelLabel, NOTE_SUBJECT_MAX } from './use-case.js';

/** What the note modal carries between its views (private_metadata, ≤ 3000 characters). */
export interface NoteModalMeta {
  /** Where the confirmation goes (ephemeral to the actor) and, with `ts`, the message logged. */
  channel?: string;
  channelName?: string;
  /** Set when the note is made from a message (the "Log to CRM" shortcut). */
  ts?: string;
  permalink?: string;
  /** Slack user id and name of the message's author. */
  author?: string;
  authorName?: string;
}

const metaSchema = z.object({
  channel: z.string().optional(),
  channelName: z.string().optional(),
  ts: z.string().optional(),
  permalink: z.string().optional(),
  author: z.string().optional(),
  authorName: z.string().optional(),
});

/** Names are cut so the metadata always fits; ids, ts and permalinks are short by nature. */
const META_NAME_MAX = 200;
const META_PERMALINK_MAX = 1000;

export function encodeNoteMeta(meta: NoteModalMeta): string {
  const cut = (s: string | undefined, max: number) => (s === undefined ? undefined : s.slice(0, max));
  return encodeMetadata({
    channel: meta.channel,
    channelName: cut(meta.channelName, META_NAME_MAX),
    ts: meta.ts,
    permalink: meta.permalink && meta.permalink.length <= META_PERMALINK_MAX ? meta.permalink : undefined,
    author: meta.author,
    authorName: cut(meta.authorName, META_NAME_MAX),
  });
}

/** Never throws: damaged or foreign metadata reads as "no context". */
export function decodeNoteMeta(raw: string | undefined): NoteModalMeta {
  return decodeMetadata(raw, metaSchema) ?? {};
}

const TITLE = 'Log note';
/** Slack caps a plain_text_input at 3000 characters; a longer message is cut in the prefill. */
export const NOTE_INPUT_MAX = LIMITS.inputMaxLength;

export interface NoteModalData {
  meta: NoteModalMeta;
  contact?: ContactChoice;
  subject?: string;
  note?: string;
  /** Shown on top (e.g. the write failed on a slow CRM, or the contact could not be loaded). */
  error?: string;
}

/** "Message by *Bob* in #sales · view message" above the inputs, when logging a message. */
function sourceContext(meta: NoteModalMeta): KnownBlock | undefined {
  if (!meta.ts) return undefined;
  const parts: string[] = [];
  if (meta.authorName) parts.push(`Message by *${escapeMrkdwn(meta.authorName)}*`);
  else parts.push('Message');
  const where = channelLabel(meta.channelName);
  if (where) parts.push(`in ${escapeMrkdwn(where)}`);
  let text = parts.join(' ');
  if (meta.permalink) text += ` · ${mrkdwnLink(meta.permalink, 'view message')}`;
  return { type: 'context', elements: [mrkdwnText(text)] };
}

/** A mrkdwn link; the URL's own `&<>` are escaped so it cannot close the link early. */
export function mrkdwnLink(url: string, label: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label)}>`;
}

/** The Log note form: Contact, Subject, Note (prefilled when logging a message or from a card). */
export function buildNoteModal(data: NoteModalData): ModalView {
  const blocks: KnownBlock[] = [];
  if (data.error) blocks.push(errorSection(data.error));
  const source = sourceContext(data.meta);
  if (source) blocks.push(source);

  blocks.push(
    inputBlock(BLOCK.contact, 'Contact', buildContactSelect({ initial: data.contact ? [data.contact] : [] })),
    inputBlock(
      BLOCK.subject,
      'Subject',
      {
        type: 'plain_text_input',
        action_id: ACTION.subjectInput,
        max_length: NOTE_SUBJECT_MAX,
        ...(data.subject ? { initial_value: truncate(data.subject, NOTE_SUBJECT_MAX) } : {}),
      },
      {
        optional: true,
        hint: plainText('Left empty, the first line of the note becomes the subject.', LIMITS.inputHint),
      },
    ),
    inputBlock(
      BLOCK.note,
      'Note',
      {
        type: 'plain_text_input',
        action_id: ACTION.noteInput,
        multiline: true,
        max_length: NOTE_INPUT_MAX,
        ...(data.note ? { initial_value: truncate(data.note, NOTE_INPUT_MAX) } : {}),
      },
      {
        hint: plainText(
          'A last line saying who logged it from Slack (and where) is added for the CRM timeline.',
          LIMITS.inputHint,
        ),
      },
    ),
  );
  return buildModalShell({
    callbackId: CALLBACK.noteModal,
    title: TITLE,
    submit: 'Log note',
    metadata: encodeNoteMeta(data.meta),
    blocks,
  });
}

function infoView(text: string, meta: NoteModalMeta = {}): ModalView {
  return buildModalShell({
    callbackId: CALLBACK.noteModal,
    title: TITLE,
    close: 'Close',
    metadata: encodeNoteMeta(meta),
    blocks: [textSection(text)],
  });
}

/** Opened at once (a trigger_id lives 3 s) while the message or the contact is fetched. */
export function buildNoteLoadingView(meta: NoteModalMeta = {}): ModalView {
  return infoView('⏳ Loading…', meta);
}

/** A slow CRM is still saving: the submission was acked with this view. */
export function buildNoteSavingView(): ModalView {
  return infoView('⏳ Saving the note to the CRM…');
}

export interface NoteDone {
  contactName: string;
  subject: string;
  permalink?: string | null;
}

/** The saving view once the slow write succeeded. */
export function buildNoteDoneView(done: NoteDone): ModalView {
  return infoView(loggedLine(done));
}

/** "✅ Logged a note to *Ada*: Renewal call · message" (escaped). */
export function loggedLine({ contactName, subject, permalink }: NoteDone): string {
  const link = permalink ? ` · ${mrkdwnLink(permalink, 'message')}` : '';
  const name = truncate(escapeMrkdwn(contactName), 200);
  const subj = truncate(escapeMrkdwn(subject), 500);
  return `✅ Logged a note to *${name}*: ${subj}${link}`;
}

/** The saving view when a concurrent submission had already logged this message to this contact. */
export function buildNoteAlreadyView(a: { contactName: string; permalink?: string | null }): ModalView {
  const link = a.permalink ? ` ${mrkdwnLink(a.permalink, 'See the message')}.` : '';
  return infoView(
    `ℹ️ This message is already logged to *${truncate(escapeMrkdwn(a.contactName), 200)}*; no second note was written.${link}`,
  );
}

/** The contact's name from the picker's option text ("Ada Lovelace — ada@x.com" → "Ada Lovelace"). */
export function contactNameFromOption(text: string): string {
  const at = text.lastIndexOf(' — ');
  return at > 0 && text.slice(at + 3).includes('@') ? text.slice(0, at) : text;
}
