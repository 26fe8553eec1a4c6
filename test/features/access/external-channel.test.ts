import type { WebClient } from '@slack/web-api';
import { describe, expect, it, vi } from 'vitest';
import { crmChannelCheck } from '../../../src/features/access/external-channel.js';

/** A client whose conversations.info answers `channel` (or throws `error`); a fresh cache each time. */
function clientAnswering(channel: Record<string, unknown> | Error) {
  const info = vi.fn(async () => {
    if (channel instanceof Error) throw channel;
    return { ok: true, channel };
  });
  return { client: { conversations: { info } } as unknown as WebClient, info };
}

const STRICT = { externalChannelsAllowed: false };
const ALLOWED = { externalChannelsAllowed: true };

describe('crmChannelCheck', () => {
  it('refuses a channel shared with another organisation (or about to be), allows an internal one', async () => {
    const shared = clientAnswering({ name: 'partners', is_ext_shared: true });
    expect(await crmChannelCheck(STRICT, shared.client, 'C1')).toEqual({ kind: 'external' });
    const pending = clientAnswering({ name: 'partners', is_pending_ext_shared: true });
    expect(await crmChannelCheck(STRICT, pending.client, 'C1')).toEqual({ kind: 'external' });
    const internal = clientAnswering({ name: 'sales' });
    expect(await crmChannelCheck(STRICT, internal.client, 'C2')).toEqual({ kind: 'allowed' });
  });

  it('asks Slack nothing when the admin allows external channels', async () => {
    const shared = clientAnswering({ name: 'partners', is_ext_shared: true });
    expect(await crmChannelCheck(ALLOWED, shared.client, 'C1', 'true')).toEqual({ kind: 'allowed' });
    expect(shared.info).not.toHaveBeenCalled();
  });

  it('a request marked shared decides at once; a mark saying not shared does not outvote Slack', async () => {
    const internal = clientAnswering({ name: 'sales' });
    expect(await crmChannelCheck(STRICT, internal.client, 'C1', 'true')).toEqual({ kind: 'external' });
    expect(await crmChannelCheck(STRICT, internal.client, 'C1', true)).toEqual({ kind: 'external' });
    expect(internal.info).not.toHaveBeenCalled();
    const shared = clientAnswering({ name: 'partners', is_ext_shared: true });
    expect(await crmChannelCheck(STRICT, shared.client, 'C1', 'false')).toEqual({ kind: 'external' });
  });

  it('a channel Slack will not describe is unknown, unless the request said it is not shared', async () => {
    const error = new Error('channel_not_found');
    const failing = clientAnswering(error);
    expect(await crmChannelCheck(STRICT, failing.client, 'C1')).toEqual({ kind: 'unknown', error });
    expect(await crmChannelCheck(STRICT, failing.client, 'C1', 'false')).toEqual({ kind: 'allowed' });
  });

  it('caches the answer per client: a second ask within five minutes costs no call', async () => {
    const internal = clientAnswering({ name: 'sales' });
    await crmChannelCheck(STRICT, internal.client, 'C1');
    await crmChannelCheck(STRICT, internal.client, 'C1');
    expect(internal.info).toHaveBeenCalledTimes(1);
  });
});
