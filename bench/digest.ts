import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import type { AgileClient, DomainUser, Task } from '../src/agile/index.js';
import { buildDigestModel } from '../src/digest/digest-model.js';
import { toDigestTask } from '../src/digest/digest-run.js';
import type { DigestPoster } from '../src/digest/poster.js';
import { createDigestScheduler } from '../src/digest/scheduler.js';
import type { OwnerDirectory } from '../src/services/owner-directory.js';
import type { SlackUserDirectory } from '../src/slack/user-directory.js';
import { openStore } from '../src/store/index.js';
import { buildDigestMessages } from '../src/views/digest.js';

const TASKS = 10_000;
const OWNERS = 200;
const SCHEDULES = 1_000;
const TYPES = ['CALL', 'EMAIL', 'FOLLOW_UP', 'MEETING', 'MILESTONE', 'SEND', 'TWEET', 'OTHER'];
const PRIORITIES = ['HIGH', 'NORMAL', 'LOW'];

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const ms = (n: number) => Math.round(n * 10) / 10;

/** Agile tasks as the API returns them (owner, one contact each), due from 3 days ago to 4 days ahead. */
function makeTasks(nowSec: number): { tasks: Task[]; owners: DomainUser[] } {
  const owners: DomainUser[] = Array.from(
    { length: OWNERS },
    (_, i) =>
      ({
        id: String(5_000_000_000_000_000 + i),
        email: `owner${i}@example.com`,
        name: `Owner Number ${i}`,
      }) as DomainUser,
  );
  const tasks = Array.from({ length: TASKS }, (_, i) => ({
    id: String(6_000_000_000_000_000 + i),
    type: TYPES[i % TYPES.length],
    priority_type: PRIORITIES[i % PRIORITIES.length],
    subject: `Follow up on proposal #${i} <with> & "quotes"`,
    due: nowSec - 3 * 86_400 + ((i * 7919) % (7 * 86_400)),
    is_complete: false,
    taskOwner: owners[i % OWNERS],
    contacts: [
      {
        id: String(7_000_000_000_000_000 + i),
        type: 'PERSON',
        properties: [
          { type: 'SYSTEM', name: 'first_name', value: `First${i}` },
          { type: 'SYSTEM', name: 'last_name', value: `Last${i}` },
        ],
        tags: [],
        tagsWithTime: [],
      },
    ],
    deal_ids: [],
    notes: [],
  })) as unknown as Task[];
  return { tasks, owners };
}

async function benchBuild(): Promise<Record<string, number>> {
  const now = new Date('2026-03-10T08:00:00Z');
  globalThis.gc?.();
  const rssAtStart = process.memoryUsage().rss;
  const { tasks } = makeTasks(Math.floor(now.getTime() / 1000));
  const mentions = new Map(
    Array.from({ length: OWNERS / 2 }, (_, i) => [`owner${i * 2}@example.com`, `<@U${i}>`]),
  );
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const started = performance.now();
  const users = new Map<string, DomainUser>();
  const digestTasks = tasks.map((t) => toDigestTask(t, users));
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const model = buildDigestModel(digestTasks, { now, timeZone: 'Europe/Paris', horizonDays: 3 });
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const messages = buildDigestMessages(model, { mentionFor: (email) => mentions.get(email) });
  const buildMs = performance.now() - started;
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  return {
    digestBuildTasks: TASKS,
    digestBuildOwners: OWNERS,
    digestBuildListed: model.counts.total,
    digestBuildMessages: 1 + messages.thread.length,
    digestBuildMs: ms(buildMs),
    /** The process before the fixture exists (Node, tsx, the app's modules). */
    rssBeforeFixtureMb: mb(rssAtStart),
    digestBuildPeakRssMb: mb(rssPeak),
    digestBuildRssGrowthMb: mb(rssPeak - rssBefore),
    /** Whole-process peak so far (includes whatever ran before in this process). */
    processMaxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function benchTick(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'digest-bench-'));
  let t = Date.parse('2026-03-10T07:00:00Z');
  const now = () => new Date(t);
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'bench.sqlite') }, { now });
  try {
    const zones = ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];
    for (let i = 0; i < SCHEDULES; i++) {
      const s = await store.digestSchedules.upsert({
        teamId: 'T1',
        channelId: `C${i}`,
        time: '23:59',
        timeZone: zones[i % zones.length] as string,
        horizonDays: 3,
        weekdaysOnly: i % 2 === 0,
        ownerEmails: i % 3 === 0 ? ['owner1@example.com'] : null,
        userId: 'U1',
      });
      // Half already have runs (yesterday's), so the last-run join does real work.
      if (i % 2 === 0) {
        const run = await store.digestRuns.claim(s.id, '2026-03-09', 'bench');
        if (run) await store.digestRuns.markPosted(run.id, '1.000');
      }
    }
    const logger = pino({ level: 'silent' });
    const poster: DigestPoster = {
      post: () => Promise.reject(new Error('nothing should be due in the tick benchmark')),
      close: () => {},
    };
    const scheduler = createDigestScheduler({
      deps: {
        store,
        logger,
        now,
        agile: {} as AgileClient,
        owners: {} as OwnerDirectory,
        slackUsers: {} as SlackUserDirectory,
      },
      poster,
      instanceId: 'bench',
    });
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      t += 60_000;
      const started = performance.now();
      const report = await scheduler.tick();
      samples.push(performance.now() - started);
      if (report.due !== 0 || report.schedules !== SCHEDULES)
        throw new Error(`unexpected tick ${JSON.stringify(report)}`);
    }
    const warm = samples.slice(2).sort((a, b) => a - b);
    await scheduler.stop();
    return {
      tickSchedules: SCHEDULES,
      tickFirstMs: ms(samples[0] as number),
      tickMedianMs: ms(warm[Math.floor(warm.length / 2)] as number),
      tickMaxMs: ms(Math.max(...warm)),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The digest's figures: building a 10,000-task digest, and one scheduler tick over 1,000 schedules. */
export async function runDigestBench(): Promise<Record<string, number | string>> {
  const build = await benchBuild();
  const tick = await benchTick();
  return {
    ...build,
    digestBuildTarget: '< 1000 ms, < 150 MB peak RSS',
    ...tick,
    tickTarget: '< 50 ms',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runDigestBench();
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
