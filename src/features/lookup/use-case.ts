import type { Deps } from '../../app/deps.js';
import {
  type AgileClient,
  buildContactProperties,
  type Contact,
  getPhones,
} from '../../platform/agile/index.js';
import { audited } from '../../platform/audit.js';
import { onceKey, runOnce } from '../../platform/store/run-once.js';
import { agileEmailFor } from '../../platform/workspace/identity.js';
import { type ContactCardData, fetchActivity, withActivity } from '../contact-card/use-case.js';
import { findContactsByEmail } from '../contacts/find-contact.js';
import { classifyLookupQuery, type LookupQuery } from '../contacts/lookup-query.js';
import { rankContacts, scoreContact } from '../contacts/ranking.js';

/** Cards per answer: five cards with their activity fill a message without crowding it. */
export const MAX_CARDS = 5;
/** Full-text page sizes: enough candidates for the ranker, small enough to stay fast. */
const PERSON_PAGE = 25;
const COMPANY_PAGE = 10;
/** Per-word fallback searches (a typo in one word makes Agile's all-words search find nothing). */
const MAX_FALLBACK_TERMS = 4;
/** A fallback candidate must resemble the query this much, or it is noise from a short word. */
const FALLBACK_MIN_SCORE = 0.3;

/** How many contacts matched, by kind: a company's card is not a person. */
export interface MatchCounts {
  people: number;
  companies: number;
}

export type LookupResult =
  | { kind: 'found'; cards: ContactCardData[]; total: number; counts: MatchCounts }
  /** `email` is set when the query was an email: the answer offers to create that contact. */
  | { kind: 'not_found'; email?: string };

const byId = (contacts: Contact[]): Contact[] => [...new Map(contacts.map((c) => [c.id, c])).values()];

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** The forms a phone may be stored in: as typed, digits with a leading +, bare digits. */
export function phoneForms(raw: string): string[] {
  const digits = digitsOf(raw);
  return [...new Set([raw.trim(), `+${digits}`, digits].filter((f) => f !== '' && f !== '+'))];
}

/**
 * A contact by phone: every stored form is tried at once (search by phone is an exact match in Agile),
 * then a full-text search whose phones end with the typed digits (a number typed without its country code).
 */
export async function findContactsByPhone(agile: AgileClient, raw: string): Promise<Contact[]> {
  const settled = await Promise.allSettled(phoneForms(raw).map((f) => agile.contacts.searchByPhone(f)));
  for (const s of settled) if (s.status === 'fulfilled' && s.value) return [s.value];
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const wanted = digitsOf(raw);
  // Full-text on the last group of digits ("0101"), then compare whole numbers: a number typed
  // without its country code ("(206) 555-0101") still finds "+1 206 555 0101".
  const lastGroup = /\d{4,}(?=\D*$)/.exec(raw)?.[0] ?? wanted;
  const candidates = await agile.contacts.search(lastGroup, { type: 'PERSON', pageSize: PERSON_PAGE });
  return candidates.filter((c) =>
    getPhones(c).some((p) => {
      const have = digitsOf(p.value);
      return have.length >= wanted.length && have.endsWith(wanted);
    }),
  );
}

/** Words worth searching alone when the whole query found nothing: each word, and a prefix of long ones. */
export function fallbackTerms(words: string[]): string[] {
  const terms: string[] = [];
  for (const w of words) {
    if (w.length >= 3) terms.push(w);
    // A typo in a longer word ("hopepr") usually spares its first letters ("hop" finds Hopper).
    if (w.length >= 5) terms.push(w.slice(0, 3));
  }
  return [...new Set(terms.map((t) => t.toLowerCase()))].slice(0, MAX_FALLBACK_TERMS);
}

async function searchBoth(agile: AgileClient, q: string): Promise<Contact[]> {
  const [people, companies] = await Promise.all([
    agile.contacts.search(q, { type: 'PERSON', pageSize: PERSON_PAGE }),
    agile.contacts.search(q, { type: 'COMPANY', pageSize: COMPANY_PAGE }),
  ]);
  return [...people, ...companies];
}

/**
 * People and companies matching name words, best first. Agile's search wants every word to match,
 * so when the whole query finds nothing each word is searched alone and only close matches are kept.
 */
export async function findContactsByName(agile: AgileClient, words: string[]): Promise<Contact[]> {
  const query = words.join(' ');
  const whole = byId(await searchBoth(agile, query));
  if (whole.length > 0) {
    // Agile matched these (maybe on a field the ranker does not read, e.g. a title): keep them all.
    const ranked = rankContacts(query, whole);
    const rankedIds = new Set(ranked.map((c) => c.id));
    return [...ranked, ...whole.filter((c) => !rankedIds.has(c.id))];
  }
  const terms = fallbackTerms(words);
  if (terms.length === 0) return [];
  const perTerm = await Promise.all(terms.map((t) => searchBoth(agile, t)));
  return rankContacts(query, byId(perTerm.flat())).filter(
    (c) => scoreContact(query, c) >= FALLBACK_MIN_SCORE,
  );
}

/** The resolution cascade: email → search by email, phone → search by phone, else full-text. */
export async function findContacts(agile: AgileClient, target: LookupQuery): Promise<Contact[]> {
  switch (target.kind) {
    case 'email':
      return findContactsByEmail(agile, target.email);
    case 'phone':
      return findContactsByPhone(agile, target.raw);
    case 'name':
      return findContactsByName(agile, target.words);
  }
}

export function countMatches(contacts: Contact[]): MatchCounts {
  const companies = contacts.filter((c) => c.type === 'COMPANY').length;
  return { people: contacts.length - companies, companies };
}

/** `/crm lookup …`: the matching contacts (at most `maxCards`, with activity) and how many matched. */
export async function lookupContacts(
  agile: AgileClient,
  query: string | LookupQuery,
  { now, maxCards = MAX_CARDS }: { now: () => Date; maxCards?: number },
): Promise<LookupResult> {
  const target = typeof query === 'string' ? classifyLookupQuery(query) : query;
  const found = await findContacts(agile, target);
  if (found.length === 0)
    return target.kind === 'email' ? { kind: 'not_found', email: target.email } : { kind: 'not_found' };
  const cards = await withActivity(agile, found.slice(0, maxCards), now);
  return { kind: 'found', cards, total: found.length, counts: countMatches(found) };
}

/** "ana.lopez+crm@x.com" → { firstName: "Ana", lastName: "Lopez" }: Agile requires a first name. */
export function namesFromEmail(email: string): { firstName: string; lastName?: string } {
  const local = (email.split('@')[0] ?? '').split('+')[0] ?? '';
  // Dots, underscores and spaces part the names; a hyphen or apostrophe inside one stays
  // ("jane.o-brien" → Jane O-Brien), unless hyphens are the only separator ("ana-lopez" → Ana Lopez).
  const separator = /[._\s]/.test(local) ? /[._\s]+/ : /-+/;
  const parts = local
    .split(separator)
    .map((p) => p.replace(/^[-'’]+|[-'’]+$/g, ''))
    .filter((p) => /\p{L}/u.test(p))
    .map(capitaliseName);
  const [first, ...rest] = parts;
  if (!first) return { firstName: local || email };
  return rest.length > 0 ? { firstName: first, lastName: rest.join(' ') } : { firstName: first };
}

/** "o'brien" → "O'Brien", "o-brien" → "O-Brien": each piece between hyphens/apostrophes capitalised. */
function capitaliseName(part: string): string {
  return part
    .toLowerCase()
    .split(/([-'’])/)
    .map((piece) => piece.charAt(0).toUpperCase() + piece.slice(1))
    .join('');
}

/**
 * Creates a contact from an email unless one exists (any case): Agile has no upsert and refuses a
 * duplicate email, so this searches first. `created` is false when it already existed.
 * Agile makes the API user the owner of a new contact (the create call takes no owner), so with
 * `ownerEmail` (an Agile user's email, exactly as Agile has it) the owner is changed right after.
 * A failed owner change leaves the contact with the API user as owner and comes back as `ownerError`.
 */
export async function createContactFromEmail(
  agile: AgileClient,
  email: string,
  options: { ownerEmail?: string } = {},
): Promise<{ contact: Contact; created: boolean; ownerError?: unknown }> {
  const [existing] = await findContactsByEmail(agile, email);
  if (existing) return { contact: existing, created: false };
  const { firstName, lastName } = namesFromEmail(email);
  const made = await agile.contacts.findOrCreate({
    type: 'PERSON',
    properties: buildContactProperties({ firstName, lastName, emails: [email] }),
  });
  const { ownerEmail } = options;
  if (!made.created || !ownerEmail) return made;
  if (made.contact.owner?.email?.toLowerCase() === ownerEmail.toLowerCase()) return made;
  try {
    return { contact: await agile.contacts.changeOwner(made.contact.id, ownerEmail), created: true };
  } catch (err) {
    return { ...made, ownerError: err };
  }
}

export interface CreateContactInput {
  teamId: string;
  /** The clicking user: their Agile user (same email) becomes the owner. */
  userId: string;
  /** The offer's message (channel + ts): a second click on the same offer is the same intent. */
  channel: string;
  offerTs: string;
  email: string;
}

export type CreateContactOutcome =
  | { status: 'done'; card: ContactCardData; created: boolean; replayed: boolean }
  /** The same offer is being answered by an earlier click. */
  | { status: 'in_progress' };

/**
 * Create contact (offered when a lookup by email found nobody), once per offer: a second click on
 * the same offer replays the first result ("created") instead of finding the contact it just made
 * and saying "already exists"; a click on another offer for the same email says it already exists.
 */
export async function createContactFromOffer(
  deps: Pick<
    Deps,
    'agile' | 'store' | 'now' | 'slackUsers' | 'owners' | 'logger' | 'audit' | 'teamId' | 'connection'
  >,
  input: CreateContactInput,
): Promise<CreateContactOutcome> {
  const email = input.email.trim();
  const key = onceKey(
    'lookup.createContact',
    input.teamId,
    input.channel,
    input.offerTs,
    email.toLowerCase(),
  );
  const outcome = await runOnce(deps.store, key, async () => {
    const ownerEmail = await agileEmailOf(deps, input.userId);
    const { contact, created, ownerError } = await audited(
      deps.audit,
      {
        action: 'contact.create',
        actor: { teamId: input.teamId, userId: input.userId },
        summary: `New contact ${email}`,
        // A contact that already existed was not written.
        written: (made) => (made.created ? { recordIds: { contactId: made.contact.id } } : null),
      },
      () => createContactFromEmail(deps.agile, email, { ownerEmail }),
    );
    if (ownerError) deps.logger.warn({ err: ownerError }, 'Create contact: owner left as the API user');
    return { contactId: contact.id, created };
  });
  if (outcome.status === 'in_progress') return outcome;
  const contact = await deps.agile.contacts.get(outcome.result.contactId);
  if (!contact) throw new Error('the new contact could not be read back');
  const card = { contact, activity: await fetchActivity(deps.agile, contact.id, deps.now) };
  return { status: 'done', card, created: outcome.result.created, replayed: outcome.replayed };
}

/** The Agile user's email (as Agile spells it) of a Slack user, if they have one; never throws. */
async function agileEmailOf(
  deps: Pick<Deps, 'slackUsers' | 'owners' | 'logger' | 'store' | 'teamId' | 'connection'>,
  slackUserId: string,
): Promise<string | undefined> {
  try {
    return (await deps.owners.byEmail(await agileEmailFor(deps, slackUserId)))?.email;
  } catch (err) {
    deps.logger.warn({ err }, 'Create contact: could not find the clicking user in the CRM');
    return undefined;
  }
}
