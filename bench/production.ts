import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandPayload, newTriggerId } from '../test/helpers/payloads.js';
import { sendCommand } from '../test/helpers/slack-requests.js';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../test/helpers/test-bot.js';
import {
  alternate,
  elapsedMs,
  p50p99,
  pool,
  ratio,
  runIfEntry,
  Samples,
  settleQuietMs,
  sleep,
  summarise,
  type Upstreams,
  withUpstreams,
} from './lib.js';

/**
 * The production process, as started in production, against the framework's floor in the same run:
 *   bot   `npm start`'s command from package.json (node, its V8 flags, dist/main.js built once here),
 *         HTTP mode, SQLite in a temp dir, scheduler on
 *   bot-no-flags  `node dist/main.js`: what the build and lazy loading remove, without the V8 flags
 *   bare  `node bench/bare-bolt.mjs`, a bare Bolt app as plain JavaScript (same token, signing secret
 *         and Slack API URL; /healthz; /crm only acks)
 *   tsx   the bot as it ran before issue 13 (`node --import tsx src/main.ts`), for the "before" figures
 * Each round spawns a fresh process of each, in rotating order: cold start = spawn → first 200 from
 * GET /healthz; then a bounded burst of signed `/crm help` and `/crm lookup` commands, a settle, and
 * the process's VmRSS.
 */
const ROUNDS = 5;
const REQUESTS = 300;
const CONCURRENCY = 20;
const SETTLE_MS = 1000;
const TARGETS = { bot: 1.6, coldStart: 2 };

type Kind = 'bare' | 'bot' | 'bot-no-flags' | 'tsx';
const KINDS: readonly Kind[] = ['bare', 'bot', 'bot-no-flags', 'tsx'];
const root = new URL('..', import.meta.url).pathname;

/** `npm start`'s node arguments (package.json), so the bench measures exactly what production runs. */
function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.split(' ');
  if (node !== 'node') throw new Error(`npm start does not run node: ${pkg.scripts.start}`);
  return args;
}

function argsOf(kind: Kind): string[] {
  if (kind === 'bare') return [join(root, 'bench/bare-bolt.mjs')];
  if (kind === 'bot') return startArgs();
  if (kind === 'bot-no-flags') return [join(root, 'dist/main.js')];
  return ['--import', 'tsx', join(root, 'src/main.ts')];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

function vmRssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line?.[1]) throw new Error(`no VmRSS for ${pid}`);
  return Math.round((Number(line[1]) / 1024) * 10) / 10;
}

/** CPU time (user + system) the process has used so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after "pid (comm) "), in ticks.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
}
const CLOCK_TICKS_PER_SEC = 100;

async function untilHealthy(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before /healthz`);
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(5);
  }
  throw new Error(`no 200 from ${url} in ${timeoutMs} ms`);
}

async function round(up: Upstreams, kind: Kind, s: Samples): Promise<void> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crm-bot-prod-bench-'));
  const env = {
    PATH: process.env.PATH ?? '',
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: up.info.slackApiUrl,
    AGILE_BASE_URL: up.info.agileUrl,
    AGILE_EMAIL: up.info.agileEmail,
    AGILE_API_KEY: up.info.agileApiKey,
    DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
    LOG_LEVEL: 'silent',
    PORT: String(port),
  };
  const base = `http://127.0.0.1:${port}`;
  const startedMs = performance.now();
  const child = spawn(process.execPath, argsOf(kind), {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await untilHealthy(`${base}/healthz`, child);
    s.add(kind, 'coldStartMs', [performance.now() - startedMs]);
    const cpuBeforeMs = cpuMs(child.pid ?? 0);
    const answeredBefore = (await up.calls('response')).length;
    let n = 0;
    const responses = await pool(REQUESTS, CONCURRENCY, (i) =>
      sendCommand(
        `${base}/slack/events`,
        TEST_SIGNING_SECRET,
        commandPayload(i % 2 === 0 ? 'help' : 'lookup grace', {
          responseUrl: `${up.info.slackUrl}/response/${kind}-${++n}`,
          triggerId: newTriggerId(),
        }),
      ),
    );
    const failed = responses.filter((r) => r.status !== 200).length;
    if (failed > 0) throw new Error(`${kind}: ${failed} of ${REQUESTS} requests not acked`);
    s.add(kind, 'ackMs', elapsedMs(responses));
    await up.waitQuiet(settleQuietMs(0), 10_000);
    // The bot must have done the work, not only acked: every command answers on its response_url.
    const answered = (await up.calls('response')).length - answeredBefore;
    if (kind !== 'bare' && answered < REQUESTS)
      throw new Error(`${kind}: ${answered} of ${REQUESTS} answered`);
    await sleep(SETTLE_MS);
    s.add(kind, 'rssMiB', [vmRssMiB(child.pid ?? 0)]);
    s.add(kind, 'cpuMs', [cpuMs(child.pid ?? 0) - cpuBeforeMs]);
  } finally {
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runProductionBench(): Promise<Record<string, number | string>> {
  const buildStartedMs = performance.now();
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore' });
  const buildMs = Math.round(performance.now() - buildStartedMs);
  const s = new Samples();
  await withUpstreams(async (up) => {
    // One unmeasured round each warms the OS file cache, as a deployed host's would be.
    await alternate(1, KINDS, (kind) => round(up, kind, new Samples()));
    await alternate(ROUNDS, KINDS, (kind) => round(up, kind, s));
  });
  const median = (kind: Kind, name: string) => summarise(s.get(kind, name)).p50;
  const max = (kind: Kind, name: string) => summarise(s.get(kind, name)).max;
  const fig = (kind: Kind) =>
    `median ${median(kind, 'coldStartMs')} ms (max ${max(kind, 'coldStartMs')}), ` +
    `RSS median ${median(kind, 'rssMiB')} MiB (max ${max(kind, 'rssMiB')}), ` +
    `ack p50 / p99 ${p50p99(s.get(kind, 'ackMs'))} ms, CPU for the burst median ${median(kind, 'cpuMs')} ms`;
  const rssRatio = ratio(median('bot', 'rssMiB'), median('bare', 'rssMiB'));
  const startRatio = ratio(median('bot', 'coldStartMs'), median('bare', 'coldStartMs'));
  const verdict = (r: number, target: number) =>
    `${r} (target ≤ ${target}: ${r <= target ? 'met' : 'NOT met'})`;
  return {
    rounds: `${ROUNDS} per process, fresh process each; burst of ${REQUESTS} commands, ${CONCURRENCY} concurrent`,
    'build (npm run build), ms': buildMs,
    'bare Bolt (node bench/bare-bolt.mjs)': fig('bare'),
    [`bot (node ${startArgs().join(' ')})`]: fig('bot'),
    'bot without the V8 flags (node dist/main.js)': fig('bot-no-flags'),
    'bot before (node --import tsx src/main.ts)': fig('tsx'),
    'RSS after load, bot ÷ bare': verdict(rssRatio, TARGETS.bot),
    'cold start, bot ÷ bare': verdict(startRatio, TARGETS.coldStart),
    'without the V8 flags: RSS ÷ bare': ratio(median('bot-no-flags', 'rssMiB'), median('bare', 'rssMiB')),
    'without the V8 flags: cold start ÷ bare': ratio(
      median('bot-no-flags', 'coldStartMs'),
      median('bare', 'coldStartMs'),
    ),
    'before: RSS tsx ÷ bare': ratio(median('tsx', 'rssMiB'), median('bare', 'rssMiB')),
    'before: cold start tsx ÷ bare': ratio(median('tsx', 'coldStartMs'), median('bare', 'coldStartMs')),
  };
}

runIfEntry(import.meta.url, runProductionBench);
