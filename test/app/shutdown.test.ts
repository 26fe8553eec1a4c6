import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgileSimulator, startAgileSimulator } from '../../src/devkit/sandbox/agile-simulator.js';
import { openStore } from '../../src/platform/store/index.js';
import { LEASE_SEC } from '../../src/platform/store/run-once.js';
import { type FakeSlack, startFakeSlack } from '../helpers/fake-slack.js';
import { commandPayload } from '../helpers/payloads.js';
import { sendCommand } from '../helpers/slack-requests.js';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../helpers/test-bot.js';

/**
 * The real entry (src/main.ts) in a child process, against a fake Slack and the Agile simulator
 * started here: SIGTERM drains (README → Shutdown), SIGKILL leaves a lease that lapses.
 */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADA = 'ada.lovelace@northwind.example.com';

interface Child {
  proc: ChildProcess;
  logs: Record<string, unknown>[];
  port: number;
  exited: Promise<number | null>;
  dbPath: string;
}

// A child process starts in seconds on an idle machine, tens of seconds on a busy one.
describe('shutdown of the real process (src/main.ts)', { timeout: 90_000 }, () => {
  let slack: FakeSlack;
  let agile: AgileSimulator;
  const dir = mkdtempSync(join(tmpdir(), 'crm-bot-shutdown-'));
  const children: ChildProcess[] = [];
  let n = 0;

  beforeAll(async () => {
    slack = await startFakeSlack({ botToken: TEST_BOT_TOKEN });
    agile = await startAgileSimulator({});
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    slack.reset();
    agile.reset();
  });
  afterAll(async () => {
    await Promise.all([slack.close(), agile.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function startChild(env: Record<string, string> = {}, dbPath = join(dir, `bot-${n++}.sqlite`)) {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        AGILE_BASE_URL: agile.url,
        AGILE_EMAIL: agile.credentials.email,
        AGILE_API_KEY: agile.credentials.apiKey,
        DATABASE_URL: `sqlite:${dbPath}`,
        PORT: '0',
        LOG_LEVEL: 'info',
        ...env,
      },
    });
    children.push(proc);
    const logs: Record<string, unknown>[] = [];
    let buffered = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim().startsWith('{')) logs.push(JSON.parse(line));
    });
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const started = await vi.waitFor(
      () => {
        if (proc.exitCode !== null) throw new Error(`the bot exited: ${stderr}`);
        const line = logs.find((l) => l.msg === 'bot started');
        if (!line) throw new Error('not started yet');
        return line;
      },
      { timeout: 20_000, interval: 50 },
    );
    return { proc, logs, port: Number(started.port), exited, dbPath } satisfies Child;
  }

  const url = (c: Child) => `http://127.0.0.1:${c.port}/slack/events`;
  const quickNote = (c: Child, text: string) =>
    sendCommand(
      url(c),
      TEST_SIGNING_SECRET,
      commandPayload(`note ${ADA} ${text}`, { responseUrl: slack.responseUrl() }),
    );
  const notesWith = (text: string) => agile.state.notes.filter((x) => x.description.includes(text));
  const logged = (c: Child, msg: string) => c.logs.find((l) => l.msg === msg);
  const inProgressKeys = (dbPath: string): string[] => {
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      return (
        db.prepare("SELECT key FROM idempotency_keys WHERE status = 'in_progress'").all() as { key: string }[]
      ).map((r) => r.key);
    } finally {
      db.close();
    }
  };

  /** The lease of `key` lapsed: its expiry moved into the past, as if nobody had renewed it for LEASE_SEC. */
  const ageLease = (dbPath: string, key: string): void => {
    const db = new BetterSqlite3(dbPath);
    try {
      const aged = db
        .prepare("UPDATE idempotency_keys SET expires_ms = ? WHERE key = ? AND status = 'in_progress'")
        .run(Date.now() - 1000, key);
      expect(aged.changes).toBe(1);
    } finally {
      db.close();
    }
  };

  it('SIGTERM during a slow write: new requests are refused, the write finishes and is confirmed, exit 0', async () => {
    const c = await startChild();
    agile.faults.latencyMs = 1500;
    const ack = await quickNote(c, 'Drained before exit');
    expect(ack.status).toBe(200);
    // The write is under way (its key claimed) when the signal lands.
    await vi.waitFor(() => expect(inProgressKeys(c.dbPath)).toHaveLength(1), {
      timeout: 10_000,
      interval: 50,
    });
    c.proc.kill('SIGTERM');
    await vi.waitFor(() => expect(logged(c, 'shutdown: waiting for work in flight')).toBeDefined(), {
      timeout: 5_000,
      interval: 20,
    });
    const refused = await quickNote(c, 'Sent after SIGTERM').then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(refused);

    expect(await c.exited).toBe(0);
    expect(notesWith('Drained before exit')).toHaveLength(1);
    expect(notesWith('Sent after SIGTERM')).toHaveLength(0);
    const reply = await slack.waitFor('response', (r) => String(r.args.text).includes('Ada Lovelace'));
    expect(reply.args.response_type).toBe('ephemeral');
    const order = [
      'shutting down: draining',
      'shutdown: waiting for work in flight',
      'shutdown: work in flight finished',
      'shut down',
    ];
    const at = order.map((m) => c.logs.findIndex((l) => l.msg === m));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(logged(c, 'shutdown deadline passed with work still in flight')).toBeUndefined();
    expect(inProgressKeys(c.dbPath)).toEqual([]);
    slack.assertNoViolations();
  });

  it('a write still running at SHUTDOWN_TIMEOUT_SECONDS is logged with its idempotency key; the process still exits', async () => {
    const c = await startChild({ SHUTDOWN_TIMEOUT_SECONDS: '0.5' });
    agile.faults.latencyMs = 4000;
    await quickNote(c, 'Too slow to drain');
    await vi.waitFor(() => expect(inProgressKeys(c.dbPath)).toHaveLength(1), {
      timeout: 10_000,
      interval: 50,
    });
    const [key] = inProgressKeys(c.dbPath);
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const late = logged(c, 'shutdown deadline passed with work still in flight');
    expect(late?.idempotencyKeys).toEqual([key]);
    expect(String(key)).toMatch(/^note\.quick:/);
    expect(
      logged(c, 'shutdown: writes not finished (retryable once their lease lapses)')?.idempotencyKeys,
    ).toEqual([key]);
  });

  it('a process killed mid-write leaves its key in progress only for the lease; the same command retried after it finds the note and writes nothing twice', async () => {
    const c = await startChild();
    agile.faults.latencyMs = 3000;
    await quickNote(c, 'Killed mid-write');
    await vi.waitFor(() => expect(inProgressKeys(c.dbPath)).toHaveLength(1), {
      timeout: 10_000,
      interval: 50,
    });
    const [key = ''] = inProgressKeys(c.dbPath);
    // Killed once the CRM has applied the note, before its (held back) answer arrives.
    await vi.waitFor(() => expect(notesWith('Killed mid-write')).toHaveLength(1), {
      timeout: 15_000,
      interval: 50,
    });
    c.proc.kill('SIGKILL');
    await c.exited;
    agile.faults.latencyMs = 0;

    // Within the lease the key still answers "in progress" (a live holder could not be told apart)…
    const soon = await openStore(
      { kind: 'sqlite', path: c.dbPath },
      { now: () => new Date(Date.now() + 5_000) },
    );
    expect(await soon.idempotency.claim(key, LEASE_SEC)).toEqual({ status: 'in_progress' });
    await soon.close();
    // The lease lapses (nobody renews it): aged in the database as if LEASE_SEC had passed.
    ageLease(c.dbPath, key);

    // A restarted process on the same database, and the SAME command again: the takeover of the
    // dead write's key is an unknown outcome, so it first checks whether the note landed, finds it
    // and writes nothing.
    const again = await startChild({}, c.dbPath);
    const from = slack.log.length;
    await quickNote(again, 'Killed mid-write');
    const reply = await slack.waitFor(
      'response',
      (r) => slack.log.indexOf(r) >= from && String(r.args.text).includes('Ada Lovelace'),
      10_000,
    );
    expect(String(reply.args.text)).not.toMatch(/not logged|may have been/i);
    expect(notesWith('Killed mid-write')).toHaveLength(1);
    expect(
      agile.requests.filter(
        (r) => r.method === 'POST' && /\/notes$/.test(r.path) && r.body.includes('Killed mid-write'),
      ),
    ).toHaveLength(1);
    // A different command is a new write, as ever.
    await quickNote(again, 'Restarted and retried');
    await slack.waitFor('response', (r) => String(r.args.text).includes('Ada Lovelace'), 10_000);
    await vi.waitFor(() => expect(notesWith('Restarted and retried')).toHaveLength(1), {
      timeout: 10_000,
      interval: 50,
    });
    again.proc.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
