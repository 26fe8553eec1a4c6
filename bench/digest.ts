import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { pino } from 'pino';
import type { DigestPoster } from '../src/features/digest/poster.js';
import { createDigestScheduler } from '../src/features/digest/scheduler.js';
import type { AgileClient } from '../src/platform/agile/index.js';
import type { OwnerDirectory } from '../src/platform/agile/owner-directory.js';
import type { SlackUserDirectory } from '../src/platform/slack/user-directory.js';
import { openStore } from '../src/platform/store/index.js';

const SCHEDULES = 1_000;

const ms = (n: number) => Math.round(n * 10) / 10;

/**
 * The build runs in a fresh plain-Node process (bundled first: no TypeScript loader, whose ~50 MB
 * would otherwise count) so its peak RSS is the build's, not this runner's.
 */
async function benchBuildInFreshProcess(): Promise<Record<string, number>> {
  // Inside the repo (bench/results is git-ignored) so the bundle resolves node_modules.
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'digest-build.mjs');
  try {
    await build({
      entryPoints: [new URL('./digest-build.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      packages: 'external',
      logLevel: 'silent',
    });
    const out = execFileSync(process.execPath, ['--expose-gc', outfile, '--run'], {
      encoding: 'utf8',
      cwd: new URL('..', import.meta.url).pathname,
    });
    return JSON.parse(out) as Record<string, number>;
  } finally {
    rmSync(outfile, { force: true });
  }
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
      findPosted: () => Promise.resolve(null),
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
  const build = await benchBuildInFreshProcess();
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
