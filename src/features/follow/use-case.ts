import type { Deps } from '../../app/deps.js';
import { isAgileError } from '../../platform/agile/index.js';
import type { Actor } from '../../platform/slack/actor.js';
import type { Follow, FollowKind } from '../../platform/store/index.js';
import type { FollowRef } from '../command/grammar.js';
import { findContactByEmail } from '../contacts/find-contact.js';
import { foldText } from '../contacts/ranking.js';
import { type DealSummary, matchDealsByName } from '../pipeline/deal-search.js';
import { contactLabel } from './snapshot.js';
import { buildFollowAnnouncement, buildFollowIntro, type RecordRef, recordUrl } from './views.js';

export type FollowDeps = Pick<
  Deps,
  'agile' | 'store' | 'deals' | 'tickets' | 'logger' | 'agileDomain' | 'slackClient' | 'followPollIntervalSec'
>;

export type Resolved =
  | { kind: 'found'; ref: RecordRef }
  | { kind: 'ambiguous'; typed: string; deals: DealSummary[] }
  /** Plain text (the view escapes it). */
  | { kind: 'not_found'; message: string };

/** A deal or ticket read that Agile refuses as unknown is "no such record", not a failure. */
function absentOnNotFound<T>(read: Promise<T | null | undefined>): Promise<T | null> {
  return read
    .then((v) => v ?? null)
    .catch((err: unknown) => {
      if (isAgileError(err) && err.kind === 'not_found') return null;
      throw err;
    });
}

function refOf(
  deps: Pick<Deps, 'agileDomain'>,
  kind: FollowKind,
  recordId: string,
  label: string,
): RecordRef {
  const url = recordUrl(deps.agileDomain, kind, recordId);
  return { kind, recordId, label, ...(url ? { url } : {}) };
}

/** A stored follow as the messages name it. */
export function refOfFollow(deps: Pick<Deps, 'agileDomain'>, f: Follow): RecordRef {
  return refOf(deps, f.kind, f.recordId, f.label);
}

async function dealById(deps: FollowDeps, id: string): Promise<RecordRef | null> {
  const deal = await absentOnNotFound(deps.agile.deals.get(id));
  return deal ? refOf(deps, 'deal', deal.id, deal.name || `Deal ${deal.id}`) : null;
}

async function ticketById(deps: FollowDeps, id: string): Promise<RecordRef | null> {
  const ticket = await deps.tickets.findTicket(id);
  return ticket ? refOf(deps, 'ticket', ticket.id, ticket.subject || `Ticket ${ticket.id}`) : null;
}

/** What `/crm follow …` names, read from the CRM. */
export async function resolveRecord(deps: FollowDeps, target: FollowRef): Promise<Resolved> {
  switch (target.kind) {
    case 'email': {
      const contact = await findContactByEmail(deps.agile, target.email);
      return contact
        ? { kind: 'found', ref: refOf(deps, 'contact', contact.id, contactLabel(contact)) }
        : { kind: 'not_found', message: `No contact in the CRM has the email ${target.email}.` };
    }
    case 'id': {
      if (target.hint !== 'ticket') {
        const deal = await dealById(deps, target.id);
        if (deal) return { kind: 'found', ref: deal };
        if (target.hint === 'deal')
          return { kind: 'not_found', message: `There is no deal with id ${target.id} in the CRM.` };
      }
      const ticket = await ticketById(deps, target.id);
      if (ticket) return { kind: 'found', ref: ticket };
      return {
        kind: 'not_found',
        message:
          target.hint === 'ticket'
            ? `There is no ticket #${target.id} in the CRM.`
            : `No deal or ticket has the id ${target.id} in the CRM.`,
      };
    }
    case 'name': {
      const matches = matchDealsByName(target.name, await deps.deals.fresh());
      if (matches.length === 0) {
        return {
          kind: 'not_found',
          message: `No deal is named like “${target.name}”. Follow a contact by email, or a ticket by its number (#5712).`,
        };
      }
      if (matches.length > 1) return { kind: 'ambiguous', typed: target.name, deals: matches };
      const only = matches[0] as DealSummary;
      return { kind: 'found', ref: refOf(deps, 'deal', only.id, only.name) };
    }
  }
}

export type FollowOutcome =
  | { kind: 'followed'; follow: Follow; threadTs: string }
  | { kind: 'already'; follow: Follow };

/** Slack's words for a channel the bot cannot post to. */
export class ChannelUnavailableError extends Error {
  constructor(readonly code: string) {
    super(`Slack refused the post: ${code}`);
    this.name = 'ChannelUnavailableError';
  }
}

const CHANNEL_CODES = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * Follows the record in the channel: one row per (team, channel, record), so a repeated command or a
 * double click follows once. The announcement starts the thread every update goes to.
 */
export async function startFollowing(
  deps: FollowDeps,
  actor: Actor,
  channelId: string,
  ref: RecordRef,
): Promise<FollowOutcome> {
  const added = await deps.store.follows.add({
    teamId: actor.teamId,
    channelId,
    kind: ref.kind,
    recordId: ref.recordId,
    label: ref.label,
    createdBy: actor.userId,
  });
  if (!added) {
    const existing = await deps.store.follows.find(actor.teamId, channelId, ref.kind, ref.recordId);
    if (existing) return { kind: 'already', follow: existing };
    throw new Error('follow vanished while being added');
  }
  let threadTs: string;
  try {
    const posted = await deps.slackClient.chat.postMessage({
      channel: channelId,
      ...buildFollowAnnouncement(ref, actor.userId),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!posted.ts) throw new Error('Slack answered without a ts');
    threadTs = posted.ts;
  } catch (err) {
    // Not announced, not followed: the user can invite the bot and run the command again.
    await deps.store.follows.remove(added.id);
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code && CHANNEL_CODES.has(code)) throw new ChannelUnavailableError(code);
    throw err;
  }
  await deps.store.follows.setThread(added.id, threadTs);
  await deps.slackClient.chat
    .postMessage({
      channel: channelId,
      thread_ts: threadTs,
      ...buildFollowIntro(ref, deps.followPollIntervalSec),
      unfurl_links: false,
      unfurl_media: false,
    })
    .catch((err: unknown) => deps.logger.warn({ err }, 'could not post the first reply of a follow thread'));
  return { kind: 'followed', follow: { ...added, threadTs }, threadTs };
}

/** The channel's follows that `/crm unfollow …` names (no CRM read for names and ids). */
export async function matchFollows(
  deps: FollowDeps,
  actor: Actor,
  channelId: string,
  target: FollowRef,
): Promise<Follow[]> {
  const follows = await deps.store.follows.listForChannel(actor.teamId, channelId);
  switch (target.kind) {
    case 'id': {
      const kinds: FollowKind[] = target.hint ? [target.hint] : ['deal', 'ticket'];
      return follows.filter((f) => f.recordId === target.id && kinds.includes(f.kind));
    }
    case 'email': {
      const email = target.email.toLowerCase();
      const byLabel = follows.filter(
        (f) => f.kind === 'contact' && f.label.toLowerCase().includes(`(${email})`),
      );
      if (byLabel.length > 0) return byLabel;
      const contact = await findContactByEmail(deps.agile, target.email);
      return contact ? follows.filter((f) => f.kind === 'contact' && f.recordId === contact.id) : [];
    }
    case 'name': {
      const q = foldText(target.name);
      const exact = follows.filter((f) => foldText(f.label) === q);
      return exact.length > 0 ? exact : follows.filter((f) => foldText(f.label).includes(q));
    }
  }
}

/** Ends a follow and says so in its thread; false when it was already gone (a double click). */
export async function stopFollowing(deps: FollowDeps, follow: Follow, userId: string): Promise<boolean> {
  if (!(await deps.store.follows.remove(follow.id))) return false;
  if (follow.threadTs) {
    const text = `<@${userId}> unfollowed this: no more updates here.`;
    await deps.slackClient.chat
      .postMessage({
        channel: follow.channelId,
        thread_ts: follow.threadTs,
        text,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }],
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not say in the thread that a follow ended'));
  }
  return true;
}
