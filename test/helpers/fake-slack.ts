import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TZDate } from '@date-fns/tz';
import { formatViolations, type Violation, validateMessage, validateView } from './block-kit-validator.js';
import { parseTriggerId, TEAM, USER } from './payloads.js';

/**
 * A fake Slack Web API on a real HTTP server: SLACK_API_URL = `${fake.url}/api/`. It records every
 * call, checks the bot token, keeps messages/views/reactions, serves response_urls, and runs the
 * Block Kit validator over everything the bot sends.
 */

/** `response` is the pseudo-method of posts to a response_url (Bolt's respond()). */
export const RESPONSE = 'response';

export interface RecordedCall {
  kind: 'api' | 'response';
  /** Web API method (`chat.postMessage`) or RESPONSE for response_url posts. */
  method: string;
  /** Form-decoded (blocks, view, attachments, metadata JSON-parsed) or the JSON body. */
  args: Record<string, unknown>;
  /** Bearer token of an API call. */
  token?: string;
  /** The id in the response_url (responseUrl(id)). */
  responseId?: string;
  atMs: number;
}

export interface RecordedViolation extends Violation {
  method: string;
}

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  email?: string;
  tz: string;
  isBot?: boolean;
  deleted?: boolean;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  threadTs?: string;
  user: string;
  deleted: boolean;
}

export interface FakeView {
  id: string;
  rootViewId: string;
  hash: string;
  view: Record<string, unknown>;
  externalId?: string;
  userId?: string;
}

/** `{ error }` answers 200 `{ok:false,error}`; `{ status }` answers that HTTP status (429 with Retry-After). */
export type FailSpec = { error: string } | { status: number; retryAfterSec?: number };

export interface FakeSlackOptions {
  botToken: string;
  /** Users known to users.info / users.lookupByEmail (default: ALICE and BOB). */
  users?: FakeUser[];
}

export const DEFAULT_USERS: FakeUser[] = [
  {
    id: USER.id,
    name: USER.name,
    realName: 'Alice Archer',
    displayName: 'alice',
    email: 'alice@example.com',
    tz: 'America/New_York',
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

export interface FakeSlack {
  /** Server root, e.g. http://127.0.0.1:54321 */
  url: string;
  /** Use as SLACK_API_URL. */
  apiUrl: string;
  botUserId: string;
  botId: string;
  /** Every API call and response_url post, in arrival order. */
  readonly log: RecordedCall[];
  /** Block Kit violations of everything the bot sent; tests assert it stays empty. */
  readonly violations: RecordedViolation[];
  users: Map<string, FakeUser>;
  /** Messages the bot posted, by channel (deleted ones kept with deleted = true). */
  messages: Map<string, FakeMessage[]>;
  views: Map<string, FakeView>;
  /** `channel/ts/name` of every reaction added. */
  reactions: Set<string>;
  /** Channel id → error every chat.* call to it answers (not_in_channel, channel_not_found, is_archived). */
  channelErrors: Map<string, string>;
  /** Delay before every answer, and per method. */
  latencyMs: number;
  methodLatencyMs: Map<string, number>;
  /** A response_url on this server; posts to it are recorded as RESPONSE calls with responseId = id. */
  responseUrl(id?: string): string;
  /** The next `times` calls of `method` fail as described. */
  failNext(method: string, spec: FailSpec, times?: number): void;
  calls(method: string): RecordedCall[];
  /** Resolves with the first recorded call of `method` matching `predicate`, polling until timeoutMs. */
  waitFor(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  assertNoViolations(): void;
  /** Forget calls, violations, messages, views, reactions, faults; users back to the initial table. */
  reset(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata'];
const MESSAGE_METHODS = new Set([
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.scheduleMessage',
]);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);
/** Slack: a trigger_id works once, within 3 s. */
const TRIGGER_TTL_MS = 3000;
/** Slack: a response_url takes 5 posts. */
const RESPONSE_URL_MAX_POSTS = 5;

type Answer = Record<string, unknown>;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json'))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.includes(k)) {
      try {
        args[k] = JSON.parse(v);
        continue;
      } catch {
        // Keep the raw string: the validator will report it.
      }
    }
    args[k] = v;
  }
  return args;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function slackUser(u: FakeUser): Answer {
  const offsetMin = -new TZDate(Date.now(), u.tz).getTimezoneOffset();
  return {
    id: u.id,
    team_id: TEAM.id,
    name: u.name,
    deleted: u.deleted ?? false,
    real_name: u.realName,
    tz: u.tz,
    tz_label: u.tz,
    tz_offset: offsetMin * 60,
    is_bot: u.isBot ?? false,
    profile: {
      email: u.email,
      real_name: u.realName,
      display_name: u.displayName,
      real_name_normalized: u.realName,
      display_name_normalized: u.displayName,
    },
  };
}

export async function startFakeSlack(opts: FakeSlackOptions): Promise<FakeSlack> {
  const initialUsers = opts.users ?? DEFAULT_USERS;
  const log: RecordedCall[] = [];
  const violations: RecordedViolation[] = [];
  const failures = new Map<string, { spec: FailSpec; left: number }>();
  const usedTriggers = new Set<string>();
  const responsePosts = new Map<string, number>();
  let seq = 0;
  const nextTs = () => {
    seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
  };
  let hashSeq = 0;
  const nextHash = () => `${Date.now()}.fakehash${++hashSeq}`;

  const check = (method: string, found: Violation[]) => {
    for (const v of found) violations.push({ method, ...v });
  };

  const useTrigger = (triggerId: unknown): string | null => {
    const id = str(triggerId);
    const parsed = id ? parseTriggerId(id) : null;
    if (!id || !parsed) return 'invalid_trigger_id';
    if (usedTriggers.has(id)) return 'exchanged_trigger_id';
    if (Date.now() - parsed.issuedMs > TRIGGER_TTL_MS) return 'expired_trigger_id';
    usedTriggers.add(id);
    return null;
  };

  const findView = (args: Record<string, unknown>): FakeView | undefined => {
    const id = str(args.view_id);
    if (id) return fake.views.get(id);
    const ext = str(args.external_id);
    return [...fake.views.values()].find((v) => ext && v.externalId === ext);
  };

  const storeView = (view: unknown, rootViewId: string | null, userId?: string): FakeView => {
    const v = (typeof view === 'object' && view !== null ? view : {}) as Record<string, unknown>;
    const id = `V0FAKE${++seq}`;
    const stored: FakeView = {
      id,
      rootViewId: rootViewId ?? id,
      hash: nextHash(),
      view: v,
      externalId: str(v.external_id),
      userId,
    };
    fake.views.set(id, stored);
    return stored;
  };

  const viewAnswer = (v: FakeView): Answer => ({
    ok: true,
    view: {
      ...v.view,
      id: v.id,
      team_id: TEAM.id,
      hash: v.hash,
      root_view_id: v.rootViewId,
      state: { values: {} },
      private_metadata: v.view.private_metadata ?? '',
      callback_id: v.view.callback_id ?? '',
    },
  });

  const findMessage = (channel: string | undefined, ts: string | undefined) =>
    fake.messages.get(channel ?? '')?.find((m) => m.ts === ts && !m.deleted);

  const handlers: Record<string, (args: Record<string, unknown>) => Answer> = {
    'auth.test': () => ({
      ok: true,
      url: `https://${TEAM.domain}.slack.com/`,
      team: 'Acme',
      user: 'crm-bot',
      team_id: TEAM.id,
      user_id: fake.botUserId,
      bot_id: fake.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const ts = nextTs();
      const msg: FakeMessage = {
        channel,
        ts,
        text: str(args.text),
        blocks: args.blocks,
        threadTs: str(args.thread_ts),
        user: fake.botUserId,
        deleted: false,
      };
      const list = fake.messages.get(channel) ?? [];
      list.push(msg);
      fake.messages.set(channel, list);
      return {
        ok: true,
        channel,
        ts,
        message: {
          type: 'message',
          text: msg.text,
          blocks: msg.blocks,
          user: msg.user,
          bot_id: fake.botId,
          ts,
        },
      };
    },
    'chat.postEphemeral': (args) =>
      str(args.channel) && str(args.user)
        ? { ok: true, message_ts: nextTs() }
        : { ok: false, error: 'user_not_in_channel' },
    'chat.update': (args) => {
      const msg = findMessage(str(args.channel), str(args.ts));
      if (!msg) return { ok: false, error: 'message_not_found' };
      if (args.text !== undefined) msg.text = str(args.text);
      if (args.blocks !== undefined) msg.blocks = args.blocks;
      return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
    },
    'chat.delete': (args) => {
      const msg = findMessage(str(args.channel), str(args.ts));
      if (!msg) return { ok: false, error: 'message_not_found' };
      msg.deleted = true;
      return { ok: true, channel: msg.channel, ts: msg.ts };
    },
    'chat.getPermalink': (args) => {
      const channel = str(args.channel);
      const ts = str(args.message_ts);
      if (!channel || !ts) return { ok: false, error: 'message_not_found' };
      return {
        ok: true,
        channel,
        permalink: `https://${TEAM.domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
      };
    },
    'views.open': (args) => {
      const err = useTrigger(args.trigger_id);
      if (err) return { ok: false, error: err };
      return viewAnswer(storeView(args.view, null));
    },
    'views.push': (args) => {
      const err = useTrigger(args.trigger_id);
      if (err) return { ok: false, error: err };
      // A pushed view joins the newest stack; Slack allows three views in it.
      const roots = [...fake.views.values()];
      const root = roots[roots.length - 1]?.rootViewId ?? null;
      if (root && roots.filter((v) => v.rootViewId === root).length >= 3)
        return { ok: false, error: 'push_limit_reached' };
      return viewAnswer(storeView(args.view, root));
    },
    'views.update': (args) => {
      const current = findView(args);
      if (!current) return { ok: false, error: 'not_found' };
      if (args.hash !== undefined && args.hash !== current.hash) return { ok: false, error: 'hash_conflict' };
      current.view = (args.view ?? {}) as Record<string, unknown>;
      current.hash = nextHash();
      current.externalId = str(current.view.external_id) ?? current.externalId;
      return viewAnswer(current);
    },
    'views.publish': (args) => {
      const userId = str(args.user_id);
      if (!userId || !fake.users.has(userId)) return { ok: false, error: 'user_not_found' };
      const existing = [...fake.views.values()].find((v) => v.userId === userId && v.view.type === 'home');
      if (existing) {
        existing.view = args.view as Record<string, unknown>;
        existing.hash = nextHash();
        return viewAnswer(existing);
      }
      return viewAnswer(storeView(args.view, null, userId));
    },
    'users.info': (args) => {
      const u = fake.users.get(str(args.user) ?? '');
      return u ? { ok: true, user: slackUser(u) } : { ok: false, error: 'user_not_found' };
    },
    'users.lookupByEmail': (args) => {
      const email = str(args.email)?.toLowerCase();
      const u = [...fake.users.values()].find((x) => email && x.email?.toLowerCase() === email);
      return u ? { ok: true, user: slackUser(u) } : { ok: false, error: 'users_not_found' };
    },
    'reactions.add': (args) => {
      const key = `${str(args.channel)}/${str(args.timestamp)}/${str(args.name)}`;
      if (fake.reactions.has(key)) return { ok: false, error: 'already_reacted' };
      fake.reactions.add(key);
      return { ok: true };
    },
    'conversations.info': (args) => {
      const id = str(args.channel) ?? '';
      return {
        ok: true,
        channel: {
          id,
          name: id.toLowerCase(),
          is_channel: true,
          is_private: id.startsWith('G'),
          is_member: true,
        },
      };
    },
    'conversations.join': (args) => ({ ok: true, channel: { id: str(args.channel), is_member: true } }),
  };

  const apiCall = (
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
  ): [number, Answer] => {
    const failure = failures.get(method);
    if (failure && failure.left > 0) {
      failure.left -= 1;
      if ('error' in failure.spec) return [200, { ok: false, error: failure.spec.error }];
      return [
        failure.spec.status,
        { ok: false, error: failure.spec.status === 429 ? 'ratelimited' : 'fatal_error' },
      ];
    }
    if (token !== opts.botToken) return [200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' }];
    const handler = handlers[method];
    if (!handler) return [200, { ok: false, error: 'unknown_method' }];
    if (MESSAGE_METHODS.has(method)) {
      const channelError = fake.channelErrors.get(str(args.channel) ?? '');
      if (channelError) return [200, { ok: false, error: channelError }];
      check(method, validateMessage(args));
    }
    if (VIEW_METHODS.has(method)) check(method, validateView(args.view));
    return [200, handler(args)];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const raw = await readBody(req);
    const send = (status: number, body: Answer | string, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        ...headers,
      });
      res.end(text);
    };
    const delay = (method: string) => fake.latencyMs + (fake.methodLatencyMs.get(method) ?? 0);

    if (req.method === 'POST' && path.startsWith('/api/')) {
      const method = path.slice('/api/'.length);
      let args: Record<string, unknown>;
      try {
        args = parseArgs(raw, req.headers['content-type']);
      } catch {
        return send(200, { ok: false, error: 'invalid_json' });
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? str(args.token);
      log.push({ kind: 'api', method, args, token, atMs: Date.now() });
      const ms = delay(method);
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      const [status, answer] = apiCall(method, args, token);
      const failure = failures.get(method)?.spec;
      const retryAfter: Record<string, string> =
        status === 429 && failure && 'status' in failure
          ? { 'retry-after': String(failure.retryAfterSec ?? 1) }
          : {};
      return send(status, answer, retryAfter);
    }

    if (req.method === 'POST' && path.startsWith('/response/')) {
      const responseId = decodeURIComponent(path.slice('/response/'.length));
      let args: Record<string, unknown>;
      try {
        args = parseArgs(raw, 'application/json');
      } catch {
        return send(400, 'invalid_payload');
      }
      log.push({ kind: 'response', method: RESPONSE, args, responseId, atMs: Date.now() });
      const ms = delay(RESPONSE);
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      const failure = failures.get(RESPONSE);
      if (failure && failure.left > 0) {
        failure.left -= 1;
        return send(
          'status' in failure.spec ? failure.spec.status : 404,
          'error' in failure.spec ? failure.spec.error : 'error',
        );
      }
      const posts = (responsePosts.get(responseId) ?? 0) + 1;
      responsePosts.set(responseId, posts);
      if (posts > RESPONSE_URL_MAX_POSTS) return send(404, 'used_url');
      check(RESPONSE, validateMessage(args));
      return send(200, 'ok');
    }

    send(404, 'not_found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let responseSeq = 0;

  const fake: FakeSlack = {
    url,
    apiUrl: `${url}/api/`,
    botUserId: 'U0BOT',
    botId: 'B0BOT',
    log,
    violations,
    users: new Map(initialUsers.map((u) => [u.id, u])),
    messages: new Map(),
    views: new Map(),
    reactions: new Set(),
    channelErrors: new Map(),
    latencyMs: 0,
    methodLatencyMs: new Map(),
    responseUrl(id) {
      return `${url}/response/${encodeURIComponent(id ?? `r${++responseSeq}`)}`;
    },
    failNext(method, spec, times = 1) {
      failures.set(method, { spec, left: times });
    },
    calls(method) {
      return log.filter((c) => c.method === method);
    },
    async waitFor(method, predicate = () => true, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = log.find((c) => c.method === method && predicate(c));
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = log.map((c) => c.method).join(', ') || 'nothing';
          throw new Error(`fake Slack: no matching ${method} within ${timeoutMs} ms (seen: ${seen})`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    assertNoViolations() {
      if (violations.length === 0) return;
      const listed = formatViolations(violations.map((v) => ({ ...v, path: `${v.method} ${v.path}` })));
      throw new Error(`Block Kit violations in what the bot sent (${violations.length}):\n${listed}`);
    },
    reset() {
      log.length = 0;
      violations.length = 0;
      failures.clear();
      usedTriggers.clear();
      responsePosts.clear();
      fake.users = new Map(initialUsers.map((u) => [u.id, u]));
      fake.messages.clear();
      fake.views.clear();
      fake.reactions.clear();
      fake.channelErrors.clear();
      fake.latencyMs = 0;
      fake.methodLatencyMs.clear();
    },
    close() {
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
  return fake;
}
