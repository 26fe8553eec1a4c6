import type {
  BlockAction,
  BlockSuggestion,
  MessageShortcut,
  SlashCommand,
  ViewClosedAction,
  ViewOutput,
  ViewSubmitAction,
} from '@slack/bolt';

/**
 * Typed factories for the payloads Slack sends, with one default workspace, user and channel.
 * `response_url` defaults to RESPONSE_URL_UNSET: the test bot (test-bot.ts) points it at the fake Slack.
 */
export const TEAM = { id: 'T0TEST', domain: 'acme' } as const;
export const USER = { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: TEAM.id } as const;
export const CHANNEL = { id: 'C0SALES', name: 'sales' } as const;
export const API_APP_ID = 'A0CRM';
export const RESPONSE_URL_UNSET = 'https://hooks.slack.invalid/unset';

export interface Actor {
  user?: { id: string; username?: string; name?: string; team_id?: string };
  channel?: { id: string; name: string };
  responseUrl?: string;
  triggerId?: string;
}

let triggerSeq = 0;
/** Self-describing trigger ids (`{seq}.{issuedMs}.faketrigger`): the fake Slack checks age (3 s) and single use. */
export function newTriggerId(nowMs = Date.now()): string {
  triggerSeq += 1;
  return `${triggerSeq}.${nowMs}.faketrigger`;
}

export function parseTriggerId(id: string): { issuedMs: number } | null {
  const m = /^\d+\.(\d+)\.faketrigger$/.exec(id);
  return m?.[1] ? { issuedMs: Number(m[1]) } : null;
}

const user = (a: Actor) => ({ ...USER, ...a.user });
const channel = (a: Actor) => ({ ...CHANNEL, ...a.channel });
const team = { id: TEAM.id, domain: TEAM.domain };

export function commandPayload(
  text: string,
  a: Actor & { command?: string; overrides?: Partial<SlashCommand> } = {},
): SlashCommand {
  const u = user(a);
  const c = channel(a);
  return {
    token: 'deprecated-verification-token',
    command: a.command ?? '/crm',
    text,
    response_url: a.responseUrl ?? RESPONSE_URL_UNSET,
    trigger_id: a.triggerId ?? newTriggerId(),
    user_id: u.id,
    user_name: u.username,
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: c.id,
    channel_name: c.name,
    api_app_id: API_APP_ID,
    is_enterprise_install: 'false',
    ...a.overrides,
  };
}

/** One input's value in view.state.values. A bare string means a plain_text_input. */
export type StateValue =
  | string
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'static_select' | 'external_select'; value: string | null; text?: string }
  | { type: 'multi_static_select' | 'multi_external_select'; values: { value: string; text?: string }[] }
  | { type: 'datepicker'; selected_date: string | null }
  | { type: 'timepicker'; selected_time: string | null }
  | { type: 'users_select'; selected_user: string | null }
  | { type: 'multi_users_select'; selected_users: string[] }
  | { type: 'conversations_select'; selected_conversation: string | null }
  | { type: 'checkboxes'; values: { value: string; text?: string }[] }
  | { type: 'radio_buttons'; value: string | null; text?: string }
  | { type: 'number_input'; value: string | null };

/** `{ [block_id]: { [action_id]: StateValue } }`. */
export type StateMap = Record<string, Record<string, StateValue>>;

const option = (value: string, text?: string) => ({
  value,
  text: { type: 'plain_text', text: text ?? value },
});

function toWire(v: StateValue): Record<string, unknown> {
  if (typeof v === 'string') return { type: 'plain_text_input', value: v };
  switch (v.type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type: v.type, selected_option: v.value === null ? null : option(v.value, v.text) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type: v.type, selected_options: v.values.map((o) => option(o.value, o.text)) };
    default:
      return { ...v };
  }
}

export function stateValues(map: StateMap): ViewOutput['state']['values'] {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [blockId, actions] of Object.entries(map)) {
    out[blockId] = Object.fromEntries(Object.entries(actions).map(([actionId, v]) => [actionId, toWire(v)]));
  }
  return out as ViewOutput['state']['values'];
}

let viewSeq = 0;
export interface ViewInit {
  callbackId?: string;
  id?: string;
  hash?: string;
  privateMetadata?: string;
  values?: StateMap;
  externalId?: string;
  rootViewId?: string;
  previousViewId?: string | null;
}

export function viewOutput(v: ViewInit = {}): ViewOutput {
  viewSeq += 1;
  const id = v.id ?? `V0TEST${viewSeq}`;
  return {
    id,
    callback_id: v.callbackId ?? '',
    team_id: TEAM.id,
    app_id: API_APP_ID,
    bot_id: 'B0BOT',
    title: { type: 'plain_text', text: 'Modal' },
    type: 'modal',
    blocks: [],
    close: null,
    submit: null,
    state: { values: stateValues(v.values ?? {}) },
    hash: v.hash ?? `hash-${viewSeq}`,
    private_metadata: v.privateMetadata ?? '',
    root_view_id: v.rootViewId ?? id,
    previous_view_id: v.previousViewId ?? null,
    clear_on_close: false,
    notify_on_close: false,
    external_id: v.externalId,
  } as ViewOutput;
}

export interface MessageInit {
  ts?: string;
  text?: string;
  user?: string;
  threadTs?: string;
  blocks?: unknown[];
}

const message = (m: MessageInit = {}) => ({
  type: 'message',
  ts: m.ts ?? '1767225600.000100',
  text: m.text ?? 'hello',
  user: m.user ?? USER.id,
  ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
  ...(m.blocks ? { blocks: m.blocks } : {}),
});

export interface BlockActionInit extends Actor {
  actionId: string;
  blockId?: string;
  /** The clicked element; defaults to a button carrying `value`. */
  action?: Record<string, unknown>;
  value?: string;
  /** Set when the click happened in a modal. */
  view?: ViewInit;
  /** Set when the click happened in a message (default: a message in the default channel). */
  message?: MessageInit;
}

export function blockActionsPayload(a: BlockActionInit): BlockAction {
  const u = user(a);
  const c = channel(a);
  const blockId = a.blockId ?? 'block';
  const action = {
    type: 'button',
    action_id: a.actionId,
    block_id: blockId,
    text: { type: 'plain_text', text: 'Button' },
    value: a.value,
    action_ts: `${Date.now() / 1000}`,
    ...a.action,
  };
  const base = {
    type: 'block_actions',
    api_app_id: API_APP_ID,
    token: 'deprecated-verification-token',
    team,
    user: { id: u.id, username: u.username, name: u.name, team_id: u.team_id },
    trigger_id: a.triggerId ?? newTriggerId(),
    actions: [action],
    is_enterprise_install: false,
    enterprise: null,
  };
  if (a.view) {
    const view = viewOutput(a.view);
    return {
      ...base,
      container: { type: 'view', view_id: view.id },
      view,
    } as unknown as BlockAction;
  }
  const msg = message(a.message);
  return {
    ...base,
    container: { type: 'message', message_ts: msg.ts, channel_id: c.id, is_ephemeral: false },
    channel: c,
    message: msg,
    response_url: a.responseUrl ?? RESPONSE_URL_UNSET,
    state: { values: {} },
  } as unknown as BlockAction;
}

export interface ViewSubmissionInit extends Omit<Actor, 'channel'>, ViewInit {
  callbackId: string;
  /** Only for modals with response_url_enabled inputs. */
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
}

export function viewSubmissionPayload(a: ViewSubmissionInit): ViewSubmitAction {
  const u = user(a);
  return {
    type: 'view_submission',
    team,
    user: { id: u.id, name: u.name, team_id: u.team_id },
    view: viewOutput(a),
    api_app_id: API_APP_ID,
    token: 'deprecated-verification-token',
    trigger_id: a.triggerId ?? newTriggerId(),
    response_urls: a.responseUrls ?? [],
    is_enterprise_install: false,
    enterprise: null,
  } as unknown as ViewSubmitAction;
}

export function viewClosedPayload(a: Omit<ViewSubmissionInit, 'responseUrls'>): ViewClosedAction {
  const u = user(a);
  return {
    type: 'view_closed',
    team,
    user: { id: u.id, name: u.name, team_id: u.team_id },
    view: viewOutput(a),
    api_app_id: API_APP_ID,
    token: 'deprecated-verification-token',
    is_cleared: false,
    is_enterprise_install: false,
    enterprise: null,
  } as unknown as ViewClosedAction;
}

export interface MessageActionInit extends Actor {
  callbackId: string;
  message?: MessageInit;
}

/** A message shortcut ("Log to CRM" on a message). */
export function messageActionPayload(a: MessageActionInit): MessageShortcut {
  const u = user(a);
  const c = channel(a);
  const msg = message(a.message);
  return {
    type: 'message_action',
    callback_id: a.callbackId,
    trigger_id: a.triggerId ?? newTriggerId(),
    message_ts: msg.ts,
    response_url: a.responseUrl ?? RESPONSE_URL_UNSET,
    message: msg,
    user: { id: u.id, name: u.name, team_id: u.team_id },
    channel: c,
    team,
    token: 'deprecated-verification-token',
    action_ts: `${Date.now() / 1000}`,
    is_enterprise_install: false,
    enterprise: undefined,
  } as unknown as MessageShortcut;
}

export interface BlockSuggestionInit extends Omit<Actor, 'responseUrl' | 'triggerId'> {
  actionId: string;
  blockId?: string;
  value: string;
  /** The modal holding the external select (default: an empty modal). */
  view?: ViewInit;
}

/** An options load for an external select. */
export function blockSuggestionPayload(a: BlockSuggestionInit): BlockSuggestion {
  const u = user(a);
  const view = viewOutput(a.view);
  return {
    type: 'block_suggestion',
    action_id: a.actionId,
    block_id: a.blockId ?? 'block',
    value: a.value,
    api_app_id: API_APP_ID,
    team,
    user: { id: u.id, name: u.name, team_id: u.team_id },
    container: { type: 'view', view_id: view.id },
    view,
    token: 'deprecated-verification-token',
    is_enterprise_install: false,
    enterprise: null,
  } as unknown as BlockSuggestion;
}

/** Anything sendInteraction() can carry. */
export type InteractionPayload =
  | BlockAction
  | ViewSubmitAction
  | ViewClosedAction
  | MessageShortcut
  | BlockSuggestion;

let eventSeq = 0;

/** An Events API envelope around `event` (event_callback), with a fresh event_id. */
export function eventEnvelope(event: Record<string, unknown>): Record<string, unknown> {
  eventSeq += 1;
  return {
    token: 'deprecated-verification-token',
    team_id: TEAM.id,
    api_app_id: API_APP_ID,
    type: 'event_callback',
    event_id: `Ev0TEST${eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  };
}

/** `link_shared`: a message in `channel` (default #sales) with these URLs, shown to the bot for unfurling. */
export function linkSharedEvent(
  urls: string[],
  opts: { channel?: string; messageTs?: string; user?: string } = {},
): Record<string, unknown> {
  return eventEnvelope({
    type: 'link_shared',
    channel: opts.channel ?? CHANNEL.id,
    is_bot_user_member: true,
    user: opts.user ?? USER.id,
    message_ts: opts.messageTs ?? '1767225600.000100',
    unfurl_id: `C0UNFURL${eventSeq}`,
    source: 'conversations_history',
    links: urls.map((url) => ({ domain: new URL(url).hostname, url })),
    event_ts: `${Date.now() / 1000}`,
  });
}
