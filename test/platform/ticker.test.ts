import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTicker, type TickerOptions } from '../../src/platform/ticker.js';

/** A tick whose end the test decides: `finish()` resolves the oldest running one. */
function gatedWork() {
  const gates: (() => void)[] = [];
  let calls = 0;
  return {
    work: () => {
      calls += 1;
      const n = calls;
      return new Promise<number>((resolve) => gates.push(() => resolve(n)));
    },
    finish() {
      gates.shift()?.();
    },
    get calls() {
      return calls;
    },
  };
}

function ticker(work: () => Promise<number>, extra: Partial<TickerOptions<number>> = {}) {
  const errors: unknown[] = [];
  const t = createTicker({ work, delayMs: () => 1000, onError: (err) => errors.push(err), ...extra });
  return { t, errors };
}

describe('createTicker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not stack: a tick still running answers for the next one', async () => {
    const g = gatedWork();
    const { t } = ticker(g.work);
    const first = t.tick();
    const second = t.tick();
    expect(second).toBe(first);
    expect(g.calls).toBe(1);
    g.finish();
    expect(await first).toBe(1);
    const third = t.tick();
    expect(g.calls).toBe(2);
    g.finish();
    expect(await third).toBe(2);
  });

  it('ticks at start, then once per delay; a timer firing during a slow tick starts no second one', async () => {
    const g = gatedWork();
    const { t } = ticker(g.work);
    t.start();
    t.start();
    expect(g.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(g.calls).toBe(1);
    g.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(g.calls).toBe(2);
    g.finish();
    await t.stop();
  });

  it.each([
    { nextAfter: undefined, nextAtMs: 2000 },
    { nextAfter: 'fired', nextAtMs: 2000 },
    { nextAfter: 'settled', nextAtMs: 2500 },
  ] as const)(
    'nextAfter $nextAfter: a timed tick ending at 1500 ms is followed by one at $nextAtMs ms',
    async ({ nextAfter, nextAtMs }) => {
      const g = gatedWork();
      const { t } = ticker(g.work, { nextAfter });
      t.start();
      g.finish();
      await vi.advanceTimersByTimeAsync(1000);
      expect(g.calls).toBe(2);
      await vi.advanceTimersByTimeAsync(500);
      g.finish();
      await vi.advanceTimersByTimeAsync(nextAtMs - 1500 - 1);
      expect(g.calls).toBe(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(g.calls).toBe(3);
      g.finish();
      await t.stop();
    },
  );

  it('stop waits for the running tick, and no tick comes after it', async () => {
    const g = gatedWork();
    const { t } = ticker(g.work);
    t.start();
    let stopped = false;
    const stopping = t.stop().then(() => {
      stopped = true;
    });
    expect(t.stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    g.finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(g.calls).toBe(1);
    t.start();
    expect(g.calls).toBe(1);
  });

  it("'settled': stopped during a timed tick, no timer is set once it ends", async () => {
    const g = gatedWork();
    const { t } = ticker(g.work, { nextAfter: 'settled' });
    t.start();
    g.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(g.calls).toBe(2);
    const stopping = t.stop();
    g.finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(g.calls).toBe(2);
  });

  it('a failed timed tick is logged and the loop goes on; onFire runs before each timed tick', async () => {
    let calls = 0;
    const fired: number[] = [];
    const { t, errors } = ticker(
      async () => {
        calls += 1;
        throw new Error(`boom ${calls}`);
      },
      { onFire: () => fired.push(calls) },
    );
    t.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toBe(3);
    expect(fired).toEqual([1, 2]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom 1', 'boom 2', 'boom 3']);
    await expect(t.tick()).rejects.toThrow('boom 4');
    await t.stop();
  });

  it('asks for the delay each time the timer is set', async () => {
    const g = gatedWork();
    const delays = [100, 300];
    const { t } = ticker(g.work, { delayMs: () => delays.shift() ?? 10_000 });
    t.start();
    g.finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(g.calls).toBe(2);
    g.finish();
    await vi.advanceTimersByTimeAsync(299);
    expect(g.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.calls).toBe(3);
    g.finish();
    await t.stop();
  });
});
