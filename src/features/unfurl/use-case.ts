import { LRUCache } from 'lru-cache';
import type { Deps } from '../../app/deps.js';
import {
  type Contact,
  type Deal,
  getCompanyName,
  getFullName,
  getPrimaryEmail,
  getPrimaryPhone,
  getProperty,
  getTitle,
  getWebsites,
} from '../../platform/agile/index.js';
import type { AgileLink } from './agile-link.js';
import type { RecordCard } from './views.js';

/** A link posted ten times in a minute costs one Agile read: cards (and "no such record") live this long. */
export const CARD_TTL_MS = 60_000;
const MAX_CARDS = 2000;

type CardDeps = Pick<Deps, 'agile' | 'tickets'>;

/** A cached answer: the card, or null for a record Agile does not have (cached too: no repeated 404s). */
interface Cached {
  card: RecordCard | null;
}

export function contactCard(c: Contact): RecordCard {
  if (c.type === 'COMPANY') {
    return {
      kind: 'company',
      name: getProperty(c, 'name') ?? getFullName(c) ?? '',
      website: getWebsites(c)[0]?.value,
      email: getPrimaryEmail(c),
      phone: getPrimaryPhone(c),
    };
  }
  return {
    kind: 'contact',
    name: getFullName(c) ?? getPrimaryEmail(c) ?? '',
    title: getTitle(c),
    company: getCompanyName(c),
    email: getPrimaryEmail(c),
    phone: getPrimaryPhone(c),
  };
}

export function dealCard(d: Deal): RecordCard {
  return {
    kind: 'deal',
    name: d.name,
    value: d.expected_value,
    milestone: d.milestone,
    owner: d.owner?.name ?? d.owner?.email,
    closeDateSec: d.close_date,
  };
}

/** One read of the record a link names; null when Agile has no such record. Agile errors throw. */
async function readCard(deps: CardDeps, link: AgileLink): Promise<RecordCard | null> {
  switch (link.kind) {
    case 'contact':
    case 'company': {
      const c = await deps.agile.contacts.get(link.id);
      return c ? contactCard(c) : null;
    }
    case 'deal': {
      const d = await deps.agile.deals.get(link.id);
      return d ? dealCard(d) : null;
    }
    case 'ticket': {
      const t = await deps.tickets.findTicket(link.id);
      if (!t) return null;
      return {
        kind: 'ticket',
        id: t.id,
        subject: t.subject,
        status: t.status || undefined,
        requester: t.requesterName || t.requesterEmail || undefined,
      };
    }
  }
}

export interface UnfurlCards {
  /** The card of a record (cached per team and record for CARD_TTL_MS); null = no such record. Throws Agile errors. */
  card(teamId: string, deps: CardDeps, link: AgileLink): Promise<RecordCard | null>;
}

/**
 * Cards keyed by team and record, so one cache serves every workspace without mixing them; concurrent
 * asks for one record share one read. Errors are not cached (the next link tries again).
 */
export function createUnfurlCards(now: () => Date): UnfurlCards {
  const cache = new LRUCache<string, Cached, { deps: CardDeps; link: AgileLink }>({
    max: MAX_CARDS,
    ttl: CARD_TTL_MS,
    ttlResolution: 0,
    perf: { now: () => now().getTime() + 1 },
    fetchMethod: async (_key, _stale, { context }) => ({ card: await readCard(context.deps, context.link) }),
  });
  return {
    async card(teamId, deps, link) {
      const key = `${teamId}:${link.kind === 'company' ? 'contact' : link.kind}:${link.id}`;
      const cached = await cache.fetch(key, { context: { deps, link } });
      return cached?.card ?? null;
    },
  };
}
