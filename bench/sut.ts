import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBot } from '../src/app/create-bot.js';
import { loadConfig } from '../src/platform/config.js';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../test/helpers/test-bot.js';
import { serveUntilStdinEnds } from './child.js';
import { startBareBolt, type UpstreamsInfo } from './lib.js';

/**
 * Child process of the benchmarks: the system under test, alone in its process.
 *   sut.ts bot   the real bot (createBot), wired to the upstreams in BENCH_UPSTREAMS, no scheduler
 *   sut.ts bare  bench/lib.ts startBareBolt, the framework's floor
 *   sut.ts bare+open | bare+open-deferred  experiments of bench/profile-acks.ts
 * Prints `{ url, pid }` as one JSON line on stdout; see child.ts for the stdin protocol.
 */
const kind = process.argv[2];
const upstreams = JSON.parse(process.env.BENCH_UPSTREAMS ?? '{}') as UpstreamsInfo;

if (kind === 'bare' || kind === 'bare+open' || kind === 'bare+open-deferred') {
  const afterAck = kind === 'bare+open' ? 'views.open' : 'views.open-deferred';
  const bare = await startBareBolt(
    TEST_SIGNING_SECRET,
    kind === 'bare' ? undefined : { afterAck, token: TEST_BOT_TOKEN, slackApiUrl: upstreams.slackApiUrl },
  );
  serveUntilStdinEnds({ url: bare.url, pid: process.pid }, bare.close);
} else if (kind === 'bot') {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bot-bench-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: upstreams.slackApiUrl,
    AGILE_BASE_URL: upstreams.agileUrl,
    AGILE_EMAIL: upstreams.agileEmail,
    AGILE_API_KEY: upstreams.agileApiKey,
    DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  // BENCH_ACK_GATE=off measures the bot without its ack gate (README → Performance).
  const bot = await createBot({
    config,
    scheduler: { enabled: false },
    ackGate: process.env.BENCH_ACK_GATE !== 'off',
  });
  const { port } = await bot.start(0);
  serveUntilStdinEnds({ url: `http://127.0.0.1:${port}/slack/events`, pid: process.pid }, async () => {
    await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  });
} else {
  throw new Error(`usage: sut.ts bot|bare (got ${kind})`);
}
