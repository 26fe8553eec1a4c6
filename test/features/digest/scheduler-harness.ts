import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type AgileSimulator, startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { nextId } from '../../../src/devkit/sandbox/state.js';
import {
  createDigestPoster,
  DigestPostError,
  type DigestPoster,
} from '../../../src/features/digest/poster.js';
import { createDigestScheduler, type DigestScheduler } from '../../../src/features/digest/scheduler.js';
import { createOwnerDirectory } from '../../../src/platform/agile/owner-directory.js';
import type { DatabaseConfig } from '../../../src/platform/config.js';
import { createSlackUserDirectory } from '../../../src/platform/slack/user-directory.js';
import type { Sleep } from '../../../src/platform/sleep.js';
import { openStore, type Store } from '../../../src/platform/store/index.js';
import { ADMIN_URL, createTestDatabase, dropTestDatabase, postgresProblem } from '../../helpers/postgres.js';
import { clientFor } from '../../platform/agile/sim.js';

export { ADMIN_URL, postgresProblem };

import { type FakeSlack, startFakeSlack } from '../../helpers/fake-slack.js';

export const BOT_TOKEN = 'xoxb-digest-test';

export function fakeClock(iso: string) {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set(next: string) {
      t = Date.parse(next);
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

export interface Instance {
  store: Store;
  scheduler: DigestScheduler;
  /** Every wait the instance's poster asked for (pacing, Retry-After); none of them is real. */
  posterWaits: number[];
  /** Every retry backoff the scheduler asked for (real only when a test passes its own sleep). */
  backoffs: number[];
  close(): Promise<void>;
}

/** A sleep that records what it was asked and returns at once, moving the fake clock on by as much. */
export function instantSleep(asked: number[], advance: (ms: number) => void = () => {}): Sleep {
  return async (ms) => {
    asked.push(ms);
    advance(ms);
  };
}

/** A sleep that holds every wait until release() (or the owner's shutdown): a backoff that outlasts a takeover. */
export function heldSleep() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const asked: number[] = [];
  const sleep: Sleep = (ms, signal) => {
    asked.push(ms);
    return new Promise<void>((resolve) => {
      void gate.then(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  };
  return { sleep, asked, release: () => open() };
}

/** One app instance as the scheduler sees it: its own Store connection, Slack client and poster. */
export async function startInstance(opts: {
  database: DatabaseConfig;
  slack: FakeSlack;
  agile: AgileSimulator;
  now: () => Date;
  /** Moves the fake clock on: an instant sleep then takes as long as it says. */
  advance?: (ms: number) => void;
  instanceId: string;
  retryDelaysMs?: number[];
  staleClaimMs?: number;
  /** Wraps the instance's poster (e.g. gatedPoster, to freeze it mid-post). */
  wrapPoster?: (poster: DigestPoster) => DigestPoster;
  /** The scheduler's backoff waits (default: recorded and instant). */
  sleep?: Sleep;
}): Promise<Instance> {
  const logger = pino({ level: 'silent' });
  const store = await openStore(opts.database, { now: opts.now });
  const client = new WebClient(BOT_TOKEN, {
    slackApiUrl: opts.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const agile = clientFor(opts.agile, { logger, retries: 0 });
  const posterWaits: number[] = [];
  const backoffs: number[] = [];
  const realPoster = createDigestPoster({
    client,
    logger,
    perChannelIntervalMs: 0,
    now: opts.now,
    sleep: instantSleep(posterWaits, opts.advance),
  });
  const poster = opts.wrapPoster ? opts.wrapPoster(realPoster) : realPoster;
  const scheduler = createDigestScheduler({
    deps: {
      agile,
      store,
      logger,
      now: opts.now,
      owners: createOwnerDirectory(agile, opts.now),
      slackUsers: createSlackUserDirectory(client, logger, opts.now),
    },
    poster,
    instanceId: opts.instanceId,
    retryDelaysMs: opts.retryDelaysMs ?? [10, 20],
    sleep: opts.sleep ?? instantSleep(backoffs, opts.advance),
    ...(opts.staleClaimMs === undefined ? {} : { staleClaimMs: opts.staleClaimMs }),
  });
  return {
    store,
    scheduler,
    posterWaits,
    backoffs,
    async close() {
      const stopped = scheduler.stop();
      poster.close();
      await stopped;
      await store.close();
    },
  };
}

/** A fresh database per call (parallel test files never collide); drop() removes it. */
export async function freshPostgres(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  const { name, url } = await createTestDatabase('test_digest');
  return {
    config: { kind: 'postgres', url },
    drop: () => dropTestDatabase(name),
  };
}

/**
 * A poster whose posts are held until release(): an instance frozen mid-post, or one that died with
 * the post in flight (never released). close() rejects held posts as the real poster's close() does.
 */
export function gatedPoster() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const held = new Set<(err: Error) => void>();
  let calls = 0;
  return {
    /** Posts asked for so far (held or passed). */
    calls: () => calls,
    release: () => open(),
    wrap(inner: DigestPoster): DigestPoster {
      return {
        async post(channel, message, threadTs, metadata) {
          calls++;
          await new Promise<void>((resolve, reject) => {
            held.add(reject);
            void gate.then(() => {
              held.delete(reject);
              resolve();
            });
          });
          return inner.post(channel, message, threadTs, metadata);
        },
        findPosted: (channel, runId, sinceMs) => inner.findPosted(channel, runId, sinceMs),
        close() {
          for (const reject of [...held])
            reject(new DigestPostError('The digest poster is shut down', 'closed', true));
          held.clear();
          inner.close();
        },
      };
    },
  };
}

/**
 * Registers the hooks of a single-database scheduler test file: one fake Slack and simulator per file,
 * a fresh SQLite file and admin Store per test, every instance closed after each test.
 */
export function useSchedulerEnv(opts: { startIso: string; tmpPrefix: string; staleClaimMs?: number }) {
  const clock = fakeClock(opts.startIso);
  let slack: FakeSlack;
  let agile: AgileSimulator;
  let dir: string;
  let database: DatabaseConfig;
  let admin: Store;
  const instances: Instance[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: BOT_TOKEN });
    agile = await startAgileSimulator({ now: clock.now });
    dir = mkdtempSync(join(tmpdir(), opts.tmpPrefix));
  });
  afterAll(async () => {
    await Promise.all([slack.close(), agile.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  let n = 0;
  beforeEach(async () => {
    slack.reset();
    agile.reset();
    clock.set(opts.startIso);
    database = { kind: 'sqlite', path: join(dir, `db-${++n}.sqlite`) };
    admin = await openStore(database, { now: clock.now });
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.close()));
    await admin.close();
  });

  return {
    clock,
    get slack() {
      return slack;
    },
    get agile() {
      return agile;
    },
    get admin() {
      return admin;
    },
    async instance(
      id = 'a',
      over: { wrapPoster?: (p: DigestPoster) => DigestPoster; retryDelaysMs?: number[]; sleep?: Sleep } = {},
    ): Promise<Instance> {
      const i = await startInstance({
        database,
        slack,
        agile,
        now: clock.now,
        advance: clock.advance,
        instanceId: id,
        ...(opts.staleClaimMs === undefined ? {} : { staleClaimMs: opts.staleClaimMs }),
        ...over,
      });
      instances.push(i);
      return i;
    },
    /** Closes an instance mid-test (a shutdown) so afterEach does not close it again. */
    async closeInstance(i: Instance) {
      await i.close();
      instances.splice(instances.indexOf(i), 1);
    },
    schedule(channelId: string, over: { time?: string; timeZone?: string; weekdaysOnly?: boolean } = {}) {
      return admin.digestSchedules.upsert({
        teamId: 'T1',
        channelId,
        time: over.time ?? '09:00',
        timeZone: over.timeZone ?? 'Europe/Paris',
        horizonDays: 3,
        weekdaysOnly: over.weekdaysOnly ?? false,
        ownerEmails: null,
        userId: 'U1',
      });
    },
    /** Top-level (non-thread) messages posted to `channel`. */
    mains(channel: string) {
      return (slack.messages.get(channel) ?? []).filter((m) => !m.threadTs);
    },
  };
}

/** Adds `count` pending tasks due around `now` (a digest with a long thread). */
export function seedTasks(agile: AgileSimulator, count: number, now: Date): void {
  const { state } = agile;
  const owners = state.users.map((u) => u.id);
  const nowSec = Math.floor(now.getTime() / 1000);
  for (let i = 0; i < count; i++) {
    state.tasks.push({
      id: nextId(state),
      subject: `Bulk task ${i}`,
      type: 'CALL',
      priorityType: 'NORMAL',
      dueEpochSec: nowSec - 3_600 + i * 60,
      createdEpochSec: nowSec,
      isComplete: false,
      status: 'YET_TO_START',
      progress: 0,
      contactIds: [],
      dealIds: [],
      noteIds: [],
      ownerId: owners[i % owners.length] as string,
      description: '',
    });
  }
}

/**
 * A poster that lets the first `passing` posts through, then holds every later one until the owner's
 * close() (which rejects them as the real poster does): an instance stopped part way through a thread.
 * `landThenHang`: the held posts reach Slack first, then never answer (the answer lost in a crash).
 */
export function cutPoster(passing: number, opts: { landThenHang?: boolean } = {}) {
  let calls = 0;
  const held = new Set<(err: Error) => void>();
  return {
    calls: () => calls,
    wrap(inner: DigestPoster): DigestPoster {
      return {
        async post(channel, message, threadTs, metadata) {
          calls++;
          if (calls <= passing) return inner.post(channel, message, threadTs, metadata);
          if (opts.landThenHang) await inner.post(channel, message, threadTs, metadata);
          return new Promise<string>((_, reject) => held.add(reject));
        },
        findPosted: (channel, runId, sinceMs) => inner.findPosted(channel, runId, sinceMs),
        close() {
          for (const reject of [...held])
            reject(new DigestPostError('The digest poster is shut down', 'closed', true));
          held.clear();
          inner.close();
        },
      };
    },
  };
}

export async function tickAndSettle(i: Instance) {
  const report = await i.scheduler.tick();
  await i.scheduler.idle();
  return report;
}
