import type { AgileClient } from './client.js';
import type { Note } from './schemas.js';

/** What the bot wrote: a note is recognised by exactly these two. */
export interface NoteText {
  subject: string;
  description: string;
}

/**
 * The newest of `notes` with exactly this subject and text (surrounding whitespace aside): a note
 * edited in Agile since no longer matches.
 */
export function newestMatching(notes: readonly Note[], note: NoteText): Note | undefined {
  const description = note.description.trim();
  return notes
    .filter((n) => n.subject === note.subject && n.description.trim() === description)
    .sort((a, b) => (b.created_time ?? 0) - (a.created_time ?? 0))[0];
}

/**
 * A note the bot wrote on a deal, found among the deal's notes (GET api/opportunity/{id}/notes). Agile
 * answers a deal note's POST with the deal, so the note's id is only ever known this way. Agile
 * errors throw.
 */
export async function findDealNote(
  agile: AgileClient,
  dealId: string,
  note: NoteText,
): Promise<Note | undefined> {
  return newestMatching(await agile.notes.listForDeal(dealId), note);
}

/** A note the bot wrote on a contact, found among the contact's notes (a write that got no answer). */
export async function findContactNote(
  agile: AgileClient,
  contactId: string,
  note: NoteText,
): Promise<Note | undefined> {
  return newestMatching(await agile.notes.listForContact(contactId), note);
}
