import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

describe('digest poster', () => {
  it('spaces messages in one channel but not across channels', async () => {
    const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 150, concurrency: 4 });
    await Promise.all([
      poster.post('C1', msg('a1')),
      poster.post('C1', msg('a2')),
      poster.post('C1', msg('a3')),
      poster.post('C2', msg('b1')),
    ]);
    const at = (text: string) => slack.calls('chat.postMessage').find((c) => c.args.text === text)?.atMs ?? 0;
    expect(at('a2') - at('a1')).toBeGreaterThanOrEqual(140);
    expect(at('a3') - at('a2')).toBeGreaterThanOrEqual(140);
    expect(Math.abs(at('b1') - at('a1'))).toBeLessThan(100);
    expect((slack.messages.get('C1') ?? []).map((m) => m.text)).toEqual(['a1', 'a2', 'a3']);
    poster.close();
  });

  it('waits Retry-After on a 429 and posts the message once', async () => {
    const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 0 });
    slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const started = Date.now();
    await poster.post('C1', msg('hello'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.messages.get('C1')).toHaveLength(1);
    poster.close();
  });

  it('classifies channel errors as permanent and server errors as transient', async () => {
    const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 0 });
    slack.channelErrors.set('C-ARCHIVED', 'is_archived');
    const archived = await poster.post('C-ARCHIVED', msg('x')).catch((e: unknown) => e);
    expect(archived).toBeInstanceOf(DigestPostError);
    expect(archived).toMatchObject({ code: 'is_archived', permanent: true });
    slack.failNext('chat.postMessage', { status: 503 });
    const down = await poster.post('C1', msg('y')).catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'http_503', permanent: false });
    poster.close();
    await expect(poster.post('C1', msg('z'))).rejects.toMatchObject({ code: 'closed' });
  });
});
