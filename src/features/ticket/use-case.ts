import type { Deps } from '../../app/deps.js';
import { type AuditTrail, audited } from '../../platform/audit.js';
import type { Actor } from '../../platform/slack/actor.js';
import { type OnceOutcome, onceKey, QUICK_PATH_TTL_SEC, runOnce } from '../../platform/store/run-once.js';
import { mayReplyPublicly } from '../access/policy.js';
import { type HoldDeps, holdPublicReply } from './held.js';
import type { HeldReplyPayload } from './held-views.js';
import { replyLanded } from './landed.js';
import {
  OPTIONS_BUDGET_MS,
  type OpenTicketsAnswer,
  sortThread,
  type ThreadMark,
  type ThreadMessage,
  type TicketSummary,
  type Visibility,
} from './tickets.js';

export function threadMark(messages: ThreadMessage[]): ThreadMark {
  return {
    count: messages.length,
    latestMs: messages.reduce((max, m) => Math.max(max, m.createdMs), 0),
  };
}

/**
 * Messages that arrived after `mark` (the thread as the user saw it): later than the latest seen,
 * or, when the clock did not move, the surplus at the end of the thread.
 */
export function messagesSince(messages: ThreadMessage[], mark: ThreadMark): ThreadMessage[] {
  const sorted = sortThread(messages);
  const later = sorted.filter((m) => m.createdMs > mark.latestMs);
  if (later.length > 0) return later;
  return sorted.length > mark.count ? sorted.slice(mark.count) : [];
}

/** A ticket known only by its id (and the picker's label): the thread view still works. */
export function bareTicket(ticketId: string, subject = ''): TicketSummary {
  return {
    id: ticketId,
    subject,
    status: '',
    requesterName: '',
    requesterEmail: '',
    createdMs: 0,
    lastUpdatedMs: 0,
  };
}

/** Sends one reply (public: emailed to the requester) or private note, audited. */
export function sendReply(
  deps: Pick<Deps, 'tickets'> & { audit: AuditTrail },
  actor: Actor,
  reply: { ticketId: string; text: string; visibility: Visibility; subject?: string },
): Promise<unknown> {
  const { ticketId, text, visibility } = reply;
  const what = visibility === 'public' ? 'public reply' : 'private note';
  const about = reply.subject ? `“${reply.subject}”` : `Ticket ${ticketId}`;
  return audited(
    deps.audit,
    {
      action: visibility === 'public' ? 'ticket.reply.public' : 'ticket.note.private',
      actor,
      // Never the text itself: only how long it was.
      summary: `${about}: ${what} (${text.trim().length} characters)`,
      ids: { ticketId },
      written: () => ({ recordIds: {} }),
    },
    () => deps.tickets.reply(ticketId, text, visibility),
  );
}

// ---- the modal ----

export type TicketFormData = { timeZone: string } & (
  | { openCount: number }
  /** The CRM did not list the open tickets: the form shows anyway, the picker tries again. */
  | { failure: unknown }
);

/** What the Reply to ticket form opens with; reading the open tickets also warms the picker's cache. */
export async function loadTicketForm(
  deps: Pick<Deps, 'tickets' | 'slackUsers' | 'logger'>,
  input: { userId: string },
): Promise<TicketFormData> {
  const [profile, open] = await Promise.all([
    deps.slackUsers.profile(input.userId),
    deps.tickets.openTickets().then(
      (list) => ({ openCount: list.length }),
      (failure: unknown) => {
        deps.logger.warn({ err: failure }, 'loading open tickets for the reply modal failed');
        return { failure };
      },
    ),
  ]);
  return { timeZone: profile.timeZone, ...open };
}

/** The picker's options: open tickets matching `query`, within Slack's budget (never throws). */
export function findOpenTickets(deps: Pick<Deps, 'tickets'>, query: string): Promise<OpenTicketsAnswer> {
  return deps.tickets.searchOpenTickets(query, OPTIONS_BUDGET_MS);
}

/** The chosen ticket with its thread (oldest first) and the mark of what the user is shown. */
export async function loadTicketThread(
  deps: Pick<Deps, 'tickets'>,
  input: { ticketId: string; pickedLabel?: string },
): Promise<{ ticket: TicketSummary; messages: ThreadMessage[]; mark: ThreadMark }> {
  const [ticket, messages] = await Promise.all([
    deps.tickets.findTicket(input.ticketId),
    deps.tickets.thread(input.ticketId),
  ]);
  return {
    ticket: ticket ?? bareTicket(input.ticketId, input.pickedLabel),
    messages,
    mark: threadMark(messages),
  };
}

export type ReplyOutcome =
  | { kind: 'sent'; visibility: Visibility }
  /** A public reply held TICKET_REPLY_HOLD_SECONDS (its DM has Cancel); held-sender.ts sends it. */
  | { kind: 'queued'; holdSec: number; payload: HeldReplyPayload; pendingSendId: string }
  /** Newer messages than the user saw: nothing sent; the modal shows them and the next Send confirms. */
  | { kind: 'held'; newMessages: ThreadMessage[]; messages: ThreadMessage[] };

export interface ReplyCheck {
  messages: ThreadMessage[];
  newMessages: ThreadMessage[];
}

export interface ModalReply {
  /** The collision check (the thread read once): the handler may show a hold before writing. */
  check: Promise<ReplyCheck>;
  /** Sends once per modal and thread seen (a double Send is one reply; a confirmed hold a new one). */
  write: () => Promise<OnceOutcome<ReplyOutcome>>;
}

/** A validated Reply to ticket submission: the thread is read at once, the write waits for the caller. */
export interface ModalReplyInput {
  actor: Actor;
  viewId: string;
  ticketId: string;
  text: string;
  visibility: Visibility;
  seen: ThreadMark;
  subject?: string;
}

export function startModalReply(
  deps: Pick<Deps, 'tickets' | 'store' | 'audit'> & HoldDeps,
  input: ModalReplyInput,
): ModalReply {
  const { ticketId, text, visibility, seen } = input;
  const check = deps.tickets
    .thread(ticketId)
    .then((messages) => ({ messages, newMessages: messagesSince(messages, seen) }));
  check.catch(() => undefined);
  const key = onceKey('ticket.reply', input.actor.teamId, input.viewId, seen.count, seen.latestMs);
  return {
    check,
    write: () =>
      runOnce(deps.store, key, async (attempt): Promise<ReplyOutcome> => {
        const { messages, newMessages } = await check;
        // An earlier send got no answer: the reply may be in the thread now (then it is not a collision).
        if (attempt.afterUnknown && replyLanded(messages, text, visibility))
          return { kind: 'sent', visibility };
        if (newMessages.length > 0) return { kind: 'held', newMessages, messages };
        if (visibility === 'public' && deps.ticketReplyHoldSec > 0) {
          const { send, payload } = await holdPublicReply(deps, input.actor, {
            ticketId,
            text,
            subject: input.subject,
          });
          // The text stays in the pending send only, not in this key's stored result.
          return {
            kind: 'queued',
            holdSec: deps.ticketReplyHoldSec,
            payload: { ...payload, text: '' },
            pendingSendId: send.id,
          };
        }
        await sendReply(deps, input.actor, { ticketId, text, visibility });
        return { kind: 'sent', visibility };
      }),
  };
}

// ---- the quick path ----

export type QuickReplyOutcome =
  /** Public replies are sent with the user's own Agile account, and they have not connected one. */
  | { kind: 'needs_connection' }
  | { kind: 'no_ticket' }
  | { kind: 'in_progress' }
  | { kind: 'sent'; subject: string; replayed: boolean }
  /** Held TICKET_REPLY_HOLD_SECONDS with Cancel in the author's DM (a repeat within the minute is the same hold). */
  | { kind: 'queued'; pendingSendId: string; payload: HeldReplyPayload; holdSec: number; replayed: boolean };

/**
 * `/crm reply <ticket id> <text>`: a PUBLIC reply (the command says so), held TICKET_REPLY_HOLD_SECONDS
 * first (0: at once). The same user, ticket
 * and text within QUICK_PATH_TTL_SEC of the first send is one reply: a re-sent command must not email
 * the customer twice. CRM failures throw.
 */
export async function quickReply(
  deps: Pick<Deps, 'tickets' | 'store' | 'audit' | 'connection'> & HoldDeps,
  actor: Actor,
  input: { ticketId: string; text: string; responseUrl?: string },
): Promise<QuickReplyOutcome> {
  const { ticketId, text } = input;
  if (!mayReplyPublicly(deps.connection)) return { kind: 'needs_connection' };
  const ticket = await deps.tickets.findTicket(ticketId);
  if (!ticket) return { kind: 'no_ticket' };
  if (deps.ticketReplyHoldSec > 0) return quickHold(deps, actor, { ...input, ticket });
  const key = onceKey('ticket.quick', actor.teamId, actor.userId, ticketId, text.trim());
  const outcome = await runOnce(
    deps.store,
    key,
    async (attempt) => {
      if (attempt.afterUnknown && replyLanded(await deps.tickets.thread(ticketId), text, 'public')) return;
      await sendReply(deps, actor, { ticketId, text, visibility: 'public', subject: ticket.subject });
    },
    { ttlSec: QUICK_PATH_TTL_SEC },
  );
  if (outcome.status === 'in_progress') return { kind: 'in_progress' };
  return { kind: 'sent', subject: ticket.subject, replayed: outcome.replayed };
}

/** Cancelled holds in a row the same command may start again within the minute (a bound, not a rule). */
const MAX_REHOLDS = 5;

/**
 * The quick path's hold. The same command within the minute is the same hold (a re-delivery, a double
 * send), unless that hold was cancelled: typing it again after Cancel holds it anew. Already sent: says so.
 */
async function quickHold(
  deps: Pick<Deps, 'store'> & HoldDeps,
  actor: Actor,
  input: { ticketId: string; text: string; responseUrl?: string; ticket: TicketSummary },
): Promise<QuickReplyOutcome> {
  const { ticketId, text, ticket } = input;
  let after: string | null = null;
  for (let i = 0; i < MAX_REHOLDS; i++) {
    const held = await runOnce(
      deps.store,
      onceKey('ticket.quick.hold', actor.teamId, actor.userId, ticketId, text.trim(), after),
      async () => {
        const { send, payload } = await holdPublicReply(deps, actor, {
          ticketId,
          text,
          ticket,
          responseUrl: input.responseUrl,
        });
        // The text stays in the pending send only, not in this key's stored result.
        return { pendingSendId: send.id, payload: { ...payload, text: '' } };
      },
      { ttlSec: QUICK_PATH_TTL_SEC },
    );
    if (held.status === 'in_progress') return { kind: 'in_progress' };
    const queued: QuickReplyOutcome = {
      kind: 'queued',
      ...held.result,
      holdSec: deps.ticketReplyHoldSec,
      replayed: held.replayed,
    };
    if (!held.replayed) return queued;
    const earlier = await deps.store.pendingSends.get(held.result.pendingSendId);
    if (earlier?.status === 'cancelled') {
      after = earlier.id;
      continue;
    }
    if (earlier?.status === 'sent') return { kind: 'sent', subject: ticket.subject, replayed: true };
    return queued;
  }
  return { kind: 'in_progress' };
}

export type { Actor };
