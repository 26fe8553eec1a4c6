import { encodeMoveMetadata } from '../src/listeners/commands/move.js';
import { ACTION, BLOCK, CALLBACK } from '../src/slack/ids.js';
import {
  blockSuggestionPayload,
  commandPayload,
  newTriggerId,
  viewSubmissionPayload,
} from '../test/helpers/payloads.js';
import { startTestBot, TEST_SIGNING_SECRET, type TestBot } from '../test/helpers/test-bot.js';
import { burst, measureBareBolt, ratio, summarise } from './lib.js';

/**
 * Issue 4's benchmark: the deal picker's options load and the move flow (`/crm move` → views.open,
 * then the submission's ack), 50 at once, with Agile at 300 ms and 2.5 s, against the bare-Bolt floor
 * (bench/lib.ts startBareBolt: same receiver and signature checks, only acks).
 */
const CONCURRENCY = 50;
const QUERIES = [
  'acme',
  'northwind',
  'globex',
  'renewal',
  'initech',
  'crypto',
  'web',
  'cpp',
  'vint',
  'pilot',
];

async function waitForCalls(t: TestBot, method: string, count: number, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (t.slack.calls(method).length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

const optionsLoad = (t: TestBot, i: number) =>
  t.interact(
    blockSuggestionPayload({
      actionId: ACTION.dealPicker,
      blockId: BLOCK.deal,
      value: QUERIES[i % QUERIES.length] ?? '',
    }),
  );

export async function runDealsBench(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { concurrency: CONCURRENCY };
  const { command: bareCmd, options: bareOptions } = await measureBareBolt(
    TEST_SIGNING_SECRET,
    CONCURRENCY,
    commandPayload('move'),
    (i) => blockSuggestionPayload({ actionId: ACTION.dealPicker, value: QUERIES[i % QUERIES.length] ?? '' }),
  );
  const bareCmdP99 = summarise(bareCmd).p99;
  const bareOptP99 = summarise(bareOptions).p99;
  out['bare bolt command ack p50/p99 ms'] = `${summarise(bareCmd).p50} / ${bareCmdP99}`;
  out['bare bolt options p50/p99 ms'] = `${summarise(bareOptions).p50} / ${bareOptP99}`;

  for (const latencyMs of [300, 2500]) {
    const t = await startTestBot({ env: { LOG_LEVEL: 'silent' } });
    const tag = `agile ${latencyMs} ms`;
    try {
      const sim = t.agile;
      if (!sim) throw new Error('no simulator');
      sim.faults.latencyMs = latencyMs;

      // Deal picker: the first burst finds an empty cache; the second a warm one.
      const cold = await burst(CONCURRENCY, async (i) => (await optionsLoad(t, i)).elapsedMs);
      await new Promise((r) => setTimeout(r, latencyMs * 2 + 200)); // the list lands in the cache
      const warmRes = await burst(CONCURRENCY, (i) => optionsLoad(t, i));
      const warm = warmRes.map((r) => r.elapsedMs);
      const answered = warmRes.filter(
        (r) => ((r.json as { options?: unknown[] })?.options?.length ?? 0) > 0,
      ).length;
      const c = summarise(cold);
      const w = summarise(warm);
      out[`${tag}: options cold p50/p99 ms`] = `${c.p50} / ${c.p99}`;
      out[`${tag}: options warm p50/p99 ms`] = `${w.p50} / ${w.p99}`;
      out[`${tag}: options warm p99 ÷ bare p99`] = ratio(w.p99, bareOptP99);
      out[`${tag}: options warm non-empty`] = `${answered}/${CONCURRENCY}`;

      // /crm move → views.open.
      t.slack.reset();
      const sentAt = new Map<string, number>();
      const acks = await burst(CONCURRENCY, async () => {
        const triggerId = newTriggerId();
        sentAt.set(triggerId, Date.now());
        return (await t.command('move', { triggerId })).elapsedMs;
      });
      await waitForCalls(t, 'views.open', CONCURRENCY);
      const opens = t.slack
        .calls('views.open')
        .map((call) => call.atMs - (sentAt.get(String(call.args.trigger_id)) ?? call.atMs));
      const a = summarise(acks);
      const o = summarise(opens);
      out[`${tag}: /crm move ack p50/p99 ms`] = `${a.p50} / ${a.p99}`;
      out[`${tag}: /crm move ack p99 ÷ bare p99`] = ratio(a.p99, bareCmdP99);
      out[`${tag}: /crm move → views.open p50/p99 ms`] = `${o.p50} / ${o.p99}`;

      // Move submissions: 50 modals, each moving a Sales deal to Won (real writes through the budget).
      const tracks = sim.state.tracks;
      const sales = tracks.find((x) => x.name === 'Sales');
      const deals = sim.state.deals.filter((d) => d.pipelineId === sales?.id);
      const milestones = (sales?.milestones ?? '').split(',');
      const subs = await burst(CONCURRENCY, async (i) => {
        const d = deals[i % deals.length];
        if (!d) throw new Error('no deal');
        const res = await t.interact(
          viewSubmissionPayload({
            callbackId: CALLBACK.moveModal,
            id: `VBENCH${latencyMs}_${i}`,
            privateMetadata: encodeMoveMetadata({
              d: d.id,
              n: d.name,
              cur: d.milestone,
              ms: milestones,
              lost: ['Lost'],
            }),
            values: {
              [BLOCK.deal]: { [ACTION.dealPicker]: { type: 'external_select', value: d.id } },
              [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: 'Won' } },
            },
          }),
        );
        return res;
      });
      const s = summarise(subs.map((r) => r.elapsedMs));
      const saving = subs.filter(
        (r) => (r.json as { response_action?: string })?.response_action === 'update',
      ).length;
      out[`${tag}: move submit ack p50/p99 ms`] = `${s.p50} / ${s.p99}`;
      out[`${tag}: move submit ack p99 ÷ bare p99`] = ratio(s.p99, bareCmdP99);
      out[`${tag}: move submits acked with "Saving…"`] = `${saving}/${CONCURRENCY}`;
      await new Promise((r) => setTimeout(r, latencyMs * 3 + 500)); // let slow saves finish before closing
    } finally {
      await t.close();
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDealsBench().then((r) => {
    console.table(r);
    process.exit(0);
  });
}
