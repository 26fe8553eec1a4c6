import type { Logger } from 'pino';
import type { Store } from './index.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface PurgeReport {
  idempotencyKeys: number;
  cacheEntries: number;
  auditRows: number;
  digestRuns: number;
  undoActions: number;
}

/** Finished digest runs are kept this long (each schedule's latest run is always kept). */
export const DIGEST_RUN_RETENTION_DAYS = 30;
/** Undo rows are kept a day: their window is 10 minutes, the rest is for looking back at a click. */
export const UNDO_RETENTION_MS = DAY_MS;

/** Deletes expired keys and cache entries, and audit rows past retention: at start, then every interval. */
export interface StoreHousekeeping {
  /** One purge now (the timer calls this; tests call it after moving the clock). */
  run(): Promise<PurgeReport>;
  start(): void;
  /** Stops the timer and waits for a purge still running (call before closing the store). */
  stop(): Promise<void>;
}

export function createStoreHousekeeping(opts: {
  store: Pick<Store, 'purgeExpired' | 'audit' | 'digestRuns' | 'undoActions'>;
  logger: Logger;
  now: () => Date;
  auditRetentionDays: number;
  intervalMs?: number;
}): StoreHousekeeping {
  const { store, logger } = opts;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PurgeReport> | undefined;

  const purge = async (): Promise<PurgeReport> => {
    const cutoffMs = opts.now().getTime() - opts.auditRetentionDays * DAY_MS;
    const expired = await store.purgeExpired();
    const runsCutoffMs = opts.now().getTime() - DIGEST_RUN_RETENTION_DAYS * DAY_MS;
    const report = {
      ...expired,
      auditRows: await store.audit.purgeOlderThan(cutoffMs),
      digestRuns: await store.digestRuns.purgeOlderThan(runsCutoffMs),
      undoActions: await store.undoActions.purgeBefore(opts.now().getTime() - UNDO_RETENTION_MS),
    };
    if (Object.values(report).some((n) => n > 0)) logger.info(report, 'store housekeeping purged old rows');
    return report;
  };

  const housekeeping: StoreHousekeeping = {
    run() {
      // Runs do not stack: one still running answers for the next.
      running ??= purge().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      if (timer) return;
      const tick = () => {
        housekeeping.run().catch((err: unknown) => logger.error({ err }, 'store housekeeping failed'));
      };
      tick();
      timer = setInterval(tick, opts.intervalMs ?? HOUR_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
  return housekeeping;
}
