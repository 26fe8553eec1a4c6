import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import {
  chooseFilters,
  createTicketService,
  replyHtml,
  searchTickets,
  type TicketSummary,
} from '../../../src/features/ticket/tickets.js';
import type { TicketFilter } from '../../../src/platform/agile/index.js';
import { htmlToText } from '../../../src/platform/html-text.js';
import { requestsTo, startClientAndSimulator } from '../../platform/agile/sim.js';

describe('replyHtml', () => {
  it('escapes every HTML metacharacter and keeps line breaks', () => {
    expect(replyHtml(`<script>alert("x")</script> & 'b'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;b&#39;',
    );
    expect(replyHtml('a\nb\r\nc\rd')).toBe('a<br>\nb<br>\nc<br>\nd');
    expect(replyHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });

  it('never lets markup through and round-trips to the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const html = replyHtml(text);
        const withoutBreaks = html.replaceAll('<br>', '');
        expect(withoutBreaks).not.toMatch(/[<>"']/);
        expect(htmlToText(html)).toBe(text.replace(/\r\n?/g, '\n').trim());
      }),
    );
  });
});

describe('htmlToText', () => {
  it('turns breaks into newlines, drops tags and decodes entities', () => {
    expect(htmlToText('Hi<br />there</p><p>x</p>&amp;&lt;b&gt;')).toBe('Hi\nthere\nx\n&<b>');
  });
});

const ticket = (id: string, subject: string, requesterName = '', requesterEmail = ''): TicketSummary => ({
  id,
  subject,
  status: 'OPEN',
  requesterName,
  requesterEmail,
  createdMs: 0,
  lastUpdatedMs: 0,
});

describe('searchTickets', () => {
  const list = [
    ticket('12', 'Printer on fire', 'Ada Lovelace', 'ada@example.com'),
    ticket('1', 'Invoice 12 wrong', 'Bob', 'bob@example.com'),
    ticket('3', 'Login', 'Grace', 'grace@hopper.dev'),
  ];
  it('matches subject, requester name and email case-insensitively', () => {
    expect(searchTickets(list, 'PRINTER').map((t) => t.id)).toEqual(['12']);
    expect(searchTickets(list, 'grace').map((t) => t.id)).toEqual(['3']);
    expect(searchTickets(list, 'hopper.dev').map((t) => t.id)).toEqual(['3']);
  });
  it('puts an exact id first, with or without #', () => {
    expect(searchTickets(list, '#12').map((t) => t.id)).toEqual(['12', '1']);
    expect(searchTickets(list, '1').map((t) => t.id)).toEqual(['1', '12']);
  });
  it('returns everything for an empty query', () => {
    expect(searchTickets(list, '  ')).toHaveLength(3);
  });
});

const filter = (id: string, name: string, conditions: TicketFilter['conditions']): TicketFilter =>
  ({ id, name, conditions }) as TicketFilter;
const status = (s: string) => ({ LHS: 'status', CONDITION: 'TICKET_STATUS_IS', RHS: s });

describe('chooseFilters', () => {
  const all = filter('a', 'All Tickets', ['NEW', 'OPEN', 'PENDING', 'CLOSED'].map(status));
  const fresh = filter('n', 'New Tickets', [status('NEW')]);
  const open = filter('o', 'Open Tickets', [status('OPEN')]);
  const mine = filter('m', 'My Tickets', [{ LHS: 'assignee_id', CONDITION: 'EQUALS', RHS: '0' }]);
  it('takes the one filter covering every wanted status', () => {
    expect(chooseFilters([mine, fresh, all, open], ['NEW', 'OPEN', 'PENDING'])).toEqual([all]);
  });
  it('falls back to the union of status filters, never an assignee filter', () => {
    expect(chooseFilters([mine, fresh, open], ['NEW', 'OPEN', 'PENDING'])).toEqual([fresh, open]);
  });
});

describe('ticket service against the simulator', () => {
  let sim: AgileSimulator;
  let client: Awaited<ReturnType<typeof startClientAndSimulator>>['client'];
  let clockMs = Date.parse('2026-03-02T10:00:00Z');
  const now = () => new Date(clockMs);
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    ({ sim, client } = await startClientAndSimulator());
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('lists open tickets newest first, without CLOSED ones, and caches them', async () => {
    const service = createTicketService({ agile: client, logger, now });
    const open = await service.openTickets();
    const expected = sim.state.tickets
      .filter((t) => t.status !== 'CLOSED')
      .sort((a, b) => b.createdMs - a.createdMs)
      .map((t) => t.id);
    expect(open.map((t) => t.id)).toEqual(expected);
    const reads = requestsTo(sim, 'GET', 'tickets/filter').length;
    await service.openTickets();
    expect(requestsTo(sim, 'GET', 'tickets/filter').length).toBe(reads);
  });

  it('answers a search from the stale cache within the budget when Agile is slow', async () => {
    const service = createTicketService({ agile: client, logger, now });
    await service.openTickets();
    clockMs += 5 * 60_000;
    sim.faults.latencyMs = 600;
    const answer = await service.searchOpenTickets('sso', 100);
    // Answered from the old listing: the 600 ms refresh was still on its way.
    expect(answer.source).toBe('stale');
    expect(answer.tickets.map((t) => t.subject)).toEqual(['SSO login loop']);
    // The refresh went on in the background: waiting for it reads nothing more, and the next search is fresh.
    const reads = sim.requests.length;
    await service.openTickets();
    expect(sim.requests.length).toBe(reads);
    sim.faults.latencyMs = 0;
    expect((await service.searchOpenTickets('sso', 100)).source).toBe('fresh');
  });

  it('answers nothing (never throws) when Agile fails and nothing is cached', async () => {
    const service = createTicketService({ agile: client, logger, now });
    sim.faults.failNext(1, 401);
    expect(await service.searchOpenTickets('', 500)).toEqual({ tickets: [], source: 'none' });
  });

  it('finds any ticket by id, closed ones too, and undefined for an unknown id', async () => {
    const service = createTicketService({ agile: client, logger, now });
    const closed = sim.state.tickets.find((t) => t.status === 'CLOSED');
    expect((await service.findTicket(closed?.id ?? ''))?.subject).toBe('Request to close account');
    expect(await service.findTicket('424242')).toBeUndefined();
  });

  it('finds a ticket beyond the pages it lists by its messages', async () => {
    const service = createTicketService({ agile: client, logger, now });
    // Hide ticket 4 from the filters (as if it were older than the pages read); its messages stay.
    const hidden = sim.state.tickets.find((t) => t.id === '4');
    if (hidden) hidden.status = 'ARCHIVED';
    const found = await service.findTicket('4');
    expect(found).toMatchObject({ id: '4', requesterEmail: hidden?.requesterEmail });
  });

  it('reads a thread oldest first with requester, agent and private notes told apart', async () => {
    const service = createTicketService({ agile: client, logger, now });
    const thread = await service.thread('1');
    expect(thread.map((m) => [m.from, m.visibility])).toEqual([
      ['requester', 'public'],
      ['agent', 'public'],
      ['agent', 'private'],
    ]);
    expect(thread[0]?.author).toMatch(/\S/);
    expect(thread[1]?.author).not.toBe('Agent');
    expect(thread.every((m) => m.createdMs > 1e12)).toBe(true);
  });

  it('replies with escaped HTML as PUBLIC or PRIVATE', async () => {
    const service = createTicketService({ agile: client, logger, now });
    await service.reply('2', 'a < b\nok', 'private');
    await service.reply('2', 'public one', 'public');
    const added = sim.state.ticketNotes.filter((n) => n.ticketId === '2').slice(-2);
    expect(added.map((n) => [n.noteType, n.htmlText])).toEqual([
      ['PRIVATE', 'a &lt; b<br>\nok'],
      ['PUBLIC', 'public one'],
    ]);
  });
});
