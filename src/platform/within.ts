/** What `within` answers when the work did not settle in time. */
export const TIMEOUT = Symbol('timeout');

/**
 * The one timeout helper: the work's outcome, or TIMEOUT once `ms` have passed. Slack's 3-second
 * rules leave a budget, not a deadline for the work: it goes on, and a failure after the budget is
 * ignored (never an unhandled rejection).
 */
export function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
