import { pathToFileURL } from 'node:url';
import { buildDigestModel } from '../src/features/digest/digest-model.js';
import { toDigestTask } from '../src/features/digest/digest-run.js';
import { buildDigestMessages } from '../src/features/digest/views.js';
import type { DomainUser, Task } from '../src/platform/agile/index.js';

/** Builds a 10,000-task digest in this process and prints its figures as JSON (see bench/digest.ts). */
const TASKS = 10_000;
const OWNERS = 200;
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

export async function benchBuild(): Promise<Record<string, number>> {
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
  const messages = buildDigestMessages(model, { mentions });
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href || process.argv.includes('--run')) {
  process.stdout.write(`${JSON.stringify(await benchBuild())}\n`);
}
