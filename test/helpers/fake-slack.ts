import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSlackWebApi,
  type EmulatedMessage,
  type EmulatedUser,
  type EmulatedView,
  type FailSpec,
  RESPONSE,
  type RecordedCall,
  type RecordedViolation,
  readBody,
  type SlackWebApi,
} from '../../src/devkit/console/slack-web-api.js';
import { parseTriggerId, TEAM, USER } from './payloads.js';

/**
 * A fake Slack Web API on a real HTTP server: SLACK_API_URL = `${fake.url}/api/`. It records every
 * call, checks the bot token, keeps messages/views/reactions, serves response_urls, and runs the
 * Block Kit validator over everything the bot sends. The emulation itself is src/devkit/console/slack-web-api.ts
 * (the local console serves the same one); this file gives it its own server and the tests' defaults.
 */

export type { FailSpec, RecordedCall, RecordedViolation };
export { RESPONSE };
export type FakeUser = EmulatedUser;
export type FakeMessage = EmulatedMessage;
export type FakeView = EmulatedView;

export interface FakeSlackOptions {
  botToken: string;
  /** Users known to users.info / users.lookupByEmail (default: ALICE and BOB). */
  users?: FakeUser[];
  /** The app's OAuth credentials: oauth.v2.access accepts only these (default: FAKE_OAUTH). */
  oauth?: { clientId: string; clientSecret: string };
}

export const FAKE_OAUTH = { clientId: '1111.2222', clientSecret: 'fake-client-secret-0123' } as const;

/** Another workspace (OAuth mode): its own bot token, bot user, users, messages and views. */
export interface FakeTeamOptions {
  id: string;
  name: string;
  domain: string;
  users?: FakeUser[];
  /** Enterprise Grid org-wide install (oauth.v2.access answers is_enterprise_install). */
  enterpriseId?: string;
}

export interface FakeTeam extends SlackWebApi {
  id: string;
  name: string;
  /** The bot token oauth.v2.access hands out for this team (and the only one its Web API accepts). */
  botToken: string;
  enterpriseId?: string;
}

/** A recorded oauth.v2.access call (its args, and what it answered). */
export interface OAuthExchange {
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
  teamId?: string;
}

export const DEFAULT_USERS: FakeUser[] = [
  {
    id: USER.id,
    name: USER.name,
    realName: 'Alice Archer',
    displayName: 'alice',
    email: 'alice@example.com',
    tz: 'America/New_York',
    isAdmin: true,
  },
  {
    id: 'U0BOB',
    name: 'bob',
    realName: 'Bob Baker',
    displayName: 'bob',
    email: 'bob@example.com',
    tz: 'Europe/Paris',
  },
];

/** The shared Web API emulation plus the test server around it. */
export interface FakeSlack extends SlackWebApi {
  /** Server root, e.g. http://127.0.0.1:54321 */
  url: string;
  /** Use as SLACK_API_URL. */
  apiUrl: string;
  /** A response_url on this server; posts to it are recorded as RESPONSE calls with responseId = id. */
  responseUrl(id?: string): string;
  /**
   * Adds a workspace: API calls with its bot token are answered by its own emulation (auth.test says its
   * team and bot user); the default workspace (T0TEST, `botToken`) is unchanged.
   */
  addTeam(team: FakeTeamOptions): FakeTeam;
  team(teamId: string): FakeTeam;
  /**
   * An OAuth code for `teamId`, installed by `installerUserId`: oauth.v2.access exchanges it once for
   * the team's bot token. The authorize page stand-in (GET /oauth/v2/authorize?team=…) issues one too.
   */
  issueCode(teamId: string, installerUserId?: string): string;
  /** Every oauth.v2.access call, in order. */
  readonly oauthExchanges: OAuthExchange[];
  /** Where the authorize stand-in sends the browser back (the app's /slack/oauth_redirect). */
  redirectUrl: string | undefined;
  close(): Promise<void>;
}

export async function startFakeSlack(opts: FakeSlackOptions): Promise<FakeSlack> {
  const api: SlackWebApi = createSlackWebApi({
    botToken: opts.botToken,
    team: TEAM,
    users: opts.users ?? DEFAULT_USERS,
    parseTriggerId,
  });
  const oauth = opts.oauth ?? FAKE_OAUTH;
  const teams = new Map<string, FakeTeam>();
  const byToken = new Map<string, FakeTeam>();
  const codes = new Map<string, { teamId: string; userId: string }>();
  const oauthExchanges: OAuthExchange[] = [];
  let codeSeq = 0;
  // Set once the fake exists (below): the authorize stand-in reads its redirectUrl.
  let fake: FakeSlack | undefined;
  const issueCode = (teamId: string, userId: string = USER.id) => {
    const code = `code-${teamId}-${++codeSeq}`;
    codes.set(code, { teamId, userId });
    return code;
  };

  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  /** oauth.v2.access: the code → the team's bot token, shaped like Slack's answer. */
  const exchange = async (req: IncomingMessage, res: ServerResponse) => {
    const args = Object.fromEntries(new URLSearchParams(await readBody(req)));
    // Client credentials come in the body (@slack/web-api) or as HTTP Basic auth.
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    const clientId = args.client_id ?? basicId;
    const clientSecret = args.client_secret ?? basicSecret;
    const fail = (error: string) => {
      oauthExchanges.push({ args, ok: false, error });
      json(res, { ok: false, error });
    };
    if (clientId !== oauth.clientId) return fail('invalid_client_id');
    if (clientSecret !== oauth.clientSecret) return fail('bad_client_secret');
    const grant = codes.get(args.code ?? '');
    if (!grant) return fail('invalid_code');
    codes.delete(args.code ?? '');
    const team = teams.get(grant.teamId);
    if (!team) return fail('invalid_code');
    oauthExchanges.push({ args, ok: true, teamId: team.id });
    json(res, {
      ok: true,
      app_id: 'A0CRM',
      authed_user: { id: grant.userId },
      scope: String(args.scope ?? ''),
      token_type: 'bot',
      access_token: team.botToken,
      bot_user_id: team.botUserId,
      team: team.enterpriseId ? null : { id: team.id, name: team.name },
      enterprise: team.enterpriseId ? { id: team.enterpriseId, name: `${team.name} Grid` } : null,
      is_enterprise_install: Boolean(team.enterpriseId),
    });
  };

  /** The authorize page stand-in: "Allow" at once, back to the app with a code and the state. */
  const authorizePage = (req: IncomingMessage, res: ServerResponse) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const teamId = q.get('team') ?? TEAM.id;
    const target = q.get('redirect_uri') ?? fake?.redirectUrl;
    if (q.get('client_id') !== oauth.clientId || !target || !teams.has(teamId)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('invalid authorize request');
      return;
    }
    const back = new URL(target);
    back.searchParams.set('code', issueCode(teamId, q.get('user') ?? USER.id));
    back.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { location: back.toString() });
    res.end();
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/api/oauth.v2.access') {
      await exchange(req, res);
      return true;
    }
    if (req.method === 'GET' && path === '/oauth/v2/authorize') {
      authorizePage(req, res);
      return true;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const team = bearer ? byToken.get(bearer) : undefined;
    return (team ?? api).handle(req, res);
  };

  const server = createServer((req, res) => {
    route(req, res)
      .then((handled) => {
        if (handled) return;
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not_found');
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let responseSeq = 0;

  // Extend the emulator object itself: tests assign fields (users, latencyMs) the handlers read.
  const extra: Omit<FakeSlack, keyof SlackWebApi> = {
    url,
    oauthExchanges,
    redirectUrl: undefined,
    addTeam(t) {
      const emulation = createSlackWebApi({
        botToken: `xoxb-${t.id}-fake-token`,
        team: { id: t.id, domain: t.domain },
        users: (t.users ?? DEFAULT_USERS).map((u) => ({ ...u, teamId: u.teamId ?? t.id })),
        botUserId: `U0BOT${t.id}`,
        botId: `B0BOT${t.id}`,
        parseTriggerId,
      });
      const team: FakeTeam = Object.assign(emulation, {
        id: t.id,
        name: t.name,
        botToken: `xoxb-${t.id}-fake-token`,
        enterpriseId: t.enterpriseId,
      });
      teams.set(t.id, team);
      byToken.set(team.botToken, team);
      return team;
    },
    team(teamId) {
      const team = teams.get(teamId);
      if (!team) throw new Error(`fake Slack: no team ${teamId} (addTeam first)`);
      return team;
    },
    issueCode,
    apiUrl: `${url}/api/`,
    responseUrl(id) {
      return `${url}/response/${encodeURIComponent(id ?? `r${++responseSeq}`)}`;
    },
    close() {
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
  fake = Object.assign(api, extra);
  return fake;
}
