import { type AgileClient, type Contact, getEmails } from '../../platform/agile/index.js';

/** Full-text candidates checked for an email Agile did not match exactly. */
const EMAIL_FULL_TEXT_PAGE = 10;

/**
 * Every contact with this email. Agile matches emails case-sensitively: as typed, then lower-cased,
 * then a full-text search compared case-insensitively (a contact stored as Grace.Hopper@Example.com).
 */
export async function findContactsByEmail(agile: AgileClient, email: string): Promise<Contact[]> {
  const typed = email.trim();
  const exact = await agile.contacts.searchByEmail(typed);
  if (exact) return [exact];
  const lower = typed.toLowerCase();
  if (lower !== typed) {
    const found = await agile.contacts.searchByEmail(lower);
    if (found) return [found];
  }
  const candidates = await agile.contacts.search(typed, { type: 'PERSON', pageSize: EMAIL_FULL_TEXT_PAGE });
  return candidates.filter((c) => getEmails(c).some((e) => e.value.toLowerCase() === lower));
}

/** The contact with this email (the first match, see findContactsByEmail), or null. */
export async function findContactByEmail(agile: AgileClient, email: string): Promise<Contact | null> {
  const [first] = await findContactsByEmail(agile, email);
  return first ?? null;
}
