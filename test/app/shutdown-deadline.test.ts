import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL, TEAM } from '../helpers/payloads.js';
import { simulatorOf, startTestBot, type TestBot } from '../helpers/test-bot.js';

/**
 * The drain's deadline (README → Shutdown) holds for the background jobs too: a follow poll stuck in CRM
 * calls, or a store purge that does not end, is logged and left behind, and stop() still returns. The
 * real process (shutdown.test.ts) exits once stop() returns.
 */
describe('shutdown deadline (bot.stop)', () => {
  const SHUTDOWN_TIMEOUT_SECONDS = 1;
  let t: TestBot | undefined;
  afterEach(async () => {
    // stop() already ran: only the fake servers are left to close (the simulator drops its hung requests).
    await Promise.all([t?.slack.close(), t?.agile?.close()]);
    t = undefined;
  });

  const start = () =>
    startTestBot({
      env: { SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS) },
      scheduler: { enabled: false },
      followPoller: { enabled: false },
      heldReplies: { enabled: false },
    });
  const logged = (bot: TestBot, msg: string) => bot.logs.some((l) => l.msg === msg);

  /** stop()'s duration in ms. */
  async function timedStop(bot: TestBot): Promise<number> {
    const started = Date.now();
    await bot.bot.stop();
    return Date.now() - started;
  }

  it('a follow poll hanging in Agile calls does not hold stop() past SHUTDOWN_TIMEOUT_SECONDS', async () => {
    t = await start();
    const bot = t;
    await bot.command('follow Acme pilot: 20 seats');
    await bot.idle();
    expect(await bot.bot.deps.store.follows.listForChannel(TEAM.id, CHANNEL.id)).toHaveLength(1);

    // Every Agile call from now on gets no answer (the client waits 10 s an attempt, then retries).
    const sim = simulatorOf(bot);
    sim.faults.hangNext(1000);
    const before = sim.requests.length;
    const poll = bot.bot.followPoller.tick().catch((err: unknown) => err);
    await vi.waitFor(() => expect(sim.requests.length).toBeGreaterThan(before), { timeout: 5_000 });

    const ms = await timedStop(bot);
    // The deadline, plus at most the one-second floor a later step gets once it has passed.
    expect(ms).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_SECONDS * 1000 - 50);
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_SECONDS * 1000 + 1500);
    expect(
      logged(
        bot,
        'shutdown deadline passed with a follow poll still running (its follows are polled again at the next interval)',
      ),
    ).toBe(true);
    void poll;
  });

  it('a store purge that never ends does not hold stop() either', async () => {
    t = await start();
    const bot = t;
    // The purge started at start-up is still running (a database that does not answer).
    bot.bot.housekeeping.stop = () => new Promise<void>(() => {});
    const ms = await timedStop(bot);
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_SECONDS * 1000 + 1500);
    expect(
      logged(
        bot,
        'shutdown deadline passed with a store purge still running (it runs again at the next start)',
      ),
    ).toBe(true);
  });
});
