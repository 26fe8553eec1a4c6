import { randomUUID } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import type { Actor } from '../../platform/slack/actor.js';
import type { PendingSend } from '../../platform/store/index.js';
import { onceKey, runOnce } from '../../platform/store/run-once.js';
import { mayReplyPublicly } from '../access/policy.js';
import { buildHeldReplyMessage, type HeldReplyPayload } from './held-views.js';
import { replyLanded } from './landed.js';
import type { TicketSummary } from './tickets.js';
import { sendReply } from './use-case.js';

/**
 * A public ticket reply cannot be unsent, so it is held TICKET_REPLY_HOLD_SECONDS first: a pending
 * send in the store (any instance may send it, after a restart too) and a DM to its author with
 * Cancel. held-sender.ts sends it once it is due.
 */

/** Where a hold's confirmation is: the author's DM with the app. */
export interface HeldTarget {
  channel: string;
  ts: string;
}

export function heldTargetOf(send: Pick<PendingSend, 'target'>): HeldTarget | null {
  const t = send.target as Partial<HeldTarget> | null;
  return t && typeof t.channel === 'string' && typeof t.ts === 'string'
    ? { channel: t.channel, ts: t.ts }
    : null;
}

/** The command's response_url (valid 30 minutes) when the hold came from `/crm reply`: its answer is updated too. */
export function heldResponseUrlOf(send: Pick<PendingSend, 'target'>): string | null {
  const t = send.target as { responseUrl?: unknown } | null;
  return t && typeof t.responseUrl === 'string' ? t.responseUrl : null;
}

export function heldPayloadOf(send: Pick<PendingSend, 'payload'>): HeldReplyPayload {
  const p = (send.payload ?? {}) as Partial<HeldReplyPayload>;
  return {
    text: typeof p.text === 'string' ? p.text : '',
    subject: typeof p.subject === 'string' ? p.subject : '',
    customer: typeof p.customer === 'string' ? p.customer : '',
    timeZone: typeof p.timeZone === 'string' ? p.timeZone : 'UTC',
  };
}

export function customerOf(ticket: Pick<TicketSummary, 'requesterName' | 'requesterEmail'> | null): string {
  if (!ticket) return '';
  const { requesterName: name, requesterEmail: email } = ticket;
  if (name && email) return `${name} (${email})`;
  return name || email;
}

export type HoldDeps = Pick<
  Deps,
  'store' | 'slackClient' | 'logger' | 'now' | 'ticketReplyHoldSec' | 'tickets' | 'slackUsers'
>;

/**
 * Holds a public reply: the pending send, then the DM with Cancel (a lost DM is logged; the reply is
 * still sent when due). The caller runs this under its own runOnce key, so a repeat holds nothing new.
 */
export async function holdPublicReply(
  deps: HoldDeps,
  actor: Actor,
  input: {
    ticketId: string;
    text: string;
    subject?: string;
    ticket?: TicketSummary | null;
    /** The command's response_url: its "Sending in" answer turns into the outcome too. */
    responseUrl?: string;
  },
): Promise<{ send: PendingSend; payload: HeldReplyPayload }> {
  const { ticketId, text } = input;
  const [ticket, timeZone] = await Promise.all([
    input.ticket !== undefined
      ? input.ticket
      : deps.tickets.findTicket(ticketId).then(
          (t) => t ?? null,
          () => null,
        ),
    deps.slackUsers.profile(actor.userId).then(
      (p) => p.timeZone,
      () => 'UTC',
    ),
  ]);
  const payload: HeldReplyPayload = {
    text,
    subject: ticket?.subject || input.subject || '',
    customer: customerOf(ticket),
    timeZone,
  };
  const holdSec = deps.ticketReplyHoldSec;
  const { send } = await deps.store.pendingSends.hold({
    teamId: actor.teamId,
    userId: actor.userId,
    ticketId,
    payload,
    idempotencyKey: onceKey('ticket.held', actor.teamId, randomUUID()),
    dueMs: deps.now().getTime() + holdSec * 1000,
  });
  try {
    const opened = await deps.slackClient.conversations.open({ users: actor.userId });
    const channel = opened.channel?.id ?? actor.userId;
    const message = buildHeldReplyMessage({ id: send.id, ticketId, payload, holdSec, dueMs: send.dueMs });
    const posted = await deps.slackClient.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
    });
    if (posted.ts) {
      const target = { channel: posted.channel ?? channel, ts: posted.ts, responseUrl: input.responseUrl };
      await deps.store.pendingSends.setTarget(send.id, target);
      send.target = target;
    }
  } catch (err) {
    deps.logger.warn(
      { err, pendingSendId: send.id },
      'could not DM the held reply (it is still sent when due)',
    );
    if (input.responseUrl) {
      const target = { responseUrl: input.responseUrl };
      await deps.store.pendingSends.setTarget(send.id, target).catch(() => undefined);
      send.target = target;
    }
  }
  return { send, payload };
}

export type HeldSendOutcome =
  | { kind: 'sent'; landedEarlier: boolean }
  /** Another attempt is sending it right now: nothing done here. */
  | { kind: 'in_progress' }
  /** The author is no longer personally connected: a public reply may not go out in their name. */
  | { kind: 'not_allowed' };

/**
 * Sends a held reply once (its own runOnce key). `checkFirst` (a re-claim after a lapsed lease, a
 * Retry) and an earlier unknown outcome read the ticket's messages first: a reply that landed is not
 * sent again. Run inside the author's request context: `deps.connection` is theirs. CRM failures throw.
 */
export async function sendHeldReply(
  deps: Pick<Deps, 'store' | 'tickets' | 'audit' | 'connection'>,
  send: PendingSend,
  opts: { checkFirst: boolean },
): Promise<HeldSendOutcome> {
  if (!mayReplyPublicly(deps.connection)) return { kind: 'not_allowed' };
  const { text, subject } = heldPayloadOf(send);
  const actor: Actor = { teamId: send.teamId, userId: send.userId };
  const outcome = await runOnce(deps.store, send.idempotencyKey, async (attempt) => {
    if (
      (attempt.afterUnknown || opts.checkFirst) &&
      replyLanded(await deps.tickets.thread(send.ticketId), text, 'public')
    )
      return { landedEarlier: true };
    await sendReply(deps, actor, { ticketId: send.ticketId, text, visibility: 'public', subject });
    return { landedEarlier: false };
  });
  if (outcome.status === 'in_progress') return { kind: 'in_progress' };
  return { kind: 'sent', landedEarlier: outcome.result.landedEarlier };
}
