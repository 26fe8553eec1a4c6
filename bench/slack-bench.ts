import { ACTION, BLOCK, SHORTCUT } from '../src/platform/slack/ids.js';
import { blockSuggestionPayload, messageActionPayload, newTriggerId } from '../test/helpers/payloads.js';
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

/**
 * Issue 3's benchmark: 50 concurrent `/crm lookup`, `/crm note` (opens a modal), "Log to CRM" message
 * shortcuts (open a modal) and contact-picker options loads, with Agile at 300 ms and 2.5 s.
 * The bot and the bare-Bolt floor each run alone in a child process (bench/sut.ts), the Agile
 * simulator and the fake Slack in another (bench/upstreams.ts), the load generator here. Both
 * targets get one unmeasured warm-up round, then ROUNDS measured rounds, alternating which goes first.
 */
export const CONCURRENCY = 50;
export const ROUNDS = 5;
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

/** Never a prefix of another round's query: every options load misses the bot's search cache. */
const coldQuery = (round: number, i: number) =>
  `${QUERIES[i % QUERIES.length]} ${((round + 1) * CONCURRENCY + i).toString(36).padStart(2, '0')}`;

/** One round: the four bursts back to back, then (bot) the modals' views.open and a quiet upstream. */
async function slackRound(
  up: Upstreams,
  t: Target,
  round: number,
  latencyMs: number,
  samples?: Samples,
): Promise<void> {
  if (t.kind === 'bot') await up.resetSlack();
  const lookup = await burst(CONCURRENCY, (i) => t.command(`lookup ${QUERIES[i % QUERIES.length]}`));
  const note = await burst(CONCURRENCY, () => t.command('note'));
  const shortcut = await burst(CONCURRENCY, () =>
    t.interact(
      messageActionPayload({
        callbackId: SHORTCUT.logToCrm,
        triggerId: newTriggerId(),
        message: { text: 'Call ada.lovelace@example.com back about the renewal', user: 'U0ALICE' },
      }),
    ),
  );
  const options = await burst(CONCURRENCY, (i) =>
    t.interact(
      blockSuggestionPayload({
        actionId: ACTION.contactPicker,
        blockId: BLOCK.contact,
        value: coldQuery(round, i),
      }),
    ),
  );
  const failed = [...lookup, ...note, ...shortcut, ...options].filter((r) => r.status !== 200).length;
  if (failed > 0) throw new Error(`${t.kind}: ${failed} requests not answered 200`);
  samples?.add(t.kind, 'lookup', ms(lookup));
  samples?.add(t.kind, 'note', ms(note));
  samples?.add(t.kind, 'shortcut', ms(shortcut));
  samples?.add(t.kind, 'options', ms(options));
  if (t.kind !== 'bot') return;
  await up.waitForCalls('views.open', 2 * CONCURRENCY, 5000);
  const opens = (await up.calls('views.open')).flatMap((c) => c.sinceTriggerMs ?? []);
  samples?.add(t.kind, 'views.open', opens);
  samples?.add(t.kind, 'opened', [opens.length]);
  await up.waitQuiet(settleQuietMs(latencyMs), 4 * latencyMs + 3000);
}

export async function runSlackBench(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {
    method: `bot, bare Bolt, upstreams, load generator: 4 processes; 1 warm-up + ${ROUNDS} alternating rounds × ${CONCURRENCY} concurrent per surface`,
  };
  await withUpstreams((up) =>
    forEachLatency(up, [300, 2500], async ({ bare, bot }, latencyMs) => {
      const s = new Samples();
      await alternate(1, [bare, bot], (t) => slackRound(up, t, -1, latencyMs));
      await alternate(ROUNDS, [bare, bot], (t, r) => slackRound(up, t, r, latencyMs, s));
      const tag = `agile ${latencyMs} ms`;
      const acks = ['lookup', 'note', 'shortcut'];
      const bareAck = summarise(s.get('bare', ...acks));
      const botAck = summarise(s.get('bot', ...acks));
      out[`${tag}: bare ack p50 / p99 ms`] = p50p99(s.get('bare', ...acks));
      out[`${tag}: bot ack p50 / p99 ms`] = p50p99(s.get('bot', ...acks));
      out[`${tag}: ack p99 bot ÷ bare (target ≤ 1.5)`] = ratio(botAck.p99, bareAck.p99);
      out[`${tag}: ack p50 bot ÷ bare`] = ratio(botAck.p50, bareAck.p50);
      for (const surface of acks) {
        out[`${tag}: ${surface} ack p99 bot / bare ms`] =
          `${summarise(s.get('bot', surface)).p99} / ${summarise(s.get('bare', surface)).p99}`;
      }
      const opened = sum(s.get('bot', 'opened'));
      out[`${tag}: request→views.open p50 / p99 ms (target ≤ 300)`] = p50p99(s.get('bot', 'views.open'));
      out[`${tag}: modals opened`] = `${opened}/${2 * CONCURRENCY * ROUNDS}`;
      out[`${tag}: options bot p50 / p99 ms (target < 1500 at 2.5 s)`] = p50p99(s.get('bot', 'options'));
      out[`${tag}: options bare p50 / p99 ms`] = p50p99(s.get('bare', 'options'));
    }),
  );
  return out;
}

runIfEntry(import.meta.url, runSlackBench);
