import { type Contact, getCompanyName, getEmails, getFullName } from '../../platform/agile/index.js';

/** Lower-case, strip accents and punctuation: "José O'Neil" and "jose oneil" compare equal. */
export function foldText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}@.+]+/gu, ' ')
    .trim();
}

function tokens(s: string): string[] {
  return foldText(s).split(/\s+/).filter(Boolean);
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so "lovelcae" is one
 * edit from "lovelace") with an early exit once every cell of a row exceeds `max` (small typos only).
 */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prevPrev[j - 2] ?? 0) + 1);
      }
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return false;
    prevPrev = prev;
    prev = cur;
  }
  return (prev[b.length] ?? Infinity) <= max;
}

/** How well one query token matches one candidate token: exact > prefix > small typo. */
function tokenScore(q: string, c: string): number {
  if (q === c) return 1;
  if (q.length >= 2 && c.startsWith(q)) return 0.8;
  const allowed = q.length >= 7 ? 2 : q.length >= 4 ? 1 : 0;
  if (allowed > 0 && withinEdits(q, c, allowed)) return 0.6;
  return 0;
}

/**
 * Relevance of a contact to a free-text query in [0, 1]: every query token finds its best match among
 * the contact's name, email (local part and domain) and company tokens; a full-name match ranks first.
 */
export function scoreContact(query: string, contact: Contact): number {
  const q = tokens(query);
  if (q.length === 0) return 0;
  const name = getFullName(contact) ?? '';
  const emails = getEmails(contact).map((e) => e.value);
  const haystack = [
    ...tokens(name),
    ...emails.flatMap((e) => tokens(e.replace(/[@.]/g, ' '))),
    ...emails.map((e) => e.toLowerCase()),
    ...tokens(getCompanyName(contact) ?? ''),
  ];
  let total = 0;
  for (const t of q) total += Math.max(0, ...haystack.map((h) => tokenScore(t, h)));
  let score = total / q.length;
  if (foldText(name) === foldText(query)) score += 0.5;
  else if (foldText(name).startsWith(foldText(query))) score += 0.2;
  return Math.min(1, score / 1.5);
}

/** Best first; contacts that match no query token at all are dropped; ties keep Agile's order. */
export function rankContacts(query: string, contacts: Contact[]): Contact[] {
  return contacts
    .map((contact, index) => ({ contact, index, score: scoreContact(query, contact) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((r) => r.contact);
}
