import type { Server } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import { sendCommand, sendInteraction } from '../test/helpers/slack-requests.js';

/** Nearest-rank percentile of a sample, in the sample's unit. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarise(values: number[]): { p50: number; p99: number; max: number } {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  };
}

/** Runs `count` calls of `fn` all at once and returns what each resolved to. */
export async function burst<T>(count: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => fn(i)));
}

export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/**
 * The framework's floor: a Bolt app with the same receiver and signature checks that only acks.
 * Every latency target is a ratio against this, measured in the same run on the same machine.
 */
export async function startBareBolt(signingSecret: string): Promise<{ url: string; close(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events' });
  const app = new App({
    receiver,
    token: 'xoxb-bare',
    tokenVerificationEnabled: false,
    botId: 'B0',
    botUserId: 'U0',
  });
  app.command('/crm', async ({ ack }) => ack());
  app.shortcut(/.*/, async ({ ack }) => ack());
  app.options(/.*/, async ({ ack }) => ack({ options: [] }));
  const server = (await app.start(0)) as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    close: async () => {
      await app.stop();
    },
  };
}

/**
 * The bare-Bolt floor of one run: `concurrency` slash commands at once, then as many options loads
 * (`optionsPayload(i)` for the i-th), each timed from send to ack.
 */
export async function measureBareBolt(
  signingSecret: string,
  concurrency: number,
  command: Parameters<typeof sendCommand>[2],
  optionsPayload: (i: number) => Parameters<typeof sendInteraction>[2],
): Promise<{ command: number[]; options: number[] }> {
  const bare = await startBareBolt(signingSecret);
  try {
    const commandMs = await burst(
      concurrency,
      async () => (await sendCommand(bare.url, signingSecret, command)).elapsedMs,
    );
    const optionsMs = await burst(
      concurrency,
      async (i) => (await sendInteraction(bare.url, signingSecret, optionsPayload(i))).elapsedMs,
    );
    return { command: commandMs, options: optionsMs };
  } finally {
    await bare.close();
  }
}
