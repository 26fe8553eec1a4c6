import type { IncomingMessage, ServerResponse } from 'node:http';
import { TZDate } from '@date-fns/tz';
import {
  formatViolations,
  type Violation,
  validateMessage,
  validateUnfurls,
  validateView,
} from './block-kit-validator.js';

/**
 * An emulation of the part of Slack's Web API the bot calls, and of response_urls: it records every
 * call, checks the bot token, keeps messages/views/reactions, and runs the Block Kit validator over
 * everything the bot sends. The local console serves it under /api/ and the tests' fake Slack
 * (test/helpers/fake-slack.ts) on its own server: one emulation for both.
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
  /** The id in the response_url (`…/response/{id}`). */
  responseId?: string;
  atMs: number;
}

export interface RecordedViolation extends Violation {
  method: string;
}

export interface EmulatedUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  email?: string;
  tz: string;
  isBot?: boolean;
  /** Multi-channel guest (users.info is_restricted); single-channel guest (is_restricted and is_ultra_restricted). */
  isRestricted?: boolean;
  isUltraRestricted?: boolean;
  deleted?: boolean;
  /** Workspace admin / owner (users.info is_admin / is_owner). */
  isAdmin?: boolean;
  isOwner?: boolean;
  /** Another organisation's user (Slack Connect): users.info answers this team_id (default: the workspace's). */
  teamId?: string;
  /** users.info is_stranger: a user of another organisation the workspace knows little about. */
  isStranger?: boolean;
}

/** What conversations.info says of a channel beyond its id (default: a public channel named after its id). */
export interface EmulatedChannel {
  name?: string;
  isPrivate?: boolean;
  /** Shared with another organisation (Slack Connect). */
  isExtShared?: boolean;
}

export interface EmulatedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  threadTs?: string;
  /** A thread reply also shown in the channel (reply_broadcast). */
  broadcast?: boolean;
  user: string;
  deleted: boolean;
  /** The author's team when not the workspace's (an external user in a shared channel). */
  userTeam?: string;
  /** chat.unfurl: the link previews shown under the message, by URL. */
  unfurls?: Record<string, { blocks?: unknown }>;
  /** chat.postMessage `metadata` (event_type, event_payload); conversations.history shows it with include_all_metadata. */
  metadata?: unknown;
}

/** A file uploaded the files.uploadV2 way: getUploadURLExternal → POST the bytes → completeUploadExternal. */
export interface EmulatedFile {
  id: string;
  name: string;
  title?: string;
  /** The length getUploadURLExternal was told. */
  length: number;
  /** The bytes POSTed to the upload URL; null until then. */
  content: Buffer | null;
  /** Set by completeUploadExternal: where it was shared, and the message that shows it. */
  channel?: string;
  ts?: string;
  initialComment?: string;
}

/** A chat.postEphemeral (or ephemeral response) shown to one user only. */
export interface EmulatedEphemeral {
  channel: string;
  ts: string;
  user: string;
  text?: string;
  blocks?: unknown;
  threadTs?: string;
  deleted: boolean;
}

export interface EmulatedView {
  id: string;
  rootViewId: string;
  hash: string;
  view: Record<string, unknown>;
  externalId?: string;
  userId?: string;
}

/** `{ error }` answers 200 `{ok:false,error}`; `{ status }` answers that HTTP status (429 with Retry-After). */
export type FailSpec = { error: string } | { status: number; retryAfterSec?: number };

/** What changed, for a live view of the workspace (the console page). */
export type WebApiChange =
  | { kind: 'message'; channel: string; ts: string }
  | { kind: 'ephemeral'; channel: string; ts: string }
  | { kind: 'view'; method: 'views.open' | 'views.push' | 'views.update' | 'views.publish'; viewId: string }
  /** A reaction added or removed. */
  | { kind: 'reaction'; channel: string; ts: string; name: string };

export interface SlackWebApiOptions {
  botToken: string;
  team: { id: string; domain: string };
  /** Users known to users.info / users.lookupByEmail (reset() restores this table). */
  users: EmulatedUser[];
  botUserId?: string;
  botId?: string;
  /** Reads the issue time of a trigger_id this Slack handed out; null = not one of ours. */
  parseTriggerId?: (id: string) => { issuedMs: number } | null;
  /**
   * Called for each accepted response_url post (after recording and validation). Default: nothing,
   * the post is only recorded. The console turns it into messages.
   */
  onResponse?: (responseId: string, args: Record<string, unknown>) => void;
  /** Keep only the most recent this many calls in `log` (the console runs for hours); default: all. */
  maxLog?: number;
}

export interface SlackWebApi {
  botUserId: string;
  botId: string;
  /** Every API call and response_url post, in arrival order. */
  readonly log: RecordedCall[];
  /** Block Kit violations of everything the bot sent. */
  readonly violations: RecordedViolation[];
  users: Map<string, EmulatedUser>;
  /** Messages by channel (deleted ones kept with deleted = true). */
  messages: Map<string, EmulatedMessage[]>;
  /** Ephemeral messages (chat.postEphemeral), in order. */
  ephemerals: EmulatedEphemeral[];
  views: Map<string, EmulatedView>;
  /** `channel/ts/name` of every reaction added. */
  reactions: Set<string>;
  /** Uploaded files by id (files.getUploadURLExternal, the upload POST, files.completeUploadExternal). */
  files: Map<string, EmulatedFile>;
  /** Channel id → error every chat.* call to it answers (not_in_channel, channel_not_found, is_archived). */
  channelErrors: Map<string, string>;
  /** Channel id → its members, as users.conversations answers (a channel not listed has nobody). */
  channelMembers: Map<string, Set<string>>;
  /** Channel id → what conversations.info tells of it (shared externally, private, its name). */
  channels: Map<string, EmulatedChannel>;
  /** Largest page conversations.replies answers, whatever `limit` asks (tests force paging). */
  repliesPageMax: number;
  /** Delay before every answer, and per method. */
  latencyMs: number;
  methodLatencyMs: Map<string, number>;
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
  /** A message timestamp, unique in this workspace. */
  nextTs(): string;
  /** Adds a message as `user` (the console's human posts this way); returns it. */
  addMessage(msg: Omit<EmulatedMessage, 'ts' | 'deleted'>): EmulatedMessage;
  addEphemeral(msg: Omit<EmulatedEphemeral, 'ts' | 'deleted'>): EmulatedEphemeral;
  /** Opens (rootViewId null) or pushes a view as Slack does after a response_action; validated. */
  openView(view: unknown, rootViewId: string | null): EmulatedView;
  /** Replaces a view's content (response_action update); validated, new hash. */
  updateView(id: string, view: unknown): EmulatedView | undefined;
  /** Tell subscribers about a change made outside the Web API (a response_url replacing a message). */
  notify(change: WebApiChange): void;
  /** Subscribe to changes; returns the unsubscribe function. */
  subscribe(listener: (change: WebApiChange) => void): () => void;
  /** Serves `POST …/api/{method}`, `POST …/response/{id}` and `POST …/upload/{file id}`; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Forget calls, violations, messages, views, reactions, faults; users back to the initial table. */
  reset(): void;
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata', 'files', 'unfurls'];
/** The pseudo-method recorded for a POST of a file's bytes to its upload URL. */
export const UPLOAD = 'upload';
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
/** Big enough for any Block Kit payload (100 blocks × 3000 chars, a view's maximum) with room to spare. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A request body over the limit: answered 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body too large (limit ${limit} bytes)`);
    this.name = 'BodyTooLargeError';
  }
}

type Answer = Record<string, unknown>;

let triggerSeq = 0;
/** Self-describing trigger ids (`{seq}.{issuedMs}.trigger`): views.open checks age (3 s) and single use. */
export function newTriggerId(nowMs = Date.now()): string {
  triggerSeq += 1;
  return `${triggerSeq}.${nowMs}.trigger`;
}

export function parseTriggerId(id: string): { issuedMs: number } | null {
  const m = /^\d+\.(\d+)\.trigger$/.exec(id);
  return m?.[1] ? { issuedMs: Number(m[1]) } : null;
}

/** The body; BodyTooLargeError past `limit` bytes (told by Content-Length, else while reading). */
export async function readBytes(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBytes(req, limit)).toString('utf8');
}

/** The file in an upload POST: @slack/web-api sends multipart/form-data; anything else is the raw bytes. */
async function uploadedBytes(raw: Buffer, contentType: string | undefined): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return raw;
  const form = await new Request('http://upload.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  const first = [...form.values()][0];
  return Buffer.from(typeof first === 'string' ? first : '');
}

/** The DM channel of the bot with a user: `D` + the user id's tail (U0ALICE → D0ALICE). */
export function dmChannelOf(userId: string): string {
  return `D${userId.replace(/^[UW]/, '')}`;
}

/** Web API arguments: JSON, or a form whose blocks/view/attachments/metadata are JSON strings. */
export function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
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

export function createSlackWebApi(opts: SlackWebApiOptions): SlackWebApi {
  const team = opts.team;
  const parseTrigger = opts.parseTriggerId ?? parseTriggerId;
  const log: RecordedCall[] = [];
  const record = (call: RecordedCall) => {
    log.push(call);
    if (opts.maxLog !== undefined && log.length > opts.maxLog) log.splice(0, log.length - opts.maxLog);
  };
  const violations: RecordedViolation[] = [];
  const failures = new Map<string, { spec: FailSpec; left: number }>();
  const usedTriggers = new Set<string>();
  const responsePosts = new Map<string, number>();
  const listeners = new Set<(change: WebApiChange) => void>();
  let seq = 0;
  const nextTs = () => {
    seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
  };
  let hashSeq = 0;
  const nextHash = () => `${Date.now()}.fakehash${++hashSeq}`;
  const emit = (change: WebApiChange) => {
    for (const l of listeners) l(change);
  };

  const check = (method: string, found: Violation[]) => {
    for (const v of found) violations.push({ method, ...v });
  };

  const slackUser = (u: EmulatedUser): Answer => {
    const offsetMin = -new TZDate(Date.now(), u.tz).getTimezoneOffset();
    return {
      id: u.id,
      team_id: u.teamId ?? team.id,
      ...(u.isStranger ? { is_stranger: true } : {}),
      name: u.name,
      deleted: u.deleted ?? false,
      real_name: u.realName,
      tz: u.tz,
      tz_label: u.tz,
      tz_offset: offsetMin * 60,
      is_bot: u.isBot ?? false,
      is_admin: u.isAdmin ?? false,
      is_owner: u.isOwner ?? false,
      is_restricted: Boolean(u.isRestricted || u.isUltraRestricted),
      is_ultra_restricted: u.isUltraRestricted ?? false,
      profile: {
        email: u.email,
        real_name: u.realName,
        display_name: u.displayName,
        real_name_normalized: u.realName,
        display_name_normalized: u.displayName,
      },
    };
  };

  const useTrigger = (triggerId: unknown): string | null => {
    const id = str(triggerId);
    const parsed = id ? parseTrigger(id) : null;
    if (!id || !parsed) return 'invalid_trigger_id';
    if (usedTriggers.has(id)) return 'exchanged_trigger_id';
    if (Date.now() - parsed.issuedMs > TRIGGER_TTL_MS) return 'expired_trigger_id';
    usedTriggers.add(id);
    return null;
  };

  const findView = (args: Record<string, unknown>): EmulatedView | undefined => {
    const id = str(args.view_id);
    if (id) return api.views.get(id);
    const ext = str(args.external_id);
    return [...api.views.values()].find((v) => ext && v.externalId === ext);
  };

  const storeView = (view: unknown, rootViewId: string | null, userId?: string): EmulatedView => {
    const v = (typeof view === 'object' && view !== null ? view : {}) as Record<string, unknown>;
    const id = `V0FAKE${++seq}`;
    const stored: EmulatedView = {
      id,
      rootViewId: rootViewId ?? id,
      hash: nextHash(),
      view: v,
      externalId: str(v.external_id),
      userId,
    };
    api.views.set(id, stored);
    return stored;
  };

  const viewAnswer = (v: EmulatedView): Answer => ({
    ok: true,
    view: {
      ...v.view,
      id: v.id,
      team_id: team.id,
      hash: v.hash,
      root_view_id: v.rootViewId,
      state: { values: {} },
      private_metadata: v.view.private_metadata ?? '',
      callback_id: v.view.callback_id ?? '',
    },
  });

  const findMessage = (channel: string | undefined, ts: string | undefined) =>
    api.messages.get(channel ?? '')?.find((m) => m.ts === ts && !m.deleted);

  const addMessage = (m: Omit<EmulatedMessage, 'ts' | 'deleted'>): EmulatedMessage => {
    const msg: EmulatedMessage = { ...m, ts: nextTs(), deleted: false };
    const list = api.messages.get(msg.channel) ?? [];
    list.push(msg);
    api.messages.set(msg.channel, list);
    emit({ kind: 'message', channel: msg.channel, ts: msg.ts });
    return msg;
  };

  const addEphemeral = (m: Omit<EmulatedEphemeral, 'ts' | 'deleted'>): EmulatedEphemeral => {
    const msg: EmulatedEphemeral = { ...m, ts: nextTs(), deleted: false };
    api.ephemerals.push(msg);
    emit({ kind: 'ephemeral', channel: msg.channel, ts: msg.ts });
    return msg;
  };

  const handlers: Record<string, (args: Record<string, unknown>, ctx: { baseUrl: string }) => Answer> = {
    'auth.test': () => ({
      ok: true,
      url: `https://${team.domain}.slack.com/`,
      team: 'Acme',
      user: 'crm-bot',
      team_id: team.id,
      user_id: api.botUserId,
      bot_id: api.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const msg = addMessage({
        channel,
        text: str(args.text),
        blocks: args.blocks,
        threadTs: str(args.thread_ts),
        ...(args.thread_ts && (args.reply_broadcast === true || args.reply_broadcast === 'true')
          ? { broadcast: true }
          : {}),
        user: api.botUserId,
        ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
      });
      return {
        ok: true,
        channel,
        ts: msg.ts,
        message: {
          type: 'message',
          text: msg.text,
          blocks: msg.blocks,
          user: msg.user,
          bot_id: api.botId,
          ts: msg.ts,
        },
      };
    },
    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      const user = str(args.user);
      if (!channel || !user) return { ok: false, error: 'user_not_in_channel' };
      const msg = addEphemeral({
        channel,
        user,
        text: str(args.text),
        blocks: args.blocks,
        threadTs: str(args.thread_ts),
      });
      return { ok: true, message_ts: msg.ts };
    },
    'chat.update': (args) => {
      const msg = findMessage(str(args.channel), str(args.ts));
      if (!msg) return { ok: false, error: 'message_not_found' };
      if (args.text !== undefined) msg.text = str(args.text);
      if (args.blocks !== undefined) msg.blocks = args.blocks;
      emit({ kind: 'message', channel: msg.channel, ts: msg.ts });
      return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
    },
    'chat.delete': (args) => {
      const msg = findMessage(str(args.channel), str(args.ts));
      if (!msg) return { ok: false, error: 'message_not_found' };
      msg.deleted = true;
      emit({ kind: 'message', channel: msg.channel, ts: msg.ts });
      return { ok: true, channel: msg.channel, ts: msg.ts };
    },
    'chat.getPermalink': (args) => {
      const channel = str(args.channel);
      const ts = str(args.message_ts);
      if (!channel || !ts) return { ok: false, error: 'message_not_found' };
      return {
        ok: true,
        channel,
        permalink: `https://${team.domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
      };
    },
    'views.open': (args) => {
      const err = useTrigger(args.trigger_id);
      if (err) return { ok: false, error: err };
      const v = storeView(args.view, null);
      emit({ kind: 'view', method: 'views.open', viewId: v.id });
      return viewAnswer(v);
    },
    'views.push': (args) => {
      const err = useTrigger(args.trigger_id);
      if (err) return { ok: false, error: err };
      // A pushed view joins the newest stack; Slack allows three views in it.
      const roots = [...api.views.values()];
      const root = roots[roots.length - 1]?.rootViewId ?? null;
      if (root && roots.filter((v) => v.rootViewId === root).length >= 3)
        return { ok: false, error: 'push_limit_reached' };
      const v = storeView(args.view, root);
      emit({ kind: 'view', method: 'views.push', viewId: v.id });
      return viewAnswer(v);
    },
    'views.update': (args) => {
      const current = findView(args);
      if (!current) return { ok: false, error: 'not_found' };
      if (args.hash !== undefined && args.hash !== current.hash) return { ok: false, error: 'hash_conflict' };
      current.view = (args.view ?? {}) as Record<string, unknown>;
      current.hash = nextHash();
      current.externalId = str(current.view.external_id) ?? current.externalId;
      emit({ kind: 'view', method: 'views.update', viewId: current.id });
      return viewAnswer(current);
    },
    'views.publish': (args) => {
      const userId = str(args.user_id);
      if (!userId || !api.users.has(userId)) return { ok: false, error: 'user_not_found' };
      const existing = [...api.views.values()].find((v) => v.userId === userId && v.view.type === 'home');
      if (existing) {
        existing.view = args.view as Record<string, unknown>;
        existing.hash = nextHash();
        emit({ kind: 'view', method: 'views.publish', viewId: existing.id });
        return viewAnswer(existing);
      }
      const v = storeView(args.view, null, userId);
      emit({ kind: 'view', method: 'views.publish', viewId: v.id });
      return viewAnswer(v);
    },
    'users.info': (args) => {
      const u = api.users.get(str(args.user) ?? '');
      return u ? { ok: true, user: slackUser(u) } : { ok: false, error: 'user_not_found' };
    },
    'users.list': () => ({
      ok: true,
      members: [...api.users.values()].map(slackUser),
      response_metadata: { next_cursor: '' },
    }),
    'users.conversations': (args) => {
      const userId = str(args.user) ?? '';
      if (userId && !api.users.has(userId)) return { ok: false, error: 'user_not_found' };
      const channels = [...api.channelMembers.entries()]
        .filter(([, members]) => members.has(userId))
        .map(([id]) => ({ id, name: id.toLowerCase(), is_channel: true, is_private: id.startsWith('G') }));
      return { ok: true, channels, response_metadata: { next_cursor: '' } };
    },
    'users.lookupByEmail': (args) => {
      const email = str(args.email)?.toLowerCase();
      const u = [...api.users.values()].find((x) => email && x.email?.toLowerCase() === email);
      return u ? { ok: true, user: slackUser(u) } : { ok: false, error: 'users_not_found' };
    },
    'reactions.add': (args) => {
      const channel = str(args.channel) ?? '';
      const ts = str(args.timestamp) ?? '';
      const name = str(args.name) ?? '';
      const key = `${channel}/${ts}/${name}`;
      if (api.reactions.has(key)) return { ok: false, error: 'already_reacted' };
      api.reactions.add(key);
      emit({ kind: 'reaction', channel, ts, name });
      return { ok: true };
    },
    'reactions.remove': (args) => {
      const channel = str(args.channel) ?? '';
      const ts = str(args.timestamp) ?? '';
      const name = str(args.name) ?? '';
      if (!api.reactions.delete(`${channel}/${ts}/${name}`)) return { ok: false, error: 'no_reaction' };
      emit({ kind: 'reaction', channel, ts, name });
      return { ok: true };
    },
    'conversations.info': (args) => {
      const id = str(args.channel) ?? '';
      const known = api.channels.get(id);
      return {
        ok: true,
        channel: {
          id,
          name: known?.name ?? id.toLowerCase(),
          is_channel: true,
          is_private: known?.isPrivate ?? id.startsWith('G'),
          is_ext_shared: known?.isExtShared ?? false,
          is_member: true,
        },
      };
    },
    'conversations.replies': (args) => {
      const channel = str(args.channel);
      const ts = str(args.ts);
      const list = api.messages.get(channel ?? '') ?? [];
      const parent = list.find((m) => m.ts === ts && !m.deleted);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      const root = parent.threadTs ?? parent.ts;
      const latest = str(args.latest);
      const oldest = str(args.oldest);
      const inclusive = args.inclusive === true || args.inclusive === 'true' || args.inclusive === '1';
      const inRange = (m: EmulatedMessage) =>
        (latest === undefined || m.ts < latest || (inclusive && m.ts === latest)) &&
        (oldest === undefined || m.ts > oldest || (inclusive && m.ts === oldest));
      const thread = list
        .filter((m) => !m.deleted && (m.ts === root || m.threadTs === root))
        .sort((a, b) => a.ts.localeCompare(b.ts))
        .filter((m) => m.ts === root || inRange(m));
      const start = Number(str(args.cursor)?.replace(/^next_/, '') ?? 0) || 0;
      const limit = Math.min(Number(args.limit ?? 1000) || 1000, 1000, api.repliesPageMax);
      const page = thread.slice(start, start + limit);
      const next = start + limit < thread.length ? `next_${start + limit}` : '';
      return {
        ok: true,
        has_more: next !== '',
        messages: page.map((m) => ({
          type: 'message',
          ts: m.ts,
          text: m.text ?? '',
          ...(m.user === api.botUserId ? { bot_id: api.botId } : { user: m.user }),
          ...(m.userTeam ? { user_team: m.userTeam, team: m.userTeam } : { team: team.id }),
          ...(m.ts === root ? { thread_ts: root, reply_count: thread.length - 1 } : { thread_ts: root }),
          ...(m.blocks ? { blocks: m.blocks } : {}),
        })),
        response_metadata: { next_cursor: next },
      };
    },
    'chat.unfurl': (args) => {
      const unfurls = args.unfurls;
      check('chat.unfurl', validateUnfurls(unfurls));
      if (typeof unfurls !== 'object' || unfurls === null) return { ok: false, error: 'invalid_unfurls' };
      const msg = findMessage(str(args.channel), str(args.ts));
      if (msg) {
        msg.unfurls = { ...msg.unfurls, ...(unfurls as Record<string, { blocks?: unknown }>) };
        emit({ kind: 'message', channel: msg.channel, ts: msg.ts });
      }
      return { ok: true };
    },
    'conversations.history': (args) => {
      const channel = str(args.channel) ?? '';
      const failure = api.channelErrors.get(channel);
      if (failure) return { ok: false, error: failure };
      const oldest = Number(str(args.oldest) ?? 0);
      const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
      // Channel history: top-level messages only (replies live in conversations.replies), newest first.
      const top = (api.messages.get(channel) ?? [])
        .filter((m) => !m.deleted && (!m.threadTs || m.threadTs === m.ts) && Number(m.ts) > oldest)
        .reverse();
      return {
        ok: true,
        has_more: top.length > limit,
        messages: top.slice(0, limit).map((m) => ({
          type: 'message',
          ts: m.ts,
          user: m.user,
          text: m.text,
          ...(m.user === api.botUserId ? { bot_id: api.botId } : {}),
          ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
        })),
      };
    },
    'conversations.join': (args) => ({ ok: true, channel: { id: str(args.channel), is_member: true } }),
    'conversations.open': (args) => {
      const users = (str(args.users) ?? '').split(',').filter((u) => u !== '');
      if (users.length !== 1)
        return { ok: false, error: users.length === 0 ? 'users_list_not_supplied' : 'not_supported' };
      const [userId = ''] = users;
      if (!api.users.has(userId)) return { ok: false, error: 'user_not_found' };
      return { ok: true, channel: { id: dmChannelOf(userId), is_im: true, user: userId } };
    },
    'files.getUploadURLExternal': (args, ctx) => {
      const name = str(args.filename);
      const length = Number(args.length);
      if (!name) return { ok: false, error: 'invalid_arguments' };
      if (!Number.isInteger(length) || length < 1) return { ok: false, error: 'invalid_length' };
      const id = `F0FAKE${++seq}`;
      api.files.set(id, { id, name, length, content: null });
      return { ok: true, upload_url: `${ctx.baseUrl}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (args) => {
      const listed = Array.isArray(args.files) ? (args.files as { id?: unknown; title?: unknown }[]) : [];
      const files = listed.map((f) => api.files.get(str(f.id) ?? ''));
      if (files.length === 0 || files.some((f) => !f)) return { ok: false, error: 'file_not_found' };
      if (files.some((f) => f?.content === null)) return { ok: false, error: 'file_upload_not_completed' };
      const done = files as EmulatedFile[];
      listed.forEach((f, i) => {
        const title = str(f.title);
        if (title && done[i]) done[i].title = title;
      });
      const channel = str(args.channel_id);
      const comment = str(args.initial_comment);
      if (channel) {
        // Shown as a message naming each file (the console lists it like any other message).
        const names = done.map((f) => `📎 ${f.name} (${f.content?.length ?? 0} bytes)`).join('\n');
        const msg = addMessage({
          channel,
          text: comment ? `${comment}\n${names}` : names,
          threadTs: str(args.thread_ts),
          user: api.botUserId,
        });
        for (const f of done) Object.assign(f, { channel, ts: msg.ts, initialComment: comment });
      }
      return { ok: true, files: done.map((f) => ({ id: f.id, title: f.title ?? f.name, name: f.name })) };
    },
  };

  const apiCall = (
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
    ctx: { baseUrl: string },
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
      const channelError = api.channelErrors.get(str(args.channel) ?? '');
      if (channelError) return [200, { ok: false, error: channelError }];
      check(method, validateMessage(args));
    }
    if (VIEW_METHODS.has(method)) check(method, validateView(args.view));
    return [200, handler(args, ctx)];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const isApi = path.startsWith('/api/');
    const isResponse = path.startsWith('/response/');
    const isUpload = path.startsWith('/upload/');
    if (req.method !== 'POST' || !(isApi || isResponse || isUpload)) return false;
    const bytes = await readBytes(req);
    const raw = bytes.toString('utf8');
    const send = (status: number, body: Answer | string, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        ...headers,
      });
      res.end(text);
    };
    const delay = (method: string) => api.latencyMs + (api.methodLatencyMs.get(method) ?? 0);

    if (isUpload) {
      const id = decodeURIComponent(path.slice('/upload/'.length));
      const file = api.files.get(id);
      const content = await uploadedBytes(bytes, req.headers['content-type']).catch(() => null);
      log.push({
        kind: 'api',
        method: UPLOAD,
        args: { file_id: id, length: content?.length },
        atMs: Date.now(),
      });
      if (!file || !content) {
        send(file ? 400 : 404, file ? 'invalid_upload' : 'file_not_found');
        return true;
      }
      file.content = content;
      send(200, `OK - ${content.length}`);
      return true;
    }

    if (isApi) {
      const method = path.slice('/api/'.length);
      let args: Record<string, unknown>;
      try {
        args = parseArgs(raw, req.headers['content-type']);
      } catch {
        send(200, { ok: false, error: 'invalid_json' });
        return true;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? str(args.token);
      record({ kind: 'api', method, args, token, atMs: Date.now() });
      const ms = delay(method);
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      const [status, answer] = apiCall(method, args, token, {
        baseUrl: `http://${req.headers.host ?? '127.0.0.1'}`,
      });
      const failure = failures.get(method)?.spec;
      const retryAfter: Record<string, string> =
        status === 429 && failure && 'status' in failure
          ? { 'retry-after': String(failure.retryAfterSec ?? 1) }
          : {};
      send(status, answer, retryAfter);
      return true;
    }

    const responseId = decodeURIComponent(path.slice('/response/'.length));
    let args: Record<string, unknown>;
    try {
      args = parseArgs(raw, 'application/json');
    } catch {
      send(400, 'invalid_payload');
      return true;
    }
    record({ kind: 'response', method: RESPONSE, args, responseId, atMs: Date.now() });
    const ms = delay(RESPONSE);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    const failure = failures.get(RESPONSE);
    if (failure && failure.left > 0) {
      failure.left -= 1;
      send(
        'status' in failure.spec ? failure.spec.status : 404,
        'error' in failure.spec ? failure.spec.error : 'error',
      );
      return true;
    }
    const posts = (responsePosts.get(responseId) ?? 0) + 1;
    responsePosts.set(responseId, posts);
    if (posts > RESPONSE_URL_MAX_POSTS) {
      send(404, 'used_url');
      return true;
    }
    check(RESPONSE, validateMessage(args));
    opts.onResponse?.(responseId, args);
    send(200, 'ok');
    return true;
  };

  const api: SlackWebApi = {
    botUserId: opts.botUserId ?? 'U0BOT',
    botId: opts.botId ?? 'B0BOT',
    log,
    violations,
    users: new Map(opts.users.map((u) => [u.id, u])),
    messages: new Map(),
    ephemerals: [],
    views: new Map(),
    reactions: new Set(),
    files: new Map(),
    channelErrors: new Map(),
    channelMembers: new Map(),
    channels: new Map(),
    repliesPageMax: 1000,
    latencyMs: 0,
    methodLatencyMs: new Map(),
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
    nextTs,
    addMessage,
    openView(view, rootViewId) {
      check('response_action', validateView(view));
      const v = storeView(view, rootViewId);
      emit({ kind: 'view', method: rootViewId ? 'views.push' : 'views.open', viewId: v.id });
      return v;
    },
    updateView(id, view) {
      const current = api.views.get(id);
      if (!current) return undefined;
      check('response_action', validateView(view));
      current.view = (view ?? {}) as Record<string, unknown>;
      current.hash = nextHash();
      emit({ kind: 'view', method: 'views.update', viewId: id });
      return current;
    },
    notify: emit,
    addEphemeral,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handle,
    reset() {
      log.length = 0;
      violations.length = 0;
      failures.clear();
      usedTriggers.clear();
      responsePosts.clear();
      api.users = new Map(opts.users.map((u) => [u.id, u]));
      api.messages.clear();
      api.ephemerals.length = 0;
      api.views.clear();
      api.reactions.clear();
      api.files.clear();
      api.channelErrors.clear();
      api.channelMembers.clear();
      api.channels.clear();
      api.repliesPageMax = 1000;
      api.latencyMs = 0;
      api.methodLatencyMs.clear();
    },
  };
  return api;
}
