import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { App, HTTPReceiver } from '@slack/bolt';
import {
  commandPayload,
  type InteractionPayload,
  newTriggerId,
  parseTriggerId,
  RESPONSE_URL_UNSET,
} from '../test/helpers/payloads.js';
import { type SlackResponse, sendCommand, sendInteraction } from '../test/helpers/slack-requests.js';
import { TEST_SIGNING_SECRET } from '../test/helpers/test-bot.js';

/** Nearest-rank percentile of a sample, in the sample's unit. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarise(values: number[]): { n: number; p50: number; p99: number; max: number } {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  };
}

/** "p50 / p99 (n)" for the printed table. */
export function p50p99(values: number[]): string {
  const s = summarise(values);
  return `${s.p50} / ${s.p99} (n=${s.n})`;
}

/** Runs `count` calls of `fn` all at once and returns what each resolved to. */
export async function burst<T>(count: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => fn(i)));
}

export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The framework's floor: a Bolt app with the same receiver and signature checks that only acks.
 * Every latency target is a ratio against this, measured in the same run on the same machine.
 */
export async function startBareBolt(
  signingSecret: string,
  experiment?: { afterAck: 'views.open' | 'views.open-deferred'; token: string; slackApiUrl: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events' });
  const app = new App({
    receiver,
    token: experiment?.token ?? 'xoxb-bare',
    tokenVerificationEnabled: false,
    botId: 'B0',
    botUserId: 'U0',
    clientOptions: { slackApiUrl: experiment?.slackApiUrl },
  });
  app.command('/crm', async ({ ack, client, command }) => {
    await ack();
    // Experiments only (bench/profile-acks.ts): what one views.open after the ack costs the other acks.
    if (!experiment) return;
    if (experiment.afterAck === 'views.open-deferred') await new Promise((r) => setImmediate(r));
    await client.views.open({
      trigger_id: command.trigger_id,
      view: { type: 'modal', title: { type: 'plain_text', text: 'Bare' }, blocks: [] },
    });
  });
  app.shortcut(/.*/, async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  app.view(/.*/, async ({ ack }) => ack());
  app.options(/.*/, async ({ ack }) => ack({ options: [] }));
  const server = (await app.start(0)) as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    close: async () => {
      await app.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes: the upstreams (bench/upstreams.ts) and each system under test (bench/sut.ts)
// run in their own Node process, so none shares an event loop with another or with the load
// generator (this process). See bench/child.ts for the child side.

export interface Child<Info> {
  info: Info;
  pid: number;
  /** One line to the child's stdin; resolves with its one-line JSON answer. */
  command(line: string): Promise<Record<string, unknown>>;
  /** Closes its stdin (the child shuts down cleanly) and waits for it to exit. */
  close(): Promise<void>;
}

export async function spawnChild<Info>(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Child<Info>> {
  const path = new URL(script, import.meta.url).pathname;
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    ['--import', 'tsx', path, ...args],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const waiting: ((line: string) => void)[] = [];
  const early: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else early.push(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextLine = (timeoutMs: number) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script}: no answer in ${timeoutMs} ms`)), timeoutMs);
      const take = (line: string) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as Record<string, unknown>);
        } catch {
          reject(new Error(`${script}: not JSON: ${line}`));
        }
      };
      const ready = early.shift();
      if (ready !== undefined) take(ready);
      else waiting.push(take);
      exited.then(() => reject(new Error(`${script} exited (code ${child.exitCode})`)));
    });
  const info = (await nextLine(60_000)) as Info;
  return {
    info,
    pid: child.pid ?? 0,
    command(line) {
      const answer = nextLine(30_000);
      child.stdin.write(`${line}\n`);
      return answer;
    },
    async close() {
      child.stdin.end();
      const killed = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

export interface UpstreamsInfo {
  agileUrl: string;
  agileEmail: string;
  agileApiKey: string;
  slackUrl: string;
  slackApiUrl: string;
  controlUrl: string;
}

export interface Upstreams {
  info: UpstreamsInfo;
  setLatency(ms: number): Promise<void>;
  resetSlack(): Promise<void>;
  resetAgile(): Promise<void>;
  /** Recorded calls of a Slack method, with the ms from each trigger_id's issue to the call. */
  calls(method: string): Promise<{ triggerId: string; atMs: number; sinceTriggerMs: number | null }[]>;
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<number>;
  /** Waits until neither upstream has received a request for `quietMs` (at most `maxMs`). */
  waitQuiet(quietMs: number, maxMs: number): Promise<boolean>;
  get<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const child = await spawnChild<UpstreamsInfo>('./upstreams.ts');
  const base = child.info.controlUrl;
  const call = async <T>(method: 'GET' | 'POST', path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, { method });
    if (!res.ok) throw new Error(`upstreams ${method} ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const calls: Upstreams['calls'] = async (method) =>
    (await call<{ triggerId: string; atMs: number }[]>('GET', `/calls?method=${method}`)).map((c) => {
      const issuedMs = parseTriggerId(c.triggerId)?.issuedMs;
      return { ...c, sinceTriggerMs: issuedMs === undefined ? null : c.atMs - issuedMs };
    });
  return {
    info: child.info,
    setLatency: async (ms) => void (await call('POST', `/latency?ms=${ms}`)),
    resetSlack: async () => void (await call('POST', '/reset/slack')),
    resetAgile: async () => void (await call('POST', '/reset/agile')),
    calls,
    async waitForCalls(method, count, timeoutMs = 8000) {
      const deadline = Date.now() + timeoutMs;
      let n = (await calls(method)).length;
      while (n < count && Date.now() < deadline) {
        await sleep(25);
        n = (await calls(method)).length;
      }
      return n;
    },
    waitQuiet: async (quietMs, maxMs) =>
      (await call<{ quiet: boolean }>('GET', `/quiet?ms=${quietMs}&max=${maxMs}`)).quiet,
    get: (path) => call('GET', path),
    close: () => child.close(),
  };
}

export type TargetKind = 'bare' | 'bot';
/** Experiments of bench/profile-acks.ts: the bare app plus one views.open after ack (deferred or not). */
export type ExperimentKind = 'bare+open' | 'bare+open-deferred';

/** A system under test in its own process, driven over signed HTTP exactly as Slack does. */
export interface Target {
  kind: TargetKind;
  /** The process started (kind, or an experiment's variant of the bare app). */
  variant: TargetKind | ExperimentKind;
  url: string;
  /** `/crm {text}` with a fresh trigger_id (issued now) and a response_url on the fake Slack. */
  command(text: string): Promise<SlackResponse>;
  /** An interaction; an unset response_url is pointed at the fake Slack. */
  interact(payload: InteractionPayload): Promise<SlackResponse>;
  /** Profiles the target's process (V8 CPU profiler) while `work` runs; writes a .cpuprofile. */
  profile<T>(path: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startTarget(
  variant: TargetKind | ExperimentKind,
  upstreams: Upstreams,
): Promise<Target> {
  const kind: TargetKind = variant === 'bot' ? 'bot' : 'bare';
  const child = await spawnChild<{ url: string }>('./sut.ts', [variant], {
    BENCH_UPSTREAMS: JSON.stringify(upstreams.info),
  });
  const { url } = child.info;
  let responseSeq = 0;
  const responseUrl = () => `${upstreams.info.slackUrl}/response/${kind}-${++responseSeq}`;
  return {
    kind,
    variant,
    url,
    command: (text) =>
      sendCommand(
        url,
        TEST_SIGNING_SECRET,
        commandPayload(text, { responseUrl: responseUrl(), triggerId: newTriggerId() }),
      ),
    interact(payload) {
      const p = payload as unknown as Record<string, unknown>;
      const withUrl = p.response_url === RESPONSE_URL_UNSET ? { ...p, response_url: responseUrl() } : p;
      return sendInteraction(url, TEST_SIGNING_SECRET, withUrl as unknown as InteractionPayload);
    },
    async profile(path, work) {
      await child.command('profile-start');
      try {
        return await work();
      } finally {
        await child.command(`profile-stop ${path}`);
      }
    },
    close: () => child.close(),
  };
}

/**
 * Runs `round` for each target, `rounds` times, changing which goes first so that drift in the
 * machine's load (other processes, thermal, GC debt) falls on all alike.
 */
export async function alternate<T>(
  rounds: number,
  targets: readonly T[],
  round: (target: T, index: number) => Promise<void>,
): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    // Rotates the order (for two targets: swaps it) each round.
    const shift = r % targets.length;
    for (const t of [...targets.slice(shift), ...targets.slice(0, shift)]) await round(t, r);
  }
}

/** Runs `count` calls of `fn`, at most `concurrency` at a time; resolves with their results in order. */
export async function pool<T>(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Named samples collected over rounds, per target kind. */
export class Samples {
  private readonly byKey = new Map<string, number[]>();
  add(kind: string, name: string, values: number[]): void {
    const key = `${kind}:${name}`;
    this.byKey.set(key, [...(this.byKey.get(key) ?? []), ...values]);
  }
  get(kind: string, ...names: string[]): number[] {
    return names.flatMap((n) => this.byKey.get(`${kind}:${n}`) ?? []);
  }
}

/** How long to wait for a bot to finish its background work after a burst (Agile calls in chains). */
export const settleQuietMs = (agileLatencyMs: number) => agileLatencyMs + 300;

/** Each response's elapsed time, in ms. */
export const elapsedMs = (rs: { elapsedMs: number }[]) => rs.map((r) => r.elapsedMs);

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Starts the upstreams process, runs `fn` with it and always closes it. */
export async function withUpstreams<T>(fn: (up: Upstreams) => Promise<T>): Promise<T> {
  const up = await startUpstreams();
  try {
    return await fn(up);
  } finally {
    await up.close();
  }
}

/** Per Agile latency: a fresh bare-Bolt and bot target (their own processes), closed after `fn`. */
export async function forEachLatency(
  up: Upstreams,
  latenciesMs: readonly number[],
  fn: (targets: { bare: Target; bot: Target }, latencyMs: number) => Promise<void>,
): Promise<void> {
  for (const latencyMs of latenciesMs) {
    await up.setLatency(latencyMs);
    const bare = await startTarget('bare', up);
    const bot = await startTarget('bot', up);
    try {
      await fn({ bare, bot }, latencyMs);
    } finally {
      await Promise.all([bare.close(), bot.close()]);
    }
  }
}

/** Runs a benchmark and prints its table when its file is the entry point (`tsx bench/x.ts`). */
export function runIfEntry(moduleUrl: string, run: () => Promise<Record<string, number | string>>): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  run().then((r) => {
    console.table(r);
    process.exit(0);
  });
}
