import { createHash } from 'node:crypto';
import type { AgileClient, Contact } from '../../platform/agile/index.js';
import type { Store } from '../../platform/store/index.js';
import { runOnce } from '../../platform/store/run-once.js';
import { findContactByEmail } from '../contacts/find-contact.js';

/**
 * Agile documents no length limit for a note (the simulator has none either), so ours is Slack's:
 * a message is cut at 40,000 characters, and the quick path can send that much back to the user
 * (views/note-messages.ts planQuote) if the write fails.
 */
export const NOTE_TEXT_MAX = 40_000;
/** A subject is one line in the CRM timeline. */
export const NOTE_SUBJECT_MAX = 250;
/** Subject made from the note's first line when none is given. */
const DERIVED_SUBJECT_MAX = 80;

/** Where a note written from Slack came from: the footer tells the CRM timeline who and where. */
export interface NoteOrigin {
  /** Slack name of whoever logged it. */
  loggedByName: string;
  /** Channel name without '#'; undefined for a direct message. */
  channelName?: string;
  /** Permalink of the message the note was made from. */
  permalink?: string;
  /** Name of the message's author, when the note was made from a message. */
  authorName?: string;
}

export interface NoteDraft {
  contactId?: string;
  subject?: string;
  text?: string;
}

export type NoteField = 'contact' | 'subject' | 'note';

/** Slack reports DMs and private groups under these pseudo-names: there is no channel to name. */
const NOT_A_CHANNEL = new Set(['directmessage', 'privategroup', 'mpdm']);

/** `#sales`, or undefined for a DM / unknown channel. */
export function channelLabel(channelName: string | undefined): string | undefined {
  const name = channelName?.trim().replace(/^#/, '');
  if (!name || NOT_A_CHANNEL.has(name) || name.startsWith('mpdm-')) return undefined;
  return `#${name}`;
}

/** "Logged from Slack by Alice in #sales — https://…/p123": plain text, since Agile stores notes as text. */
export function buildNoteFooter(origin: NoteOrigin): string {
  const where = channelLabel(origin.channelName);
  const by = `Logged from Slack by ${origin.loggedByName.trim() || 'a Slack user'}`;
  return `${by}${where ? ` in ${where}` : ''}${origin.permalink ? ` — ${origin.permalink}` : ''}`;
}

/** The note body stored in Agile: the text, who wrote the message (if any), then the footer last. */
export function composeNoteDescription(text: string, origin: NoteOrigin): string {
  const author = origin.authorName ? `Message by ${origin.authorName}\n` : '';
  return `${text.trimEnd()}\n\n${author}${buildNoteFooter(origin)}`;
}

/** The first non-empty line, whitespace collapsed, cut to a short subject. */
export function deriveSubject(text: string): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l !== '');
  if (!line) return 'Note from Slack';
  return line.length <= DERIVED_SUBJECT_MAX ? line : `${line.slice(0, DERIVED_SUBJECT_MAX - 1).trimEnd()}…`;
}

/** Everything checked before any I/O; an empty object means the draft may be written. */
export function validateNote(draft: NoteDraft): Partial<Record<NoteField, string>> {
  const errors: Partial<Record<NoteField, string>> = {};
  if (!draft.contactId) errors.contact = 'Pick the contact this note is about';
  const text = draft.text?.trim() ?? '';
  if (text === '') errors.note = 'Write the note';
  else if (text.length > NOTE_TEXT_MAX)
    errors.note = `The note is ${text.length.toLocaleString('en-US')} characters; keep it under ${NOTE_TEXT_MAX.toLocaleString('en-US')}`;
  if ((draft.subject?.trim().length ?? 0) > NOTE_SUBJECT_MAX)
    errors.subject = `Keep the subject under ${NOTE_SUBJECT_MAX} characters`;
  return errors;
}

export interface NoteWrite {
  contactId: string;
  subject?: string;
  text: string;
  origin: NoteOrigin;
}

/** Writes one note related to one contact; the subject defaults to the text's first line. */
export async function writeNote(agile: AgileClient, input: NoteWrite): Promise<{ noteId: string }> {
  const subject = input.subject?.trim() || deriveSubject(input.text);
  const note = await agile.notes.createForContacts({
    subject,
    description: composeNoteDescription(input.text, input.origin),
    contactIds: [input.contactId],
  });
  return { noteId: String(note.id) };
}

export interface SourceMessage {
  channel: string;
  ts: string;
  permalink?: string;
}

export type MessageNoteResult =
  | { status: 'logged'; noteId: string; permalink: string | null }
  /** This message was already logged to this contact (now, or by a concurrent submission). */
  | { status: 'already'; permalink: string | null; loggedBy: string | null };

/**
 * Logs a Slack message as a note, once per (message, contact): an earlier log answers 'already'
 * without writing, and a concurrent one (two people, same message) is held off by a claim in the store.
 */
export async function logMessageNote(
  deps: { agile: AgileClient; store: Store },
  input: NoteWrite & { message: SourceMessage; loggedBy: string },
): Promise<MessageNoteResult> {
  const { channel, ts } = input.message;
  const earlier = await deps.store.loggedMessages.find(channel, ts, input.contactId);
  if (earlier) return { status: 'already', permalink: earlier.permalink, loggedBy: earlier.loggedBy };
  const outcome = await runOnce(deps.store, `note-message:${channel}:${ts}:${input.contactId}`, async () => {
    const { noteId } = await writeNote(deps.agile, input);
    await deps.store.loggedMessages.record({
      channel,
      ts,
      contactId: input.contactId,
      noteId,
      permalink: input.message.permalink ?? null,
      loggedBy: input.loggedBy,
    });
    return { noteId };
  });
  if (outcome.status === 'done' && !outcome.replayed)
    return { status: 'logged', noteId: outcome.result.noteId, permalink: input.message.permalink ?? null };
  return { status: 'already', permalink: input.message.permalink ?? null, loggedBy: null };
}

/**
 * Idempotency key of `/crm note <email> <text>`: a slash command has no id of its own and its
 * trigger_id changes on each send, so the same text to the same email by the same user is one note
 * for as long as the key lives (runOnce with QUICK_PATH_TTL_SEC: within a minute of the first).
 */
export function quickNoteKey(userId: string, email: string, text: string): string {
  const hash = createHash('sha256').update(text.trim()).digest('hex').slice(0, 32);
  return `note-quick:${userId}:${email.trim().toLowerCase()}:${hash}`;
}

/**
 * The first of `emails` (in order) that belongs to a CRM contact, searched in parallel; a failed
 * search counts as "not found" since a preselection is a convenience, never worth an error.
 */
export async function findContactForEmails(agile: AgileClient, emails: string[]): Promise<Contact | null> {
  const found = await Promise.all(emails.map((e) => findContactByEmail(agile, e).catch(() => null)));
  return found.find((c): c is Contact => c !== null) ?? null;
}
