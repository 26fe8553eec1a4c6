import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHeldReplySender } from '../../../src/features/ticket/held-sender.js';
import { openStore, type Store } from '../../../src/platform/store/index.js';

/** The sender's own rules (the e2e file covers sending): shutdown hands claims back, unknown teams fail. */

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function setup() {
  let t = Date.parse('2026-03-10T08:00:00Z');
  const now = () => new Date(t);
  const store = await openStore({ kind: 'sqlite', path: ':memory:' }, { now });
  stores.push(store);
  const teams: string[] = [];
  const deps = {
    store,
    now,
    logger: pino({ level: 'silent' }),
    forTeam: async (teamId: string) => {
      teams.push(teamId);
      return null;
    },
  };
  const { send } = await store.pendingSends.hold({
    teamId: 'T1',
    userId: 'U1',
    ticketId: '7',
    payload: { text: 'hello' },
    idempotencyKey: 'k1',
    dueMs: t + 30_000,
  });
  return {
    store,
    deps,
    teams,
    send,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('held reply sender', () => {
  it('stopped while claiming: the claim is handed back, held and due, and nothing is sent', async () => {
    const { store, deps, teams, send, advance } = await setup();
    advance(31_000);
    const sender = createHeldReplySender({ deps, instanceId: 'a' });
    const ticked = sender.tick();
    await sender.stop();
    expect(await ticked).toBe(1);
    expect(teams).toEqual([]);
    expect(await store.pendingSends.get(send.id)).toMatchObject({
      status: 'held',
      claimedBy: null,
      attempts: 1,
    });
    // The next instance claims it at once; its send will check the ticket first (attempts 2).
    const [again] = await store.pendingSends.claimDue('b', 60_000);
    expect(again).toMatchObject({ id: send.id, attempts: 2 });
  });

  it('nothing before it is due; a team no longer connected marks it failed', async () => {
    const { store, deps, teams, send, advance } = await setup();
    const sender = createHeldReplySender({ deps, instanceId: 'a' });
    expect(await sender.tick()).toBe(0);
    advance(30_000);
    expect(await sender.tick()).toBe(1);
    expect(teams).toEqual(['T1']);
    expect(await store.pendingSends.get(send.id)).toMatchObject({
      status: 'failed',
      error: 'team not connected',
    });
    await sender.stop();
  });
});
