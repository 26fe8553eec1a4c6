import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgileSimulator, startAgileSimulator } from '../../src/devkit/sandbox/agile-simulator.js';
import { NOT_INSTALLED_TEXT } from '../../src/platform/slack/create-app.js';
import { ACTION, SHORTCUT } from '../../src/platform/slack/ids.js';
import { ENTERPRISE_INSTALL_REFUSED } from '../../src/platform/slack/installation-store.js';
import {
  FAKE_OAUTH,
  type FakeSlack,
  type FakeTeam,
  RESPONSE,
  startFakeSlack,
} from '../helpers/fake-slack.js';
import { blockActionsPayload, eventEnvelope, messageActionPayload } from '../helpers/payloads.js';
import { createTestDatabase, dropTestDatabase, postgresProblem } from '../helpers/postgres.js';
import { documentedOnlyRun, startTestBot, TEST_BOT_TOKEN, type TestBot } from '../helpers/test-bot.js';

/**
 * Two workspaces installed through the real OAuth routes (GET /slack/install → Slack's authorize page
 * → GET /slack/oauth_redirect) against the fake Slack, each connected to its own Agile simulator
 * (AGILE_BASE_URL = http://proxy/{domain}/dev/: the proxy sends /alpha/… to one simulator and /beta/…
 * to the other). The database is one SQLite file the test keeps, so a restart reads it again.
 */

const ALPHA = { id: 'T0ALPHA', name: 'Alpha & Co', domain: 'alpha-co' };
const BETA = { id: 'T0BETA', name: 'Beta Ltd', domain: 'beta-ltd' };
const GAMMA = { id: 'T0GAMMA', name: 'Gamma', domain: 'gamma' };
const GRID = { id: 'T0GRID', name: 'Grid Org', domain: 'grid', enterpriseId: 'E0GRID' };
const userOf = (teamId: string, name: string) => ({
  id: `U0${name.toUpperCase()}${teamId.slice(2)}`,
  name,
  realName: `${name} of ${teamId}`,
  displayName: name,
  email: `${name}@${teamId.toLowerCase()}.example.com`,
  tz: 'UTC',
  isAdmin: true,
});
const ADA = 'ada.lovelace@northwind.example.com';
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const STATE_SECRET = 'state-secret-for-the-oauth-test-0123456789';

let slack: FakeSlack;
let simA: AgileSimulator;
let simB: AgileSimulator;
let proxy: Server;
let dir: string;
let databaseUrl: string;
let pgDatabase: string | undefined;
let t: TestBot;
const teams: Record<string, FakeTeam> = {};
const DAY_MS = 24 * 60 * 60 * 1000;
/** The bot's clock runs this far ahead of the real one (Bolt checks request timestamps on the real one). */
let clockOffsetMs = 0;

/** /alpha/dev/… → simulator A's /dev/…, /beta/dev/… → B's: one AGILE_BASE_URL template for both. */
async function startDomainProxy(targets: Record<string, AgileSimulator>): Promise<Server> {
  const server = createServer((req, res) => {
    const match = /^\/([^/]+)(\/dev\/.*)$/.exec(req.url ?? '');
    const sim = match?.[1] ? targets[match[1]] : undefined;
    if (!match?.[2] || !sim) {
      res.writeHead(404).end('unknown domain');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = new URL(match[2] ?? '/', sim.url);
      fetch(target, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
        ) as Record<string, string>,
        body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : Buffer.concat(chunks),
      }).then(
        async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        },
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function oauthBot(): Promise<TestBot> {
  const { port } = proxy.address() as AddressInfo;
  return startTestBot({
    shared: { slack },
    agileBaseUrl: `http://127.0.0.1:${port}/{domain}/dev/`,
    now: () => new Date(Date.now() + clockOffsetMs),
    // Ticked by hand (its first tick at start finds no schedule).
    scheduler: { tickMs: 3_600_000, perChannelIntervalMs: 0, retryDelaysMs: [] },
    followPoller: { enabled: false },
    env: {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: FAKE_OAUTH.clientId,
      SLACK_CLIENT_SECRET: FAKE_OAUTH.clientSecret,
      SLACK_STATE_SECRET: STATE_SECRET,
      ENCRYPTION_KEY,
      AGILE_EMAIL: '',
      AGILE_API_KEY: '',
      DATABASE_URL: databaseUrl,
    },
  });
}

/** The browser's trip: /slack/install (state cookie) → authorize stand-in → /slack/oauth_redirect. */
async function install(
  teamId: string,
  opts: { cookie?: boolean } = {},
): Promise<{ status: number; html: string }> {
  const start = await fetch(`${t.baseUrl}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = start.headers.get('set-cookie')?.split(';')[0] ?? '';
  expect(cookie).toMatch(/^slack-app-oauth-state=.+/);
  const authorize = new URL(start.headers.get('location') ?? '');
  expect(authorize.searchParams.get('client_id')).toBe(FAKE_OAUTH.clientId);
  expect(authorize.searchParams.get('scope')).toContain('commands');
  authorize.searchParams.set('team', teamId);
  const slackAnswer = await fetch(authorize, { redirect: 'manual' });
  expect(slackAnswer.status).toBe(302);
  const back = slackAnswer.headers.get('location') ?? '';
  expect(back.startsWith(`${t.baseUrl}/slack/oauth_redirect?`)).toBe(true);
  const done = await fetch(back, {
    redirect: 'manual',
    headers: opts.cookie === false ? {} : { cookie },
  });
  return { status: done.status, html: await done.text() };
}

async function connect(teamId: string, domain: string, sim: AgileSimulator): Promise<void> {
  await t.bot.deps.accounts.connectWorkspace(teamId, {
    domain,
    email: sim.credentials.email,
    apiKey: sim.credentials.apiKey,
    connectedBy: userOf(teamId, 'admin').id,
    connectedMs: Date.now(),
  });
}

/** `/crm {text}` from a member of `teamId`; resolves with the ack and the response_url posts. */
async function command(teamId: string, text: string) {
  const user = userOf(teamId, 'admin');
  const responseId = `r-${teamId}-${Math.random().toString(36).slice(2)}`;
  const res = await t.command(text, {
    user: { id: user.id, username: user.name, name: user.name, team_id: teamId },
    responseUrl: slack.responseUrl(responseId),
    overrides: { team_id: teamId, team_domain: teamId.toLowerCase() },
  });
  await t.idle();
  const posts = slack.log.filter((c) => c.kind === RESPONSE && c.responseId === responseId);
  return { res, posts, text: JSON.stringify([res.json ?? res.body, ...posts.map((p) => p.args)]) };
}

/** Everything the database holds: the SQLite file (and its WAL) as bytes, or every PostgreSQL row. */
async function databaseContents(kind: 'sqlite' | 'postgres'): Promise<string> {
  if (kind === 'sqlite') {
    return ['bot.sqlite', 'bot.sqlite-wal']
      .map((f) => join(dir, f))
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const dumps: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`SELECT row_to_json(t)::text AS j FROM "${table_name}" t`);
      dumps.push(...rows.rows.map((r: { j: string }) => r.j));
    }
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}

/** The API key a request to a simulator was sent with (Basic auth: email:key). */
const keyOf = (r: AgileSimulator['requests'][number]) => {
  const basic = /^Basic (.+)$/.exec(r.headers.authorization ?? '')?.[1] ?? '';
  return Buffer.from(basic, 'base64').toString().split(':')[1];
};

const POSTGRES_PROBLEM = await postgresProblem();

describe.each(['sqlite', 'postgres'] as const)(
  'OAuth install, per-workspace Agile, uninstall (%s)',
  (kind) => {
    if (kind === 'postgres' && POSTGRES_PROBLEM) {
      it.skip(`PostgreSQL unavailable: ${POSTGRES_PROBLEM}`, () => {});
      return;
    }
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'crm-workspaces-'));
      if (kind === 'postgres') {
        const db = await createTestDatabase('crm_workspaces');
        pgDatabase = db.name;
        databaseUrl = db.url;
      } else {
        databaseUrl = `sqlite:${join(dir, 'bot.sqlite')}`;
      }
      slack = await startFakeSlack({ botToken: TEST_BOT_TOKEN });
      for (const team of [ALPHA, BETA, GAMMA, GRID]) {
        teams[team.id] = slack.addTeam({
          ...team,
          users: [userOf(team.id, 'admin'), userOf(team.id, 'member')],
        });
      }
      const undocumented = !documentedOnlyRun();
      simA = await startAgileSimulator({
        undocumented,
        email: 'api@alpha.example.com',
        apiKey: 'alpha-agile-key-0001',
      });
      simB = await startAgileSimulator({
        undocumented,
        email: 'api@beta.example.com',
        apiKey: 'beta-agile-key-0002',
        seed: false,
      });
      proxy = await startDomainProxy({ [ALPHA.domain]: simA, [BETA.domain]: simB });
      t = await oauthBot();
      slack.redirectUrl = `${t.baseUrl}/slack/oauth_redirect`;
    });

    afterAll(async () => {
      await t?.close();
      await Promise.all([slack?.close(), simA?.close(), simB?.close()]);
      await new Promise((resolve) => proxy?.close(resolve));
      rmSync(dir, { recursive: true, force: true });
      if (pgDatabase) await dropTestDatabase(pgDatabase);
      pgDatabase = undefined;
    });

    it('installs two workspaces through /slack/install and /slack/oauth_redirect', async () => {
      for (const team of [ALPHA, BETA]) {
        const done = await install(team.id);
        expect(done.status).toBe(200);
        // Escaped team name, and the next step.
        expect(done.html).toContain(`Installed in ${team.name.replace('&', '&amp;')}.`);
        expect(done.html).toContain('/crm connect');
      }
      expect(slack.oauthExchanges.map((e) => [e.ok, e.teamId])).toEqual([
        [true, ALPHA.id],
        [true, BETA.id],
      ]);
      const stored = await t.bot.deps.store.workspaces.getInstallation(ALPHA.id);
      expect(stored).toMatchObject({
        teamId: ALPHA.id,
        botToken: teams[ALPHA.id]?.botToken,
        installerUserId: 'U0ALICE',
        botUserId: teams[ALPHA.id]?.botUserId,
      });
    });

    it('answers a workspace not connected to Agile with how to connect, except /crm help', async () => {
      const gamma = await install(GAMMA.id);
      expect(gamma.status).toBe(200);
      const lookup = await command(GAMMA.id, `lookup ${ADA}`);
      expect(lookup.res.status).toBe(200);
      expect(lookup.text).toContain('isn’t connected to Agile CRM yet');
      expect(lookup.text).toContain('/crm connect');
      expect(lookup.text).toContain('connect_workspace');
      expect(lookup.text).not.toContain('Ada');
      // A button and a shortcut get the same answer (ephemeral; a small modal), and no CRM call.
      const asGamma = <P extends object>(p: P): P =>
        ({
          ...p,
          team: { id: GAMMA.id, domain: GAMMA.domain },
          user: { id: userOf(GAMMA.id, 'member').id, name: 'member', team_id: GAMMA.id },
        }) as P;
      const responseId = 'gamma-button';
      await t.interact(
        asGamma(
          blockActionsPayload({
            actionId: ACTION.cardLogNote,
            value: '1',
            responseUrl: slack.responseUrl(responseId),
          }),
        ),
      );
      await t.idle();
      const buttonAnswer = slack.log.find((c) => c.kind === RESPONSE && c.responseId === responseId);
      expect(JSON.stringify(buttonAnswer?.args)).toContain('isn’t connected to Agile CRM yet');
      await t.interact(asGamma(messageActionPayload({ callbackId: SHORTCUT.logToCrm })));
      await t.idle();
      const modal = teams[GAMMA.id]?.calls('views.open').at(-1);
      expect(JSON.stringify(modal?.args.view)).toContain('isn’t connected to Agile CRM yet');
      expect(modal?.token).toBe(teams[GAMMA.id]?.botToken);
      const help = await command(GAMMA.id, 'help');
      expect(help.text).not.toContain('isn’t connected');
      expect(help.text).toContain('/crm');
    });

    it('reads each workspace’s own Agile: a contact of one is never visible from the other', async () => {
      await connect(ALPHA.id, ALPHA.domain, simA);
      await connect(BETA.id, BETA.domain, simB);
      const fromAlpha = await command(ALPHA.id, `lookup ${ADA}`);
      expect(fromAlpha.text).toContain('Ada Lovelace');
      const betaBefore = simB.requests.length;
      const fromBeta = await command(BETA.id, `lookup ${ADA}`);
      expect(fromBeta.text).not.toContain('Ada Lovelace');
      expect(fromBeta.text).not.toContain('Northwind');
      // Beta's lookup went to Beta's Agile with Beta's key, and never to Alpha's.
      const betaCalls = simB.requests.slice(betaBefore);
      expect(betaCalls.length).toBeGreaterThan(0);
      expect(new Set(simA.requests.map(keyOf))).toEqual(new Set([simA.credentials.apiKey]));
      expect(new Set(simB.requests.map(keyOf))).toEqual(new Set([simB.credentials.apiKey]));
      // Each workspace's Slack calls used its own bot token.
      for (const team of [ALPHA, BETA]) {
        const fake = teams[team.id];
        expect(fake?.log.length).toBeGreaterThan(0);
        expect(new Set(fake?.log.map((c) => c.token))).toEqual(new Set([fake?.botToken]));
      }
    });

    it('a reinstall of a connected workspace says it is still connected, with a link back to Slack', async () => {
      const again = await install(BETA.id);
      expect(again.status).toBe(200);
      expect(again.html).toContain(`still connected to the Agile CRM account <code>${BETA.domain}</code>`);
      expect(again.html).not.toContain('Next: an admin runs');
      expect(again.html).toContain(`https://slack.com/app_redirect?app=A0CRM&amp;team=${BETA.id}`);
      expect((await command(BETA.id, 'help')).text).toContain('/crm');
    });

    it('posts each workspace’s digest with its own token, and skips a workspace not connected', async () => {
      const schedule = (teamId: string, channelId: string) =>
        t.bot.deps.store.digestSchedules.upsert({
          teamId,
          channelId,
          time: '00:00',
          timeZone: 'UTC',
          horizonDays: 7,
          weekdaysOnly: false,
          ownerEmails: null,
          userId: userOf(teamId, 'admin').id,
        });
      await schedule(ALPHA.id, 'C0ALPHADIGEST');
      await schedule(GAMMA.id, 'C0GAMMADIGEST');
      // A schedule saved after today's 00:00 first posts tomorrow: the bot's clock moves a day on.
      clockOffsetMs = DAY_MS;
      const report = await t.bot.digestScheduler?.tick();
      expect(report).toMatchObject({ schedules: 2, due: 2, claimed: 1 });
      const post = await teams[ALPHA.id]?.waitFor(
        'chat.postMessage',
        (c) => c.args.channel === 'C0ALPHADIGEST',
        10_000,
      );
      expect(post?.token).toBe(teams[ALPHA.id]?.botToken);
      await t.bot.digestScheduler?.tick();
      expect(teams[GAMMA.id]?.calls('chat.postMessage')).toEqual([]);
      expect(slack.calls('chat.postMessage')).toEqual([]);
      clockOffsetMs = 0;
      for (const channel of ['C0ALPHADIGEST', 'C0GAMMADIGEST']) {
        await t.bot.deps.store.digestSchedules.delete(channel);
      }
    });

    it('refuses a request from a workspace that never installed the app, with no CRM data', async () => {
      const before = simA.requests.length + simB.requests.length;
      const refused = await command('T0STRANGER', `lookup ${ADA}`);
      expect(refused.res.status).toBe(200);
      const post = await slack.waitFor(RESPONSE, (c) => String(c.args.text ?? '') === NOT_INSTALLED_TEXT);
      expect(post.args.response_type).toBe('ephemeral');
      expect(refused.text).not.toContain('Ada');
      expect(simA.requests.length + simB.requests.length).toBe(before);
    });

    it('shows a failure page with a link to try again for a bad state, a lost cookie or a used code', async () => {
      const forged = await fetch(
        `${t.baseUrl}/slack/oauth_redirect?code=${slack.issueCode(GAMMA.id)}&state=forged`,
      );
      expect(forged.status).toBe(400);
      const html = await forged.text();
      expect(html).toContain('The app was not installed');
      expect(html).toContain('href="/slack/install"');
      const noCookie = await install(GAMMA.id, { cookie: false });
      expect(noCookie.status).toBe(400);
      expect(noCookie.html).toContain('another browser');
      const grid = await install(GRID.id);
      expect(grid.status).toBe(400);
      expect(grid.html).toContain(ENTERPRISE_INSTALL_REFUSED.slice(0, 40));
      expect(await t.bot.deps.store.workspaces.getInstallation(GRID.id)).toBeUndefined();
    });

    it('keeps installations and connections across a restart, and no secret in clear in the file', async () => {
      await t.close();
      t = await oauthBot();
      slack.redirectUrl = `${t.baseUrl}/slack/oauth_redirect`;
      const fromAlpha = await command(ALPHA.id, `lookup ${ADA}`);
      expect(fromAlpha.text).toContain('Ada Lovelace');
      const bytes = await databaseContents(kind);
      expect(bytes).toContain(ALPHA.id);
      for (const secret of [
        teams[ALPHA.id]?.botToken,
        teams[BETA.id]?.botToken,
        simA.credentials.apiKey,
        simB.credentials.apiKey,
      ]) {
        expect(secret).toBeTruthy();
        expect(bytes).not.toContain(secret);
      }
    });

    it('app_uninstalled and tokens_revoked each delete the team’s data (one path) and refuse it', async () => {
      const store = t.bot.deps.store;
      const seedTeam = async (teamId: string, channelId: string) => {
        await store.digestSchedules.upsert({
          teamId,
          channelId,
          time: '09:00',
          timeZone: 'UTC',
          horizonDays: 1,
          weekdaysOnly: false,
          ownerEmails: null,
          userId: userOf(teamId, 'admin').id,
        });
        await store.workspaces.setPersonalAccount(teamId, userOf(teamId, 'member').id, {
          slackUserId: userOf(teamId, 'member').id,
          email: `member@${teamId.toLowerCase()}.example.com`,
          apiKey: `own-key-${teamId}`,
          connectedMs: Date.now(),
        });
        const held = await store.pendingSends.hold({
          teamId,
          userId: userOf(teamId, 'member').id,
          ticketId: '5',
          payload: { text: 'Dear customer, …' },
          idempotencyKey: `ticket.held:${teamId}:e2e`,
          dueMs: Date.now() + DAY_MS,
        });
        const undo = await store.undoActions.record({
          teamId,
          userId: userOf(teamId, 'member').id,
          kind: 'deal.move',
          refs: { dealId: '9' },
          previous: { milestone: 'Proposal' },
          fingerprint: { milestone: 'Won' },
          ttlMs: 600_000,
        });
        return [held.send.id, undo.id] as const;
      };
      /** Everything seeded above, and the connections, are gone; the team's requests are refused. */
      const expectGone = async (
        teamId: string,
        channelId: string,
        [heldId, undoId]: readonly [string, string],
        sim: AgileSimulator,
      ) => {
        await expect.poll(() => store.workspaces.getInstallation(teamId)).toBeUndefined();
        expect(await store.workspaces.getWorkspaceAccount(teamId)).toBeUndefined();
        expect(await store.workspaces.listPersonalAccounts(teamId)).toEqual([]);
        expect(await store.digestSchedules.get(channelId)).toBeUndefined();
        expect(await store.pendingSends.get(heldId)).toBeUndefined();
        expect(await store.undoActions.get(undoId)).toBeUndefined();
        // The team's cached deps are dropped: no stale clients serve it.
        expect(await t.bot.deps.forTeam(teamId)).toBeNull();
        const before = sim.requests.length;
        const refused = await command(teamId, `lookup ${ADA}`);
        expect(refused.res.status).toBe(200);
        await slack.waitFor(
          RESPONSE,
          (c) => Boolean(c.responseId?.startsWith(`r-${teamId}`)) && c.args.text === NOT_INSTALLED_TEXT,
        );
        expect(sim.requests.length).toBe(before);
      };

      const betaRows = await seedTeam(BETA.id, 'C0BETASALES');
      const alphaRows = await seedTeam(ALPHA.id, 'C0ALPHASALES');
      // Alpha is cached (a request served it) before its token is revoked.
      expect((await command(ALPHA.id, `lookup ${ADA}`)).text).toContain('Ada Lovelace');

      const uninstall = await t.event({ ...eventEnvelope({ type: 'app_uninstalled' }), team_id: BETA.id });
      expect(uninstall.status).toBe(200);
      await t.idle();
      await expectGone(BETA.id, 'C0BETASALES', betaRows, simB);
      // Alpha is untouched.
      expect(await store.workspaces.getWorkspaceAccount(ALPHA.id)).toMatchObject({ domain: ALPHA.domain });
      expect(await store.undoActions.get(alphaRows[1])).toBeDefined();
      expect(await store.pendingSends.get(alphaRows[0])).toBeDefined();

      const revoked = await t.event({
        ...eventEnvelope({ type: 'tokens_revoked', tokens: { bot: [teams[ALPHA.id]?.botUserId] } }),
        team_id: ALPHA.id,
      });
      expect(revoked.status).toBe(200);
      await t.idle();
      // As app_uninstalled: the Agile account (and every other row) goes with the token.
      await expectGone(ALPHA.id, 'C0ALPHASALES', alphaRows, simA);

      // A reinstall starts from scratch: installed, not connected, until an admin connects again.
      const reinstalled = await install(ALPHA.id);
      expect(reinstalled.status).toBe(200);
      expect((await command(ALPHA.id, `lookup ${ADA}`)).text).toContain('isn’t connected to Agile CRM yet');
      await connect(ALPHA.id, ALPHA.domain, simA);
      expect((await command(ALPHA.id, `lookup ${ADA}`)).text).toContain('Ada Lovelace');
    });
  },
);
