import { ACTION, BLOCK, SHORTCUT } from '../src/slack/ids.js';
import {
  blockSuggestionPayload,
  commandPayload,
  messageActionPayload,
  newTriggerId,
} from '../test/helpers/payloads.js';
import { startTestBot, TEST_SIGNING_SECRET, type TestBot } from '../test/helpers/test-bot.js';
import { burst, measureBareBolt, ratio, summarise } from './lib.js';

const CONCURRENCY = 50;
const QUERIES = [
  'ada',
  'grace',
  'linus',
  'alan turing',
  'margaret',
  'katherine',
  'eve',
  'tim',
  'barbara',
  'ken',
];

/** Ack latency of N concurrent requests, and the time from each request to its views.open. */
async function measureOpen(t: TestBot, send: (triggerId: string) => Promise<{ elapsedMs: number }>) {
  t.slack.reset();
  const sentAt = new Map<string, number>();
  const acks = await burst(CONCURRENCY, async () => {
    const triggerId = newTriggerId();
    sentAt.set(triggerId, Date.now());
    return (await send(triggerId)).elapsedMs;
  });
  const deadline = Date.now() + 5000;
  while (t.slack.calls('views.open').length < CONCURRENCY && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const opens = t.slack
    .calls('views.open')
    .map((c) => c.atMs - (sentAt.get(String(c.args.trigger_id)) ?? c.atMs));
  return { acks, opens, opened: opens.length };
}

export async function runSlackBench(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { concurrency: CONCURRENCY };
  const { command: bareCmd, options: bareOptions } = await measureBareBolt(
    TEST_SIGNING_SECRET,
    CONCURRENCY,
    commandPayload('note'),
    (i) =>
      blockSuggestionPayload({ actionId: ACTION.contactPicker, value: QUERIES[i % QUERIES.length] ?? 'a' }),
  );
  const bareP99 = summarise(bareCmd).p99;
  out['bare bolt ack p50/p99 ms'] = `${summarise(bareCmd).p50} / ${bareP99}`;
  out['bare bolt options p99 ms'] = summarise(bareOptions).p99;

  for (const latencyMs of [300, 2500]) {
    const t = await startTestBot({ env: { LOG_LEVEL: 'silent' } });
    try {
      if (t.agile) t.agile.faults.latencyMs = latencyMs;
      const lookup = await burst(
        CONCURRENCY,
        async (i) => (await t.command(`lookup ${QUERIES[i % 10]}`)).elapsedMs,
      );
      const note = await measureOpen(t, (triggerId) => t.command('note', { triggerId }));
      const shortcut = await measureOpen(t, (triggerId) =>
        t.interact(
          messageActionPayload({
            callbackId: SHORTCUT.logToCrm,
            triggerId,
            message: { text: 'Call ada.lovelace@example.com back about the renewal', user: 'U0ALICE' },
          }),
        ),
      );
      const options = await burst(
        CONCURRENCY,
        async (i) =>
          (
            await t.interact(
              blockSuggestionPayload({
                actionId: ACTION.contactPicker,
                blockId: BLOCK.contact,
                value: `${QUERIES[i % QUERIES.length]}${i >= QUERIES.length ? ` ${i}` : ''}`,
              }),
            )
          ).elapsedMs,
      );
      const acks = [...lookup, ...note.acks, ...shortcut.acks];
      const a = summarise(acks);
      const o = summarise([...note.opens, ...shortcut.opens]);
      const opt = summarise(options);
      const tag = `agile ${latencyMs} ms`;
      out[`${tag}: ack p50/p99 ms`] = `${a.p50} / ${a.p99}`;
      out[`${tag}: ack p99 ÷ bare p99`] = ratio(a.p99, bareP99);
      out[`${tag}: request→views.open p50/p99 ms`] = `${o.p50} / ${o.p99}`;
      out[`${tag}: modals opened`] = `${note.opened + shortcut.opened}/${2 * CONCURRENCY}`;
      out[`${tag}: options load p50/p99 ms`] = `${opt.p50} / ${opt.p99}`;
    } finally {
      await t.close();
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSlackBench().then((r) => console.table(r));
}
