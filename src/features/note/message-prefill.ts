import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import {
  findEmails,
  mentionedUserIds,
  slackTextToPlain,
  unnamedChannelIds,
} from '../../platform/slack/slack-text.js';
import { TIMEOUT, within } from '../../platform/within.js';
import { type ContactChoice, toChoice } from '../contacts/contact-search.js';
import type { NoteModalMeta } from './schema.js';
import { deriveSubject, findContactForEmails } from './use-case.js';

/** The form shows within this even when the CRM is slow: the preselected contact is a convenience. */
export const PREFILL_CRM_BUDGET_MS = 2000;
/** A message rarely mentions more; each name is a users.info call (tier 4, cached). */
const MAX_MENTIONS = 20;
const MAX_CHANNELS = 10;
/** Emails searched in the CRM for a preselection (message emails first, then the author's). */
const MAX_EMAILS = 4;

/** The message "Log to CRM" was used on, as plain values from the shortcut payload. */
export interface SourceMessageInput {
  channel: string;
  channelName?: string;
  ts: string;
  /** Slack's message text (mrkdwn with entities and `<…>` tokens). */
  text: string;
  /** Slack user id of the author; absent for a bot's message. */
  authorId?: string;
  /** A bot message's display name. */
  botName?: string;
}

export interface NotePrefill {
  meta: NoteModalMeta;
  note: string;
  subject: string;
  contact?: ContactChoice;
}

async function channelNames(client: WebClient, ids: string[]): Promise<Map<string, string>> {
  const named = await Promise.all(
    ids.slice(0, MAX_CHANNELS).map(async (id) => {
      try {
        const res = await client.conversations.info({ channel: id });
        return [id, res.channel?.name] as const;
      } catch {
        return [id, undefined] as const;
      }
    }),
  );
  return new Map(named.filter((e): e is readonly [string, string] => typeof e[1] === 'string'));
}

/**
 * What the Log note form is filled with from a message: readable text (mentions resolved), author,
 * permalink and a contact found by email within PREFILL_CRM_BUDGET_MS. Throws when Slack cannot be read.
 */
export async function prefillFromMessage(
  deps: Pick<Deps, 'agile' | 'slackUsers' | 'logger'>,
  client: WebClient,
  message: SourceMessageInput,
): Promise<NotePrefill> {
  const raw = message.text;
  const [users, channels, author, permalink] = await Promise.all([
    Promise.all(
      mentionedUserIds(raw)
        .slice(0, MAX_MENTIONS)
        .map(async (id) => [id, (await deps.slackUsers.profile(id)).name] as const),
    ).then((pairs) => new Map(pairs)),
    channelNames(client, unnamedChannelIds(raw)),
    message.authorId ? deps.slackUsers.profile(message.authorId) : Promise.resolve(undefined),
    client.chat
      .getPermalink({ channel: message.channel, message_ts: message.ts })
      .then((r) => r.permalink)
      .catch((err: unknown) => {
        deps.logger.warn({ err }, 'chat.getPermalink failed; logging without a link');
        return undefined;
      }),
  ]);
  const note = slackTextToPlain(raw, { users, channels });
  const authorName = author?.name ?? message.botName;
  const emails = [...findEmails(note, MAX_EMAILS), ...(author?.email ? [author.email] : [])].slice(
    0,
    MAX_EMAILS,
  );
  const contact = await within(findContactForEmails(deps.agile, emails), PREFILL_CRM_BUDGET_MS);
  return {
    meta: {
      channel: message.channel,
      channelName: message.channelName,
      ts: message.ts,
      permalink,
      author: message.authorId,
      authorName,
    },
    note,
    subject: authorName ? `Slack message from ${authorName}` : deriveSubject(note),
    contact: contact && contact !== TIMEOUT ? toChoice(contact) : undefined,
  };
}
