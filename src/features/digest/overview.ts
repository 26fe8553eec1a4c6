import type { DigestRun, Store } from '../../platform/store/index.js';
import { nextPostOf } from './schedule.js';

/** Digests at a glance, for `/crm status` (reached through Deps: features do not import each other). */
export interface DigestOverview {
  enabledSchedules: number;
  /** The latest run of any enabled schedule. */
  lastRun: (Pick<DigestRun, 'status' | 'localDate' | 'error'> & { channelId: string; atMs: number }) | null;
  /** The soonest next post among enabled schedules. */
  nextPostAt: Date | null;
}

export async function digestOverview(store: Store, now: Date): Promise<DigestOverview> {
  const schedules = await store.digestSchedules.listEnabled();
  let lastRun: DigestOverview['lastRun'] = null;
  let nextPostAt: Date | null = null;
  for (const schedule of schedules) {
    const run = schedule.lastRun;
    const atMs = run ? (run.postedMs ?? run.updatedMs) : 0;
    if (run && (!lastRun || atMs > lastRun.atMs)) {
      const { status, localDate, error } = run;
      lastRun = { status, localDate, error, channelId: schedule.channelId, atMs };
    }
    const next = nextPostOf(schedule, now);
    if (!nextPostAt || next < nextPostAt) nextPostAt = next;
  }
  return { enabledSchedules: schedules.length, lastRun, nextPostAt };
}
