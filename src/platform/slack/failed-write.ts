import { randomUUID } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { PENDING_WRITE_PREFIX } from '../store/team-data.js';
import { ACTION } from './ids.js';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, LIMITS, mrkdwnText, truncate } from './mrkdwn.js';
import { noticeWithText } from './quote.js';

/**
 * A save that failed after its modal closed (the user saw "Saving…" and moved on): what it was, with
 * everything typed, so the DM can give the text back and its Retry can run the same write again.
 */
export interface RetryableWrite {
  /** Which retry runs it (app/retry-writes.ts); without one the DM gives the text back with no Retry. */
  kind?: string;
  /** The use case's input, JSON: the same input means the same idempotency key, so a retry never duplicates. */
  input?: unknown;
  /** What it was, plain words: "Your note to Ada Lovelace". */
  what: string;
  /** Everything the user typed, given back whole. */
  typed: string;
}

/** What a Retry did: saved (`summary` says what), or an earlier attempt is still saving it. */
export type RetryOutcome = { status: 'done'; summary: string } | { status: 'in_progress' };

export interface PendingWrite extends RetryableWrite {
  teamId: string;
  userId: string;
}

/** How long the Retry button of a failure DM works. */
export const RETRY_KEEP_SEC = 7 * 24 * 60 * 60;

/** Under the store's prefix: uninstalling a team finds its pending writes by it (store/team-data.ts). */
export const pendingWriteKey = (id: string) => `${PENDING_WRITE_PREFIX}${id}`;

function head(what: string, reason: string, retryId: string | null): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwnText(
        `⚠️ *${escapeMrkdwn(truncate(what, 300))} was not saved:* ${escapeMrkdwn(truncate(reason, 1000))}`,
      ),
    },
  ];
  if (retryId) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION.retryWrite,
          text: { type: 'plain_text', text: 'Retry' },
          style: 'primary',
          value: retryId,
        },
      ],
    });
  }
  return blocks;
}

/**
 * The DM about a failed save: the reason, a Retry button (when `retryId` is given), then what was typed,
 * whole: inline when it fits in the first message, else in "Your text, part i of n" follow-ups.
 */
export function buildFailedWriteMessages(f: {
  what: string;
  reason: string;
  typed: string;
  retryId: string | null;
}): SlackMessage[] {
  const text = truncate(`⚠️ ${f.what} was not saved: ${f.reason}`, LIMITS.fallbackText);
  return noticeWithText(
    { text, blocks: head(f.what, f.reason, f.retryId) },
    'Nothing is lost: what you typed',
    f.typed,
  );
}

/** The first DM message while an earlier attempt still holds the write: Retry stays for later. */
export function buildRetryInProgressMessage(what: string, retryId: string): SlackMessage {
  const blocks = head(
    what,
    'an earlier attempt is still saving it. Try again in a minute if this does not turn into ✅.',
    retryId,
  );
  return { text: truncate(`${what}: still saving`, LIMITS.fallbackText), blocks };
}

/** The first DM message once a retry saved it: the button goes, the text stays in the follow-ups. */
export function buildRetriedMessage(what: string, result: string): SlackMessage {
  const line = `✅ *${escapeMrkdwn(truncate(what, 300))}* is saved now: ${escapeMrkdwn(truncate(result, 1000))}`;
  return { text: truncate(line, LIMITS.fallbackText), blocks: [{ type: 'section', text: mrkdwnText(line) }] };
}

/**
 * Keeps the write for its Retry (the shared store: any instance may get the click) and DMs the user the
 * reason and their text. Never throws: resolves to false when the user could not be reached (logged).
 * Slack's 429s are waited out by the client (Retry-After) within its retries.
 */
export async function sendFailedWriteDm(
  client: WebClient,
  logger: Logger,
  store: Pick<Store, 'cache'>,
  write: PendingWrite,
  reason: string,
): Promise<boolean> {
  let retryId: string | null = write.kind ? randomUUID() : null;
  if (retryId) {
    try {
      await store.cache.set(pendingWriteKey(retryId), write, RETRY_KEEP_SEC);
    } catch (err) {
      // The text still reaches the user, without a Retry.
      logger.warn({ err }, 'could not keep the failed write for a retry');
      retryId = null;
    }
  }
  try {
    const opened = await client.conversations.open({ users: write.userId });
    const channel = opened.channel?.id ?? write.userId;
    for (const message of buildFailedWriteMessages({
      what: write.what,
      reason,
      typed: write.typed,
      retryId,
    })) {
      await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
    }
    logger.info({ kind: write.kind ?? null, retry: retryId !== null }, 'failed save sent to the user by DM');
    return true;
  } catch (err) {
    logger.error({ err, kind: write.kind }, 'could not DM the user about a failed save');
    return false;
  }
}
