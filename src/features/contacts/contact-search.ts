import { type AgileClient, type Contact, getFullName, getPrimaryEmail } from '../../platform/agile/index.js';
import { createCachedSearch } from '../../platform/cached-search.js';
import type { Metrics } from '../../platform/metrics.js';
import { isEmail } from '../../platform/text.js';
import { findContactByEmail } from './find-contact.js';
import { foldText, rankContacts } from './ranking.js';

export interface ContactChoice {
  id: string;
  name: string;
  email?: string;
}

export interface ContactSearch {
  /** Ranked matches for what a user typed into a picker: email → exact search, else full-text. */
  search(query: string): Promise<ContactChoice[]>;
  /**
   * The same within `budgetMs` (Slack gives an options load 3 s): on a slow CRM, answers from the cache
   * (this query, else the longest cached prefix filtered locally) while the search goes on filling it.
   */
  searchWithin(query: string, budgetMs: number): Promise<{ choices: ContactChoice[]; complete: boolean }>;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 500;

export function toChoice(c: Contact): ContactChoice {
  return { id: c.id, name: getFullName(c) ?? c.id, email: getPrimaryEmail(c) };
}

/**
 * Full-text candidates for ranking. Agile's search wants every word to match, so a typo in one word
 * finds nothing: then each longer word is searched alone and the union goes to the ranker.
 */
export async function fullTextCandidates(
  agile: AgileClient,
  query: string,
  type: 'PERSON' | 'COMPANY',
): Promise<Contact[]> {
  const whole = await agile.contacts.search(query, { type, pageSize: 25 });
  const words = [...new Set(query.split(/\s+/).filter((w) => w.length >= 3))];
  if (whole.length > 0 || words.length < 2) return whole;
  const perWord = await Promise.all(
    words.slice(0, 3).map((w) => agile.contacts.search(w, { type, pageSize: 25 }).catch(() => [])),
  );
  const byId = new Map<string, Contact>();
  for (const c of perWord.flat()) byId.set(c.id, c);
  return [...byId.values()];
}

/** The longest cached prefix ("ad" for "ada l"), narrowed locally to what was typed since. */
function narrowFromPrefix(key: string, cached: ReadonlyMap<string, ContactChoice[]>): ContactChoice[] {
  let best: { key: string; choices: ContactChoice[] } | undefined;
  for (const [k, choices] of cached) {
    if (key.startsWith(k) && k.length > (best?.key.length ?? 0)) best = { key: k, choices };
  }
  if (!best) return [];
  const words = key.split(' ').filter(Boolean);
  return best.choices.filter((c) => {
    const text = foldText(`${c.name} ${c.email ?? ''}`);
    return words.every((w) => text.includes(w));
  });
}

export function createContactSearch(
  agile: AgileClient,
  now: () => Date = () => new Date(),
  metrics?: Metrics,
): ContactSearch {
  const fetchChoices = async (query: string): Promise<ContactChoice[]> => {
    const q = query.trim();
    if (isEmail(q)) {
      const exact = await findContactByEmail(agile, q);
      return exact ? [toChoice(exact)] : [];
    }
    return rankContacts(q, await fullTextCandidates(agile, q, 'PERSON')).map(toChoice);
  };
  const cached = createCachedSearch<ContactChoice>({
    fetch: fetchChoices,
    keyOf: foldText,
    fallback: narrowFromPrefix,
    ttlMs: TTL_MS,
    maxEntries: MAX_ENTRIES,
    now,
    metrics: { metrics, name: 'contact_search' },
  });
  return {
    search: cached.search,
    async searchWithin(query, budgetMs) {
      const { items, complete } = await cached.searchWithin(query, budgetMs);
      return { choices: items, complete };
    },
  };
}
