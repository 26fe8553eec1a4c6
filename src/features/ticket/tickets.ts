import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import {
  type AgileClient,
  isAgileError,
  type Ticket,
  type TicketFilter,
  type TicketMessage,
} from '../../platform/agile/index.js';
import { htmlToText } from '../../platform/html-text.js';
import { TIMEOUT, within } from '../../platform/within.js';

/** What the picker, the modal and the confirmations need of a ticket (no Slack types). */
export interface TicketSummary {
  id: string;
  subject: string;
  status: string;
  requesterName: string;
  requesterEmail: string;
  createdMs: number;
  lastUpdatedMs: number;
}

/** One message of a ticket's thread: the requester's mail, an agent's reply or a private note. */
export interface ThreadMessage {
  id: string;
  from: 'requester' | 'agent';
  author: string;
  visibility: Visibility;
  text: string;
  createdMs: number;
}

export type Visibility = 'public' | 'private';

/** What the modal saw when it showed the thread: a newer message at submission means a collision. */
export interface ThreadMark {
  count: number;
  latestMs: number;
}

export interface ReplyResult {
  ticketId: string;
  visibility: Visibility;
}

/** Statuses that still want an answer; CLOSED tickets are left out of the picker. */
const OPEN_STATUSES = ['NEW', 'OPEN', 'PENDING'] as const;
const ALL_STATUSES = [...OPEN_STATUSES, 'CLOSED'];

/** How long a listing counts as fresh; after that the picker answers from it while it refreshes. */
const FRESH_MS = 60_000;
/** A stale listing still beats an empty picker while Agile is slow, up to this age. */
const MAX_STALE_MS = 30 * 60_000;
/** Filters rarely change: an hour. */
const FILTERS_TTL_MS = 60 * 60_000;
const PAGE_SIZE = 100;
const MAX_PAGES = 3;
/**
 * Slack gives up on an options load after 3 s, and users feel anything over ~1 s: past this, answer
 * from the cache (same budget as the contact picker; bench target p99 < 1.5 s with a 2.5 s CRM).
 */
export const OPTIONS_BUDGET_MS = 1200;

// ---- pure helpers -----------------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * The reply as it goes into html_text: every HTML metacharacter escaped (the text lands in the
 * customer's email: no markup, no script), line breaks kept as `<br>` (plus the newline, so the
 * plain-text part Agile derives keeps them too).
 */
export function replyHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)
    .replace(/\r\n?|\n/g, '\n')
    .split('\n')
    .join('<br>\n');
}

export function toTicketSummary(t: Ticket): TicketSummary {
  return {
    id: t.id,
    subject: t.subject,
    status: (t.status ?? '').toUpperCase(),
    requesterName: (t.requester_name ?? '').trim(),
    requesterEmail: (t.requester_email ?? '').trim(),
    createdMs: t.created_time ?? 0,
    lastUpdatedMs: t.last_updated_time ?? t.created_time ?? 0,
  };
}

export function toThreadMessage(m: TicketMessage): ThreadMessage {
  const fromRequester = (m.created_by ?? '').toUpperCase() === 'REQUESTER';
  const text = m.plain_text?.trim() ? m.plain_text.trim() : htmlToText(m.html_text ?? '');
  return {
    id: m.id,
    from: fromRequester ? 'requester' : 'agent',
    author: fromRequester
      ? m.requester_name?.trim() || m.requester_email?.trim() || 'Requester'
      : m.domain_user?.name?.trim() || m.domain_user?.email?.trim() || 'Agent',
    visibility: (m.note_type ?? 'PUBLIC').toUpperCase() === 'PRIVATE' ? 'private' : 'public',
    text,
    createdMs: m.created_time ?? 0,
  };
}

/** Oldest first, the order a thread is read in. */
export function sortThread(messages: ThreadMessage[]): ThreadMessage[] {
  return [...messages].sort((a, b) => a.createdMs - b.createdMs || a.id.localeCompare(b.id));
}

/** Case-insensitive match on id, subject, requester name or email; an exact id comes first. */
export function searchTickets(tickets: TicketSummary[], query: string): TicketSummary[] {
  const q = query.trim().replace(/^#/, '').toLowerCase();
  if (q === '') return tickets;
  const exact = tickets.filter((t) => t.id === q);
  const rest = tickets.filter(
    (t) =>
      t.id !== q &&
      (t.id.startsWith(q) ||
        t.subject.toLowerCase().includes(q) ||
        t.requesterName.toLowerCase().includes(q) ||
        t.requesterEmail.toLowerCase().includes(q)),
  );
  return [...exact, ...rest];
}

/** Newest first (by creation), open only. */
export function openNewestFirst(tickets: TicketSummary[]): TicketSummary[] {
  const open = new Set<string>(OPEN_STATUSES);
  return tickets.filter((t) => open.has(t.status)).sort((a, b) => b.createdMs - a.createdMs);
}

function statusesOf(f: TicketFilter): string[] | null {
  if (f.conditions.length === 0) return null;
  const statuses: string[] = [];
  for (const c of f.conditions) {
    // A filter with any other condition (assignee, group…) would hide tickets: not usable here.
    if (c.CONDITION !== 'TICKET_STATUS_IS' || typeof c.RHS !== 'string') return null;
    statuses.push(c.RHS.toUpperCase());
  }
  return statuses;
}

/**
 * The status-only filters to read to see every ticket with one of `wanted`: the single filter that
 * covers them all when there is one (Agile's "All Tickets"), else the union of status filters.
 */
export function chooseFilters(filters: TicketFilter[], wanted: readonly string[]): TicketFilter[] {
  const usable = filters
    .map((f) => ({ f, statuses: statusesOf(f) }))
    .filter((x): x is { f: TicketFilter; statuses: string[] } => x.statuses !== null);
  const covering = usable
    .filter((x) => wanted.every((s) => x.statuses.includes(s)))
    .sort((a, b) => a.statuses.length - b.statuses.length);
  if (covering[0]) return [covering[0].f];
  return usable.filter((x) => x.statuses.some((s) => wanted.includes(s))).map((x) => x.f);
}

// ---- the service ------------------------------------------------------------------------------

export interface TicketServiceDeps {
  agile: AgileClient;
  logger: Logger;
  now: () => Date;
}

export interface OpenTicketsAnswer {
  tickets: TicketSummary[];
  /** 'fresh': fetched or cached within a minute; 'stale': an older listing while Agile is slow; 'none': nothing yet. */
  source: 'fresh' | 'stale' | 'none';
}

export interface TicketService {
  /** Open tickets, newest first; from the cache when fresh. Throws Agile errors. */
  openTickets(): Promise<TicketSummary[]>;
  /**
   * For options loads: the open tickets matching `query`, answered within `budgetMs` from the
   * cache when Agile is slower (the refresh carries on in the background). Never throws.
   */
  searchOpenTickets(query: string, budgetMs?: number): Promise<OpenTicketsAnswer>;
  /** Any ticket by id (open ones from the cache), or undefined when Agile has none. */
  findTicket(ticketId: string): Promise<TicketSummary | undefined>;
  /** The ticket's messages, oldest first. */
  thread(ticketId: string): Promise<ThreadMessage[]>;
  /** Posts the reply (HTML-escaped) as a PUBLIC reply or a PRIVATE note. */
  reply(ticketId: string, text: string, visibility: Visibility): Promise<ReplyResult>;
}

/** The open tickets as last read, and when (the picker may answer from an older one while Agile is slow). */
interface Listing {
  atMs: number;
  tickets: TicketSummary[];
}

/**
 * The ticket reads behind the modal, the picker and the quick reply, with one cache of the open
 * tickets: fresh for a minute; after that a read refreshes it, and the picker answers from the older
 * listing (up to MAX_STALE_MS) when the refresh is slower than its budget or fails.
 */
export function createTicketService({ agile, logger, now }: TicketServiceDeps): TicketService {
  const nowMs = () => now().getTime();
  const perf = { now: nowMs };
  const filters = new LRUCache<'filters', TicketFilter[]>({
    max: 1,
    ttl: FILTERS_TTL_MS,
    ttlResolution: 0,
    perf,
    fetchMethod: () => agile.tickets.filters(),
  });
  const listings = new LRUCache<'open', Listing>({
    max: 1,
    ttl: FRESH_MS,
    ttlResolution: 0,
    perf,
    // A failed refresh keeps the older listing: the picker still answers from it.
    noDeleteOnFetchRejection: true,
    fetchMethod: async () => ({ atMs: nowMs(), tickets: openNewestFirst(await listStatuses(OPEN_STATUSES)) }),
  });

  async function listStatuses(wanted: readonly string[]): Promise<TicketSummary[]> {
    const chosen = chooseFilters((await filters.fetch('filters')) ?? [], wanted);
    if (chosen.length === 0) {
      logger.warn({ wanted }, 'no status-only ticket filter in Agile; cannot list tickets');
      return [];
    }
    const byId = new Map<string, TicketSummary>();
    for (const f of chosen) {
      const it = agile.tickets.iterate(f.id, {
        pageSize: PAGE_SIZE,
        maxPages: MAX_PAGES,
        sortKey: '-created_time',
      });
      for await (const t of it) byId.set(t.id, toTicketSummary(t));
    }
    return [...byId.values()];
  }

  const openTickets = async (): Promise<TicketSummary[]> => (await listings.fetch('open'))?.tickets ?? [];
  /** The last listing, however old (peek: no refresh, no eviction). */
  const lastListing = () => listings.peek('open', { allowStale: true });

  return {
    openTickets,

    async searchOpenTickets(query, budgetMs = OPTIONS_BUDGET_MS) {
      const pending = openTickets();
      // The refresh keeps going after the budget: the next keystroke gets its result.
      pending.catch((err) => logger.warn({ err }, 'refreshing the open tickets failed'));
      try {
        const result = await within(pending, budgetMs);
        if (result !== TIMEOUT) return { tickets: searchTickets(result, query), source: 'fresh' };
      } catch {
        // Agile failed: fall back to whatever we had.
      }
      const stale = lastListing();
      if (stale && nowMs() - stale.atMs < MAX_STALE_MS) {
        return { tickets: searchTickets(stale.tickets, query), source: 'stale' };
      }
      return { tickets: [], source: 'none' };
    },

    async findTicket(ticketId) {
      const hit = lastListing()?.tickets.find((t) => t.id === ticketId);
      if (hit) return hit;
      const all = await listStatuses(ALL_STATUSES);
      const listed = all.find((t) => t.id === ticketId);
      if (listed) return listed;
      // Older than the pages we read? A ticket with messages exists (there is no GET ticket by id).
      const messages = await agile.tickets.messages(ticketId).catch((err: unknown) => {
        // Agile refuses the notes of a ticket it does not have (404, or 400 "not found"): no such ticket.
        if (isAgileError(err) && (err.kind === 'not_found' || err.kind === 'invalid')) return [];
        throw err;
      });
      if (messages.length === 0) return undefined;
      const first = sortThread(messages.map(toThreadMessage))[0];
      return {
        id: ticketId,
        subject: '',
        status: '',
        requesterName: messages.find((m) => m.requester_name)?.requester_name ?? '',
        requesterEmail: messages.find((m) => m.requester_email)?.requester_email ?? '',
        createdMs: first?.createdMs ?? 0,
        lastUpdatedMs: 0,
      };
    },

    async thread(ticketId) {
      const messages = await agile.tickets.messages(ticketId);
      return sortThread(messages.map(toThreadMessage));
    },

    async reply(ticketId, text, visibility) {
      await agile.tickets.addNote(ticketId, {
        html_text: replyHtml(text),
        note_type: visibility === 'public' ? 'PUBLIC' : 'PRIVATE',
      });
      return { ticketId, visibility };
    },
  };
}
