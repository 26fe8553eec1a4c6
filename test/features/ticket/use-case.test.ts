import { describe, expect, it } from 'vitest';
import type { HoldDeps } from '../../../src/features/ticket/held.js';
import type { ThreadMessage, TicketService } from '../../../src/features/ticket/tickets.js';
import { messagesSince, quickReply, threadMark } from '../../../src/features/ticket/use-case.js';
import { keyRecordingStore, recordingAuditTrail } from '../../helpers/recording-store.js';

const msg = (id: string, createdMs: number): ThreadMessage => ({
  id,
  from: 'requester',
  author: 'Ada',
  visibility: 'public',
  text: id,
  createdMs,
});

describe('collision check', () => {
  const seen = [msg('1', 1000), msg('2', 2000)];
  const mark = threadMark(seen);

  it('marks count and latest time', () => {
    expect(mark).toEqual({ count: 2, latestMs: 2000 });
  });

  it('finds messages later than the latest seen', () => {
    expect(messagesSince([...seen, msg('3', 3000)], mark).map((m) => m.id)).toEqual(['3']);
  });

  it('finds a surplus message with the same time (a clock that did not move)', () => {
    expect(messagesSince([...seen, msg('3', 2000)], mark).map((m) => m.id)).toEqual(['3']);
  });

  it('finds nothing when the thread is unchanged or shrank', () => {
    expect(messagesSince(seen, mark)).toEqual([]);
    expect(messagesSince([msg('1', 1000)], mark)).toEqual([]);
  });

  it('treats every message as new for a thread never shown', () => {
    expect(messagesSince(seen, { count: 0, latestMs: 0 })).toHaveLength(2);
  });
});

describe('quickReply', () => {
  function fakes() {
    const { store, keys } = keyRecordingStore();
    const replies: string[] = [];
    const tickets = {
      findTicket: async (id: string) => (id === '5' || id === '6' ? { id, subject: 'S' } : undefined),
      reply: async (ticketId: string, text: string, visibility: string) => {
        replies.push(`${ticketId}:${visibility}:${text}`);
        return { ticketId, visibility };
      },
    } as unknown as TicketService;
    const { audit, writes } = recordingAuditTrail();
    const connection = { workspace: null, personal: { email: 'u1@example.com' }, installerUserId: null };
    // Held replies have their own tests (held-reply.e2e.test.ts): here the reply is sent at once.
    const holdOff = { ticketReplyHoldSec: 0 } as unknown as HoldDeps;
    return { deps: { ...holdOff, tickets, store, audit, connection }, keys, replies, writes };
  }

  it('keys on team, user, ticket and text (trimmed), never on a clock or a trigger id', async () => {
    const { deps, keys } = fakes();
    const actor = { teamId: 'T1', userId: 'U1' };
    await quickReply(deps, actor, { ticketId: '5', text: 'Hi ' });
    await quickReply(deps, actor, { ticketId: '5', text: 'Hi' });
    await quickReply(deps, { ...actor, userId: 'U2' }, { ticketId: '5', text: 'Hi' });
    await quickReply(deps, { ...actor, teamId: 'T2' }, { ticketId: '5', text: 'Hi' });
    await quickReply(deps, actor, { ticketId: '6', text: 'Hi' });
    await quickReply(deps, actor, { ticketId: '5', text: 'Hi!' });
    const [key, same, ...others] = keys;
    expect(same).toBe(key);
    expect(new Set([key, ...others]).size).toBe(5);
    expect(key?.startsWith('ticket.quick:')).toBe(true);
  });

  it('sends a PUBLIC reply, audited without its text; an unknown ticket sends nothing', async () => {
    const { deps, replies, writes } = fakes();
    const actor = { teamId: 'T1', userId: 'U1' };
    expect(await quickReply(deps, actor, { ticketId: '5', text: 'Fixed' })).toEqual({
      kind: 'sent',
      subject: 'S',
      replayed: false,
    });
    expect(await quickReply(deps, actor, { ticketId: '404', text: 'Fixed' })).toEqual({ kind: 'no_ticket' });
    expect(replies).toEqual(['5:public:Fixed']);
    expect(writes).toEqual([
      {
        action: 'ticket.reply.public',
        actor,
        recordIds: { ticketId: '5' },
        summary: '“S”: public reply (5 characters)',
        outcome: 'ok',
      },
    ]);
  });

  it('sends no public reply for a user without a personal Agile connection, and reads nothing', async () => {
    const { deps, replies, keys, writes } = fakes();
    let reads = 0;
    const tickets = {
      ...deps.tickets,
      findTicket: async () => {
        reads++;
        return { id: '5', subject: 'S' };
      },
    } as unknown as TicketService;
    const outcome = await quickReply(
      { ...deps, tickets, connection: { ...deps.connection, personal: null } },
      { teamId: 'T1', userId: 'U1' },
      { ticketId: '5', text: 'Fixed' },
    );
    expect(outcome).toEqual({ kind: 'needs_connection' });
    expect({ reads, replies, keys, writes }).toEqual({ reads: 0, replies: [], keys: [], writes: [] });
  });
});
