import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStoreHousekeeping } from '../../../src/platform/store/housekeeping.js';
import { openStore, type Store, type UndoActionInput } from '../../../src/platform/store/index.js';
import { UNDO_LEASE_MS } from '../../../src/platform/store/undo-actions.js';
import { storeTargets } from '../../helpers/store-targets.js';

const targets = await storeTargets('undo', 'undo');

// Above 2^53: must come back exactly as written.
const BIG_ID = '9007199254740993123';
const input = (over: Partial<UndoActionInput> = {}): UndoActionInput => ({
  teamId: 'T1',
  userId: 'U1',
  kind: 'deal.move',
  refs: { dealId: BIG_ID },
  previous: { milestone: 'Proposal' },
  fingerprint: { milestone: 'Won' },
  ttlMs: 10 * 60_000,
  ...over,
});

describe.each(targets)('undo actions store: %s', (_name, fresh) => {
  let store: Store;
  let other: Store;
  let t = Date.parse('2026-03-10T08:00:00Z');
  const now = () => new Date(t);
  beforeEach(async () => {
    const db = await fresh();
    store = await openStore(db, { now });
    other = await openStore(db, { now });
  });
  afterEach(async () => {
    await store.close();
    await other.close();
  });

  it('records an action and reads it back with ids as exact strings', async () => {
    const recorded = await store.undoActions.record(input());
    const read = await other.undoActions.get(recorded.id);
    expect(read).toEqual({
      id: recorded.id,
      teamId: 'T1',
      userId: 'U1',
      kind: 'deal.move',
      refs: { dealId: BIG_ID },
      previous: { milestone: 'Proposal' },
      fingerprint: { milestone: 'Won' },
      createdMs: t,
      expiresMs: t + 600_000,
      status: 'open',
      undoneMs: null,
    });
    const create = await store.undoActions.record(input({ kind: 'note.create', previous: null }));
    expect((await store.undoActions.get(create.id))?.previous).toBeNull();
    expect(await store.undoActions.get('nope')).toBeUndefined();
  });

  it('claims once: of two concurrent claims exactly one wins', async () => {
    const a = await store.undoActions.record(input());
    const claims = await Promise.all([store.undoActions.claim(a.id), other.undoActions.claim(a.id)]);
    expect(claims.map((c) => c.kind).sort()).toEqual(['claimed', 'closed']);
    expect(await store.undoActions.get(a.id)).toMatchObject({ status: 'undoing', undoneMs: t });
    expect((await store.undoActions.claim(a.id)).kind).toBe('closed');
    await store.undoActions.markUndone(a.id);
    expect((await store.undoActions.get(a.id))?.status).toBe('undone');
    t += UNDO_LEASE_MS;
    expect((await store.undoActions.claim(a.id)).kind).toBe('closed');
    expect((await store.undoActions.claim('missing')).kind).toBe('missing');
  });

  it('a claim whose process died mid-undo is taken over once its lease lapsed, by one click', async () => {
    const a = await store.undoActions.record(input());
    expect((await store.undoActions.claim(a.id)).kind).toBe('claimed');
    t += UNDO_LEASE_MS - 1;
    expect((await other.undoActions.claim(a.id)).kind).toBe('closed');
    t += 1;
    const again = await Promise.all([store.undoActions.claim(a.id), other.undoActions.claim(a.id)]);
    expect(again.map((c) => c.kind).sort()).toEqual(['claimed', 'closed']);
    await other.undoActions.markUndone(a.id);
    expect((await store.undoActions.get(a.id))?.status).toBe('undone');
  });

  it('release reopens a claim (a failed Agile call) and markFailed closes it for good', async () => {
    const a = await store.undoActions.record(input());
    expect((await store.undoActions.claim(a.id)).kind).toBe('claimed');
    await store.undoActions.release(a.id);
    expect(await store.undoActions.get(a.id)).toMatchObject({ status: 'open', undoneMs: null });
    expect((await other.undoActions.claim(a.id)).kind).toBe('claimed');
    await store.undoActions.markFailed(a.id);
    expect((await store.undoActions.claim(a.id)).kind).toBe('closed');
    expect((await store.undoActions.get(a.id))?.status).toBe('failed');
  });

  it('expires at the end of its window: the claim answers expired and marks it', async () => {
    const a = await store.undoActions.record(input());
    t += 600_000 - 1;
    const b = await store.undoActions.record(input());
    t += 1;
    expect((await store.undoActions.claim(a.id)).kind).toBe('expired');
    expect((await store.undoActions.get(a.id))?.status).toBe('expired');
    expect((await other.undoActions.claim(a.id)).kind).toBe('expired');
    expect((await store.undoActions.claim(b.id)).kind).toBe('claimed');
  });

  it('purges actions created before a cutoff', async () => {
    await store.undoActions.record(input());
    t += 1000;
    const kept = await store.undoActions.record(input());
    expect(await store.undoActions.purgeBefore(t)).toBe(1);
    expect(await store.undoActions.get(kept.id)).toBeDefined();
  });

  it('housekeeping deletes undo rows a day after their write', async () => {
    const old = await store.undoActions.record(input());
    t += 24 * 60 * 60_000 + 1;
    const recent = await store.undoActions.record(input());
    const housekeeping = createStoreHousekeeping({
      store,
      logger: pino({ level: 'silent' }),
      now,
      auditRetentionDays: 90,
    });
    expect((await housekeeping.run()).undoActions).toBe(1);
    expect(await store.undoActions.get(old.id)).toBeUndefined();
    expect(await store.undoActions.get(recent.id)).toBeDefined();
  });

  it('idempotency.forget drops a done key (an undone write may be made again), never one in progress', async () => {
    await store.idempotency.claim('k-done', 30);
    await store.idempotency.complete('k-done', { ok: true });
    await store.idempotency.claim('k-running', 30);
    await other.idempotency.forget('k-done');
    await other.idempotency.forget('k-running');
    expect((await store.idempotency.claim('k-done', 30)).status).toBe('claimed');
    expect((await other.idempotency.claim('k-running', 30)).status).not.toBe('claimed');
  });
});
