import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line and audit record of one Slack request's work carries. */
export interface RequestContext {
  /** Slack's own id where the payload has one (event_id, trigger_id), else one we make. */
  requestId: string;
  teamId?: string;
  userId?: string;
  /** When the request reached the bot (epoch ms): Slack's 3 s clocks (ack, trigger_id) start here. */
  receivedAtMs?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (and everything it starts, post-ack work included) inside this request's context. */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
