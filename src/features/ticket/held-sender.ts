import { randomUUID } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { isOutcomeUnknown } from '../../platform/agile/index.js';
import { withRequestContext } from '../../platform/request-context.js';
import { describeAgileError } from '../../platform/slack/error-words.js';
import {
  buildFailedWriteMessages,
  type PendingWrite,
  pendingWriteKey,
  RETRY_KEEP_SEC,
  type RetryOutcome,
} from '../../platform/slack/failed-write.js';
import type { SlackMessage } from '../../platform/slack/message.js';
import type { PendingSend } from '../../platform/store/index.js';
import { createTicker } from '../../platform/ticker.js';
import { defaultInstanceId } from '../digest/scheduler.js';
import { type HeldTarget, heldPayloadOf, heldResponseUrlOf, heldTargetOf, sendHeldReply } from './held.js';
import { buildHeldSentMessage } from './held-views.js';

/**
 * Sends held public replies once they are due. Every instance ticks (every second by default) and
 * claims due rows with a lease: a row goes to one instance, and a 'sending' row whose lease lapsed
 * (its instance died mid-send) is claimed again and first checks whether the reply landed.
 */

export type SenderDeps = Pick<Deps, 'store' | 'logger' | 'now' | 'forTeam'>;

export interface HeldReplySender {
  readonly instanceId: string;
  /** A first tick at once (rows that fell due while no instance ran), then every tickMs. */
  start(): void;
  /** Stops ticking and waits for the sends already started; claims not started are handed back. */
  stop(): Promise<void>;
  /** Claims what is due and sends it; resolves once those sends are done. Ticks do not stack. */
  tick(): Promise<number>;
}

/** The retry kind of a held reply whose send failed (app/retry-writes.ts). */
export const HELD_REPLY_RETRY = 'ticket.held';

const DEFAULT_TICK_MS = 1000;
/** Far longer than a send (a thread read and a write, each with the client's timeouts and retries). */
const DEFAULT_LEASE_MS = 120_000;
/** Finished rows (and the text they hold) are kept as long as their failure DM's Retry works. */
const KEEP_FINISHED_MS = RETRY_KEEP_SEC * 1000;
const PURGE_EVERY_MS = 60 * 60_000;

const whatOf = (send: PendingSend) => {
  const { subject } = heldPayloadOf(send);
  return `Your public reply to ticket #${send.ticketId}${subject ? ` “${subject}”` : ''}`;
};

/** The command's "Sending in" answer (ephemeral) becomes the outcome's first block; never throws. */
async function replaceAnswer(logger: Deps['logger'], send: PendingSend, first: SlackMessage): Promise<void> {
  const url = heldResponseUrlOf(send);
  if (!url) return;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: first.text, blocks: first.blocks.slice(0, 1) }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok)
      logger.info({ status: res.status }, 'the held reply answer could not be replaced (expired?)');
  } catch (err) {
    logger.info({ err }, 'the held reply answer could not be replaced');
  }
}

/** Replaces the hold's DM (or posts a new one when it has none) and the command's answer; never throws. */
export async function show(
  deps: Pick<Deps, 'slackClient' | 'logger'>,
  send: PendingSend,
  messages: SlackMessage[],
  opts: { answer?: boolean } = {},
): Promise<void> {
  const [first, ...rest] = messages;
  if (!first) return;
  if (opts.answer !== false) await replaceAnswer(deps.logger, send, first);
  let target: HeldTarget | null = heldTargetOf(send);
  try {
    if (target) {
      await deps.slackClient.chat.update({
        channel: target.channel,
        ts: target.ts,
        text: first.text,
        blocks: first.blocks,
      });
    } else {
      const opened = await deps.slackClient.conversations.open({ users: send.userId });
      const channel = opened.channel?.id ?? send.userId;
      const posted = await deps.slackClient.chat.postMessage({
        channel,
        text: first.text,
        blocks: first.blocks,
      });
      target = { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    }
    for (const m of rest)
      await deps.slackClient.chat.postMessage({ channel: target.channel, text: m.text, blocks: m.blocks });
  } catch (err) {
    deps.logger.warn({ err, pendingSendId: send.id }, 'could not update the held reply message');
  }
}

/** The failure, with the whole text and a Retry (kept like every failure DM's, see failed-write.ts). */
async function showFailure(
  deps: Pick<Deps, 'slackClient' | 'logger' | 'store'>,
  send: PendingSend,
  reason: string,
  retry: boolean,
): Promise<void> {
  const { text } = heldPayloadOf(send);
  let retryId: string | null = retry ? randomUUID() : null;
  if (retryId) {
    const write: PendingWrite = {
      kind: HELD_REPLY_RETRY,
      input: { pendingSendId: send.id },
      what: whatOf(send),
      typed: text,
      teamId: send.teamId,
      userId: send.userId,
    };
    await deps.store.cache.set(pendingWriteKey(retryId), write, RETRY_KEEP_SEC).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not keep the held reply for a retry');
      retryId = null;
    });
  }
  await show(deps, send, buildFailedWriteMessages({ what: whatOf(send), reason, typed: text, retryId }));
}

/** Sends one claimed row as its author, then tells them how it went in the hold's DM. */
async function deliver(teamDeps: Deps, send: PendingSend): Promise<void> {
  const log = teamDeps.logger.child({ pendingSendId: send.id, ticketId: send.ticketId });
  const payload = heldPayloadOf(send);
  try {
    // From the second claim on, an earlier attempt may have sent it before its instance died.
    const outcome = await sendHeldReply(teamDeps, send, { checkFirst: send.attempts > 1 });
    if (outcome.kind === 'in_progress') {
      // Another attempt holds the send: this row is claimed again when its lease lapses, and then replays it.
      log.info('held reply is being sent by another attempt');
      return;
    }
    if (outcome.kind === 'not_allowed') {
      await teamDeps.store.pendingSends.markFailed(send.id, 'not personally connected');
      await showFailure(
        teamDeps,
        send,
        'public replies are sent with your own Agile account, and it is no longer connected. Connect it, then send again.',
        false,
      );
      return;
    }
    await teamDeps.store.pendingSends.markSent(send.id);
    log.info({ landedEarlier: outcome.landedEarlier }, 'held reply sent');
    await show(teamDeps, send, [buildHeldSentMessage(send.ticketId, payload, teamDeps.now().getTime())]);
  } catch (err) {
    log.warn({ err }, 'held reply not sent');
    const reason = isOutcomeUnknown(err)
      ? `it may have reached the customer: ${describeAgileError(err)}. Retry first checks the ticket and never emails twice`
      : describeAgileError(err);
    await teamDeps.store.pendingSends
      .markFailed(send.id, reason)
      .catch((e: unknown) => log.error({ err: e }, 'could not record the failed held reply'));
    await showFailure(teamDeps, send, reason, true);
  }
}

export function createHeldReplySender(opts: {
  deps: SenderDeps;
  instanceId?: string;
  tickMs?: number;
  leaseMs?: number;
}): HeldReplySender {
  const { deps } = opts;
  const log = deps.logger.child({ component: 'held-reply-sender' });
  const instanceId = opts.instanceId ?? defaultInstanceId();
  const tickMs = Math.max(10, opts.tickMs ?? DEFAULT_TICK_MS);
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  let purgedAtMs = 0;

  async function run(send: PendingSend): Promise<void> {
    if (ticker.stopped) {
      // Claimed but not started: handed back so the next instance (or this one restarted) sends it at once.
      await deps.store.pendingSends.release(send.id, instanceId).catch(() => undefined);
      return;
    }
    const teamDeps = await deps.forTeam(send.teamId);
    if (!teamDeps) {
      log.warn({ pendingSendId: send.id, teamId: send.teamId }, 'held reply of a team no longer connected');
      await deps.store.pendingSends.markFailed(send.id, 'team not connected');
      return;
    }
    // The author's request context: their personal connection decides, and the audit names them.
    await withRequestContext(
      { requestId: `held-reply:${send.id}`, teamId: send.teamId, userId: send.userId },
      () => deliver(teamDeps, send),
    );
  }

  async function tickOnce(): Promise<number> {
    const nowMs = deps.now().getTime();
    if (nowMs - purgedAtMs >= PURGE_EVERY_MS) {
      purgedAtMs = nowMs;
      await deps.store.pendingSends
        .purgeFinishedBefore(nowMs - KEEP_FINISHED_MS)
        .catch((err: unknown) => log.warn({ err }, 'could not purge finished held replies'));
    }
    const claimed = await deps.store.pendingSends.claimDue(instanceId, leaseMs);
    await Promise.all(
      claimed.map((send) =>
        run(send).catch((err: unknown) =>
          log.error({ err, pendingSendId: send.id }, 'held reply job crashed'),
        ),
      ),
    );
    return claimed.length;
  }

  // The next wait starts once a tick has settled: tickMs is the gap between ticks.
  const ticker = createTicker({
    work: tickOnce,
    delayMs: () => tickMs,
    nextAfter: 'settled',
    onError: (err) => log.error({ err }, 'held reply tick failed'),
  });
  return {
    instanceId,
    tick: ticker.tick,
    start: ticker.start,
    stop: ticker.stop,
  };
}

/** Retry from the failure DM: the same send again (its key inside: a reply that landed is not sent twice). */
export async function retryHeldReply(deps: Deps, input: unknown): Promise<RetryOutcome> {
  const id = (input as { pendingSendId?: unknown } | null)?.pendingSendId;
  const send = typeof id === 'string' ? await deps.store.pendingSends.get(id) : undefined;
  if (!send) throw new Error('held reply not found');
  const { customer } = heldPayloadOf(send);
  const to = customer || 'the customer';
  if (send.status === 'sent') return { status: 'done', summary: `it was already sent to ${to}` };
  const outcome = await sendHeldReply(deps, send, { checkFirst: true });
  if (outcome.kind === 'in_progress') return { status: 'in_progress' };
  if (outcome.kind === 'not_allowed') throw new Error('public replies need your own Agile account connected');
  await deps.store.pendingSends.markSent(send.id);
  return { status: 'done', summary: `sent to ${to}` };
}
