import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/app/deps.js';
import {
  createWorkspaces,
  TEAM_REVALIDATE_MS,
  type TeamCore,
  type TeamSlack,
  type WorkspacesOptions,
} from '../../src/app/workspaces.js';
import type { AgileClient } from '../../src/platform/agile/index.js';
import type { AuditWrite } from '../../src/platform/audit.js';
import { withRequestContext } from '../../src/platform/request-context.js';
import {
  createInstallationStore,
  ENTERPRISE_INSTALL_REFUSED,
} from '../../src/platform/slack/installation-store.js';
import {
  describeInstallFailure,
  escapeHtml,
  installFailurePage,
  installSuccessPage,
} from '../../src/platform/slack/oauth-pages.js';
import type { Installation, PersonalAgileAccount } from '../../src/platform/store/workspaces.js';
import { DEFAULT_SETTINGS } from '../../src/platform/workspace/settings.js';

/** A fake Agile client that says whose key it holds. */
const clientOf = (email: string) => ({ whose: email }) as unknown as AgileClient;

function harness(
  opts: {
    installed?: string[];
    connected?: string[];
    personal?: PersonalAgileAccount[];
    nowMs?: () => number;
  } = {},
) {
  const builds: string[] = [];
  const audits: AuditWrite[] = [];
  const personalClients: string[] = [];
  const shared = {
    logger: pino({ level: 'silent' }),
    store: { settings: { get: async () => DEFAULT_SETTINGS } },
    audit: { retentionDays: 90, record: async (w: AuditWrite) => void audits.push(w) },
  } as unknown as Deps;
  const options: WorkspacesOptions = {
    shared,
    repo: { listPersonalAccounts: async () => opts.personal ?? [] },
    slackOf: async (teamId): Promise<TeamSlack | undefined> =>
      (opts.installed ?? []).includes(teamId)
        ? { botToken: `xoxb-${teamId}`, installerUserId: 'U0INST' }
        : undefined,
    accountOf: async (teamId) =>
      (opts.connected ?? []).includes(teamId)
        ? {
            domain: teamId.toLowerCase(),
            baseUrl: `https://${teamId}/dev/`,
            email: `api@${teamId}`,
            apiKey: 'k',
          }
        : undefined,
    coreOf: (teamId, _slack, account): TeamCore => {
      builds.push(teamId);
      return { agile: clientOf(account?.email ?? 'nobody') } as TeamCore;
    },
    personalClient: (account) => {
      personalClients.push(account.email);
      return clientOf(account.email);
    },
    maxTeams: 3,
    nowMs: opts.nowMs,
  };
  return { workspaces: createWorkspaces(options), builds, audits, personalClients };
}

const whose = (agile: AgileClient) => (agile as unknown as { whose: string }).whose;

describe('per-team deps (app/workspaces.ts)', () => {
  it('builds a team once (cached), null when not installed, not connected until an account exists', async () => {
    const { workspaces, builds } = harness({ installed: ['T1', 'T2'], connected: ['T1'] });
    const first = await workspaces.teamDeps('T1');
    expect(first?.connected).toBe(true);
    expect(await workspaces.teamDeps('T1')).toBe(first);
    expect(builds).toEqual(['T1']);
    expect(first?.deps.teamId).toBe('T1');
    expect(first?.deps.connection.workspace).toEqual({ domain: 't1', email: 'api@T1' });
    expect(first?.deps.connection.installerUserId).toBe('U0INST');
    expect((await workspaces.teamDeps('T2'))?.connected).toBe(false);
    expect(await workspaces.forTeam('T2')).toBeNull();
    expect(await workspaces.teamDeps('T9')).toBeNull();
    expect(await workspaces.forTeam('T9')).toBeNull();
  });

  it("notices another instance's change within TEAM_REVALIDATE_MS, without rebuilding an unchanged team", async () => {
    let t = 0;
    const state = { installed: ['T1'], connected: ['T1'], nowMs: () => t };
    const { workspaces, builds } = harness(state);
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
    expect((await workspaces.teamDeps('T1'))?.connected).toBe(true);
    t += TEAM_REVALIDATE_MS;
    await workspaces.teamDeps('T1');
    await settle();
    expect(builds).toEqual(['T1']); // compared, unchanged: caches kept
    state.connected = []; // another instance ran /crm disconnect
    t += TEAM_REVALIDATE_MS - 1;
    expect((await workspaces.teamDeps('T1'))?.connected).toBe(true);
    await settle();
    t += 1;
    // This request is served from the cache (no added latency); the comparison drops the team.
    expect((await workspaces.teamDeps('T1'))?.connected).toBe(true);
    await settle();
    expect((await workspaces.teamDeps('T1'))?.connected).toBe(false);
    expect(builds).toEqual(['T1', 'T1']);
  });

  it('keeps at most maxTeams teams, and rebuilds a team after invalidate', async () => {
    const { workspaces, builds } = harness({
      installed: ['A', 'B', 'C', 'D'],
      connected: ['A', 'B', 'C', 'D'],
    });
    for (const team of ['A', 'B', 'C', 'D']) await workspaces.forTeam(team);
    expect(workspaces.size).toBe(3);
    await workspaces.forTeam('A');
    expect(builds).toEqual(['A', 'B', 'C', 'D', 'A']);
    workspaces.invalidate('D');
    await workspaces.forTeam('D');
    expect(builds.at(-1)).toBe('D');
  });

  it("sends a personally connected member's calls with their own client, and audits them as that member", async () => {
    const personal = [{ slackUserId: 'U0ME', email: 'me@t1', apiKey: 'mine', connectedMs: 0 }];
    const { workspaces, audits, personalClients } = harness({
      installed: ['T1'],
      connected: ['T1'],
      personal,
    });
    const deps = (await workspaces.forTeam('T1')) as Deps;
    expect(whose(deps.agile)).toBe('api@T1');
    await withRequestContext({ requestId: 'r1', userId: 'U0ME' }, async () => {
      expect(whose(deps.agile)).toBe('me@t1');
      expect(whose(deps.agile)).toBe('me@t1');
      expect(deps.connection.personal).toEqual({ email: 'me@t1' });
      await deps.audit.record({
        action: 'note.create',
        actor: { teamId: 'T1', userId: 'U0ME' },
        recordIds: {},
        summary: 's',
        outcome: 'ok',
      });
    });
    await withRequestContext({ requestId: 'r2', userId: 'U0OTHER' }, async () => {
      expect(whose(deps.agile)).toBe('api@T1');
      expect(deps.connection.personal).toBeNull();
      await deps.audit.record({
        action: 'note.create',
        actor: { teamId: 'T1', userId: 'U0OTHER' },
        recordIds: {},
        summary: 's',
        outcome: 'ok',
      });
    });
    expect(personalClients).toEqual(['me@t1']);
    expect(audits.map((a) => a.agileUser)).toEqual(['me@t1', 'api@T1']);
  });
});

describe('installation store (Bolt ↔ our workspaces store)', () => {
  const installation = (teamId: string): Installation => ({
    teamId,
    teamName: 'Acme',
    enterpriseId: null,
    botToken: `xoxb-${teamId}`,
    botUserId: 'U0BOT',
    botId: 'B0BOT',
    scopes: ['commands'],
    installerUserId: 'U0INST',
    installedMs: 1,
  });

  function repo() {
    const rows = new Map<string, Installation>();
    let reads = 0;
    return {
      rows,
      reads: () => reads,
      saveInstallation: async (i: Installation) => void rows.set(i.teamId, i),
      getInstallation: async (teamId: string) => {
        reads += 1;
        return rows.get(teamId);
      },
      deleteInstallation: async (teamId: string) => void rows.delete(teamId),
    };
  }

  it('stores what Bolt hands over, answers authorize from a cache, and forgets on delete', async () => {
    const r = repo();
    const store = createInstallationStore(r, () => new Date(5));
    await store.storeInstallation({
      team: { id: 'T1', name: 'Acme' },
      enterprise: undefined,
      user: { id: 'U0INST', token: undefined, scopes: undefined },
      bot: { token: 'xoxb-T1', userId: 'U0BOT', id: 'B0BOT', scopes: ['commands', 'chat:write'] },
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    expect(r.rows.get('T1')).toMatchObject({
      botToken: 'xoxb-T1',
      installerUserId: 'U0INST',
      installedMs: 5,
    });
    const fetched = await store.fetchInstallation({
      teamId: 'T1',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(fetched.bot).toMatchObject({ token: 'xoxb-T1', userId: 'U0BOT', id: 'B0BOT' });
    await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(r.reads()).toBe(1);
    await store.deleteInstallation?.({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(
      store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toThrow(/has not installed/);
    r.rows.set('T2', installation('T2'));
    expect(await store.get('T2')).toMatchObject({ teamId: 'T2' });
  });

  it('refuses an organisation-wide Enterprise install', async () => {
    const r = repo();
    const store = createInstallationStore(r);
    await expect(
      store.storeInstallation({
        team: undefined,
        enterprise: { id: 'E1', name: 'Grid' },
        user: { id: 'U1', token: undefined, scopes: undefined },
        bot: { token: 'xoxb-E1', userId: 'U0BOT', id: 'B0', scopes: [] },
        isEnterpriseInstall: true,
        authVersion: 'v2',
      }),
    ).rejects.toThrow(ENTERPRISE_INSTALL_REFUSED);
    expect(r.rows.size).toBe(0);
  });
});

describe('install pages', () => {
  it('escape what they show and say what to do next', () => {
    expect(escapeHtml(`<b>"x" & 'y'</b>`)).toBe('&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;');
    const ok = installSuccessPage('<script>alert(1)</script>');
    expect(ok).not.toContain('<script>alert');
    expect(ok).toContain('Installed in &lt;script&gt;');
    expect(ok).toContain('/crm connect');
    const connected = installSuccessPage('Acme', {
      connectedDomain: 'acme<x>',
      slackUrl: 'https://slack.com/x?a=1&b=2',
    });
    expect(connected).toContain('still connected to the Agile CRM account <code>acme&lt;x&gt;</code>');
    expect(connected).toContain('<a href="https://slack.com/x?a=1&amp;b=2">Open Slack</a>');
    const failed = installFailurePage('Bad <state>', '/slack/install');
    expect(failed).toContain('Bad &lt;state&gt;');
    expect(failed).toContain('<a href="/slack/install">Try again</a>');
  });

  it('say why an install failed, from Bolt’s and Slack’s error codes', () => {
    expect(describeInstallFailure({ code: 'slack_oauth_invalid_state' })).toContain('another browser');
    expect(
      describeInstallFailure({ code: 'slack_webapi_platform_error', data: { error: 'bad_client_secret' } }),
    ).toContain('SLACK_CLIENT_SECRET');
    expect(describeInstallFailure({ data: { error: 'invalid_code' } })).toContain('used or expired');
    expect(describeInstallFailure({ code: 'slack_oauth_installer_authorization_error' })).toContain(
      'cancelled',
    );
    expect(describeInstallFailure({ data: { error: 'team_disabled' } })).toContain('team_disabled');
  });
});
