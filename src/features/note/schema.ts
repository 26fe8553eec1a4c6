import { z } from 'zod';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';

/**
 * Agile documents no length limit for a note (the simulator has none either), so ours is Slack's:
 * a message is cut at 40,000 characters, and the quick path can send that much back to the user
 * (message-views.ts planQuote) if the write fails.
 */
export const NOTE_TEXT_MAX = 40_000;
/** A subject is one line in the CRM timeline. */
export const NOTE_SUBJECT_MAX = 250;

/** What is wrong with a note's text (modal and quick path alike), or undefined when it may be written. */
export function noteTextIssue(text: string | undefined): string | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return 'Write the note';
  if (trimmed.length > NOTE_TEXT_MAX)
    return `The note is ${trimmed.length.toLocaleString('en-US')} characters; keep it under ${NOTE_TEXT_MAX.toLocaleString('en-US')}`;
  return undefined;
}

const PICK_CONTACT = 'Pick the contact this note is about';

/** The Log note form; keys are BLOCK keys so each issue shows under its input. The text is kept as typed. */
export const noteFormSchema = z.object({
  contact: z.string({ error: PICK_CONTACT }).min(1, PICK_CONTACT),
  subject: z
    .string()
    .trim()
    .max(NOTE_SUBJECT_MAX, `Keep the subject under ${NOTE_SUBJECT_MAX} characters`)
    .optional(),
  note: z.string({ error: 'Write the note' }).superRefine((text, ctx) => {
    const issue = noteTextIssue(text);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  }),
});

export type NoteForm = z.output<typeof noteFormSchema>;

// Shared with the Log thread form: it lives with the contact picker.
export { contactNameFromOption } from '../contacts/picker-view.js';

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

const noteMetaSchema = z.object({
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
  return decodeMetadata(raw, noteMetaSchema) ?? {};
}
