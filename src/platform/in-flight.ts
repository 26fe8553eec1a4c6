/**
 * Listener work still running (after its ack, Bolt keeps running the listener: CRM calls, views.update,
 * confirmations). Counted so that shutdown can drain it and tests can wait for the bot to be idle
 * instead of sleeping.
 */
export interface InFlight {
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly count: number;
  /** Resolves once no tracked work is running (at once when none is). */
  idle(): Promise<void>;
}

export function createInFlight(): InFlight {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    get count() {
      return count;
    },
    async run(work) {
      count += 1;
      try {
        return await work();
      } finally {
        count -= 1;
        if (count === 0) {
          const wake = waiters;
          waiters = [];
          for (const w of wake) w();
        }
      }
    },
    idle() {
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
