import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { channelInfo } from '../../../src/platform/slack/channel-info.js';

function fakeClient(channels: Record<string, Record<string, unknown>>) {
  const calls: string[] = [];
  let fail: unknown;
  const client = {
    conversations: {
      info: async ({ channel }: { channel: string }) => {
        calls.push(channel);
        if (fail) throw fail;
        await new Promise((r) => setTimeout(r, 5));
        return { channel: { id: channel, ...channels[channel] } };
      },
    },
  } as unknown as WebClient;
  return { client, calls, setFail: (e: unknown) => (fail = e) };
}

describe('channelInfo', () => {
  it('reads sharing, privacy and name, once per channel and client (concurrent asks share one call)', async () => {
    const { client, calls } = fakeClient({
      C1: { name: 'partners', is_ext_shared: true },
      C2: { name: 'deals', is_private: true },
      C3: { name: 'pending', is_pending_ext_shared: true },
    });
    const [a, b] = await Promise.all([channelInfo(client, 'C1'), channelInfo(client, 'C1')]);
    expect(a).toEqual({ isExtShared: true, isPrivate: false, name: 'partners' });
    expect(b).toEqual(a);
    expect(await channelInfo(client, 'C2')).toEqual({ isExtShared: false, isPrivate: true, name: 'deals' });
    expect((await channelInfo(client, 'C3')).isExtShared).toBe(true);
    await channelInfo(client, 'C1');
    expect(calls).toEqual(['C1', 'C2', 'C3']);

    // Another workspace's client has its own cache.
    const other = fakeClient({ C1: { name: 'general' } });
    expect(await channelInfo(other.client, 'C1')).toEqual({
      isExtShared: false,
      isPrivate: false,
      name: 'general',
    });
  });

  it('throws Slack’s error and does not cache it', async () => {
    const { client, calls, setFail } = fakeClient({ C1: { name: 'x' } });
    setFail(
      Object.assign(new Error('An API error occurred: channel_not_found'), {
        data: { error: 'channel_not_found' },
      }),
    );
    await expect(channelInfo(client, 'C1')).rejects.toThrow(/channel_not_found/);
    setFail(undefined);
    expect((await channelInfo(client, 'C1')).name).toBe('x');
    expect(calls).toEqual(['C1', 'C1']);
  });
});
