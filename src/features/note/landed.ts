import { type AgileClient, findContactNote } from '../../platform/agile/index.js';

/**
 * Did a note write that got no answer land after all? The contact's notes are searched for one with
 * the same subject and text (the description the bot composed, footer included). The one check for
 * notes: the form, the quick path and the message shortcut all go through it (see writeNote).
 */
export async function noteLanded(
  agile: AgileClient,
  note: { contactId: string; subject: string; description: string },
): Promise<{ noteId: string } | null> {
  const found = await findContactNote(agile, note.contactId, note);
  return found ? { noteId: String(found.id) } : null;
}
