import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { SlackMessage } from '../../platform/slack/message.js';
import { sleep as realSleep, type Sleep } from '../../platform/sleep.js';

/** Posts digest messages at Slack's pace: one queue per channel, a few channels at once, 429s honoured. */
/** chat.postMessage `metadata`: a digest's main message carries its run id, so a takeover can find it. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string>;
}

export const DIGEST_EVENT_TYPE = 'crm_digest';

export interface DigestPoster {
  /**
   * Resolves with the posted message's ts; rejects with a DigestPostError. `broadcast` also shows a
   * thread reply in the channel (reply_broadcast; follow updates for won/lost deals).
   */
  post(channel: string, message: SlackMessage, threadTs?: string, options?: PostOptions): Promise<string>;
  /**
   * The ts of a channel message posted since `sinceMs` whose metadata is a digest of `runId`
   * (conversations.history with include_all_metadata); null when there is none. Rejects with a
   * DigestPostError when the history cannot be read.
   */
  findPosted(channel: string, runId: string, sinceMs: number): Promise<string | null>;
  /** Pending waits end and further posts reject (shutdown). */
  close(): void;
}

export interface PostOptions {
  broadcast?: boolean;
  /** Message metadata (a digest's run id: a takeover finds the main message by it). */
  metadata?: MessageMetadata;
}

export interface DigestPosterOptions {
  /** A client of its own for bulk posting: `retryConfig: { retries: 0 }, rejectRateLimitedCalls: true`. */
  client: Pick<WebClient, 'chat'> & Partial<Pick<WebClient, 'conversations'>>;
  logger: Logger;
  /** Slack allows about one message per second per channel. */
  perChannelIntervalMs?: number;
  /** Channels posted to at the same time (Slack also caps a workspace, unpublished). */
  concurrency?: number;
  /** 429s answered for one message before giving up (each waits Retry-After). */
  maxRateLimitWaits?: number;
  now?: () => Date;
  /** Pacing and Retry-After waits; cut short by close(). */
  sleep?: Sleep;
  /** Channels whose last post time is kept for pacing (default 10,000; per-team posters keep fewer). */
  maxChannels?: number;
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

/**
 * A run's recorded error when its channel was shared with another organisation at post time (and the
 * workspace does not allow such channels): nothing was posted.
 */
export const EXTERNAL_CHANNEL_ERROR = 'external_channel';

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

export function createDigestPoster(opts: DigestPosterOptions): DigestPoster {
  const interval = opts.perChannelIntervalMs ?? 1000;
  const maxWaits = opts.maxRateLimitWaits ?? 5;
  const nowMs = () => (opts.now ?? (() => new Date()))().getTime();
  const sleep = opts.sleep ?? realSleep;
  const shutdown = new AbortController();
  /** Channels being posted to at once. */
  const slots = new PQueue({ concurrency: Math.max(1, opts.concurrency ?? 4) });
  /** One queue per channel, so its messages go out in order; dropped when idle. */
  const lanes = new Map<string, PQueue>();
  // A channel's last post matters for `interval` only: hundreds of channels leave no trace.
  const lastPostMs = new LRUCache<string, number>({
    max: opts.maxChannels ?? 10_000,
    ttl: Math.max(1, interval),
    ttlResolution: 0,
    perf: { now: nowMs },
  });
  let pausedUntilMs = 0;

  const waitUntil = async (ms: number) => {
    const wait = ms - nowMs();
    if (wait > 0 && !shutdown.signal.aborted) await sleep(wait, shutdown.signal);
  };

  const assertOpen = () => {
    if (shutdown.signal.aborted) throw new DigestPostError('The digest poster is shut down', 'closed', true);
  };

  const send = async (
    channel: string,
    message: SlackMessage,
    threadTs?: string,
    options?: PostOptions,
  ): Promise<string> => {
    for (let waits = 0; ; waits++) {
      assertOpen();
      await waitUntil(pausedUntilMs);
      assertOpen();
      try {
        const base = {
          channel,
          text: message.text,
          blocks: message.blocks,
          ...(options?.metadata ? { metadata: options.metadata } : {}),
          unfurl_links: false,
          unfurl_media: false,
        };
        const res = await opts.client.chat.postMessage(
          threadTs ? { ...base, thread_ts: threadTs, reply_broadcast: options?.broadcast === true } : base,
        );
        if (!res.ts) throw new DigestPostError('Slack answered without a ts', 'no_ts', false);
        return res.ts;
      } catch (err) {
        const e = err as SlackSdkError;
        if (e.code === 'slack_webapi_rate_limited_error' && waits < maxWaits) {
          // Slack's 429 covers the method for the whole workspace: hold every channel, not just this one.
          const retryAfterMs = Math.max(1, e.retryAfter ?? 1) * 1000;
          pausedUntilMs = Math.max(pausedUntilMs, nowMs() + retryAfterMs);
          opts.logger.warn({ channel, retryAfterMs }, 'digest posting rate limited; waiting');
          continue;
        }
        throw classifySlackError(err);
      }
    }
  };

  const laneOf = (channel: string): PQueue => {
    let lane = lanes.get(channel);
    if (!lane) {
      const created = new PQueue({ concurrency: 1 });
      created.on('idle', () => {
        if (lanes.get(channel) === created) lanes.delete(channel);
      });
      lanes.set(channel, created);
      lane = created;
    }
    return lane;
  };

  return {
    post(channel, message, threadTs, options) {
      try {
        assertOpen();
      } catch (err) {
        return Promise.reject(err);
      }
      return laneOf(channel).add(
        async () => {
          await waitUntil((lastPostMs.get(channel) ?? Number.NEGATIVE_INFINITY) + interval);
          try {
            return await slots.add(() => send(channel, message, threadTs, options), { throwOnTimeout: true });
          } finally {
            lastPostMs.set(channel, nowMs());
          }
        },
        { throwOnTimeout: true },
      );
    },
    async findPosted(channel, runId, sinceMs) {
      const conversations = opts.client.conversations;
      if (!conversations)
        throw new DigestPostError('This client cannot read channel history', 'no_history', true);
      try {
        // A run's main message is posted after its claim: the history since then is a page or two.
        let cursor: string | undefined;
        for (let page = 0; page < 5; page++) {
          const res = await conversations.history({
            channel,
            oldest: (sinceMs / 1000).toFixed(6),
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          });
          for (const m of res.messages ?? []) {
            const meta = m.metadata as MessageMetadata | undefined;
            if (meta?.event_type === DIGEST_EVENT_TYPE && meta.event_payload?.run_id === runId && m.ts)
              return m.ts;
          }
          cursor = res.response_metadata?.next_cursor || undefined;
          if (!res.has_more || !cursor) return null;
        }
        return null;
      } catch (err) {
        throw classifySlackError(err);
      }
    },
    close() {
      shutdown.abort();
    },
  };
}
