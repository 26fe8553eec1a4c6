/**
 * The periodic loop of the background jobs (digest scheduler, follow poller, held-reply sender): a tick
 * at start, then one per timer. Ticks never stack (a slow database or CRM must not pile them up): a
 * tick still running answers for the next one. stop() waits for the running tick.
 */
export interface Ticker<T> {
  /** One tick now, or the one still running. */
  tick(): Promise<T>;
  /** A first tick at once, then one per delayMs(); a second call, or one after stop(), does nothing. */
  start(): void;
  /** No timed tick after this; resolves once the running tick (if any) has finished. */
  stop(): Promise<void>;
  /** Set by stop(): the work checks it to stop part way. */
  readonly stopped: boolean;
}

export interface TickerOptions<T> {
  work: () => Promise<T>;
  /** The wait before the next timed tick, asked each time the timer is set (it may align to the clock). */
  delayMs: () => number;
  /** Logs a timed tick that failed (a tick called by hand rejects to its caller instead). */
  onError: (err: unknown) => void;
  /**
   * When the next wait starts: as the timer fires (default; a tick longer than the wait is answered by
   * itself), or once the timed tick has settled (the wait is the gap between ticks).
   */
  nextAfter?: 'fired' | 'settled';
  /** Called as the timer fires, before its tick. */
  onFire?: () => void;
}

export function createTicker<T>(opts: TickerOptions<T>): Ticker<T> {
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<T> | undefined;
  let started = false;
  let stopped = false;

  const ticker: Ticker<T> = {
    get stopped() {
      return stopped;
    },
    tick() {
      ticking ??= opts.work().finally(() => {
        ticking = undefined;
      });
      return ticking;
    },
    start() {
      if (started || stopped) return;
      started = true;
      const timed = () => ticker.tick().catch(opts.onError);
      const next = () => {
        if (stopped) return;
        timer = setTimeout(() => {
          opts.onFire?.();
          if (opts.nextAfter === 'settled') {
            void timed().finally(next);
          } else {
            void timed();
            next();
          }
        }, opts.delayMs());
        timer.unref();
      };
      void timed();
      next();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await ticking?.catch(() => undefined);
    },
  };
  return ticker;
}
