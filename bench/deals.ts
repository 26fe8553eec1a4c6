import { encodeMoveMetadata } from '../src/features/move/schema.js';
import { ACTION, BLOCK, CALLBACK } from '../src/platform/slack/ids.js';
import { blockSuggestionPayload, viewSubmissionPayload } from '../test/helpers/payloads.js';
import {
  alternate,
  burst,
  forEachLatency,
  elapsedMs as ms,
  p50p99,
  ratio,
  runIfEntry,
  Samples,
  settleQuietMs,
  sum,
  summarise,
  type Target,
  type Upstreams,
  withUpstreams,
} from './lib.js';
import { CONCURRENCY, ROUNDS } from './slack-bench.js';

/**
 * Issue 4's benchmark: the deal picker's options load and the move flow (`/crm move` → views.open,
 * then the submission's ack), 50 at once, with Agile at 300 ms and 2.5 s, against the bare-Bolt floor.
 * Same method as slack-bench.ts: bot, bare Bolt and upstreams each in their own process, a warm-up
 * round, then alternating measured rounds. The deal picker's cache holds the whole deal list, so its
 * cold load is the first burst a fresh bot process sees (one burst per latency, measured separately).
 */
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

interface SalesTrack {
  dealIds: { id: string; name: string; milestone: string }[];
  milestones: string[];
}

async function salesTrack(up: Upstreams): Promise<SalesTrack> {
  const { tracks, deals } = await up.get<{
    tracks: { id: string; name: string; milestones: string }[];
    deals: { id: string; name: string; pipelineId: string; milestone: string }[];
  }>('/agile/deals');
  const sales = tracks.find((t) => t.name === 'Sales');
  if (!sales) throw new Error('the simulator has no Sales track');
  return {
    dealIds: deals.filter((d) => d.pipelineId === sales.id),
    milestones: sales.milestones.split(','),
  };
}

const dealOptions = (t: Target) =>
  burst(CONCURRENCY, (i) =>
    t.interact(
      blockSuggestionPayload({
        actionId: ACTION.dealPicker,
        blockId: BLOCK.deal,
        value: QUERIES[i % QUERIES.length] ?? '',
      }),
    ),
  );

async function dealsRound(
  up: Upstreams,
  sales: SalesTrack,
  t: Target,
  round: number,
  latencyMs: number,
  samples?: Samples,
): Promise<void> {
  if (t.kind === 'bot') await Promise.all([up.resetSlack(), up.resetAgile()]);
  const options = await dealOptions(t);
  const move = await burst(CONCURRENCY, () => t.command('move'));
  // 50 Move modals submitted, each moving a Sales deal to Won (real writes through the save budget).
  const submits = await burst(CONCURRENCY, (i) => {
    const d = sales.dealIds[i % sales.dealIds.length];
    if (!d) throw new Error('no Sales deal');
    return t.interact(
      viewSubmissionPayload({
        callbackId: CALLBACK.moveModal,
        id: `VBENCH${latencyMs}_${round}_${i}`,
        privateMetadata: encodeMoveMetadata({
          dealId: d.id,
          dealName: d.name,
          current: d.milestone,
          milestones: sales.milestones,
          lost: ['Lost'],
        }),
        values: {
          [BLOCK.deal]: { [ACTION.dealPicker]: { type: 'external_select', value: d.id } },
          [BLOCK.milestone]: { [ACTION.milestoneSelect]: { type: 'static_select', value: 'Won' } },
        },
      }),
    );
  });
  const failed = [...options, ...move, ...submits].filter((r) => r.status !== 200).length;
  if (failed > 0) throw new Error(`${t.kind}: ${failed} requests not answered 200`);
  samples?.add(t.kind, 'options', ms(options));
  samples?.add(
    t.kind,
    'options non-empty',
    options.map((r) => (((r.json as { options?: unknown[] })?.options?.length ?? 0) > 0 ? 1 : 0)),
  );
  samples?.add(t.kind, 'move', ms(move));
  samples?.add(t.kind, 'submit', ms(submits));
  samples?.add(
    t.kind,
    'saving',
    submits.map((r) => ((r.json as { response_action?: string })?.response_action === 'update' ? 1 : 0)),
  );
  if (t.kind !== 'bot') return;
  await up.waitForCalls('views.open', CONCURRENCY, 5000);
  samples?.add(
    t.kind,
    'views.open',
    (await up.calls('views.open')).flatMap((c) => c.sinceTriggerMs ?? []),
  );
  // Slow saves finish (and write their confirmations) before the next round resets the CRM.
  await up.waitQuiet(settleQuietMs(latencyMs), 4 * latencyMs + 3000);
}

export async function runDealsBench(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {
    method: `as Slack surfaces; deal picker cold = first burst of a fresh bot process; then 1 warm-up + ${ROUNDS} alternating rounds × ${CONCURRENCY}`,
  };
  await withUpstreams(async (up) => {
    const sales = await salesTrack(up);
    await forEachLatency(up, [300, 2500], async ({ bare, bot }, latencyMs) => {
      const tag = `agile ${latencyMs} ms`;
      const s = new Samples();
      const cold = await dealOptions(bot);
      await alternate(1, [bare, bot], (t) => dealsRound(up, sales, t, -1, latencyMs));
      await alternate(ROUNDS, [bare, bot], (t, r) => dealsRound(up, sales, t, r, latencyMs, s));
      const bareOpt = summarise(s.get('bare', 'options'));
      const botOpt = summarise(s.get('bot', 'options'));
      const bareMove = summarise(s.get('bare', 'move'));
      const botMove = summarise(s.get('bot', 'move'));
      const botSubmit = summarise(s.get('bot', 'submit'));
      out[`${tag}: deal options cold (1 burst) p50 / p99 ms`] = p50p99(ms(cold));
      out[`${tag}: deal options warm bot p50 / p99 ms`] = p50p99(s.get('bot', 'options'));
      out[`${tag}: deal options bare p50 / p99 ms`] = p50p99(s.get('bare', 'options'));
      out[`${tag}: deal options warm p99 bot ÷ bare`] = ratio(botOpt.p99, bareOpt.p99);
      out[`${tag}: deal options warm non-empty`] =
        `${sum(s.get('bot', 'options non-empty'))}/${CONCURRENCY * ROUNDS}`;
      out[`${tag}: /crm move ack bot p50 / p99 ms`] = p50p99(s.get('bot', 'move'));
      out[`${tag}: /crm move ack bare p50 / p99 ms`] = p50p99(s.get('bare', 'move'));
      out[`${tag}: /crm move ack p99 bot ÷ bare (target ≤ 1.5)`] = ratio(botMove.p99, bareMove.p99);
      out[`${tag}: /crm move → views.open p50 / p99 ms (target ≤ 300)`] = p50p99(s.get('bot', 'views.open'));
      out[`${tag}: move submit ack bot p50 / p99 ms`] = p50p99(s.get('bot', 'submit'));
      out[`${tag}: move submit ack bare p50 / p99 ms`] = p50p99(s.get('bare', 'submit'));
      out[`${tag}: move submit ack p99 bot ÷ bare`] = ratio(
        botSubmit.p99,
        summarise(s.get('bare', 'submit')).p99,
      );
      out[`${tag}: move submits acked with "Saving…"`] =
        `${sum(s.get('bot', 'saving'))}/${CONCURRENCY * ROUNDS}`;
    });
  });
  return out;
}

runIfEntry(import.meta.url, runDealsBench);
