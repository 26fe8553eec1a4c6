import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDigestPoster, DigestPostError } from '../../../src/features/digest/poster.js';
import { type FakeSlack, startFakeSlack } from '../../helpers/fake-slack.js';
import { BOT_TOKEN } from './scheduler-harness.js';

let slack: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  slack = await startFakeSlack({ botToken: BOT_TOKEN });
  client = new WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const msg = (text: string) => ({
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});
const logger = pino({ level: 'silent' });

/** A clock that moves only when the poster sleeps: every wait it asks for is recorded, none is real. */
function fakeTime() {
  let t = Date.parse('2026-03-10T08:00:00Z');
  const waits: number[] = [];
  return {
    waits,
    now: () => new Date(t),
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
}

describe('digest poster', () => {
  it('spaces messages in one channel but not across channels', async () => {
    const time = fakeTime();
    const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 150, concurrency: 4, ...time });
    await Promise.all([
      poster.post('C1', msg('a1')),
      poster.post('C1', msg('a2')),
      poster.post('C1', msg('a3')),
      poster.post('C2', msg('b1')),
    ]);
    // a2 and a3 each wait out the interval after the previous C1 message; b1 never waits for C1.
    expect(time.waits).toEqual([150, 150]);
    const order = slack.calls('chat.postMessage').map((c) => c.args.text);
    expect(order.indexOf('b1')).toBeLessThan(order.indexOf('a2'));
    expect((slack.messages.get('C1') ?? []).map((m) => m.text)).toEqual(['a1', 'a2', 'a3']);
    poster.close();
  });

  it('waits Retry-After on a 429 and posts the message once', async () => {
    const time = fakeTime();
    const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 0, ...time });
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    await poster.post('C1', msg('hello'));
    expect(time.waits).toEqual([1000]);
    expect(slack.calls('chat.postMessage')).toHaveLength(2);
    expect(slack.messages.get('C1')).toHaveLength(1);
    poster.close();
  });

  it('close() cuts a Retry-After wait short and refuses what is still queued', async () => {
    const asked: number[] = [];
    // A wait that ends only when the poster shuts down.
    const sleep = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        asked.push(ms);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 0, sleep });
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 30 });
    const first = poster.post('C1', msg('first')).catch((e: unknown) => e);
    const queued = poster.post('C1', msg('queued')).catch((e: unknown) => e);
    await vi.waitFor(() => expect(asked).toEqual([30_000]));
    poster.close();
    expect(await first).toMatchObject({ code: 'closed' });
    expect(await queued).toMatchObject({ code: 'closed' });
    expect(slack.messages.get('C1') ?? []).toHaveLength(0);
  });

  it('classifies channel errors as permanent and server errors as transient, and sends nothing twice', async () => {
    const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 0, ...fakeTime() });
    slack.channelErrors.set('C-ARCHIVED', 'is_archived');
    const archived = await poster.post('C-ARCHIVED', msg('x')).catch((e: unknown) => e);
    expect(archived).toBeInstanceOf(DigestPostError);
    expect(archived).toMatchObject({ code: 'is_archived', permanent: true });
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    slack.failNext('chat.postMessage', { status: 503 });
    const down = await poster.post('C1', msg('y')).catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'http_503', permanent: false });
    poster.close();
    await expect(poster.post('C1', msg('z'))).rejects.toMatchObject({ code: 'closed' });
  });
});
