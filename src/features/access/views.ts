import type { ActionsBlock, ModalView } from '@slack/types';
import { ACTION, CALLBACK } from '../../platform/slack/ids.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import { buildNotice } from '../../platform/slack/message.js';
import { buildStatusModal } from '../../platform/slack/modal-parts.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, plainText, truncate } from '../../platform/slack/mrkdwn.js';
import { noticeWithText, QUOTE_PARTS_MAX } from '../../platform/slack/quote.js';
import type { DigestAction, EntryRefusal } from './policy.js';

/** Pure builders for the permission model's answers (data in, message out). */

/** The short refusal for someone who may not use the app at all (plain text: escaped where it is shown). */
export function entryRefusalWords(reason: EntryRefusal, workspace: string | undefined): string {
  return reason === 'guest'
    ? 'Guests can’t use the CRM app in this workspace — ask an admin.'
    : `This app is available to members of ${workspace || 'this workspace'} only.`;
}

export function buildEntryRefusalMessage(reason: EntryRefusal, workspace: string | undefined): SlackMessage {
  return buildNotice('info', entryRefusalWords(reason, workspace));
}

/** Shown for a shortcut (its answer is a modal): the refusal and a Close button. */
export function buildEntryRefusalModal(reason: EntryRefusal, workspace: string | undefined): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.accessRefusal,
    title: 'Agile CRM',
    text: `ℹ️ ${escapeMrkdwn(entryRefusalWords(reason, workspace))}`,
  });
}

const DIGEST_VERB: Record<DigestAction, string> = {
  complete: 'complete',
  snooze: 'snooze',
  reassign: 'reassign',
};

/** A digest button the clicker may not use: who can, and how an admin changes it. */
export function digestRefusalWords(
  action: DigestAction,
  who: 'owner' | 'owner_or_admin',
  ownerName: string | undefined,
): string {
  const owner = ownerName ? `the task’s owner (${ownerName})` : 'the task’s owner';
  if (who === 'owner_or_admin') {
    return `Only ${owner} or a workspace admin can ${DIGEST_VERB[action]} this task.`;
  }
  return `Only ${owner} can ${DIGEST_VERB[action]} this task. A workspace admin can let every member complete and snooze tasks in the app’s Home tab.`;
}

/** The "Connect your Agile account" button (the connect flow answers ACTION.connectMe). */
export function connectMeButton(): ActionsBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION.connectMe,
        text: plainText('Connect your Agile account', LIMITS.buttonText),
        style: 'primary',
        value: 'connect_me',
      },
    ],
  };
}

/** Why a public reply needs a personal connection, in one line (mrkdwn, no user text). */
export const PUBLIC_REPLY_NEEDS_CONNECTION =
  'Public replies email the customer, so they are sent with your own Agile account: connect it first (`/crm connect me`), or send this as a private note.';

/**
 * A public reply refused for want of a personal connection: why, the Connect button, and the text typed,
 * whole (split over follow-ups when long: nothing is lost, nothing cut). For a response_url: ≤ 5 posts.
 */
export function buildPublicReplyRefusal(input: { ticketId: string; text: string }): SlackMessage[] {
  const head = `⚠️ Your public reply to ticket #${escapeMrkdwn(input.ticketId)} was not sent. ${PUBLIC_REPLY_NEEDS_CONNECTION}`;
  const notice: SlackMessage = {
    text: truncate(`Your public reply to ticket #${input.ticketId} was not sent`, LIMITS.fallbackText),
    blocks: [{ type: 'section', text: mrkdwnText(head) }, connectMeButton()],
  };
  return noticeWithText(notice, 'Your text, to copy', input.text, QUOTE_PARTS_MAX);
}

/** Share in channel refused: the channel is shared with another organisation. */
export const EXTERNAL_CHANNEL_SHARE_WORDS =
  'this channel is shared with another organisation, and CRM cards are not shared into such channels. A workspace admin can allow it in the app’s Home tab';

/** A command refused in a channel shared with another organisation: `what` are CRM updates, digests… */
export function externalChannelRefusalWords(what: string): string {
  return `This channel is shared with another organisation, so ${what} are not posted here. A workspace admin can allow it in the app’s Home tab.`;
}

/** A workspace without an Agile account yet: how to connect and who can (plain text, escaped where shown). */
export function notConnectedWords(): string {
  return 'This workspace isn’t connected to Agile CRM yet. A workspace admin or owner, or the person who installed the app, runs `/crm connect` and enters the Agile domain, an Agile user’s email and that user’s API key (Agile: Admin Settings → Developers & API). Everything else works once that is done.';
}

/** The same as a message with a *Connect Agile CRM* button; the installer is named when known. */
export function buildNotConnectedMessage(installerUserId: string | null): SlackMessage {
  const who = installerUserId ? ` (the app was installed by <@${escapeMrkdwn(installerUserId)}>)` : '';
  const text = `ℹ️ ${escapeMrkdwn(notConnectedWords())}${who}`;
  return {
    text: truncate(text, LIMITS.fallbackText),
    blocks: [
      { type: 'section', text: mrkdwnText(text) },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.connectWorkspace,
            text: plainText('Connect Agile CRM', LIMITS.buttonText),
            style: 'primary',
            value: 'connect_workspace',
          },
        ],
      },
    ],
  };
}

/** The same for a shortcut (its answer is a modal). */
export function buildNotConnectedModal(): ModalView {
  return buildStatusModal({
    callbackId: CALLBACK.accessRefusal,
    title: 'Agile CRM',
    text: `ℹ️ ${escapeMrkdwn(notConnectedWords())}`,
  });
}

/** A request from a workspace whose installation is gone (uninstalled, token revoked). */
export const NOT_INSTALLED_WORDS =
  'This workspace hasn’t installed the Agile CRM app (or it was removed): a workspace admin can install it again.';
