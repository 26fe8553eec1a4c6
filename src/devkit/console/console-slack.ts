import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SHORTCUT } from '../../platform/slack/ids.js';
import { escapeMrkdwn } from '../../platform/slack/mrkdwn.js';
import { signedHeaders } from './signing.js';
import {
  type EmulatedUser,
  type EmulatedView,
  newTriggerId,
  type SlackWebApi,
  type WebApiChange,
} from './slack-web-api.js';

/**
 * The console's Slack: it turns what the person does on the page into the signed requests Slack
 * would send to /slack/events (slash commands, block_actions, block_suggestion, view_submission,
 * view_closed, message_action), and what the bot answers (acks, response_urls, Web API calls held by
 * the emulator) into the workspace the page shows.
 */

export const CONSOLE_TEAM = { id: 'T0CONSOLE', domain: 'console' } as const;
export const CONSOLE_APP_ID = 'A0CONSOLE';
export const CONSOLE_BOT = { userId: 'U0CRMBOT', botId: 'B0CRMBOT', name: 'Agile CRM' } as const;

export interface ConsoleChannel {
  id: string;
  name: string;
}

export const CONSOLE_CHANNELS: ConsoleChannel[] = [
  { id: 'C0SALES', name: 'sales' },
  { id: 'C0SUPPORT', name: 'support' },
  { id: 'C0GENERAL', name: 'general' },
  // Alice's DM with the bot (conversations.open): where /crm audit sends its CSV.
  { id: 'D0ALICE', name: 'directmessage' },
];

/** Emails match users of the Agile sandbox, so "me" and owners resolve both ways. */
export const CONSOLE_USERS: EmulatedUser[] = [
  {
    id: 'U0ALICE',
    name: 'alice',
    realName: 'Alice Moreno',
    displayName: 'alice',
    email: 'alice.moreno@example.com',
    tz: 'Europe/Madrid',
    // The console user administers its workspace, so admin commands can be tried.
    isAdmin: true,
  },
  {
    id: 'U0RAJ',
    name: 'raj',
    realName: 'Raj Patel',
    displayName: 'raj',
    email: 'raj.patel@example.com',
    tz: 'Asia/Kolkata',
  },
];

/** Slack gives an app 3 s to acknowledge, then tells the user it failed. */
const ACK_DEADLINE_MS = 3000;
/** How long the console waits for a slow bot before giving up on the request. */
const REQUEST_TIMEOUT_MS = 15_000;

type Json = Record<string, unknown>;

/** Where an element sits: a message (or an ephemeral one) in a channel, or a modal. */
export type ActionContainer =
  | { type: 'message'; channel: string; ts: string; ephemeral?: boolean }
  | { type: 'view'; viewId: string };

export interface ActionRequest {
  container: ActionContainer;
  blockId: string;
  /** The element as Slack reports it: type, action_id and its value fields. */
  action: Json;
  /** view.state.values (modal) or the message's input state. */
  values?: Json;
}

export interface SuggestRequest {
  container: ActionContainer;
  blockId: string;
  actionId: string;
  value: string;
  values?: Json;
}

export interface Outcome {
  ok: boolean;
  /** Why it failed, as Slack would tell the user. */
  error?: string;
  /** view_submission answered response_action errors: block_id → message. */
  errors?: Record<string, string>;
}

export interface ConsoleMessage {
  ts: string;
  user: string;
  userName: string;
  isBot: boolean;
  /** Shown to "me" only (chat.postEphemeral, an ephemeral response, Slackbot's notices). */
  ephemeral: boolean;
  slackbot: boolean;
  text?: string;
  blocks?: unknown;
  threadTs?: string;
  /** A thread reply also sent to the channel (reply_broadcast): shown in both. */
  broadcast?: boolean;
  replyCount: number;
  reactions: string[];
  /** Link previews the app attached (chat.unfurl), in the order of the links. */
  unfurls?: { url: string; blocks: unknown }[];
}

export interface ConsoleSnapshot {
  version: number;
  me: { id: string; name: string; email?: string; tz: string };
  users: { id: string; name: string }[];
  bot: { id: string; name: string };
  channels: ConsoleChannel[];
  messages: Record<string, ConsoleMessage[]>;
  /** The modal stack, bottom first (empty: no modal). */
  modal: { id: string; hash: string; view: Json }[];
  /** My Home tab as the app last published it (views.publish); null before it did. */
  home: { id: string; hash: string; view: Json } | null;
  violations: { method: string; path: string; message: string }[];
}

export interface ConsoleSlackOptions {
  api: SlackWebApi;
  /** The bot's POST /slack/events. */
  eventsUrl: string;
  /** Base of response_urls: `${responseBase}/response/{id}`. */
  responseBase: string;
  signingSecret: string;
  logger: Logger;
  me?: EmulatedUser;
  channels?: ConsoleChannel[];
}

export interface ConsoleSlack {
  /** A message typed in the message box: `/crm …` runs the command, anything else is posted. */
  send(channel: string, text: string, threadTs?: string): Promise<Outcome>;
  action(req: ActionRequest): Promise<Outcome>;
  suggest(req: SuggestRequest): Promise<Json>;
  submit(viewId: string, values: Json): Promise<Outcome>;
  /** Cancel (pops one view) or close (clears the stack). */
  closeView(viewId: string, clear: boolean): Promise<Outcome>;
  /** A message shortcut on a message ("Log to CRM"). */
  shortcut(channel: string, ts: string, callbackId?: string): Promise<Outcome>;
  /** I opened the app's Home tab: app_home_opened, as Slack sends it (the app answers with views.publish). */
  openHome(): Promise<Outcome>;
  snapshot(): ConsoleSnapshot;
  /** Called with the new version after any change. */
  onChange(listener: (version: number) => void): () => void;
  /** For the emulator: what a response_url post does. */
  applyResponse(responseId: string, args: Json): void;
}

interface ResponseContext {
  channel: string;
  user: string;
  threadTs?: string;
  /** The message the interaction came from: replace_original / delete_original act on it. */
  source?: { channel: string; ts: string; ephemeral: boolean };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The manifest's unfurl_domains: links to these (and their subdomains) are sent to the app. */
const UNFURL_DOMAINS = ['agilecrm.com'];

/** URLs in a typed message whose host is one of UNFURL_DOMAINS (Slack sends at most a few). */
export function unfurlableLinks(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/https?:\/\/[^\s<>|]+/g)) {
    const url = m[0].replace(/[).,;:!?]+$/, '');
    try {
      const host = new URL(url).hostname.toLowerCase();
      if (UNFURL_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`))) found.add(url);
    } catch {
      // not a URL
    }
  }
  return [...found].slice(0, 5);
}
const truthy = (v: unknown) => v === true || v === 'true';

export function createConsoleSlack(opts: ConsoleSlackOptions): ConsoleSlack {
  const { api, logger } = opts;
  const me = opts.me ?? (CONSOLE_USERS[0] as EmulatedUser);
  const channels = opts.channels ?? CONSOLE_CHANNELS;
  const contexts = new Map<string, ResponseContext>();
  const slackbotTs = new Set<string>();
  const listeners = new Set<(version: number) => void>();
  let modalStack: string[] = [];
  let version = 0;

  const changed = () => {
    version += 1;
    for (const l of listeners) l(version);
  };
  api.subscribe((change: WebApiChange) => {
    if (change.kind === 'view') {
      if (change.method === 'views.open') modalStack = [change.viewId];
      else if (change.method === 'views.push') modalStack = [...modalStack, change.viewId];
    }
    changed();
  });

  const channelOf = (id: string) => channels.find((c) => c.id === id) ?? { id, name: id.toLowerCase() };
  const userRef = { id: me.id, username: me.name, name: me.name, team_id: CONSOLE_TEAM.id };
  const team = { id: CONSOLE_TEAM.id, domain: CONSOLE_TEAM.domain };
  const common = {
    api_app_id: CONSOLE_APP_ID,
    token: 'console-verification-token',
    team,
    is_enterprise_install: false,
    enterprise: null,
  };

  // Unguessable: a response_url is the only credential its poster needs (Slack's are too).
  const responseUrl = (ctx: ResponseContext) => {
    const id = randomUUID();
    contexts.set(id, ctx);
    return `${opts.responseBase}/response/${id}`;
  };

  const slackbot = (channel: string, text: string) => {
    const msg = api.addEphemeral({ channel, user: me.id, text });
    slackbotTs.add(msg.ts);
  };

  const deliver = async (
    body: string,
    contentType = 'application/x-www-form-urlencoded',
  ): Promise<{ status: number; text: string; json?: Json; elapsedMs: number }> => {
    const started = Date.now();
    const res = await fetch(opts.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...signedHeaders(opts.signingSecret, body),
      },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let json: Json | undefined;
    if (text && res.headers.get('content-type')?.includes('application/json')) {
      try {
        json = JSON.parse(text) as Json;
      } catch {
        json = undefined;
      }
    }
    return { status: res.status, text, json, elapsedMs: Date.now() - started };
  };

  /** An Events API envelope, as Slack posts it (JSON, signed). Failures are the bot's to log. */
  const deliverEvent = async (event: Json): Promise<void> => {
    const body = JSON.stringify({
      token: 'console-verification-token',
      team_id: CONSOLE_TEAM.id,
      api_app_id: CONSOLE_APP_ID,
      type: 'event_callback',
      event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    try {
      await fetch(opts.eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedHeaders(opts.signingSecret, body) },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      logger.warn({ err }, 'console: could not deliver an event to the app');
    }
  };

  const shareLinks = (channel: string, ts: string, urls: string[]) =>
    deliverEvent({
      type: 'link_shared',
      channel,
      is_bot_user_member: true,
      user: me.id,
      message_ts: ts,
      unfurl_id: `C${randomUUID().slice(0, 8)}`,
      source: 'conversations_history',
      links: urls.map((url) => ({ domain: new URL(url).hostname, url })),
      event_ts: `${Date.now() / 1000}`,
    });

  const interact = async (payload: Json) =>
    deliver(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());

  /** Slack's words when the app fails to answer in time or answers an error. */
  const failure = (r: { status: number; elapsedMs: number }): string | undefined => {
    if (r.status !== 200) return `the app answered HTTP ${r.status}`;
    if (r.elapsedMs > ACK_DEADLINE_MS)
      return `operation_timeout (the app took ${r.elapsedMs} ms to acknowledge)`;
    return undefined;
  };

  const guarded = async (what: string, channel: string | undefined, work: () => Promise<Outcome>) => {
    try {
      return await work();
    } catch (err) {
      logger.warn({ err, what }, 'console request failed');
      const error = `${what} failed: ${(err as Error).message}`;
      if (channel) slackbot(channel, error);
      return { ok: false, error };
    }
  };

  const findMessage = (channel: string, ts: string) =>
    api.messages.get(channel)?.find((m) => m.ts === ts && !m.deleted);
  const findEphemeral = (ts: string) => api.ephemerals.find((m) => m.ts === ts && !m.deleted);

  const wireMessage = (channel: string, ts: string) => {
    const m = findMessage(channel, ts);
    if (!m) return undefined;
    return {
      type: 'message',
      ts: m.ts,
      text: m.text ?? '',
      user: m.user,
      ...(m.user === api.botUserId ? { bot_id: api.botId } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    };
  };

  const viewPayload = (v: EmulatedView, values: Json) => {
    const idx = modalStack.indexOf(v.id);
    return {
      type: 'modal',
      ...v.view,
      id: v.id,
      team_id: CONSOLE_TEAM.id,
      app_id: CONSOLE_APP_ID,
      bot_id: api.botId,
      hash: v.hash,
      root_view_id: v.rootViewId,
      previous_view_id: idx > 0 ? (modalStack[idx - 1] ?? null) : null,
      private_metadata: v.view.private_metadata ?? '',
      callback_id: v.view.callback_id ?? '',
      external_id: v.externalId ?? '',
      clear_on_close: truthy(v.view.clear_on_close),
      notify_on_close: truthy(v.view.notify_on_close),
      state: { values },
    };
  };

  const popView = (viewId: string) => {
    modalStack = modalStack.filter((id) => id !== viewId);
    changed();
  };

  const containerFields = (c: ActionContainer, values: Json | undefined) => {
    if (c.type === 'view') {
      const v = api.views.get(c.viewId);
      if (!v) throw new Error('that modal is gone');
      return { container: { type: 'view', view_id: v.id }, view: viewPayload(v, values ?? {}) };
    }
    const source = c.ephemeral ? findEphemeral(c.ts) : findMessage(c.channel, c.ts);
    if (!source) throw new Error('that message is gone');
    const ctx: ResponseContext = {
      channel: c.channel,
      user: me.id,
      threadTs: source.threadTs,
      source: { channel: c.channel, ts: c.ts, ephemeral: c.ephemeral ?? false },
    };
    return {
      container: {
        type: 'message',
        message_ts: c.ts,
        channel_id: c.channel,
        is_ephemeral: c.ephemeral ?? false,
        ...(source.threadTs ? { thread_ts: source.threadTs } : {}),
      },
      channel: channelOf(c.channel),
      // Slack sends no message object for an ephemeral message.
      ...(c.ephemeral ? {} : { message: wireMessage(c.channel, c.ts) }),
      state: { values: values ?? {} },
      response_url: responseUrl(ctx),
    };
  };

  const applyResponse = (responseId: string, args: Json) => {
    const ctx = contexts.get(responseId);
    if (!ctx) return;
    const text = str(args.text);
    const blocks = args.blocks;
    const src = ctx.source;
    if (src && truthy(args.delete_original)) {
      const m = src.ephemeral ? findEphemeral(src.ts) : findMessage(src.channel, src.ts);
      if (m) m.deleted = true;
      changed();
      return;
    }
    if (src && truthy(args.replace_original)) {
      const m = src.ephemeral ? findEphemeral(src.ts) : findMessage(src.channel, src.ts);
      if (m) {
        m.text = text;
        m.blocks = blocks;
        changed();
        return;
      }
    }
    const threadTs = str(args.thread_ts) ?? ctx.threadTs;
    if (args.response_type === 'in_channel') {
      api.addMessage({ channel: ctx.channel, text, blocks, threadTs, user: api.botUserId });
    } else {
      api.addEphemeral({ channel: ctx.channel, user: ctx.user, text, blocks, threadTs });
    }
  };

  const runCommand = async (channel: string, typed: string): Promise<Outcome> => {
    const command = typed.split(/\s+/)[0] ?? '';
    const text = typed.slice(command.length).trim();
    if (command !== '/crm') {
      const error = `${command} is not a valid command. In this console the app's command is /crm.`;
      slackbot(channel, error);
      return { ok: false, error };
    }
    const c = channelOf(channel);
    const form = new URLSearchParams({
      token: 'console-verification-token',
      command,
      text: escapeMrkdwn(text),
      response_url: responseUrl({ channel, user: me.id }),
      trigger_id: newTriggerId(),
      user_id: me.id,
      user_name: me.name,
      team_id: CONSOLE_TEAM.id,
      team_domain: CONSOLE_TEAM.domain,
      channel_id: c.id,
      channel_name: c.name,
      api_app_id: CONSOLE_APP_ID,
      is_enterprise_install: 'false',
    });
    const r = await deliver(form.toString());
    const failed = failure(r);
    if (failed) {
      const error = `${command} failed with the error "${failed}"`;
      slackbot(channel, error);
      return { ok: false, error };
    }
    // A command's ack may carry the reply itself.
    if (r.json) applyResponse(responseUrlIdFor(channel), r.json);
    else if (r.text) api.addEphemeral({ channel, user: me.id, text: r.text });
    return { ok: true };
  };

  /** A throwaway context for an ack body treated like a response_url post. */
  const responseUrlIdFor = (channel: string) => {
    const id = randomUUID();
    contexts.set(id, { channel, user: me.id });
    return id;
  };

  const snapshot = (): ConsoleSnapshot => {
    const reactions = new Map<string, string[]>();
    for (const key of api.reactions) {
      const [channel, ts, name] = key.split('/');
      const k = `${channel}/${ts}`;
      reactions.set(k, [...(reactions.get(k) ?? []), name ?? '']);
    }
    const nameOf = (id: string) =>
      id === api.botUserId ? CONSOLE_BOT.name : (api.users.get(id)?.realName ?? id);
    const messages: Record<string, ConsoleMessage[]> = {};
    for (const ch of channels) {
      const list: ConsoleMessage[] = [];
      const all = (api.messages.get(ch.id) ?? []).filter((m) => !m.deleted);
      for (const m of all) {
        list.push({
          ts: m.ts,
          user: m.user,
          userName: nameOf(m.user),
          isBot: m.user === api.botUserId,
          ephemeral: false,
          slackbot: false,
          text: m.text,
          blocks: m.blocks,
          threadTs: m.threadTs,
          ...(m.broadcast ? { broadcast: true } : {}),
          replyCount: m.threadTs ? 0 : all.filter((r) => r.threadTs === m.ts).length,
          reactions: reactions.get(`${ch.id}/${m.ts}`) ?? [],
          ...(m.unfurls
            ? { unfurls: Object.entries(m.unfurls).map(([url, u]) => ({ url, blocks: u.blocks })) }
            : {}),
        });
      }
      for (const e of api.ephemerals) {
        if (e.deleted || e.channel !== ch.id || e.user !== me.id) continue;
        const sb = slackbotTs.has(e.ts);
        list.push({
          ts: e.ts,
          user: sb ? 'USLACKBOT' : api.botUserId,
          userName: sb ? 'Slackbot' : CONSOLE_BOT.name,
          isBot: true,
          ephemeral: true,
          slackbot: sb,
          text: e.text,
          blocks: e.blocks,
          threadTs: e.threadTs,
          replyCount: 0,
          reactions: [],
        });
      }
      list.sort((a, b) => Number(a.ts) - Number(b.ts));
      messages[ch.id] = list;
    }
    const modal = modalStack
      .map((id) => api.views.get(id))
      .filter((v): v is EmulatedView => v !== undefined)
      .map((v) => ({ id: v.id, hash: v.hash, view: v.view }));
    const homeView = [...api.views.values()].find((v) => v.userId === me.id && v.view.type === 'home');
    const home = homeView ? { id: homeView.id, hash: homeView.hash, view: homeView.view } : null;
    return {
      version,
      me: { id: me.id, name: me.realName, email: me.email, tz: me.tz },
      users: [...api.users.values()].map((u) => ({ id: u.id, name: u.realName })),
      bot: { id: api.botUserId, name: CONSOLE_BOT.name },
      channels,
      messages,
      modal,
      home,
      violations: api.violations.map((v) => ({ method: v.method, path: v.path, message: v.message })),
    };
  };

  let homeEvents = 0;
  const openHome = async (): Promise<Outcome> => {
    homeEvents += 1;
    const envelope = {
      token: 'console-verification-token',
      team_id: CONSOLE_TEAM.id,
      api_app_id: CONSOLE_APP_ID,
      type: 'event_callback',
      event_id: `EvHOME${Date.now()}${homeEvents}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'app_home_opened',
        user: me.id,
        channel: `D${me.id}`,
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      },
    };
    const r = await deliver(JSON.stringify(envelope), 'application/json');
    const error = failure(r);
    return error ? { ok: false, error } : { ok: true };
  };

  return {
    openHome: () => guarded('opening Home', undefined, openHome),
    send(channel, text, threadTs) {
      const typed = text.trim();
      if (!typed) return Promise.resolve({ ok: false, error: 'empty message' });
      if (typed.startsWith('/')) return guarded('the command', channel, () => runCommand(channel, typed));
      const posted = api.addMessage({ channel, text: escapeMrkdwn(typed), threadTs, user: me.id });
      const links = unfurlableLinks(typed);
      // As Slack does for a domain in the app's unfurl_domains: link_shared, answered after the post.
      if (links.length > 0) void shareLinks(channel, posted.ts, links);
      return Promise.resolve({ ok: true });
    },

    action(req) {
      const channel = req.container.type === 'message' ? req.container.channel : undefined;
      return guarded('the action', channel, async () => {
        const payload = {
          type: 'block_actions',
          ...common,
          user: userRef,
          trigger_id: newTriggerId(),
          ...containerFields(req.container, req.values),
          actions: [{ ...req.action, block_id: req.blockId, action_ts: `${Date.now() / 1000}` }],
        };
        const r = await interact(payload);
        const failed = failure(r);
        if (failed && channel) slackbot(channel, `The app did not handle that click: ${failed}`);
        return failed ? { ok: false, error: failed } : { ok: true };
      });
    },

    async suggest(req) {
      const payload = {
        type: 'block_suggestion',
        ...common,
        user: userRef,
        action_id: req.actionId,
        block_id: req.blockId,
        value: req.value,
        ...containerFields(req.container, req.values),
      };
      const r = await interact(payload);
      if (r.status !== 200 || !r.json) return { options: [] };
      return r.json;
    },

    submit(viewId, values) {
      return guarded('the submission', undefined, async () => {
        const v = api.views.get(viewId);
        if (!v) return { ok: false, error: 'that modal is gone' };
        const payload = {
          type: 'view_submission',
          ...common,
          user: userRef,
          trigger_id: newTriggerId(),
          view: viewPayload(v, values),
          response_urls: [],
        };
        const r = await interact(payload);
        const failed = failure(r);
        if (failed) return { ok: false, error: `We had some trouble connecting (${failed}).` };
        const action = r.json?.response_action;
        if (action === 'errors')
          return { ok: false, errors: (r.json?.errors ?? {}) as Record<string, string> };
        if (action === 'update') api.updateView(viewId, r.json?.view);
        else if (action === 'push') api.openView(r.json?.view, v.rootViewId);
        else if (action === 'clear') {
          modalStack = [];
          changed();
        } else popView(viewId);
        return { ok: true };
      });
    },

    closeView(viewId, clear) {
      return guarded('closing the modal', undefined, async () => {
        const v = api.views.get(viewId);
        const closing = clear ? [...modalStack] : [viewId];
        modalStack = clear ? [] : modalStack.filter((id) => id !== viewId);
        changed();
        if (v && truthy(v.view.notify_on_close)) {
          const r = await interact({
            type: 'view_closed',
            ...common,
            user: userRef,
            view: viewPayload(v, {}),
            is_cleared: clear && closing.length > 1,
          });
          const failed = failure(r);
          if (failed) return { ok: false, error: failed };
        }
        return { ok: true };
      });
    },

    shortcut(channel, ts, callbackId = SHORTCUT.logToCrm) {
      return guarded('the shortcut', channel, async () => {
        const message = wireMessage(channel, ts);
        if (!message) return { ok: false, error: 'that message is gone' };
        const r = await interact({
          type: 'message_action',
          ...common,
          callback_id: callbackId,
          trigger_id: newTriggerId(),
          message_ts: ts,
          response_url: responseUrl({ channel, user: me.id, threadTs: message.thread_ts }),
          message,
          user: userRef,
          channel: channelOf(channel),
          action_ts: `${Date.now() / 1000}`,
        });
        const failed = failure(r);
        if (failed) {
          slackbot(channel, `The shortcut failed: ${failed}`);
          return { ok: false, error: failed };
        }
        return { ok: true };
      });
    },

    snapshot,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    applyResponse,
  };
}
