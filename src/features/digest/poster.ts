import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { SlackMessage } from '../../platform/slack/message.js';

/** Posts digest messages at Slack's pace: one lane per channel, a few channels at once, 429s honoured. */
export interface DigestPoster {
  /** Resolves with the posted message's ts; rejects with a DigestPostError. */
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<string>;
  /** Pending waits end and further posts reject (shutdown). */
  close(): void;
}

export interface DigestPosterOptions {
  /** A client of its own for bulk posting: `retryConfig: { retries: 0 }, rejectRateLimitedCalls: true`. */
  client: WebClient;
  logger: Logger;
  /** Slack allows about one message per second per channel. */
  perChannelIntervalMs?: number;
  /** Channels posted to at the same time (Slack also caps a workspace, unpublished). */
  concurrency?: number;
  /** 429s answered for one message before giving up (each waits Retry-After). */
  maxRateLimitWaits?: number;
  nowMs?: () => number;
}

/** Errors Slack will answer again whatever we do: retrying them only repeats the failure. */
const PERMANENT_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_reply_to_message',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/** Channel problems a person can fix (invite the bot, unarchive): the digest says so. */
export const CHANNEL_ERRORS = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

export class DigestPostError extends Error {
  constructor(
    message: string,
    /** Slack's error code (`not_in_channel`), `ratelimited`, `http_503`, `network` or `closed`. */
    readonly code: string,
    /** True when retrying cannot help. */
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DigestPostError';
  }
}

interface SlackSdkError {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  message?: string;
}

/** Maps an @slack/web-api error to a DigestPostError (rate limits handled by the caller). */
export function classifySlackError(err: unknown): DigestPostError {
  if (err instanceof DigestPostError) return err;
  const e = (err ?? {}) as SlackSdkError;
  if (e.code === 'slack_webapi_platform_error') {
    const code = e.data?.error ?? 'unknown_error';
    return new DigestPostError(`Slack answered ${code}`, code, PERMANENT_ERRORS.has(code), { cause: err });
  }
  if (e.code === 'slack_webapi_rate_limited_error') {
    return new DigestPostError('Slack rate limit', 'ratelimited', false, { cause: err });
  }
  if (e.code === 'slack_webapi_http_error') {
    const status = e.statusCode ?? 0;
    return new DigestPostError(`Slack answered HTTP ${status}`, `http_${status}`, false, { cause: err });
  }
  return new DigestPostError(`Could not reach Slack: ${e.message ?? String(err)}`, 'network', false, {
    cause: err,
  });
}

interface Lane {
  tail: Promise<unknown>;
  lastPostMs: number;
  queued: number;
}

export function createDigestPoster(opts: DigestPosterOptions): DigestPoster {
  const interval = opts.perChannelIntervalMs ?? 1000;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxWaits = opts.maxRateLimitWaits ?? 5;
  const nowMs = opts.nowMs ?? Date.now;
  const lanes = new Map<string, Lane>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const slotWaiters: (() => void)[] = [];
  let active = 0;
  let pausedUntilMs = 0;
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  const acquire = async () => {
    if (active < concurrency) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => slotWaiters.push(resolve));
  };
  const release = () => {
    const next = slotWaiters.shift();
    if (next) next();
    else active--;
  };

  const assertOpen = () => {
    if (closed) throw new DigestPostError('The digest poster is shut down', 'closed', true);
  };

  const send = async (lane: Lane, channel: string, message: SlackMessage, threadTs?: string) => {
    await sleep(lane.lastPostMs + interval - nowMs());
    await acquire();
    try {
      for (let waits = 0; ; waits++) {
        assertOpen();
        await sleep(pausedUntilMs - nowMs());
        assertOpen();
        try {
          const res = await opts.client.chat.postMessage({
            channel,
            text: message.text,
            blocks: message.blocks,
            ...(threadTs ? { thread_ts: threadTs } : {}),
            unfurl_links: false,
            unfurl_media: false,
          });
          if (!res.ts) throw new DigestPostError('Slack answered without a ts', 'no_ts', false);
          return res.ts;
        } catch (err) {
          const e = err as SlackSdkError;
          if (e.code === 'slack_webapi_rate_limited_error' && waits < maxWaits) {
            // Slack's 429 covers the method for the whole workspace: hold every lane, not just this one.
            const retryAfterMs = Math.max(1, e.retryAfter ?? 1) * 1000;
            pausedUntilMs = Math.max(pausedUntilMs, nowMs() + retryAfterMs);
            opts.logger.warn({ channel, retryAfterMs }, 'digest posting rate limited; waiting');
            continue;
          }
          throw classifySlackError(err);
        }
      }
    } finally {
      lane.lastPostMs = nowMs();
      release();
    }
  };

  return {
    post(channel, message, threadTs) {
      if (closed)
        return Promise.reject(new DigestPostError('The digest poster is shut down', 'closed', true));
      let lane = lanes.get(channel);
      if (!lane) {
        lane = { tail: Promise.resolve(), lastPostMs: Number.NEGATIVE_INFINITY, queued: 0 };
        lanes.set(channel, lane);
      }
      const current = lane;
      current.queued++;
      const result = current.tail.then(() => send(current, channel, message, threadTs));
      current.tail = result
        .catch(() => undefined)
        .finally(() => {
          current.queued--;
          // Forget idle lanes once their pacing no longer matters, so hundreds of channels leave no trace.
          if (current.queued === 0 && lanes.get(channel) === current) {
            const idleFor = interval - (nowMs() - current.lastPostMs);
            if (idleFor <= 0) lanes.delete(channel);
            else
              setTimeout(() => {
                if (current.queued === 0 && lanes.get(channel) === current) lanes.delete(channel);
              }, idleFor).unref();
          }
        });
      return result;
    },
    close() {
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
    },
  };
}
