import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgileSimulator, startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import type { DealRecord } from '../../../src/devkit/sandbox/state.js';
import { type FakeSlack, startFakeSlack } from '../../helpers/fake-slack.js';
import { ADMIN_URL, createTestDatabase, dropTestDatabase, postgresProblem } from '../../helpers/postgres.js';
import { documentedOnlyRun, startTestBot, TEST_BOT_TOKEN, type TestBot } from '../../helpers/test-bot.js';

/**
 * Two instances of the real bot on one database poll the same followed records in the same slots: each
 * change is posted once. A restart after several missed intervals posts one diff, not one per interval.
 */
const problem = await postgresProblem();
if (problem !== null && process.env.CI)
  throw new Error(`PostgreSQL at ${ADMIN_URL} is unreachable: ${problem}`);

const INTERVAL_MS = 300_000;
const dir = mkdtempSync(join(tmpdir(), 'follow-instances-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const databases: [string, () => Promise<{ url: string; drop(): Promise<void> }>][] = [
  ['SQLite file', async () => ({ url: `sqlite:${join(dir, 'shared.sqlite')}`, drop: async () => {} })],
];
if (problem === null) {
  databases.push([
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase('test_follow_instances');
      return { url: db.url, drop: () => dropTestDatabase(db.name) };
    },
  ]);
}

describe.each(databases)('follow polling on two instances sharing one %s', (_name, makeDatabase) => {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  let slack: FakeSlack;
  let agile: AgileSimulator;
  let database: { url: string; drop(): Promise<void> };
  let instances: TestBot[] = [];
  const start = (instanceId: string) =>
    startTestBot({
      env: { DATABASE_URL: database.url },
      now,
      shared: { slack, agile },
      scheduler: { enabled: false, perChannelIntervalMs: 0 },
      followPoller: { enabled: false, instanceId },
    });

  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: TEST_BOT_TOKEN });
    agile = await startAgileSimulator({ now, undocumented: !documentedOnlyRun() });
    database = await makeDatabase();
    instances = await Promise.all(['one', 'two'].map(start));
  });
  afterAll(async () => {
    await Promise.all(instances.map((t) => t.close()));
    await Promise.all([slack?.close(), agile?.close()]);
    await database?.drop();
  });

  const deal = (name: string): DealRecord => {
    const d = agile.state.deals.find((x) => x.name === name);
    if (!d) throw new Error(`no deal ${name}`);
    return d;
  };
  const thread = (channel: string, ts: string) =>
    (slack.messages.get(channel) ?? []).filter((m) => m.threadTs === ts && !m.deleted);
  /** Both instances poll the same slot at the same moment. */
  const pollBoth = async () => {
    offsetMs += INTERVAL_MS;
    const reports = await Promise.all(instances.map((t) => t.bot.followPoller.tick()));
    await Promise.all(instances.map((t) => t.idle()));
    return reports;
  };

  it('posts each change once while both instances poll, and no burst after a restart', async () => {
    const channel = { id: 'C0TWOINST', name: 'two-instances' };
    const names = ['Acme pilot: 20 seats', 'Globex analytics add-on', 'CPP Partners training'];
    for (const [i, name] of names.entries()) {
      // Followed through either instance.
      await instances[i % 2]?.command(`follow ${name}`, { channel });
    }
    await Promise.all(instances.map((t) => t.idle()));
    const roots = (slack.messages.get(channel.id) ?? []).filter((m) => !m.threadTs);
    expect(roots).toHaveLength(3);

    const baseline = await pollBoth();
    expect(baseline.reduce((n, r) => n + r.claimed, 0)).toBe(3);
    for (const name of names) deal(name).milestone = 'Proposal';
    const changed = await pollBoth();
    expect(changed.reduce((n, r) => n + r.claimed, 0)).toBe(3);
    expect(changed.reduce((n, r) => n + r.posted, 0)).toBe(3);
    for (const root of roots) {
      expect(thread(channel.id, root.ts).filter((m) => m.text?.includes('→ *Proposal*'))).toHaveLength(1);
    }

    // Both instances go down; five intervals pass with changes; two new instances start.
    await Promise.all(instances.map((t) => t.close()));
    deal('Acme pilot: 20 seats').milestone = 'Won';
    offsetMs += 4 * INTERVAL_MS;
    deal('Acme pilot: 20 seats').expectedValue = 4242;
    instances = await Promise.all(['three', 'four'].map(start));
    await pollBoth();
    const acme = roots.find((r) => r.text?.includes('Acme pilot'));
    const updates = thread(channel.id, acme?.ts ?? '').filter(
      (m) => m.text?.includes('Won') || m.text?.includes('4,242'),
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]?.text).toContain('was *won*');
    expect(updates[0]?.text).toContain('*4,242*');
    // The other two did not change: nothing more in their threads.
    await pollBoth();
    for (const root of roots.filter((r) => r !== acme)) {
      expect(thread(channel.id, root.ts)).toHaveLength(2);
    }
    slack.assertNoViolations();
  });
});
