import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FAKE_OAUTH } from '../test/helpers/fake-slack.js';
import { commandPayload } from '../test/helpers/payloads.js';
import { startTestBot, type TestBot } from '../test/helpers/test-bot.js';
import { percentile, runIfEntry, summarise } from './lib.js';

/**
 * "Workspaces" (issue 10). (1) What authorizing a request costs per request once warm: Bolt's
 * authorize (OAuth: the installation from the store, cached; env mode: the env token) plus the team's
 * deps (cached), in-process, for a request of an installed team vs the single-workspace env-token
 * path. (2) One digest scheduler tick over 1,000 schedules in 1,000 installed, connected workspaces
 * (none due: the tick every minute reads them all), and 1,000 warm forTeam lookups (what due
 * schedules cost on top).
 */
const SAMPLES = 5_000;
const WORKSPACES = 1_000;
const TICKS = 20;

type Authorize = (source: Record<string, unknown>, body: unknown) => Promise<{ botToken?: string }>;

/** p50 / p99 in ms with µs precision (the authorize figures are far below 0.1 ms). */
const fine = (values: number[]) => {
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return { p50: r(percentile(values, 50)), p99: r(percentile(values, 99)) };
};

const authorizeOf = (t: TestBot): Authorize => {
  const app = t.bot.slack.app as unknown as { authorize: Authorize };
  return (source, body) => app.authorize(source, body);
};

async function timeAuthorize(t: TestBot, teamId: string): Promise<number[]> {
  const authorize = authorizeOf(t);
  const body = commandPayload('help', { overrides: { team_id: teamId } });
  const source = { teamId, enterpriseId: undefined, userId: body.user_id, isEnterpriseInstall: false };
  const once = async () => {
    const auth = await authorize(source, body);
    if (!auth.botToken) throw new Error('authorize gave no bot token');
    const team = await t.bot.workspaces.teamDeps(teamId);
    if (!team) throw new Error(`team ${teamId} has no deps`);
  };
  for (let i = 0; i < 500; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await once();
    samples.push(performance.now() - start);
  }
  return samples;
}

function oauthEnv(): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: '',
    SLACK_CLIENT_ID: FAKE_OAUTH.clientId,
    SLACK_CLIENT_SECRET: FAKE_OAUTH.clientSecret,
    SLACK_STATE_SECRET: 'bench-state-secret-0123456789',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AGILE_EMAIL: '',
    AGILE_API_KEY: '',
    LOG_LEVEL: 'warn',
  };
}

export async function runWorkspacesBench(): Promise<Record<string, number | string>> {
  const env = await startTestBot({ scheduler: { enabled: false }, env: { LOG_LEVEL: 'warn' } });
  const oauth = await startTestBot({
    agileBaseUrl: 'http://127.0.0.1:9/{domain}/dev/',
    scheduler: { tickMs: 3_600_000 },
    followPoller: { enabled: false },
    env: oauthEnv(),
  });
  try {
    const store = oauth.bot.deps.store;
    const teamIds = Array.from({ length: WORKSPACES }, (_, i) => `T0BENCH${String(i).padStart(4, '0')}`);
    const nowMs = Date.now();
    for (const teamId of teamIds) {
      await store.workspaces.saveInstallation({
        teamId,
        teamName: teamId,
        enterpriseId: null,
        botToken: `xoxb-${teamId}-bench`,
        botUserId: 'U0BOT',
        botId: 'B0BOT',
        scopes: ['commands'],
        installerUserId: 'U0ALICE',
        installedMs: nowMs,
      });
      await store.workspaces.setWorkspaceAccount(teamId, {
        domain: teamId.toLowerCase(),
        email: 'api@example.com',
        apiKey: `key-${teamId}`,
        connectedBy: 'U0ALICE',
        connectedMs: nowMs,
      });
      // Saved now with 00:00: not due before tomorrow, like most schedules at most ticks.
      await store.digestSchedules.upsert({
        teamId,
        channelId: `C0${teamId}`,
        time: '00:00',
        timeZone: 'UTC',
        horizonDays: 1,
        weekdaysOnly: false,
        ownerEmails: null,
        userId: 'U0ALICE',
      });
    }

    const envAuth = fine(await timeAuthorize(env, 'T0TEST'));
    const oauthAuth = fine(await timeAuthorize(oauth, teamIds[0] ?? ''));

    const scheduler = oauth.bot.digestScheduler;
    if (!scheduler) throw new Error('the scheduler is off');
    const ticks: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      const start = performance.now();
      const report = await scheduler.tick();
      ticks.push(performance.now() - start);
      if (report.schedules !== WORKSPACES) throw new Error(`tick saw ${report.schedules} schedules`);
    }
    const tick = summarise(ticks);
    // The usual minute: most schedules' HH:MM not reached yet (or today's run done) is the cheap path.
    for (const teamId of teamIds) {
      await store.digestSchedules.upsert({
        teamId,
        channelId: `C0${teamId}`,
        time: '23:59',
        timeZone: 'Pacific/Kiritimati',
        horizonDays: 1,
        weekdaysOnly: false,
        ownerEmails: null,
        userId: 'U0ALICE',
      });
    }
    const quietTicks: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      const start = performance.now();
      await scheduler.tick();
      quietTicks.push(performance.now() - start);
    }
    const quiet = summarise(quietTicks);

    // Warm every team (what a tick where all were due would find), then time 1,000 lookups.
    const coldStart = performance.now();
    for (const teamId of teamIds) await oauth.bot.deps.forTeam(teamId);
    const coldMs = performance.now() - coldStart;
    const warmStart = performance.now();
    for (const teamId of teamIds) {
      if (!(await oauth.bot.deps.forTeam(teamId))) throw new Error(`${teamId} not connected`);
    }
    const churnMs = performance.now() - warmStart;
    // 500 teams: what the cache holds (MAX_CACHED_TEAMS), looked up twice, timed the second time.
    const held = teamIds.slice(0, 500);
    for (const teamId of held) await oauth.bot.deps.forTeam(teamId);
    const heldStart = performance.now();
    for (const teamId of held) await oauth.bot.deps.forTeam(teamId);
    const heldMs = performance.now() - heldStart;

    return {
      'authorize + team deps, env token p50/p99 ms': `${envAuth.p50} / ${envAuth.p99}`,
      'authorize + team deps, installed team p50/p99 ms': `${oauthAuth.p50} / ${oauthAuth.p99}`,
      'added by OAuth p99 ms (target ≤ 1)': Math.round((oauthAuth.p99 - envAuth.p99) * 1000) / 1000,
      'scheduler tick, 1,000 schedules in 1,000 workspaces, HH:MM passed, saved after it (worst) p50/max ms (target < 100)': `${tick.p50} / ${tick.max}`,
      'scheduler tick, 1,000 schedules in 1,000 workspaces, HH:MM not reached p50/max ms (target < 100)': `${quiet.p50} / ${quiet.max}`,
      'forTeam × 1,000 workspaces, first (builds) ms': Math.round(coldMs),
      'forTeam × 1,000 workspaces again (cache holds 500: rebuilds) ms': Math.round(churnMs),
      'forTeam × 500 cached workspaces ms': Math.round(heldMs * 100) / 100,
    };
  } finally {
    await Promise.all([env.close(), oauth.close()]);
  }
}

runIfEntry(import.meta.url, runWorkspacesBench);
