import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseConfig } from '../../../src/platform/config.js';
import { createKeyring, keyId } from '../../../src/platform/secrets.js';
import { pendingWriteKey } from '../../../src/platform/slack/failed-write.js';
import { ORPHANED_KEEP_MS } from '../../../src/platform/store/idempotency.js';
import {
  type AuditEntryInput,
  type DigestScheduleInput,
  MIGRATIONS,
  type OpenStoreOptions,
  openStore,
  type Store,
} from '../../../src/platform/store/index.js';
import { LEASE_SEC, runOnce } from '../../../src/platform/store/run-once.js';
import type { Installation } from '../../../src/platform/store/workspaces.js';
import { DEFAULT_SETTINGS } from '../../../src/platform/workspace/settings.js';

/** One database engine the contract runs against. */
export interface StoreTarget {
  /** A new, empty (never migrated) database; each call gives another one. */
  freshDatabase(): Promise<DatabaseConfig>;
  /** Drops everything freshDatabase created. */
  cleanup(): Promise<void>;
}

export function fakeClock(start = Date.parse('2026-03-10T08:00:00Z')) {
  let t = start;
  return {
    now: () => new Date(t),
    advanceSec(sec: number) {
      t += sec * 1000;
    },
  };
}

export function captureLogger() {
  const lines: { msg?: string; migrations?: string[]; keyId?: string; teamId?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

const uid = (prefix: string) => `${prefix}-${randomUUID()}`;
const execFileAsync = promisify(execFile);
const WORKER = fileURLToPath(new URL('./fixtures/claim-worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function scheduleInput(over: Partial<DigestScheduleInput> = {}): DigestScheduleInput {
  return {
    teamId: 'T1',
    channelId: uid('C'),
    time: '09:00',
    timeZone: 'Europe/Paris',
    horizonDays: 3,
    weekdaysOnly: false,
    ownerEmails: null,
    userId: 'U1',
    ...over,
  };
}

export function installation(over: Partial<Installation> = {}): Installation {
  return {
    teamId: uid('T'),
    teamName: 'Acme',
    enterpriseId: null,
    botToken: `xoxb-${randomUUID()}`,
    botUserId: 'UBOT',
    botId: 'BBOT',
    scopes: ['commands', 'chat:write'],
    installerUserId: 'UINSTALLER',
    installedMs: Date.parse('2026-03-10T08:00:00Z'),
    ...over,
  };
}

/** The behaviour every Store must have, whatever the database. */
export function describeStoreContract(name: string, target: StoreTarget): void {
  describe(`store contract: ${name}`, () => {
    let config: DatabaseConfig;
    let store: Store;
    const opened: Store[] = [];
    const open = async (opts?: OpenStoreOptions, cfg: DatabaseConfig = config) => {
      const s = await openStore(cfg, opts);
      opened.push(s);
      return s;
    };

    beforeAll(async () => {
      config = await target.freshDatabase();
      store = await open();
    });
    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close()));
      await target.cleanup();
    });

    describe('migrations', () => {
      it('migrationState reports every migration applied, the newest last', async () => {
        expect(await store.migrationState()).toEqual({
          applied: MIGRATIONS.length,
          latest: MIGRATIONS.at(-1)?.name,
        });
      });

      it('apply once when opened twice in a row', async () => {
        const cfg = await target.freshDatabase();
        const first = captureLogger();
        const second = captureLogger();
        await open({ logger: first.logger }, cfg);
        const again = await open({ logger: second.logger }, cfg);
        expect(first.lines.filter((l) => l.msg === 'store migrations applied')).toHaveLength(1);
        expect(second.lines.filter((l) => l.msg === 'store migrations applied')).toHaveLength(0);
        expect(await again.cache.get('x')).toBeUndefined();
      });

      it('apply exactly once when three stores open a fresh database at the same time', async () => {
        const cfg = await target.freshDatabase();
        const logs = [captureLogger(), captureLogger(), captureLogger()];
        const stores = await Promise.all(logs.map((l) => open({ logger: l.logger }, cfg)));
        const applied = logs.flatMap((l) => l.lines.filter((x) => x.msg === 'store migrations applied'));
        expect(applied).toHaveLength(1);
        await Promise.all(stores.map((s, i) => s.cache.set(`k${i}`, i, 60)));
        expect(await stores[0]?.cache.get('k2')).toBe(2);
      });

      it('three processes opening a fresh database at once: all migrate safely, one wins the run', async () => {
        const cfg = await target.freshDatabase();
        const args = (i: number) =>
          JSON.stringify({
            config: cfg,
            scheduleId: 'S-proc',
            localDate: '2026-03-10',
            instanceId: `proc-${i}`,
          });
        const outs = await Promise.all(
          [0, 1, 2].map((i) =>
            execFileAsync(process.execPath, ['--import', 'tsx', WORKER, args(i)], { cwd: REPO_ROOT }),
          ),
        );
        const results = outs.map((o) => JSON.parse(o.stdout.trim()) as { won: boolean });
        expect(results.filter((r) => r.won)).toHaveLength(1);
        const check = await open({}, cfg);
        expect((await check.digestRuns.find('S-proc', '2026-03-10'))?.instanceId).toMatch(/^proc-[012]$/);
      });
    });

    describe('idempotency', () => {
      it('20 concurrent claims of one key: exactly one is claimed, the rest see it in progress', async () => {
        const key = uid('view');
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.idempotency.claim(key, 600)),
        );
        expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'in_progress')).toHaveLength(19);
      });

      it('concurrent claims through three store instances: exactly one is claimed', async () => {
        const others = [await open(), await open()];
        const stores = [store, ...others];
        const key = uid('click');
        const results = await Promise.all(
          Array.from({ length: 21 }, (_, i) => stores[i % 3]?.idempotency.claim(key, 600)),
        );
        expect(results.filter((r) => r?.status === 'claimed')).toHaveLength(1);
      });

      it('complete stores the JSON result that later claims get back', async () => {
        const key = uid('view');
        expect(await store.idempotency.claim(key, 600)).toEqual({ status: 'claimed' });
        const result = { noteId: '5629499534213120', contact: { name: 'Zoë' }, tags: ['a', 'b'] };
        await store.idempotency.complete(key, result);
        expect(await store.idempotency.claim(key, 600)).toEqual({ status: 'done', result });
      });

      it('release lets a failed write be retried, but never forgets a completed one', async () => {
        const key = uid('view');
        await store.idempotency.claim(key, 600);
        await store.idempotency.release(key);
        expect(await store.idempotency.claim(key, 600)).toEqual({ status: 'claimed' });
        await store.idempotency.complete(key, 42);
        await store.idempotency.release(key);
        expect(await store.idempotency.claim(key, 600)).toEqual({ status: 'done', result: 42 });
      });

      it('markUnknown keeps the key: one next claim takes it over with afterUnknown, the others wait', async () => {
        const key = uid('view');
        await store.idempotency.claim(key, 600);
        await store.idempotency.markUnknown(key, 3600);
        const claims = await Promise.all(Array.from({ length: 5 }, () => store.idempotency.claim(key, 600)));
        expect(claims.filter((c) => c.status === 'claimed')).toEqual([
          { status: 'claimed', afterUnknown: true },
        ]);
        expect(claims.filter((c) => c.status === 'in_progress')).toHaveLength(4);
        await store.idempotency.complete(key, { ok: 1 });
        expect(await store.idempotency.claim(key, 600)).toEqual({ status: 'done', result: { ok: 1 } });
        // markUnknown never turns a completed key back
        await store.idempotency.markUnknown(key, 3600);
        expect(await store.idempotency.claim(key, 600)).toEqual({ status: 'done', result: { ok: 1 } });
      });

      it('an expired key can be claimed again and is purged, a live one is not (injected clock)', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const stale = uid('stale');
        const live = uid('live');
        await s.idempotency.claim(stale, 60);
        await s.idempotency.claim(live, 3600);
        clock.advanceSec(59);
        expect(await s.idempotency.claim(stale, 60)).toEqual({ status: 'in_progress' });
        clock.advanceSec(2);
        // Still in progress when it expired: its holder died mid-write, so the takeover checks first.
        expect(await s.idempotency.claim(stale, 60)).toEqual({ status: 'claimed', afterUnknown: true });
        await s.idempotency.complete(stale, 'found', 60);
        clock.advanceSec(61);
        const purged = await s.purgeExpired();
        expect(purged.idempotencyKeys).toBeGreaterThanOrEqual(1);
        expect(await s.idempotency.claim(live, 3600)).toEqual({ status: 'in_progress' });
        expect(await s.idempotency.claim(stale, 60)).toEqual({ status: 'claimed' });
      });
    });

    describe('idempotency leases (runOnce)', () => {
      it('a claim whose holder died (no renewal) is claimable once its lease lapses', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const key = uid('killed');
        expect(await s.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'claimed' });
        expect(s.idempotency.held()).toContain(key);
        clock.advanceSec(LEASE_SEC - 1);
        const other = await open({ now: clock.now });
        expect(await other.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'in_progress' });
        clock.advanceSec(2);
        // The dead holder's write may have reached the CRM: the takeover is told to check first.
        expect(await other.idempotency.claim(key, LEASE_SEC)).toEqual({
          status: 'claimed',
          afterUnknown: true,
        });
        expect(other.idempotency.held()).toEqual([key]);
      });

      it('a lapsed lease is taken over by one of several concurrent claims, with afterUnknown', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const key = uid('killed');
        await s.idempotency.claim(key, LEASE_SEC);
        clock.advanceSec(LEASE_SEC + 1);
        const others = [await open({ now: clock.now }), await open({ now: clock.now })];
        const claims = await Promise.all(
          Array.from({ length: 9 }, (_, i) => others[i % 2]?.idempotency.claim(key, LEASE_SEC)),
        );
        expect(claims.filter((c) => c?.status === 'claimed')).toEqual([
          { status: 'claimed', afterUnknown: true },
        ]);
        expect(claims.filter((c) => c?.status === 'in_progress')).toHaveLength(8);
        await Promise.all([s, ...others].map((x) => x?.close())); // connections are shared with other tests
      });

      it('purge keeps a lapsed lease for an hour (a retry still checks first), then deletes it', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const key = uid('orphan');
        await s.idempotency.claim(key, LEASE_SEC);
        clock.advanceSec(LEASE_SEC + 1);
        expect(await s.purgeExpired()).toMatchObject({ idempotencyKeys: 0 });
        clock.advanceSec(ORPHANED_KEEP_MS / 1000 - 2);
        expect(await s.purgeExpired()).toMatchObject({ idempotencyKeys: 0 });
        clock.advanceSec(2);
        expect(await s.purgeExpired()).toMatchObject({ idempotencyKeys: 1 });
        expect(await s.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'claimed' });
        // Within the hour, the retry after a purge run is told to check.
        const other = uid('orphan');
        await s.idempotency.claim(other, LEASE_SEC);
        clock.advanceSec(600);
        await s.purgeExpired();
        expect(await s.idempotency.claim(other, LEASE_SEC)).toEqual({
          status: 'claimed',
          afterUnknown: true,
        });
        await s.close();
      });

      it('a done or unknown key past its expiry is a plain claim (a new write, nothing to check)', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const done = uid('done');
        await s.idempotency.claim(done, LEASE_SEC);
        await s.idempotency.complete(done, 1, 60);
        const unknown = uid('unknown');
        await s.idempotency.claim(unknown, LEASE_SEC);
        await s.idempotency.markUnknown(unknown, 60);
        clock.advanceSec(61);
        expect(await s.idempotency.claim(done, LEASE_SEC)).toEqual({ status: 'claimed' });
        expect(await s.idempotency.claim(unknown, LEASE_SEC)).toEqual({ status: 'claimed' });
        await s.close();
      });

      it("the claim after an unknown outcome is a short lease, not the unknown key's day", async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const key = uid('unknown');
        await s.idempotency.claim(key, LEASE_SEC);
        await s.idempotency.markUnknown(key, 24 * 3600);
        const retry = await open({ now: clock.now });
        expect(await retry.idempotency.claim(key, LEASE_SEC)).toEqual({
          status: 'claimed',
          afterUnknown: true,
        });
        // The retry's process dies before its first renewal: the key is blocked for one lease only.
        clock.advanceSec(LEASE_SEC - 1);
        const next = await open({ now: clock.now });
        expect(await next.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'in_progress' });
        clock.advanceSec(2);
        expect(await next.idempotency.claim(key, LEASE_SEC)).toEqual({
          status: 'claimed',
          afterUnknown: true,
        });
        // A live retry renews that lease like any write.
        expect(await next.idempotency.renew(key, LEASE_SEC)).toBe(true);
        clock.advanceSec(LEASE_SEC - 1);
        expect(await s.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'in_progress' });
        await Promise.all([s, retry, next].map((x) => x.close()));
      });

      it('a long write keeps its lease past LEASE_SEC, then its result replays for a day', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const other = await open({ now: clock.now });
        const key = uid('long');
        let finish: (v: string) => void = () => undefined;
        let renewals = 0;
        const renew = s.idempotency.renew.bind(s.idempotency);
        const counting = {
          idempotency: {
            ...s.idempotency,
            claim: s.idempotency.claim.bind(s.idempotency),
            complete: s.idempotency.complete.bind(s.idempotency),
            release: s.idempotency.release.bind(s.idempotency),
            held: s.idempotency.held.bind(s.idempotency),
            renew: async (k: string, lease: number) => {
              renewals++;
              return renew(k, lease);
            },
          },
        };
        const running = runOnce(counting, key, () => new Promise<string>((r) => (finish = r)), {
          leaseRenewMs: 5,
        });
        // Three lease lengths of store time pass while the write runs; it renews all along.
        for (let i = 0; i < 9; i++) {
          clock.advanceSec(LEASE_SEC / 3);
          const before = renewals;
          await vi.waitFor(() => expect(renewals).toBeGreaterThan(before + 1));
          expect(await other.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'in_progress' });
        }
        finish('note-1');
        expect(await running).toEqual({ status: 'done', result: 'note-1', replayed: false });
        expect(s.idempotency.held()).not.toContain(key);
        const renewedAfter = renewals;
        clock.advanceSec(23 * 3600);
        expect(await other.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'done', result: 'note-1' });
        await new Promise((r) => setTimeout(r, 30));
        expect(renewals).toBe(renewedAfter);
        clock.advanceSec(2 * 3600);
        expect(await other.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'claimed' });
      });

      it('a failed write releases its key at once; renew does not revive a done or released key', async () => {
        const key = uid('fail');
        await expect(
          runOnce(store, key, async () => {
            throw new Error('Agile said no');
          }),
        ).rejects.toThrow('Agile said no');
        expect(store.idempotency.held()).not.toContain(key);
        expect(await store.idempotency.renew(key, LEASE_SEC)).toBe(false);
        expect(await store.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'claimed' });
        await store.idempotency.complete(key, 1);
        expect(await store.idempotency.renew(key, LEASE_SEC)).toBe(false);
      });
    });

    describe('loggedMessages', () => {
      it('records a message once per (channel, ts, contact) and keeps the first note', async () => {
        const channel = uid('C');
        const base = {
          teamId: 'T1',
          channel,
          ts: '1712345678.000100',
          loggedBy: 'U1',
          permalink: 'https://x.slack.com/p1',
        };
        expect(await store.loggedMessages.find(channel, base.ts, '111')).toBeUndefined();
        const first = await store.loggedMessages.record({ ...base, contactId: '111', noteId: 'N1' });
        expect(first.created).toBe(true);
        const dup = await store.loggedMessages.record({ ...base, contactId: '111', noteId: 'N2' });
        expect(dup).toMatchObject({ created: false, message: { noteId: 'N1', permalink: base.permalink } });
        const other = await store.loggedMessages.record({ ...base, contactId: '222', noteId: 'N3' });
        expect(other.created).toBe(true);
        expect(await store.loggedMessages.find(channel, base.ts, '111')).toMatchObject({
          channelId: channel,
          messageTs: base.ts,
          contactId: '111',
          noteId: 'N1',
          loggedBy: 'U1',
        });
      });

      it('concurrent records of the same message and contact: one is created', async () => {
        const channel = uid('C');
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.loggedMessages.record({
              teamId: 'T1',
              channel,
              ts: '1.2',
              contactId: '9',
              noteId: `N${i}`,
              loggedBy: 'U',
            }),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const winner = results.find((r) => r.created)?.message.noteId;
        expect(new Set(results.map((r) => r.message.noteId))).toEqual(new Set([winner]));
      });
    });

    describe('threadLogs', () => {
      it('keeps every log of a thread and answers the newest, per team', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const channel = uid('C');
        const base = {
          teamId: 'T1',
          channelId: channel,
          threadTs: '1712345678.000100',
          targetKind: 'contact' as const,
          targetId: '111',
          targetName: 'Ada Lovelace',
          loggedBy: 'U1',
          noteIds: ['N1', 'N2'],
        };
        expect(await s.threadLogs.latest('T1', channel, base.threadTs)).toBeUndefined();
        const first = await s.threadLogs.record(base);
        expect(first).toMatchObject({ ...base, viewId: null, createdMs: clock.now().getTime() });
        clock.advanceSec(60);
        await s.threadLogs.record({
          ...base,
          targetKind: 'deal',
          targetId: '42',
          targetName: 'Pilot',
          noteIds: ['N3'],
          viewId: 'V1',
        });
        expect(await s.threadLogs.latest('T1', channel, base.threadTs)).toMatchObject({
          targetKind: 'deal',
          targetId: '42',
          targetName: 'Pilot',
          noteIds: ['N3'],
          viewId: 'V1',
          createdMs: clock.now().getTime(),
        });
        expect(await s.threadLogs.latest('T2', channel, base.threadTs)).toBeUndefined();
        expect(await s.threadLogs.latest('T1', channel, '1712345678.000200')).toBeUndefined();
      });
    });

    describe('digestSchedules', () => {
      it('upsert creates, then replaces the settings keeping id and creator', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const input = scheduleInput({ ownerEmails: ['a@x.com', 'b@x.com'], weekdaysOnly: true });
        const created = await s.digestSchedules.upsert(input);
        expect(created).toMatchObject({
          teamId: 'T1',
          channelId: input.channelId,
          time: '09:00',
          timeZone: 'Europe/Paris',
          horizonDays: 3,
          weekdaysOnly: true,
          ownerEmails: ['a@x.com', 'b@x.com'],
          enabled: true,
          createdBy: 'U1',
          updatedBy: 'U1',
          createdMs: clock.now().getTime(),
          lastRun: null,
        });
        clock.advanceSec(3600);
        const replaced = await s.digestSchedules.upsert({
          ...input,
          time: '16:30',
          timeZone: 'America/New_York',
          horizonDays: 7,
          weekdaysOnly: false,
          ownerEmails: null,
          userId: 'U2',
        });
        expect(replaced).toMatchObject({
          id: created.id,
          time: '16:30',
          timeZone: 'America/New_York',
          horizonDays: 7,
          weekdaysOnly: false,
          ownerEmails: null,
          createdBy: 'U1',
          updatedBy: 'U2',
          createdMs: created.createdMs,
          updatedMs: created.createdMs + 3_600_000,
        });
        expect(await s.digestSchedules.get(input.channelId)).toEqual(replaced);
      });

      it('get of an unknown channel is undefined; delete removes once', async () => {
        const input = scheduleInput();
        expect(await store.digestSchedules.get(input.channelId)).toBeUndefined();
        await store.digestSchedules.upsert(input);
        expect(await store.digestSchedules.delete(input.channelId)).toBe(true);
        expect(await store.digestSchedules.delete(input.channelId)).toBe(false);
        expect(await store.digestSchedules.get(input.channelId)).toBeUndefined();
      });

      it('refuses a malformed time or horizon', async () => {
        await expect(store.digestSchedules.upsert(scheduleInput({ time: '24:00' }))).rejects.toThrow(/HH:MM/);
        await expect(store.digestSchedules.upsert(scheduleInput({ time: '9:00' }))).rejects.toThrow(/HH:MM/);
        await expect(store.digestSchedules.upsert(scheduleInput({ horizonDays: -1 }))).rejects.toThrow(
          /horizon/,
        );
      });

      it('listEnabled lists enabled schedules only, each with its latest run', async () => {
        const s = await open();
        const on = await s.digestSchedules.upsert(scheduleInput());
        const off = await s.digestSchedules.upsert(scheduleInput({ enabled: false }));
        const r1 = await s.digestRuns.claim(on.id, '2026-03-09', 'i1');
        const r2 = await s.digestRuns.claim(on.id, '2026-03-10', 'i1');
        expect(r1 && r2).toBeTruthy();
        if (r2) await s.digestRuns.markPosted(r2.id, '1700000000.000200');
        const list = await s.digestSchedules.listEnabled();
        const ids = list.map((x) => x.id);
        expect(ids).toContain(on.id);
        expect(ids).not.toContain(off.id);
        expect(list.find((x) => x.id === on.id)?.lastRun).toMatchObject({
          localDate: '2026-03-10',
          status: 'posted',
          messageTs: '1700000000.000200',
        });
        expect((await s.digestSchedules.get(on.channelId))?.lastRun?.localDate).toBe('2026-03-10');
      });

      // Its speed is measured by bench/digest.ts (scheduler tick over 1,000 schedules), not here.
      it('listEnabled returns 1,200 schedules with their last runs', async () => {
        const cfg = await target.freshDatabase();
        const s = await open({}, cfg);
        const inputs = Array.from({ length: 1200 }, (_, i) => scheduleInput({ channelId: `CB${i}` }));
        for (let i = 0; i < inputs.length; i += 100) {
          const chunk = await Promise.all(inputs.slice(i, i + 100).map((x) => s.digestSchedules.upsert(x)));
          await Promise.all(chunk.map((x) => s.digestRuns.claim(x.id, '2026-03-10', 'i')));
        }
        const list = await s.digestSchedules.listEnabled();
        expect(list).toHaveLength(1200);
        expect(list.every((x) => x.lastRun?.localDate === '2026-03-10')).toBe(true);
      });
    });

    describe('digestRuns', () => {
      it('three store instances claiming the same (schedule, date) at once: exactly one wins', async () => {
        const stores = [store, await open(), await open()];
        const scheduleId = uid('S');
        const results = await Promise.all(
          Array.from({ length: 9 }, (_, i) =>
            stores[i % 3]?.digestRuns.claim(scheduleId, '2026-03-10', `i${i}`),
          ),
        );
        const winners = results.filter((r) => r);
        expect(winners).toHaveLength(1);
        expect(await store.digestRuns.find(scheduleId, '2026-03-10')).toMatchObject({
          id: winners[0]?.id,
          status: 'claimed',
          attempts: 0,
          instanceId: winners[0]?.instanceId,
        });
        // Another day is another run.
        expect(await stores[1]?.digestRuns.claim(scheduleId, '2026-03-11', 'i1')).not.toBeNull();
      });

      it('counts attempts through failures to the final post; latestForSchedule is the latest date', async () => {
        const scheduleId = uid('S');
        expect(await store.digestRuns.latestForSchedule(scheduleId)).toBeUndefined();
        const early = await store.digestRuns.claim(scheduleId, '2026-02-28', 'i1');
        const run = await store.digestRuns.claim(scheduleId, '2026-03-01', 'i1');
        if (!run || !early) throw new Error('claim failed');
        await store.digestRuns.markFailed(run.id, 'ratelimited');
        expect(await store.digestRuns.latestForSchedule(scheduleId)).toMatchObject({
          id: run.id,
          status: 'failed',
          attempts: 1,
          error: 'ratelimited',
        });
        await store.digestRuns.markPosted(run.id, '1712345678.000100');
        const latest = await store.digestRuns.latestForSchedule(scheduleId);
        expect(latest).toMatchObject({
          status: 'posted',
          attempts: 2,
          messageTs: '1712345678.000100',
          error: null,
        });
        expect(latest?.postedMs).toEqual(expect.any(Number));
      });

      it("purges finished runs older than the cutoff, keeping each schedule's latest and claimed runs", async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const scheduleId = uid('S');
        const old = await s.digestRuns.claim(scheduleId, '2026-01-01', 'i1');
        const stillClaimed = await s.digestRuns.claim(scheduleId, '2026-01-02', 'i1');
        const latest = await s.digestRuns.claim(scheduleId, '2026-01-03', 'i1');
        const onlyRun = await s.digestRuns.claim(uid('S'), '2026-01-01', 'i1');
        if (!old || !stillClaimed || !latest || !onlyRun) throw new Error('claim failed');
        await s.digestRuns.markPosted(old.id, '1.1');
        await s.digestRuns.markPosted(latest.id, '1.2');
        await s.digestRuns.markFailed(onlyRun.id, 'x');
        clock.advanceSec(3600);
        expect(await s.digestRuns.purgeOlderThan(clock.now().getTime())).toBe(1);
        expect(await s.digestRuns.find(scheduleId, '2026-01-01')).toBeUndefined();
        expect(await s.digestRuns.find(scheduleId, '2026-01-02')).toBeDefined();
        expect(await s.digestRuns.latestForSchedule(scheduleId)).toMatchObject({ id: latest.id });
        expect(await s.digestRuns.latestForSchedule(onlyRun.scheduleId)).toMatchObject({ id: onlyRun.id });
      });

      describe('heartbeat and takeover', () => {
        const MIN = 60;
        const STALE_MS = 5 * MIN * 1000;
        let clock: ReturnType<typeof fakeClock>;
        let stores: Store[];
        beforeAll(async () => {
          clock = fakeClock();
          stores = [
            await open({ now: clock.now }),
            await open({ now: clock.now }),
            await open({ now: clock.now }),
          ];
        });
        const claimed = async (holder = 'dead') => {
          const run = await stores[0]?.digestRuns.claim(uid('S'), '2026-03-10', holder);
          if (!run) throw new Error('claim failed');
          return run;
        };
        const takeOver = (s: Store | undefined, runId: string, seenUpdatedMs: number, instanceId: string) =>
          s?.digestRuns.takeOver({ runId, seenUpdatedMs, instanceId, staleAfterMs: STALE_MS }) ?? null;

        it('three stores racing to take over one stale run: exactly one wins', async () => {
          const run = await claimed();
          clock.advanceSec(6 * MIN);
          const results = await Promise.all(
            Array.from({ length: 9 }, (_, i) => takeOver(stores[i % 3], run.id, run.updatedMs, `heir${i}`)),
          );
          const winners = results.filter((r) => r !== null);
          expect(winners).toHaveLength(1);
          const winner = winners[0];
          expect(winner).toMatchObject({ id: run.id, status: 'claimed', attempts: 1, messageTs: null });
          expect(winner?.updatedMs).toBe(clock.now().getTime());
          expect(await stores[1]?.digestRuns.find(run.scheduleId, run.localDate)).toMatchObject({
            instanceId: winner?.instanceId,
            attempts: 1,
          });
          // The taken-over run is fresh again: nobody takes it from the winner straight away.
          expect(await takeOver(stores[2], run.id, winner?.updatedMs ?? 0, 'late')).toBeNull();
          // The dead holder has lost it: no heartbeat, no attempt recorded under its name.
          expect(await stores[0]?.digestRuns.heartbeat('dead', [run.id])).toBe(0);
          expect(await stores[0]?.digestRuns.noteFailedAttempt(run.id, 'dead', 'x')).toBe(false);
        });

        it('a run whose holder keeps heart-beating is not taken over', async () => {
          const run = await claimed('alive');
          clock.advanceSec(4 * MIN);
          expect(await takeOver(stores[1], run.id, run.updatedMs, 'heir')).toBeNull();
          expect(await stores[0]?.digestRuns.heartbeat('alive', [run.id, uid('R')])).toBe(1);
          const beaten = await stores[0]?.digestRuns.find(run.scheduleId, run.localDate);
          expect(beaten?.updatedMs).toBe(clock.now().getTime());
          clock.advanceSec(2 * MIN);
          // 6 minutes after the claim but 2 after the beat: the old value no longer matches, the new one is fresh.
          expect(await takeOver(stores[1], run.id, run.updatedMs, 'heir')).toBeNull();
          expect(await takeOver(stores[1], run.id, beaten?.updatedMs ?? 0, 'heir')).toBeNull();
          // Another instance's heartbeat does not keep someone else's run alive.
          expect(await stores[1]?.digestRuns.heartbeat('heir', [run.id])).toBe(0);
          clock.advanceSec(4 * MIN);
          expect(await takeOver(stores[1], run.id, beaten?.updatedMs ?? 0, 'heir')).toMatchObject({
            instanceId: 'heir',
          });
        });

        it('a run whose main message is recorded is never taken over', async () => {
          const run = await claimed();
          await stores[0]?.digestRuns.markPosted(run.id, '1712345678.000300');
          const posted = await stores[0]?.digestRuns.find(run.scheduleId, run.localDate);
          clock.advanceSec(60 * MIN);
          expect(await takeOver(stores[1], run.id, posted?.updatedMs ?? 0, 'heir')).toBeNull();
          expect(await stores[2]?.digestRuns.find(run.scheduleId, run.localDate)).toMatchObject({
            status: 'posted',
            instanceId: 'dead',
            messageTs: '1712345678.000300',
          });
        });

        it('thread progress: kept replies until all are out; a stale thread is taken over once, let go at shutdown', async () => {
          const run = await claimed('poster');
          const thread = [{ text: 'part 1' }, { text: 'part 2' }, { text: 'part 3' }];
          await stores[0]?.digestRuns.markPosted(run.id, '1712345678.000400', thread);
          expect(await stores[1]?.digestRuns.pendingThread(run.id)).toEqual(thread);
          expect(await stores[0]?.digestRuns.threadProgress(run.id, 'poster', 1)).toBe(true);
          // Posted with replies left: the holder's heartbeat still counts, another's does not.
          expect(await stores[0]?.digestRuns.heartbeat('poster', [run.id])).toBe(1);
          expect(await stores[0]?.digestRuns.heartbeat('other', [run.id])).toBe(0);
          const seen = await stores[1]?.digestRuns.find(run.scheduleId, run.localDate);
          expect(seen).toMatchObject({ status: 'posted', threadTotal: 3, threadPosted: 1 });
          const takeOverThread = (s: Store | undefined, seenMs: number, id: string) =>
            s?.digestRuns.takeOverThread({
              runId: run.id,
              seenUpdatedMs: seenMs,
              instanceId: id,
              staleAfterMs: STALE_MS,
            });
          expect(await takeOverThread(stores[1], seen?.updatedMs ?? 0, 'heir')).toBeNull();
          clock.advanceSec(6 * MIN);
          const raced = await Promise.all(
            [0, 1, 2].map((i) => takeOverThread(stores[i], seen?.updatedMs ?? 0, `h${i}`)),
          );
          const winners = raced.filter((r) => r);
          expect(winners).toHaveLength(1);
          // The old holder has lost it: its progress is refused.
          expect(await stores[0]?.digestRuns.threadProgress(run.id, 'poster', 2)).toBe(false);
          const heir = winners[0]?.instanceId ?? '';
          await stores[0]?.digestRuns.letGo(heir, [run.id]);
          const letGo = await stores[0]?.digestRuns.find(run.scheduleId, run.localDate);
          expect(letGo?.updatedMs).toBe(0);
          expect(await stores[0]?.digestRuns.threadProgress(run.id, heir, 3)).toBe(true);
          expect(await stores[0]?.digestRuns.pendingThread(run.id)).toBeNull();
          const done = await stores[0]?.digestRuns.find(run.scheduleId, run.localDate);
          expect(done).toMatchObject({ threadPosted: 3, threadTotal: 3 });
          // Done: never taken over again, let go does nothing.
          clock.advanceSec(60 * MIN);
          await stores[0]?.digestRuns.letGo(heir, [run.id]);
          expect(await takeOverThread(stores[2], done?.updatedMs ?? 0, 'late')).toBeNull();
        });

        it('a failed attempt noted for a retry keeps the run claimed (and so recoverable)', async () => {
          const run = await claimed('retrying');
          clock.advanceSec(MIN);
          expect(await stores[0]?.digestRuns.noteFailedAttempt(run.id, 'retrying', 'http_503: down')).toBe(
            true,
          );
          expect(await stores[1]?.digestRuns.find(run.scheduleId, run.localDate)).toMatchObject({
            status: 'claimed',
            attempts: 1,
            error: 'http_503: down',
            updatedMs: clock.now().getTime(),
          });
        });
      });

      it('refuses a local date that is not YYYY-MM-DD', async () => {
        await expect(store.digestRuns.claim('S', '2026-3-1', 'i')).rejects.toThrow(/YYYY-MM-DD/);
      });
    });

    describe('digestActions', () => {
      it('a click is recorded once even when delivered concurrently; release allows a retry', async () => {
        const runId = uid('R');
        const key = uid('act');
        const input = { actionKey: key, runId, taskId: '77', action: 'complete', actorUserId: 'U1' };
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.digestActions.record(input)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        await store.digestActions.release(key);
        expect(await store.digestActions.record(input)).toBe(true);
        await store.digestActions.record({
          ...input,
          actionKey: uid('act'),
          action: 'reassign',
          detail: { ownerEmail: 'b@x.com' },
        });
        const list = await store.digestActions.listForRun(runId);
        expect(list.map((a) => [a.action, a.detail])).toEqual(
          expect.arrayContaining([
            ['complete', null],
            ['reassign', { ownerEmail: 'b@x.com' }],
          ]),
        );
        expect(list).toHaveLength(2);
      });
    });

    describe('audit', () => {
      const entry = (over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
        teamId: 'T1',
        slackUserId: 'U1',
        agileUser: 'api@x.example',
        action: 'note.create',
        recordIds: { contactId: '11', noteId: '22' },
        summary: 'Called about the renewal',
        outcome: 'ok',
        ...over,
      });

      it('records writes and lists a team window oldest first, optionally for one user', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const team = uid('T');
        const first = await s.audit.record(entry({ teamId: team, requestId: 'req-1' }));
        // Same millisecond: insertion order still holds.
        await s.audit.record(entry({ teamId: team, slackUserId: 'U2', action: 'task.create' }));
        clock.advanceSec(60);
        await s.audit.record(
          entry({
            teamId: team,
            action: 'deal.move',
            recordIds: { dealId: '5', contactIds: ['1', '2'] },
            outcome: 'failed',
            errorKind: 'invalid',
          }),
        );
        await s.audit.record(entry({ teamId: uid('T-other') }));

        const all = await s.audit.list({ teamId: team, sinceMs: 0, limit: 100 });
        expect(all.map((e) => e.action)).toEqual(['note.create', 'task.create', 'deal.move']);
        expect(all[0]).toEqual({
          ...entry({ teamId: team, requestId: 'req-1' }),
          id: first.id,
          atMs: first.atMs,
        });
        expect(all[0]?.atMs).toBe(clock.now().getTime() - 60_000);
        expect(all[1]).not.toHaveProperty('requestId');
        expect(all[1]).not.toHaveProperty('errorKind');
        expect(all[2]).toMatchObject({
          recordIds: { dealId: '5', contactIds: ['1', '2'] },
          outcome: 'failed',
          errorKind: 'invalid',
        });

        const mine = await s.audit.list({ teamId: team, sinceMs: 0, slackUserId: 'U1', limit: 100 });
        expect(mine.map((e) => e.action)).toEqual(['note.create', 'deal.move']);
        const recent = await s.audit.list({ teamId: team, sinceMs: clock.now().getTime(), limit: 100 });
        expect(recent.map((e) => e.action)).toEqual(['deal.move']);
        expect(await s.audit.list({ teamId: team, sinceMs: 0, limit: 2 })).toHaveLength(2);
      });

      it('purges rows older than the cutoff and keeps the rest', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const team = uid('T');
        await s.audit.record(entry({ teamId: team, summary: 'old' }));
        clock.advanceSec(3600);
        const cutoff = clock.now().getTime();
        await s.audit.record(entry({ teamId: team, summary: 'new' }));
        expect(await s.audit.purgeOlderThan(cutoff)).toBeGreaterThanOrEqual(1);
        const left = await s.audit.list({ teamId: team, sinceMs: 0, limit: 10 });
        expect(left.map((e) => e.summary)).toEqual(['new']);
      });
    });

    describe('workspaces', () => {
      const account = (over = {}) => ({
        domain: 'acme',
        email: 'ops@acme.example',
        apiKey: `agile-${randomUUID()}`,
        connectedBy: 'UADMIN',
        connectedMs: 1_000,
        ...over,
      });
      const personal = (slackUserId: string) => ({
        slackUserId,
        email: `${slackUserId.toLowerCase()}@acme.example`,
        apiKey: `personal-${randomUUID()}`,
        connectedMs: 2_000,
      });

      it('round-trips an installation and both kinds of Agile account', async () => {
        const inst = installation({ enterpriseId: 'E1', teamName: null, botId: null });
        await store.workspaces.saveInstallation(inst);
        expect(await store.workspaces.getInstallation(inst.teamId)).toEqual(inst);
        expect(await store.workspaces.getInstallation(uid('T'))).toBeUndefined();

        const acc = account();
        await store.workspaces.setWorkspaceAccount(inst.teamId, acc);
        expect(await store.workspaces.getWorkspaceAccount(inst.teamId)).toEqual(acc);

        const [b, a] = [personal('UB'), personal('UA')];
        await store.workspaces.setPersonalAccount(inst.teamId, 'UB', b);
        await store.workspaces.setPersonalAccount(inst.teamId, 'UA', a);
        expect(await store.workspaces.getPersonalAccount(inst.teamId, 'UA')).toEqual(a);
        expect(await store.workspaces.listPersonalAccounts(inst.teamId)).toEqual([a, b]);
        expect(await store.workspaces.listPersonalAccounts(uid('T'))).toEqual([]);
      });

      it('replaces on reinstall and reconnect; null disconnects', async () => {
        const first = installation();
        await store.workspaces.saveInstallation(first);
        const again = { ...first, botToken: 'xoxb-new-token', scopes: ['commands'], installerUserId: 'U2' };
        await store.workspaces.saveInstallation(again);
        expect(await store.workspaces.getInstallation(first.teamId)).toEqual(again);

        await store.workspaces.setWorkspaceAccount(first.teamId, account({ domain: 'old' }));
        const next = account({ domain: 'new' });
        await store.workspaces.setWorkspaceAccount(first.teamId, next);
        expect(await store.workspaces.getWorkspaceAccount(first.teamId)).toEqual(next);
        await store.workspaces.setWorkspaceAccount(first.teamId, null);
        expect(await store.workspaces.getWorkspaceAccount(first.teamId)).toBeUndefined();

        await store.workspaces.setPersonalAccount(first.teamId, 'U1', personal('U1'));
        const replaced = personal('U1');
        await store.workspaces.setPersonalAccount(first.teamId, 'U1', replaced);
        expect(await store.workspaces.listPersonalAccounts(first.teamId)).toEqual([replaced]);
        await store.workspaces.setPersonalAccount(first.teamId, 'U1', null);
        expect(await store.workspaces.getPersonalAccount(first.teamId, 'U1')).toBeUndefined();
      });

      it('setWorkspaceAccount to another domain deletes the personal connections (same transaction); the same domain keeps them', async () => {
        const teamId = uid('T');
        expect(await store.workspaces.setWorkspaceAccount(teamId, account({ domain: 'old' }))).toEqual({
          previousDomain: null,
          personalRemoved: [],
        });
        await store.workspaces.setPersonalAccount(teamId, 'U2', personal('U2'));
        await store.workspaces.setPersonalAccount(teamId, 'U1', personal('U1'));
        const other = uid('T');
        await store.workspaces.setWorkspaceAccount(other, account({ domain: 'old' }));
        await store.workspaces.setPersonalAccount(other, 'U1', personal('U1'));
        expect(await store.workspaces.setWorkspaceAccount(teamId, account({ domain: 'OLD' }))).toEqual({
          previousDomain: 'old',
          personalRemoved: [],
        });
        expect(await store.workspaces.listPersonalAccounts(teamId)).toHaveLength(2);
        expect(await store.workspaces.setWorkspaceAccount(teamId, account({ domain: 'new' }))).toEqual({
          previousDomain: 'OLD',
          personalRemoved: ['U1', 'U2'],
        });
        expect(await store.workspaces.listPersonalAccounts(teamId)).toEqual([]);
        expect(await store.workspaces.getWorkspaceAccount(teamId)).toMatchObject({ domain: 'new' });
        expect(await store.workspaces.listPersonalAccounts(other)).toHaveLength(1);
        // Disconnecting keeps them (a reconnect to the same domain finds them).
        await store.workspaces.setPersonalAccount(teamId, 'U1', personal('U1'));
        expect(await store.workspaces.setWorkspaceAccount(teamId, null)).toEqual({
          previousDomain: 'new',
          personalRemoved: [],
        });
        expect(await store.workspaces.listPersonalAccounts(teamId)).toHaveLength(1);
      });

      it("deleteInstallation (Bolt's InstallationStore) deletes the installation row only", async () => {
        const inst = installation();
        await store.workspaces.saveInstallation(inst);
        await store.workspaces.setWorkspaceAccount(inst.teamId, account());
        await store.workspaces.deleteInstallation(inst.teamId);
        expect(await store.workspaces.getInstallation(inst.teamId)).toBeUndefined();
        expect(await store.workspaces.getWorkspaceAccount(inst.teamId)).toBeDefined();
      });

      it("deleteTeam removes the team's installation, connections, settings, schedules, follows and pending writes, and nothing of other teams", async () => {
        const seed = async (teamId: string) => {
          await store.workspaces.saveInstallation(installation({ teamId }));
          await store.workspaces.setWorkspaceAccount(teamId, account());
          await store.workspaces.setPersonalAccount(teamId, 'U1', personal('U1'));
          await store.settings.save(teamId, { ...DEFAULT_SETTINGS }, 'UADMIN');
          await store.userLinks.set(teamId, 'U1', 'u1@acme.example', 'UADMIN');
          const schedule = await store.digestSchedules.upsert(scheduleInput({ teamId }));
          const run = await store.digestRuns.claim(schedule.id, '2026-03-10', 'i1');
          await store.digestActions.record({
            actionKey: uid('click'),
            runId: run?.id ?? null,
            taskId: '1',
            action: 'complete',
            actorUserId: 'U1',
          });
          const follow = await store.follows.add({
            teamId,
            channelId: uid('C'),
            kind: 'deal',
            recordId: '42',
            label: 'Deal',
            createdBy: 'U1',
          });
          await store.follows.claimPolls([follow?.id ?? ''], 1, 'i1');
          const log = await store.threadLogs.record({
            teamId,
            channelId: 'C1',
            threadTs: '1.1',
            targetKind: 'contact',
            targetId: '7',
            targetName: 'Ana',
            loggedBy: 'U1',
            noteIds: ['n1'],
          });
          const pendingKey = pendingWriteKey(uid('retry'));
          await store.cache.set(pendingKey, { teamId, userId: 'U1', text: 'typed' }, 600);
          return { schedule, run, follow, log, pendingKey };
        };
        const [gone, kept] = [uid('T'), uid('T')];
        const a = await seed(gone);
        const b = await seed(kept);

        await store.workspaces.deleteTeam(gone);

        expect(await store.workspaces.getInstallation(gone)).toBeUndefined();
        expect(await store.workspaces.getWorkspaceAccount(gone)).toBeUndefined();
        expect(await store.workspaces.listPersonalAccounts(gone)).toEqual([]);
        expect(await store.userLinks.list(gone)).toEqual([]);
        expect(await store.digestSchedules.get(a.schedule.channelId)).toBeUndefined();
        expect(await store.digestRuns.find(a.schedule.id, '2026-03-10')).toBeUndefined();
        expect(await store.digestActions.listForRun(a.run?.id ?? '')).toEqual([]);
        expect(await store.follows.get(a.follow?.id ?? '')).toBeUndefined();
        expect(await store.threadLogs.latest(gone, 'C1', '1.1')).toBeUndefined();
        expect(await store.cache.get(a.pendingKey)).toBeUndefined();

        expect(await store.workspaces.getInstallation(kept)).toBeDefined();
        expect(await store.workspaces.getWorkspaceAccount(kept)).toBeDefined();
        expect(await store.workspaces.listPersonalAccounts(kept)).toHaveLength(1);
        expect(await store.userLinks.list(kept)).toHaveLength(1);
        expect(await store.digestSchedules.get(b.schedule.channelId)).toBeDefined();
        expect(await store.digestActions.listForRun(b.run?.id ?? '')).toHaveLength(1);
        expect(await store.follows.get(b.follow?.id ?? '')).toBeDefined();
        expect(await store.threadLogs.latest(kept, 'C1', '1.1')).toBeDefined();
        expect(await store.cache.get(b.pendingKey)).toEqual({ teamId: kept, userId: 'U1', text: 'typed' });
      });

      it('rotation: the previous key still reads, reencryptStale moves every secret to the current key', async () => {
        const cfg = await target.freshDatabase();
        const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
        const before = await open({ keyring: createKeyring(oldKey) }, cfg);
        const inst = installation();
        const acc = account();
        const mine = personal('U1');
        await before.workspaces.saveInstallation(inst);
        await before.workspaces.setWorkspaceAccount(inst.teamId, acc);
        await before.workspaces.setPersonalAccount(inst.teamId, 'U1', mine);
        expect(await before.workspaces.reencryptStale()).toBe(0);

        const rotating = await open({ keyring: createKeyring(newKey, oldKey) }, cfg);
        expect(await rotating.workspaces.getInstallation(inst.teamId)).toEqual(inst);
        expect(await rotating.workspaces.reencryptStale()).toBe(3);
        expect(await rotating.workspaces.reencryptStale()).toBe(0);

        // The old key is no longer needed: the new one alone reads everything.
        const after = await open({ keyring: createKeyring(newKey) }, cfg);
        expect(await after.workspaces.getInstallation(inst.teamId)).toEqual(inst);
        expect(await after.workspaces.getWorkspaceAccount(inst.teamId)).toEqual(acc);
        expect(await after.workspaces.listPersonalAccounts(inst.teamId)).toEqual([mine]);
      });

      it('a wrong key reads as absent, logged with both key ids; reencryptStale leaves such values alone', async () => {
        const cfg = await target.freshDatabase();
        const [rightKey, wrongKey] = [randomBytes(32), randomBytes(32)];
        const right = await open({ keyring: createKeyring(rightKey) }, cfg);
        const inst = installation();
        await right.workspaces.saveInstallation(inst);
        await right.workspaces.setPersonalAccount(inst.teamId, 'U1', personal('U1'));
        const log = captureLogger();
        const wrong = await open({ keyring: createKeyring(wrongKey), logger: log.logger }, cfg);
        expect(await wrong.workspaces.getInstallation(inst.teamId)).toBeUndefined();
        expect(await wrong.workspaces.listPersonalAccounts(inst.teamId)).toEqual([]);
        const unreadable = log.lines.filter((l) => l.msg === 'stored secret unreadable: treated as absent');
        expect(unreadable).toHaveLength(2);
        expect(unreadable[0]).toMatchObject({ teamId: inst.teamId, keyId: keyId(rightKey) });
        expect(await wrong.workspaces.reencryptStale()).toBe(0);
        expect(await right.workspaces.getInstallation(inst.teamId)).toEqual(inst);
      });
    });

    describe('pendingSends', () => {
      // A database of their own: listDue sees every row of the database.
      let cfg: DatabaseConfig;
      const clock = fakeClock();
      let one: Store;
      let two: Store;
      beforeAll(async () => {
        cfg = await target.freshDatabase();
        one = await open({ now: clock.now }, cfg);
        two = await open({ now: clock.now }, cfg);
      });
      const hold = (s: Store, over: Partial<{ userId: string; dueInSec: number; key: string }> = {}) =>
        s.pendingSends.hold({
          teamId: 'T1',
          userId: over.userId ?? 'U1',
          ticketId: '42',
          payload: { text: 'Exactly  as typed\n<b>', subject: 'SSO' },
          idempotencyKey: over.key ?? uid('held'),
          dueMs: clock.now().getTime() + (over.dueInSec ?? 30) * 1000,
        });
      const drain = async () => {
        // Leaves no due row behind for the next test.
        clock.advanceSec(3600);
        for (const s of await one.pendingSends.claimDue('drain', 1000, 100))
          await one.pendingSends.markSent(s.id);
      };

      it('holds once per idempotency key, keeps the payload, and is not due before its time', async () => {
        const key = uid('held');
        const first = await hold(one, { key });
        const again = await hold(two, { key });
        expect(first.created).toBe(true);
        expect(again).toEqual({ send: first.send, created: false });
        expect(first.send).toMatchObject({ status: 'held', attempts: 0, ticketId: '42', target: null });
        expect((await one.pendingSends.get(first.send.id))?.payload).toEqual({
          text: 'Exactly  as typed\n<b>',
          subject: 'SSO',
        });
        await one.pendingSends.setTarget(first.send.id, { channel: 'D1', ts: '1.2' });
        expect((await two.pendingSends.get(first.send.id))?.target).toEqual({ channel: 'D1', ts: '1.2' });
        expect(await one.pendingSends.claimDue('a', 60_000)).toEqual([]);
        clock.advanceSec(30);
        expect((await one.pendingSends.listDue()).map((s) => s.id)).toEqual([first.send.id]);
        await drain();
      });

      it('cancel: only the author, only while held', async () => {
        const { send } = await hold(one);
        expect(await one.pendingSends.cancel(send.id, 'U2')).toBeNull();
        const cancelled = await one.pendingSends.cancel(send.id, 'U1');
        expect(cancelled?.status).toBe('cancelled');
        expect(await one.pendingSends.cancel(send.id, 'U1')).toBeNull();
        clock.advanceSec(31);
        expect(await one.pendingSends.claimDue('a', 60_000)).toEqual([]);
      });

      it('a cancel and a claim racing: exactly one wins, every time', async () => {
        for (let i = 0; i < 8; i++) {
          const { send } = await hold(one, { dueInSec: 0 });
          const [cancelled, claimed] = await Promise.all([
            i % 2 ? one.pendingSends.cancel(send.id, 'U1') : two.pendingSends.cancel(send.id, 'U1'),
            i % 2 ? two.pendingSends.claimDue('b', 60_000) : one.pendingSends.claimDue('a', 60_000),
          ]);
          const won = claimed.some((c) => c.id === send.id);
          expect(Number(cancelled !== null) + Number(won)).toBe(1);
          expect((await one.pendingSends.get(send.id))?.status).toBe(won ? 'sending' : 'cancelled');
          if (won) await one.pendingSends.markSent(send.id);
        }
      });

      it('two instances claiming at once get each due row once, with a lease', async () => {
        const held = await Promise.all([1, 2, 3, 4, 5].map(() => hold(one, { dueInSec: 0 })));
        const [a, b] = await Promise.all([
          one.pendingSends.claimDue('a', 60_000),
          two.pendingSends.claimDue('b', 60_000),
        ]);
        const ids = [...a, ...b].map((s) => s.id).sort();
        expect(ids).toEqual(held.map((h) => h.send.id).sort());
        for (const s of a)
          expect(s).toMatchObject({ status: 'sending', claimedBy: 'a', leaseMs: 60_000, attempts: 1 });
        expect(await one.pendingSends.claimDue('c', 60_000)).toEqual([]);
        for (const s of [...a, ...b]) expect(await one.pendingSends.markSent(s.id)).toBe(true);
        expect(await one.pendingSends.markSent(a[0]?.id ?? b[0]?.id ?? '')).toBe(false);
      });

      it('a lapsed lease is claimed again (once), an unlapsed one is not', async () => {
        const { send } = await hold(one, { dueInSec: 0 });
        const [first] = await one.pendingSends.claimDue('dead', 60_000);
        expect(first?.id).toBe(send.id);
        clock.advanceSec(59);
        expect(await two.pendingSends.claimDue('b', 60_000)).toEqual([]);
        clock.advanceSec(1);
        expect((await two.pendingSends.listDue()).map((s) => s.id)).toEqual([send.id]);
        const [again, twice] = await Promise.all([
          one.pendingSends.claimDue('a', 60_000),
          two.pendingSends.claimDue('b', 60_000),
        ]);
        const reclaimed = [...(again ?? []), ...(twice ?? [])];
        expect(reclaimed).toHaveLength(1);
        expect(reclaimed[0]).toMatchObject({ id: send.id, status: 'sending', attempts: 2 });
        expect(await one.pendingSends.cancel(send.id, 'U1')).toBeNull();
        expect(await one.pendingSends.markFailed(send.id, 'HTTP 500')).toBe(true);
        expect(await one.pendingSends.get(send.id)).toMatchObject({ status: 'failed', error: 'HTTP 500' });
        // A retry that got through afterwards.
        expect(await one.pendingSends.markSent(send.id)).toBe(true);
      });

      it('release hands a claim back as held and due', async () => {
        const { send } = await hold(one, { dueInSec: 0 });
        await one.pendingSends.claimDue('a', 60_000);
        expect(await one.pendingSends.release(send.id, 'b')).toBe(false);
        expect(await one.pendingSends.release(send.id, 'a')).toBe(true);
        const [again] = await two.pendingSends.claimDue('b', 60_000);
        expect(again).toMatchObject({ id: send.id, attempts: 2, claimedBy: 'b' });
        await drain();
      });

      it('purges finished rows past the cutoff, never held or sending ones', async () => {
        const held = await hold(one, { dueInSec: 3600 });
        const sending = await hold(one, { dueInSec: 0 });
        await one.pendingSends.claimDue('a', 10 * 86_400_000);
        const before = clock.now().getTime();
        clock.advanceSec(60);
        const purged = await one.pendingSends.purgeFinishedBefore(before + 1);
        expect(purged).toBeGreaterThanOrEqual(1);
        expect(await one.pendingSends.get(held.send.id)).toMatchObject({ status: 'held' });
        expect(await one.pendingSends.get(sending.send.id)).toMatchObject({ status: 'sending' });
        await one.pendingSends.markSent(sending.send.id);
        expect(await one.pendingSends.purgeFinishedBefore(before + 1)).toBe(0);
        expect(await one.pendingSends.purgeFinishedBefore(clock.now().getTime() + 1)).toBeGreaterThanOrEqual(
          1,
        );
        expect(await one.pendingSends.get(sending.send.id)).toBeUndefined();
      });
    });

    describe('cache', () => {
      it('returns values until they expire, overwrites, and purges expired entries', async () => {
        const clock = fakeClock();
        const s = await open({ now: clock.now });
        const key = uid('lookupByEmail');
        expect(await s.cache.get(key)).toBeUndefined();
        await s.cache.set(key, { id: 'U123', tz: 'Europe/Paris' }, 60);
        expect(await s.cache.get(key)).toEqual({ id: 'U123', tz: 'Europe/Paris' });
        await s.cache.set(key, null, 60); // "no Slack user with that email" is worth caching too
        expect(await s.cache.get(key)).toBeNull();
        clock.advanceSec(61);
        expect(await s.cache.get(key)).toBeUndefined();
        const other = uid('k');
        await s.cache.set(other, 1, 600);
        expect((await s.purgeExpired()).cacheEntries).toBeGreaterThanOrEqual(1);
        expect(await s.cache.get(other)).toBe(1);
        await s.cache.delete(other);
        expect(await s.cache.get(other)).toBeUndefined();
      });
    });
  });
}
