import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';

export interface ChannelInfo {
  /** Shared with another organisation (Slack Connect), or an invitation to share it is pending. */
  isExtShared: boolean;
  isPrivate: boolean;
  /** Without '#'; '' for a DM. */
  name: string;
}

/** Sharing a channel with another organisation is rare and deliberate: five minutes is fresh enough. */
const TTL_MS = 5 * 60_000;
const MAX_CHANNELS = 2000;

/**
 * One cache per Slack client (that is, per workspace's bot token): channel ids never mix between
 * teams, and no cache outlives its client.
 */
const caches = new WeakMap<WebClient, LRUCache<string, ChannelInfo>>();

function cacheOf(client: WebClient): LRUCache<string, ChannelInfo> {
  let cache = caches.get(client);
  if (!cache) {
    cache = new LRUCache<string, ChannelInfo>({
      max: MAX_CHANNELS,
      ttl: TTL_MS,
      fetchMethod: async (channel) => {
        const c = (await client.conversations.info({ channel })).channel;
        return {
          isExtShared: Boolean(c?.is_ext_shared || c?.is_pending_ext_shared),
          isPrivate: Boolean(c?.is_private || c?.is_group || c?.is_mpim),
          name: c?.name ?? '',
        };
      },
    });
    caches.set(client, cache);
  }
  return cache;
}

/**
 * conversations.info of a channel, cached per client for five minutes; concurrent asks share one
 * call. Throws Slack's error (channel_not_found, missing_scope…); failures are not cached.
 */
export async function channelInfo(client: WebClient, channelId: string): Promise<ChannelInfo> {
  const info = await cacheOf(client).fetch(channelId);
  if (!info) throw new Error(`conversations.info gave nothing for ${channelId}`);
  return info;
}
