import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatedView } from '../../../src/devkit/console/slack-web-api.js';
import { type AgileSimulator, startAgileSimulator } from '../../../src/devkit/sandbox/agile-simulator.js';
import { ACTION, BLOCK, CALLBACK } from '../../../src/platform/slack/ids.js';
import { RESPONSE, type RecordedCall } from '../../helpers/fake-slack.js';
import { blockActionsPayload, TEAM, viewSubmissionPayload } from '../../helpers/payloads.js';
import { SANDBOX_ALICE as ALICE, SANDBOX_RAJ as RAJ } from '../../helpers/sandbox-users.js';
import type { SlackResponse } from '../../helpers/slack-requests.js';
import { documentedOnlyRun, startTestBot, type TestBot } from '../../helpers/test-bot.js';

// ALICE is a workspace admin (and the sandbox's Alice Moreno); RAJ is a member (Raj Patel).
const RAJ_KEY = 'raj-own-rest-api-key-7f3a';
const ADMIN_KEY = 'admin-rest-api-key-91bd';
const ADMIN_EMAIL = 'ops@example.com';

let sim: AgileSimulator;
let t: TestBot;
beforeAll(async () => {
  // The simulator answers at /<domain>/dev/ for these domains only (any other: 404, an unknown domain).
  sim = await startAgileSimulator({
    undocumented: !documentedOnlyRun(),
    domains: ['sandbox', 'acme'],
    members: [
      { email: RAJ.email, apiKey: RAJ_KEY },
      { email: ADMIN_EMAIL, apiKey: ADMIN_KEY },
    ],
  });
  t = await startTestBot({
    users: [ALICE, RAJ],
    scheduler: { enabled: false },
    followPoller: { enabled: false },
    shared: { agile: sim },
    // Debug logs: the strongest check that the API key is never logged.
    env: { AGILE_BASE_URL: sim.urlTemplate, AGILE_DOMAIN: 'sandbox', LOG_LEVEL: 'debug' },
    // As in OAuth mode: the workspace's account is the one connected from Slack, not AGILE_*.
    workspace: { agileAccountFromEnv: false },
  });
});
afterAll(async () => {
  await t.close();
  await sim.close();
});
beforeEach(async () => {
  t.reset();
  await t.bot.deps.store.workspaces.deleteTeam(TEAM.id);
});

const user = (u: { id: string; name: string }) => ({
  id: u.id,
  username: u.name,
  name: u.name,
  team_id: TEAM.id,
});

async function openedView(): Promise<EmulatedView> {
  await t.slack.waitFor('views.open');
  const view = [...t.slack.views.values()].filter((v) => v.view.type === 'modal').at(-1);
  if (!view) throw new Error('no view opened');
  return view;
}

const labels = (v: EmulatedView) =>
  ((v.view.blocks ?? []) as { type: string; label?: { text: string } }[])
    .filter((b) => b.type === 'input')
    .map((b) => b.label?.text);
const textOf = (v: unknown) => JSON.stringify(v);

type Typed = { domain?: string; email?: string; apiKey?: string };

function submit(view: EmulatedView, who: typeof ALICE | typeof RAJ, typed: Typed): Promise<SlackResponse> {
  const values: Record<string, Record<string, string>> = {};
  if (typed.domain !== undefined) values[BLOCK.agileDomain] = { [ACTION.agileDomainInput]: typed.domain };
  if (typed.email !== undefined) values[BLOCK.agileEmail] = { [ACTION.agileEmailInput]: typed.email };
  if (typed.apiKey !== undefined) values[BLOCK.agileApiKey] = { [ACTION.agileApiKeyInput]: typed.apiKey };
  return t.interact(
    viewSubmissionPayload({
      user: user(who),
      callbackId: String(view.view.callback_id),
      id: view.id,
      privateMetadata: String(view.view.private_metadata ?? ''),
      values,
    }),
  );
}

type Answer = { response_action?: string; errors?: Record<string, string>; view?: unknown };
const answerOf = (res: SlackResponse) => (res.json ?? {}) as Answer;

async function ephemeral(): Promise<string> {
  const reply: RecordedCall = await t.slack.waitFor(RESPONSE);
  expect(reply.args.response_type).toBe('ephemeral');
  return textOf(reply.args.blocks);
}

function rawDatabase(): string {
  const config = t.config.database;
  if (config.kind !== 'sqlite') throw new Error('the e2e bot runs on SQLite');
  let raw = readFileSync(config.path).toString('latin1');
  try {
    raw += readFileSync(`${config.path}-wal`).toString('latin1');
  } catch {
    // no WAL file: everything is in the main file
  }
  return raw;
}

async function connectWorkspaceAsAlice(typed: Typed = {}): Promise<SlackResponse> {
  await t.command('connect', { user: user(ALICE) });
  const view = await openedView();
  return submit(view, ALICE, {
    domain: 'https://acme.agilecrm.com/#contacts',
    email: ADMIN_EMAIL,
    apiKey: ADMIN_KEY,
    ...typed,
  });
}

/** Raj's own Agile account, stored directly (what `/crm connect me` would store). */
function connectRajPersonally() {
  return t.bot.deps.accounts.connectPersonal(TEAM.id, {
    slackUserId: RAJ.id,
    email: RAJ.email,
    apiKey: RAJ_KEY,
    connectedMs: Date.now(),
  });
}

describe('/crm connect (the workspace account)', () => {
  it('an admin connects: checked live, stored encrypted, "Connected", App Home refreshed', async () => {
    await t.command('connect', { user: user(ALICE) });
    const view = await openedView();
    expect(view.view.callback_id).toBe(CALLBACK.connectModal);
    expect(labels(view)).toEqual(['Agile domain', 'Email', 'API key']);
    expect(textOf(view.view)).toContain('Admin Settings');
    const res = await submit(view, ALICE, {
      domain: 'https://acme.agilecrm.com/#contacts',
      email: ADMIN_EMAIL,
      apiKey: ADMIN_KEY,
    });
    const answer = answerOf(res);
    expect(answer.response_action).toBe('update');
    expect(textOf(answer.view)).toContain(`Connected to *acme* as ${ADMIN_EMAIL}`);
    // The check: a documented read, at the typed domain, with the typed login.
    const check = sim.requests.find((r) => r.path === '/acme/dev/api/milestone/pipelines');
    expect(check?.user).toBe(ADMIN_EMAIL);
    const stored = await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id);
    expect(stored).toMatchObject({
      domain: 'acme',
      email: ADMIN_EMAIL,
      apiKey: ADMIN_KEY,
      connectedBy: ALICE.id,
    });
    // At rest the key is encrypted: the row holds something else, and the file never the key.
    const db = new BetterSqlite3(t.config.database.kind === 'sqlite' ? t.config.database.path : '', {
      readonly: true,
    });
    const row = db
      .prepare('SELECT api_key_enc FROM agile_workspace_accounts WHERE team_id = ?')
      .get(TEAM.id) as {
      api_key_enc: string;
    };
    db.close();
    expect(row.api_key_enc).not.toContain(ADMIN_KEY);
    expect(rawDatabase()).not.toContain(ADMIN_KEY);
    await t.slack.waitFor('views.publish', (c) => c.args.user_id === ALICE.id);
    await t.idle();
    expect(t.logText()).not.toContain(ADMIN_KEY);
    t.slack.assertNoViolations();
  });

  it('a wrong key: the error under "API key", everything typed kept, nothing stored', async () => {
    const res = await connectWorkspaceAsAlice({ apiKey: 'not-the-key' });
    const answer = answerOf(res);
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.[BLOCK.agileApiKey]).toMatch(/Agile refused this email and API key/);
    expect(Object.keys(answer.errors ?? {})).toEqual([BLOCK.agileApiKey]);
    expect(await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id)).toBeUndefined();
    await t.idle();
    expect(t.logText()).not.toContain('not-the-key');
  });

  it('an unknown domain: the error under "Agile domain", nothing stored', async () => {
    const res = await connectWorkspaceAsAlice({ domain: 'nosuchco' });
    const answer = answerOf(res);
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.[BLOCK.agileDomain]).toMatch(/No Agile CRM account at nosuchco\.agilecrm\.com/);
    expect(await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id)).toBeUndefined();
  });

  it('a malformed domain or email is refused before any call to Agile', async () => {
    const before = sim.requests.length;
    const res = await connectWorkspaceAsAlice({ domain: 'acme.example.com', email: 'ops' });
    const answer = answerOf(res);
    expect(answer.errors?.[BLOCK.agileDomain]).toMatch(/not an Agile address/);
    expect(answer.errors?.[BLOCK.agileEmail]).toMatch(/email/);
    expect(sim.requests.length).toBe(before);
  });

  it('a slow Agile: "Checking…" at once, then the result in the same modal', async () => {
    sim.faults.latencyMs = 3000;
    try {
      const res = await connectWorkspaceAsAlice();
      const answer = answerOf(res);
      expect(answer.response_action).toBe('update');
      expect(textOf(answer.view)).toContain('Checking the login');
      const done = await t.slack.waitFor(
        'views.update',
        (c) => textOf(c.args.view).includes('Connected to'),
        8000,
      );
      expect(textOf(done.args.view)).toContain(`as ${ADMIN_EMAIL}`);
    } finally {
      sim.faults.latencyMs = 0;
    }
    expect(await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id)).toBeDefined();
  }, 15_000);

  it('a member is refused with the admin words, and no form opens', async () => {
    await t.command('connect', { user: user(RAJ) });
    expect(await ephemeral()).toContain('Only workspace admins and owners');
    await t.idle();
    expect(t.slack.calls('views.open')).toHaveLength(0);
  });
});

describe('/crm connect me (a personal account)', () => {
  it('asks the workspace to be connected first', async () => {
    await t.command('connect me', { user: user(RAJ) });
    expect(await ephemeral()).toContain('a workspace admin connects it first');
  });

  it('a member connects their own login: only Email and API key, checked with their key', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await t.command('connect me', { user: user(RAJ) });
    const view = await openedView();
    expect(labels(view)).toEqual(['Email', 'API key']);
    expect(textOf(view.view)).toContain('*acme*');
    const wrong = answerOf(await submit(view, RAJ, { email: RAJ.email, apiKey: ADMIN_KEY }));
    expect(wrong.errors?.[BLOCK.agileApiKey]).toMatch(/Agile refused this email and API key/);
    expect(await t.bot.deps.store.workspaces.getPersonalAccount(TEAM.id, RAJ.id)).toBeUndefined();
    const res = answerOf(await submit(view, RAJ, { email: RAJ.email, apiKey: RAJ_KEY }));
    expect(textOf(res.view)).toContain(`Connected to *acme* as ${RAJ.email}`);
    const check = sim.requests.filter((r) => r.path === '/acme/dev/api/milestone/pipelines').at(-1);
    expect(check?.user).toBe(RAJ.email);
    expect(await t.bot.deps.store.workspaces.getPersonalAccount(TEAM.id, RAJ.id)).toMatchObject({
      email: RAJ.email,
      apiKey: RAJ_KEY,
    });
    expect(rawDatabase()).not.toContain(RAJ_KEY);
  });

  // Needs the per-user Agile clients (h-install: personal-client writes read from store.workspaces).
  it('then a note they log is written with their own credentials', async () => {
    await connectWorkspaceAsAlice();
    await connectRajPersonally();
    await t.command('note ada.lovelace@northwind.example.com Called about the renewal', { user: user(RAJ) });
    await t.slack.waitFor(RESPONSE);
    const write = sim.requests.find((r) => r.method === 'POST' && r.path.endsWith('api/notes'));
    expect(write?.user).toBe(RAJ.email);
  });
});

describe('/crm connect to another Agile domain', () => {
  let eventSeq = 0;
  /** Raj opens App Home: the published view. */
  async function rajsHome(): Promise<string> {
    const rajs = () => t.slack.calls('views.publish').filter((c) => c.args.user_id === RAJ.id);
    const before = rajs().length;
    await t.event({
      token: 'deprecated',
      team_id: TEAM.id,
      api_app_id: 'A0CRM',
      type: 'event_callback',
      event_id: `EvReconnect${++eventSeq}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: RAJ.id, channel: `D${RAJ.id}`, tab: 'home', event_ts: '1.1' },
    });
    await vi.waitFor(() => expect(rajs().length).toBeGreaterThan(before), { timeout: 5000 });
    await t.idle();
    return textOf(rajs().at(-1)?.args.view);
  }

  it('removes the personal connections to the old domain: the form warns, "Connected" says so, members write with the new account', async () => {
    await connectWorkspaceAsAlice();
    await connectRajPersonally();
    expect(await rajsHome()).toContain(ACTION.disconnectMe);
    t.slack.reset();
    await t.command('connect', { user: user(ALICE) });
    const view = await openedView();
    expect(textOf(view.view)).toContain(
      `Connected now to *acme* as ${ADMIN_EMAIL}: this replaces it. If you connect another domain, members’ personal connections to *acme* will be removed (1 member:`,
    );
    const answer = answerOf(
      await submit(view, ALICE, { domain: 'sandbox', email: ADMIN_EMAIL, apiKey: ADMIN_KEY }),
    );
    expect(answer.response_action).toBe('update');
    expect(textOf(answer.view)).toContain(`Connected to *sandbox* as ${ADMIN_EMAIL}`);
    expect(textOf(answer.view)).toContain('Members’ personal connections to *acme* were removed (1 member)');
    expect(await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id)).toMatchObject({
      domain: 'sandbox',
    });
    expect(await t.bot.deps.store.workspaces.listPersonalAccounts(TEAM.id)).toEqual([]);

    // Raj's next write goes to the new domain with the workspace's login, never with his acme login
    // (before the fix: sandbox's address with Raj's acme key, which a real Agile refuses).
    const before = sim.requests.length;
    await t.command('note ada.lovelace@northwind.example.com Moved to the new Agile account', {
      user: user(RAJ),
    });
    await t.slack.waitFor(RESPONSE);
    const after = sim.requests.slice(before);
    const write = after.find((r) => r.method === 'POST' && r.path.endsWith('api/notes'));
    expect(write?.path.startsWith('/sandbox/dev/')).toBe(true);
    expect(write?.user).not.toBe(RAJ.email);
    expect(after.filter((r) => r.user === RAJ.email)).toEqual([]);
    expect(after.filter((r) => r.path.startsWith('/acme/'))).toEqual([]);
    // App Home no longer says Raj is connected: it offers to connect again.
    const home = await rajsHome();
    expect(home).toContain(ACTION.connectMe);
    expect(home).not.toContain(ACTION.disconnectMe);
  });

  it('reconnecting the same domain keeps them, and the form does not warn without any', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await t.command('connect', { user: user(ALICE) });
    const bare = await openedView();
    expect(textOf(bare.view)).toContain('this replaces it.');
    expect(textOf(bare.view)).not.toContain('personal connections');
    await connectRajPersonally();
    t.slack.reset();
    const answer = answerOf(await connectWorkspaceAsAlice({ domain: 'ACME' }));
    expect(textOf(answer.view)).toContain('Connected to *acme*');
    expect(textOf(answer.view)).not.toContain('were removed');
    expect(await t.bot.deps.store.workspaces.getPersonalAccount(TEAM.id, RAJ.id)).toMatchObject({
      email: RAJ.email,
    });
  });
});

describe('/crm disconnect', () => {
  it('disconnect me: a confirmation, then the personal account is gone', async () => {
    await connectWorkspaceAsAlice();
    await connectRajPersonally();
    t.slack.reset();
    await t.command('disconnect me', { user: user(RAJ) });
    const view = await openedView();
    expect(view.view.callback_id).toBe(CALLBACK.disconnectModal);
    expect(textOf(view.view)).toContain(`Disconnect your Agile account (${RAJ.email})?`);
    expect(await t.bot.deps.store.workspaces.getPersonalAccount(TEAM.id, RAJ.id)).toBeDefined();
    const answer = answerOf(await submit(view, RAJ, {}));
    expect(textOf(answer.view)).toContain('Your Agile account is disconnected');
    expect(await t.bot.deps.store.workspaces.getPersonalAccount(TEAM.id, RAJ.id)).toBeUndefined();
    // The workspace's account stays.
    expect(await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id)).toBeDefined();
  });

  it('disconnect (admin): "Disconnect acme? …", confirmed, then gone', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await t.command('disconnect', { user: user(ALICE) });
    const view = await openedView();
    expect(textOf(view.view)).toContain(
      'Disconnect acme? Members will not be able to use the CRM from Slack until an admin connects again',
    );
    const answer = answerOf(await submit(view, ALICE, {}));
    expect(textOf(answer.view)).toContain('Disconnected from *acme*');
    expect(await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id)).toBeUndefined();
    await t.slack.waitFor('views.publish', (c) => c.args.user_id === ALICE.id);
  });

  it('a member cannot disconnect the workspace, not even by submitting the confirmation', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await t.command('disconnect', { user: user(RAJ) });
    expect(await ephemeral()).toContain('Only workspace admins and owners');
    await t.command('disconnect', { user: user(ALICE) });
    const view = await openedView();
    const answer = answerOf(await submit(view, RAJ, {}));
    expect(textOf(answer.view)).toContain('Only workspace admins and owners');
    expect(await t.bot.deps.store.workspaces.getWorkspaceAccount(TEAM.id)).toBeDefined();
  });

  it('nothing connected: says so', async () => {
    await t.command('disconnect me', { user: user(RAJ) });
    expect(await ephemeral()).toContain('no Agile account of your own');
  });
});

describe('App Home buttons', () => {
  function homeClick(who: typeof ALICE | typeof RAJ, actionId: string) {
    const payload = blockActionsPayload({
      user: user(who),
      actionId,
      blockId: 'home_connection',
      view: { id: `VHOME${who.id}` },
    });
    (payload as unknown as { view: { type: string } }).view.type = 'home';
    return t.interact(payload);
  }

  it('Connect workspace opens the form for an admin; a member is told why in their Home tab', async () => {
    await homeClick(ALICE, ACTION.connectWorkspace);
    const view = await openedView();
    expect(labels(view)).toEqual(['Agile domain', 'Email', 'API key']);
    t.slack.reset();
    await homeClick(RAJ, ACTION.connectWorkspace);
    const published = await t.slack.waitFor('views.publish', (c) => c.args.user_id === RAJ.id);
    expect(textOf(published.args.view)).toContain('Only workspace admins and owners');
    expect(t.slack.calls('views.open')).toHaveLength(0);
  });

  it('Connect my Agile account and Disconnect my account open their modals', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await homeClick(RAJ, ACTION.connectMe);
    expect(labels(await openedView())).toEqual(['Email', 'API key']);
    await connectRajPersonally();
    t.slack.reset();
    await homeClick(RAJ, ACTION.disconnectMe);
    const confirm = await openedView();
    expect(confirm.view.callback_id).toBe(CALLBACK.disconnectModal);
    await vi.waitFor(() => t.slack.assertNoViolations());
  });

  it('Disconnect workspace asks an admin to confirm', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await homeClick(ALICE, ACTION.disconnectWorkspace);
    expect(textOf((await openedView()).view)).toContain('Disconnect acme?');
  });
});

describe('"Connect your Agile account" elsewhere', () => {
  it('in a message (a refused public reply): opens the personal form', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await t.interact(
      blockActionsPayload({ user: user(RAJ), actionId: ACTION.connectMe, value: 'connect_me' }),
    );
    expect(labels(await openedView())).toEqual(['Email', 'API key']);
  });

  it('in a modal (the reply form): pushes the personal form on top of it', async () => {
    await connectWorkspaceAsAlice();
    t.slack.reset();
    await t.interact(
      blockActionsPayload({
        user: user(RAJ),
        actionId: ACTION.connectMe,
        value: 'connect_me',
        view: { id: 'V0REPLY', callbackId: CALLBACK.ticketModal },
      }),
    );
    const pushed = await t.slack.waitFor('views.push');
    expect(textOf(pushed.args.view)).toContain('API key');
    expect(t.slack.calls('views.open')).toHaveLength(0);
  });
});

describe('single-workspace env mode (AGILE_* configured)', () => {
  let env: TestBot;
  beforeAll(async () => {
    env = await startTestBot({
      users: [ALICE, RAJ],
      scheduler: { enabled: false },
      followPoller: { enabled: false },
    });
  });
  afterAll(() => env.close());

  it('/crm disconnect and /crm connect say the account comes from AGILE_* and change nothing', async () => {
    await env.command('disconnect', { user: user(ALICE) });
    const said = await env.slack.waitFor(RESPONSE);
    expect(textOf(said.args.blocks)).toContain('comes from the bot’s configuration');
    expect(textOf(said.args.blocks)).toContain('can’t be removed from Slack');
    env.slack.reset();
    await env.command('connect', { user: user(ALICE) });
    const again = await env.slack.waitFor(RESPONSE);
    expect(textOf(again.args.blocks)).toContain('connect your own Agile account');
    await env.idle();
    expect(env.slack.calls('views.open')).toHaveLength(0);
  });

  it('a member still connects personally (stored in the workspaces store)', async () => {
    const agile = env.agile;
    if (!agile) throw new Error('the env bot runs on its own simulator');
    agile.addMember({ email: RAJ.email, apiKey: RAJ_KEY });
    await env.command('connect me', { user: user(RAJ) });
    await env.slack.waitFor('views.open');
    const view = [...env.slack.views.values()].filter((v) => v.view.type === 'modal').at(-1);
    if (!view) throw new Error('no form');
    const res = await env.interact(
      viewSubmissionPayload({
        user: user(RAJ),
        callbackId: CALLBACK.connectModal,
        id: view.id,
        privateMetadata: String(view.view.private_metadata ?? ''),
        values: {
          [BLOCK.agileEmail]: { [ACTION.agileEmailInput]: RAJ.email },
          [BLOCK.agileApiKey]: { [ACTION.agileApiKeyInput]: RAJ_KEY },
        },
      }),
    );
    expect(textOf(answerOf(res).view)).toContain(`as ${RAJ.email}`);
    expect(await env.bot.deps.store.workspaces.getPersonalAccount(TEAM.id, RAJ.id)).toMatchObject({
      email: RAJ.email,
    });
  });
});
