import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminQuery } from '../../helpers/postgres.js';
import {
  cutPoster,
  fakeClock,
  freshPostgres,
  type Instance,
  postgresProblem,
  seedTasks,
  startInstance,
  tickAndSettle,
  useSchedulerEnv,
} from './scheduler-harness.js';

// 08:00Z is 09:00 in Paris (CET) on 10 March 2026. Takeover after 5 minutes without a heartbeat.
const STALE_MS = 5 * 60_000;
const TASKS = 300;
const env = useSchedulerEnv({
  startIso: '2026-03-10T07:00:00Z',
  tmpPrefix: 'digest-resume-',
  staleClaimMs: STALE_MS,
});
const { clock, instance, schedule, mains } = env;

const repliesTo = (channel: string, ts: string | undefined) =>
  (env.slack.messages.get(channel) ?? []).filter((m) => m.threadTs === ts && m.ts !== ts);

/** One main message, and under it every reply once: as many as the run planned, no text twice. */
async function expectWholeDigestOnce(scheduleId: string) {
  expect(mains('C1')).toHaveLength(1);
  const run = await env.admin.digestRuns.find(scheduleId, '2026-03-10');
  expect(run).toMatchObject({ status: 'posted', messageTs: mains('C1')[0]?.ts });
  expect(run?.threadTotal).toBeGreaterThan(3);
  expect(run?.threadPosted).toBe(run?.threadTotal);
  expect(await env.admin.digestRuns.pendingThread(run?.id ?? '')).toBeNull();
  const replies = repliesTo('C1', run?.messageTs ?? undefined);
  expect(replies).toHaveLength(run?.threadTotal ?? -1);
  expect(new Set(replies.map((r) => JSON.stringify(r.blocks))).size).toBe(replies.length);
  env.slack.assertNoViolations();
}

describe('digest runs cut short mid-thread (fake clock)', () => {
  it('a shutdown mid-thread lets the run go: the next tick (another instance) posts the remaining replies, once', async () => {
    seedTasks(env.agile, TASKS, clock.now());
    const s = await schedule('C1');
    // The main message and two replies get out, then the instance shuts down.
    const cut = cutPoster(3);
    const a = await instance('a', { wrapPoster: (p) => cut.wrap(p) });
    clock.set('2026-03-10T08:00:20Z');
    expect(await a.scheduler.tick()).toMatchObject({ claimed: 1 });
    await vi.waitFor(() => expect(cut.calls()).toBe(4), { timeout: 10_000 });
    await env.closeInstance(a);
    const cutShort = await env.admin.digestRuns.find(s.id, '2026-03-10');
    expect(cutShort).toMatchObject({ status: 'posted', threadPosted: 2, updatedMs: 0 });
    expect(repliesTo('C1', cutShort?.messageTs ?? undefined)).toHaveLength(2);

    const b = await instance('b');
    clock.set('2026-03-10T08:01:20Z');
    expect(await tickAndSettle(b)).toMatchObject({ due: 0, claimed: 0, takenOver: 1 });
    await expectWholeDigestOnce(s.id);
    // Nothing more on later ticks.
    clock.set('2026-03-10T08:20:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 0 });
    await expectWholeDigestOnce(s.id);
  });

  it('a crash mid-thread (no let-go): replies resume once the heartbeat is stale, not before', async () => {
    seedTasks(env.agile, TASKS, clock.now());
    const s = await schedule('C1');
    const cut = cutPoster(2);
    const a = await instance('a', { wrapPoster: (p) => cut.wrap(p) });
    clock.set('2026-03-10T08:00:20Z');
    await a.scheduler.tick();
    await vi.waitFor(() => expect(cut.calls()).toBe(3), { timeout: 10_000 });
    // 'a' is dead from here on: it never ticks again.
    const b = await instance('b');
    clock.set('2026-03-10T08:04:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 0 });
    expect((await env.admin.digestRuns.find(s.id, '2026-03-10'))?.threadPosted).toBe(1);
    clock.set('2026-03-10T08:06:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 1 });
    await expectWholeDigestOnce(s.id);
  });

  it('a takeover after a main message that reached Slack unrecorded finds it by its run id: no second main message', async () => {
    seedTasks(env.agile, TASKS, clock.now());
    const s = await schedule('C1');
    // The main message lands in Slack but its answer never comes back (the process froze, then died).
    const cut = cutPoster(0, { landThenHang: true });
    const a = await instance('a', { wrapPoster: (p) => cut.wrap(p) });
    clock.set('2026-03-10T08:00:20Z');
    await a.scheduler.tick();
    await vi.waitFor(() => expect(mains('C1')).toHaveLength(1), { timeout: 10_000 });
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({
      status: 'claimed',
      messageTs: null,
    });
    expect(mains('C1')[0]?.metadata).toMatchObject({
      event_type: 'crm_digest',
      event_payload: { run_id: (await env.admin.digestRuns.find(s.id, '2026-03-10'))?.id },
    });

    const b = await instance('b');
    clock.set('2026-03-10T08:06:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 1 });
    const lookedUp = env.slack.calls('conversations.history').at(-1)?.args;
    expect(lookedUp?.channel).toBe('C1');
    expect(String(lookedUp?.include_all_metadata)).toBe('true');
    await expectWholeDigestOnce(s.id);
    expect(env.slack.calls('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);
  });

  it('a channel history that cannot be read does not stop a takeover from posting', async () => {
    seedTasks(env.agile, 5, clock.now());
    const s = await schedule('C1');
    const cut = cutPoster(0);
    const a = await instance('a', { wrapPoster: (p) => cut.wrap(p) });
    clock.set('2026-03-10T08:00:20Z');
    await a.scheduler.tick();
    await vi.waitFor(() => expect(cut.calls()).toBe(1), { timeout: 10_000 });
    env.slack.failNext('conversations.history', { error: 'missing_scope' });
    const b = await instance('b');
    clock.set('2026-03-10T08:06:00Z');
    expect(await tickAndSettle(b)).toMatchObject({ takenOver: 1 });
    expect(mains('C1')).toHaveLength(1);
    expect(await env.admin.digestRuns.find(s.id, '2026-03-10')).toMatchObject({ status: 'posted' });
  });
});

describe('PostgreSQL restarted mid-thread (connections terminated)', () => {
  let problem: string | null = null;
  let db: Awaited<ReturnType<typeof freshPostgres>> | undefined;
  const instances: Instance[] = [];
  beforeAll(async () => {
    problem = await postgresProblem();
    if (problem === null) db = await freshPostgres();
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await db?.drop();
  });

  it('replies go on after the database drops every connection: each posted once, progress recorded', async () => {
    if (problem !== null || !db) throw new Error(`PostgreSQL is unreachable: ${problem}`);
    const database = db.config;
    const dbName = new URL((database as { url: string }).url).pathname.slice(1);
    const pgClock = fakeClock('2026-03-10T07:00:00Z');
    seedTasks(env.agile, TASKS, new Date('2026-03-10T08:00:00Z'));
    let posts = 0;
    const a = await startInstance({
      database,
      slack: env.slack,
      agile: env.agile,
      now: pgClock.now,
      advance: pgClock.advance,
      instanceId: 'pg-a',
      wrapPoster: (inner) => ({
        ...inner,
        post: async (channel, message, threadTs, metadata) => {
          const ts = await inner.post(channel, message, threadTs, metadata);
          // After the main message and after the third reply, the server drops every connection.
          if (++posts === 1 || posts === 4) {
            await adminQuery(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`,
            );
          }
          return ts;
        },
        findPosted: inner.findPosted,
        close: inner.close,
      }),
    });
    instances.push(a);
    const s = await a.store.digestSchedules.upsert({
      teamId: 'T1',
      channelId: 'CPG',
      time: '09:00',
      timeZone: 'Europe/Paris',
      horizonDays: 3,
      weekdaysOnly: false,
      ownerEmails: null,
      userId: 'U1',
    });
    pgClock.set('2026-03-10T08:00:20Z');
    expect(await tickAndSettle(a)).toMatchObject({ claimed: 1 });
    const run = await a.store.digestRuns.find(s.id, '2026-03-10');
    expect(run).toMatchObject({ status: 'posted', attempts: 1 });
    expect(run?.threadPosted).toBe(run?.threadTotal);
    const all = env.slack.messages.get('CPG') ?? [];
    expect(all.filter((m) => !m.threadTs)).toHaveLength(1);
    expect(all.filter((m) => m.threadTs === run?.messageTs)).toHaveLength(run?.threadTotal ?? -1);
    expect(posts).toBe((run?.threadTotal ?? 0) + 1);
  });
});
