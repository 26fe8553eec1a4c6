import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../app/deps.js';
import { withinMs } from '../../platform/within.js';
import { toChoice } from '../contacts/contact-search.js';
import { buildNoteLoadingView, buildNoteModal, type NoteModalMeta } from './modal-view.js';
import { findEmails, mentionedUserIds, slackTextToPlain, unnamedChannelIds } from './slack-text.js';
import { deriveSubject, findContactForEmails } from './use-case.js';

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/** The form shows within this even when the CRM is slow: the preselected contact is a convenience. */
export const PREFILL_CRM_BUDGET_MS = 2000;
/** A message rarely mentions more; each name is a users.info call (tier 4, cached). */
const MAX_MENTIONS = 20;
const MAX_CHANNELS = 10;
/** Emails searched in the CRM for a preselection (message emails first, then the author's). */
const MAX_EMAILS = 4;

interface Prefill {
  meta: NoteModalMeta;
  note: string;
  subject: string;
  contact?: ReturnType<typeof toChoice>;
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

/** Everything the form is filled with: readable text, author, permalink, a preselected contact. */
async function prefillFromMessage(
  deps: Deps,
  client: WebClient,
  shortcut: MessageShortcut,
): Promise<Prefill> {
  const message = shortcut.message;
  const raw = message.text ?? '';
  const channel = shortcut.channel.id;
  const authorId = message.user;
  const [users, channels, author, permalink] = await Promise.all([
    Promise.all(
      mentionedUserIds(raw)
        .slice(0, MAX_MENTIONS)
        .map(async (id) => [id, (await deps.slackUsers.profile(id)).name] as const),
    ).then((pairs) => new Map(pairs)),
    channelNames(client, unnamedChannelIds(raw)),
    authorId ? deps.slackUsers.profile(authorId) : Promise.resolve(undefined),
    client.chat
      .getPermalink({ channel, message_ts: message.ts })
      .then((r) => r.permalink)
      .catch((err: unknown) => {
        deps.logger.warn({ err }, 'chat.getPermalink failed; logging without a link');
        return undefined;
      }),
  ]);
  const note = slackTextToPlain(raw, { users, channels });
  const botName = (message as { username?: string }).username;
  const authorName = author?.name ?? botName;
  const emails = [...findEmails(note, MAX_EMAILS), ...(author?.email ? [author.email] : [])].slice(
    0,
    MAX_EMAILS,
  );
  const contact = await withinMs(findContactForEmails(deps.agile, emails), PREFILL_CRM_BUDGET_MS);
  return {
    meta: {
      channel,
      channelName: shortcut.channel.name,
      ts: message.ts,
      permalink,
      author: authorId,
      authorName,
    },
    note,
    subject: authorName ? `Slack message from ${authorName}` : deriveSubject(note),
    contact: contact ? toChoice(contact) : undefined,
  };
}

/**
 * "Log to CRM" on a message: open at once (the trigger_id lives 3 s), then fill the form with the
 * message as readable text, its author, channel and permalink, and a contact found by email.
 */
export function logToCrmCallback(deps: Deps) {
  return async ({ ack, shortcut, client }: ShortcutArgs): Promise<void> => {
    await ack();
    const baseMeta: NoteModalMeta = {
      channel: shortcut.channel.id,
      channelName: shortcut.channel.name,
      ts: shortcut.message.ts,
    };
    let opened: { id: string; hash: string } | undefined;
    try {
      const res = await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: buildNoteLoadingView(baseMeta),
      });
      if (res.view?.id) opened = { id: res.view.id, hash: res.view.hash ?? '' };
    } catch (err) {
      deps.logger.warn({ err }, 'could not open the Log note modal');
      return;
    }
    if (!opened) return;
    let prefill: Prefill;
    try {
      prefill = await prefillFromMessage(deps, client, shortcut);
    } catch (err) {
      deps.logger.warn({ err }, 'could not read the message; opening the form with its raw text');
      prefill = { meta: baseMeta, note: shortcut.message.text ?? '', subject: '' };
    }
    await client.views
      .update({
        view_id: opened.id,
        hash: opened.hash || undefined,
        view: buildNoteModal({
          meta: prefill.meta,
          contact: prefill.contact,
          subject: prefill.subject,
          note: prefill.note,
        }),
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not fill the Log note modal'));
  };
}
