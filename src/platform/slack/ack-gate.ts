import type { ServerResponse } from 'node:http';

/**
 * Acks first, across requests. Every Slack request must be acknowledged within 3 s, and on one event
 * loop a burst of requests competes for the CPU: the work a listener starts *after* its ack (opening a
 * modal, calling the CRM) would otherwise delay the acks of the requests queued behind it. Listeners
 * call `afterPendingAcks()` right after ack(): it resolves once no request is still waiting for its
 * answer, or after `maxWaitMs` so the follow-up work is never starved.
 */
export interface AckGate {
  /** Counts a request until its response has been sent. */
  track(res: ServerResponse): void;
  afterPendingAcks(maxWaitMs?: number): Promise<void>;
  readonly pending: number;
}

/** views.open must follow within ~300 ms of the request (a trigger_id lives 3 s): wait at most this. */
const DEFAULT_MAX_WAIT_MS = 150;

export function createAckGate(): AckGate {
  let pending = 0;
  const waiters = new Set<() => void>();
  const release = () => {
    for (const wake of waiters) wake();
    waiters.clear();
  };
  return {
    get pending() {
      return pending;
    },
    track(res) {
      pending += 1;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        pending -= 1;
        // After the current I/O callbacks: a response that just finished may be followed by others.
        if (pending === 0) setImmediate(() => pending === 0 && release());
      };
      res.once('finish', finish);
      res.once('close', finish);
    },
    afterPendingAcks(maxWaitMs = DEFAULT_MAX_WAIT_MS) {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, maxWaitMs);
        waiters.add(wake);
      });
    },
  };
}
