import type { KnownBlock, ModalView, PlainTextInput } from '@slack/types';
import { ACTION, BLOCK, CALLBACK } from '../../platform/slack/ids.js';
import { buildNotice, type SlackMessage } from '../../platform/slack/message.js';
import {
  buildModalShell,
  buildStatusModal,
  errorSection,
  inputBlock,
  textSection,
} from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText } from '../../platform/slack/mrkdwn.js';
import type { ConnectScope } from '../command/grammar.js';
import { type ConnectTyped, encodeConnectMetadata } from './schema.js';

/** Pure builders for connecting and disconnecting Agile accounts (data in, view or message out). */

const TITLE: Record<ConnectScope, string> = { workspace: 'Connect Agile CRM', personal: 'Connect my Agile' };
const WHERE_KEY =
  'Your REST API key is in Agile CRM → *Admin Settings* → *API* (the “REST API” key; each user has their own).';

const safe = (text: string) => escapeMrkdwn(text);
const at = (domain: string | null) => (domain ? `*${safe(domain)}*` : 'your Agile CRM');
const context = (text: string): KnownBlock => ({ type: 'context', elements: [mrkdwnText(text)] });

function textInput(actionId: string, placeholder: string, initial: string | undefined): PlainTextInput {
  return {
    type: 'plain_text_input',
    action_id: actionId,
    placeholder: plainText(placeholder, LIMITS.placeholder),
    ...(initial ? { initial_value: initial } : {}),
  };
}

export interface ConnectFormInput {
  scope: ConnectScope;
  /** Personal: the workspace's domain (shown, not asked). Workspace: the domain connected now, if any. */
  domain: string | null;
  /** What was typed (after an error everything comes back, the key included). */
  typed?: ConnectTyped;
  /** A failure shown on top (the slow path: errors cannot be shown under inputs after the ack). */
  error?: string;
  /**
   * Workspace: the account connected now, replaced on submit, and how many members connected their
   * own login in its domain (removed if another domain is connected).
   */
  replacing?: { domain: string | null; email: string; personalCount?: number } | null;
}

/** The connect form: "Agile domain" (workspace only), "Email", "API key". */
export function buildConnectModal(input: ConnectFormInput): ModalView {
  const { scope, typed = {} } = input;
  const blocks: KnownBlock[] = [];
  if (input.error) blocks.push(errorSection(input.error));
  if (scope === 'workspace') {
    blocks.push(
      textSection(
        'Connect this Slack workspace to your Agile CRM account. Members then look up contacts, log notes and manage deals and tasks from Slack with this account (each member can also connect their own).',
      ),
    );
    if (input.replacing) {
      const { domain, email, personalCount = 0 } = input.replacing;
      const personal =
        personalCount > 0
          ? ` If you connect another domain, members’ personal connections to ${at(domain)} will be removed (${countOf(personalCount, 'member')}: each connects again with \`/crm connect me\`).`
          : '';
      blocks.push(context(`Connected now to ${at(domain)} as ${safe(email)}: this replaces it.${personal}`));
    }
    blocks.push(
      inputBlock(
        BLOCK.agileDomain,
        'Agile domain',
        textInput(ACTION.agileDomainInput, 'acme (for acme.agilecrm.com)', typed.domain ?? undefined),
        { hint: plainText('The part before .agilecrm.com in your Agile address', LIMITS.inputHint) },
      ),
    );
  } else {
    blocks.push(
      textSection(
        `Connect your own Agile CRM login${input.domain ? ` in ${at(input.domain)}` : ''}: the CRM changes you make from Slack are then made as you (Agile shows you as their author), and you can send public ticket replies.`,
      ),
    );
  }
  blocks.push(
    inputBlock(BLOCK.agileEmail, 'Email', textInput(ACTION.agileEmailInput, 'you@acme.com', typed.email), {
      hint: plainText(
        scope === 'workspace'
          ? 'The email of the Agile user the bot acts as (an admin user can do everything the bot needs)'
          : 'The email you log in to Agile with',
        LIMITS.inputHint,
      ),
    }),
    inputBlock(
      BLOCK.agileApiKey,
      'API key',
      textInput(ACTION.agileApiKeyInput, 'REST API key', typed.apiKey),
    ),
    context(`${WHERE_KEY} The bot checks it with Agile before saving anything, and stores it encrypted.`),
  );
  return buildModalShell({
    callbackId: CALLBACK.connectModal,
    title: TITLE[scope],
    submit: 'Connect',
    metadata: encodeConnectMetadata({ scope, domain: scope === 'personal' ? input.domain : null }),
    blocks,
  });
}

/** While a slow Agile answers the check. */
export function buildConnectCheckingModal(scope: ConnectScope, domain: string | null): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.connectModal,
    title: TITLE[scope],
    text: `⏳ Checking the login with ${at(domain)}…`,
  });
}

const countOf = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A workspace connected to another domain than before: whose personal connections went with the old one. */
export interface ReplacedDomain {
  domain: string;
  personalRemoved: number;
}

export function connectedWords(
  scope: ConnectScope,
  domain: string | null,
  email: string,
  replaced?: ReplacedDomain | null,
): string {
  const to = domain ? ` to ${at(domain)}` : '';
  if (scope === 'personal') {
    return `✅ Connected${to} as ${safe(email)}. Your CRM changes from Slack are now made as you.`;
  }
  const removed =
    replaced && replaced.personalRemoved > 0
      ? ` Members’ personal connections to ${at(replaced.domain)} were removed (${countOf(replaced.personalRemoved, 'member')}): their logins belong to the old domain, so each connects again with \`/crm connect me\`.`
      : '';
  return `✅ Connected${to} as ${safe(email)}. Members can now use the CRM from Slack; each can also connect their own account (\`/crm connect me\`).${removed}`;
}

export function buildConnectDoneModal(
  scope: ConnectScope,
  domain: string | null,
  email: string,
  replaced?: ReplacedDomain | null,
): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.connectModal,
    title: TITLE[scope],
    text: connectedWords(scope, domain, email, replaced),
  });
}

/** The confirmation before disconnecting. */
export function buildDisconnectModal(
  scope: ConnectScope,
  account: { domain: string | null; email: string },
): ModalView {
  const text =
    scope === 'workspace'
      ? `Disconnect ${account.domain ? safe(account.domain) : 'Agile CRM'}? Members will not be able to use the CRM from Slack until an admin connects again.\n\nConnected now as ${safe(account.email)}. The API key is deleted from the bot’s database; nothing changes in Agile.`
      : `Disconnect your Agile account (${safe(account.email)})? Your CRM changes from Slack will then be made with the workspace’s account, and public ticket replies need you to connect again.`;
  return buildModalShell({
    callbackId: CALLBACK.disconnectModal,
    title: scope === 'workspace' ? 'Disconnect Agile' : 'Disconnect my Agile',
    submit: 'Disconnect',
    metadata: encodeConnectMetadata({ scope, domain: account.domain }),
    blocks: [textSection(`⚠️ ${text}`)],
  });
}

export function buildDisconnectDoneModal(scope: ConnectScope, domain: string | null): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.disconnectModal,
    title: scope === 'workspace' ? 'Disconnect Agile' : 'Disconnect my Agile',
    text:
      scope === 'workspace'
        ? `✅ Disconnected from ${at(domain)}. A workspace admin can connect again with \`/crm connect\`.`
        : '✅ Your Agile account is disconnected. Connect it again any time with `/crm connect me`.',
  });
}

// ---- ephemeral answers (plain text: buildNotice escapes) ----

export const ADMIN_ONLY_CONNECT =
  'Only workspace admins and owners (and whoever installed the app) can connect or disconnect the workspace’s Agile account. To connect your own, type /crm connect me.';

export function buildAdminOnlyMessage(): SlackMessage {
  return buildNotice('info', ADMIN_ONLY_CONNECT);
}

export function envAccountWords(
  action: 'connect' | 'disconnect',
  domain: string | null,
  email: string,
): string {
  const account = `${domain ? `${domain} ` : ''}as ${email}`.trim();
  return action === 'disconnect'
    ? `This workspace’s Agile account (${account}) comes from the bot’s configuration (AGILE_DOMAIN, AGILE_EMAIL, AGILE_API_KEY), so it can’t be removed from Slack: whoever runs the bot changes those settings. Your own connection can: /crm disconnect me.`
    : `This workspace’s Agile account (${account}) comes from the bot’s configuration (AGILE_DOMAIN, AGILE_EMAIL, AGILE_API_KEY), so it is changed there, not from Slack. To connect your own Agile account, type /crm connect me.`;
}

export function buildEnvAccountMessage(
  action: 'connect' | 'disconnect',
  domain: string | null,
  email: string,
): SlackMessage {
  return buildNotice('info', envAccountWords(action, domain, email));
}

export function buildNotConnectedMessage(scope: ConnectScope): SlackMessage {
  return buildNotice(
    'info',
    scope === 'workspace'
      ? 'This workspace is not connected to Agile CRM. A workspace admin can connect it with /crm connect.'
      : 'You have no Agile account of your own connected. Connect one with /crm connect me.',
  );
}

/** A member tried to connect themselves before the workspace is connected (their login needs its domain). */
export const WORKSPACE_FIRST =
  'This workspace is not connected to Agile CRM yet: a workspace admin connects it first (/crm connect), then you can connect your own account.';

export function buildWorkspaceFirstMessage(): SlackMessage {
  return buildNotice('info', WORKSPACE_FIRST);
}

/** Shown in a modal when the answer is a refusal and the request came from a modal or App Home. */
export function buildConnectNoticeModal(scope: ConnectScope, text: string): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.connectModal,
    title: TITLE[scope],
    text: `ℹ️ ${escapeMrkdwn(text)}`,
  });
}
