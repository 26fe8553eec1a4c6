import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgileSimulator, startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import type { DatabaseConfig } from '../../../src/platform/config.js';
import { openStore } from '../../../src/platform/store/index.js';
import { type FakeSlack, startFakeSlack } from '../../helpers/fake-slack.js';
import {
  ADMIN_URL,
  BOT_TOKEN,
  fakeClock,
  freshPostgres,
  type Instance,
  postgresProblem,
  startInstance,
} from './scheduler-harness.js';

const problem = await postgresProblem();
const CHANNELS = Array.from({ length: 12 }, (_, i) => `C${String(i).padStart(3, '0')}`);

let slack: FakeSlack;
let agile: AgileSimulator;
const clock = fakeClock('2026-03-10T06:00:00Z');

beforeAll(async () => {
  slack = await startFakeSlack({ botToken: BOT_TOKEN });
  agile = await startAgileSimulator({ now: clock.now });
});
afterAll(() => Promise.all([slack.close(), agile.close()]));

/** Three app instances share one database; every one ticks at the same moments. */
async function exactlyOnce(database: DatabaseConfig): Promise<void> {
  slack.reset();
  clock.set('2026-03-10T06:00:00Z');
  const setup = await openStore(database, { now: clock.now });
  const schedules = [];
  for (const [i, channelId] of CHANNELS.entries()) {
    schedules.push(
      await setup.digestSchedules.upsert({
        teamId: 'T1',
        channelId,
        // Half in Paris at 09:00 (08:00Z), half in New York at 04:00 (08:00Z as well, EDT from 8 March).
        time: i % 2 === 0 ? '09:00' : '04:00',
        timeZone: i % 2 === 0 ? 'Europe/Paris' : 'America/New_York',
        horizonDays: 3,
        weekdaysOnly: false,
        ownerEmails: null,
        userId: 'U1',
      }),
    );
  }
  await setup.close();

  const start = (id: string) => startInstance({ database, slack, agile, now: clock.now, instanceId: id });
  let instances: Instance[] = await Promise.all(['one', 'two', 'three'].map(start));
  const tickAll = async () => {
    const reports = await Promise.all(instances.map((i) => i.scheduler.tick()));
    await Promise.all(instances.map((i) => i.scheduler.idle()));
    return reports;
  };
  try {
    for (const iso of ['2026-03-10T08:00:05Z', '2026-03-10T08:01:05Z', '2026-03-10T08:02:05Z']) {
      clock.set(iso);
      await tickAll();
    }
    // A restart of all three (new connections) the same day posts nothing again.
    await Promise.all(instances.map((i) => i.close()));
    instances = await Promise.all(['four', 'five', 'six'].map(start));
    clock.set('2026-03-10T09:00:05Z');
    const afterRestart = await tickAll();
    expect(afterRestart.reduce((sum, r) => sum + r.claimed, 0)).toBe(0);

    for (const channel of CHANNELS) {
      const mains = (slack.messages.get(channel) ?? []).filter((m) => !m.threadTs);
      expect(mains, channel).toHaveLength(1);
    }
    const check = instances[0]?.store;
    const winners = new Set<string>();
    for (const s of schedules) {
      const run = await check?.digestRuns.find(s.id, '2026-03-10');
      expect(run?.status).toBe('posted');
      expect(run?.messageTs).toBe((slack.messages.get(s.channelId) ?? [])[0]?.ts);
      winners.add(run?.instanceId ?? '');
    }
    expect([...winners].every((w) => ['one', 'two', 'three'].includes(w))).toBe(true);
    slack.assertNoViolations();
  } finally {
    await Promise.all(instances.map((i) => i.close()));
  }
}

describe('exactly once across three instances', () => {
  it('on one SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digest-instances-'));
    try {
      await exactlyOnce({ kind: 'sqlite', path: join(dir, 'shared.sqlite') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  if (problem === null) {
    it('on one PostgreSQL database', async () => {
      const db = await freshPostgres();
      try {
        await exactlyOnce(db.config);
      } finally {
        await db.drop();
      }
    });
  } else if (process.env.CI) {
    it('reaches PostgreSQL (required in CI)', () => {
      throw new Error(`PostgreSQL at ${ADMIN_URL} is unreachable: ${problem}`);
    });
  } else {
    console.warn(
      `[digest] PostgreSQL at ${ADMIN_URL} unreachable (${problem}): SKIPPING the PostgreSQL exactly-once test`,
    );
    it.skip('on one PostgreSQL database (PostgreSQL unreachable)', () => {});
  }
});
