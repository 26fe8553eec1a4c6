import type { Metrics } from '../metrics.js';
import { currentRequest } from '../request-context.js';

type Fetch = typeof globalThis.fetch;

/** `https://slack.com/api/chat.postMessage` → `chat.postMessage`; anything else is a response_url post. */
function methodOf(url: string): string {
  const m = /\/api\/([a-z]+(?:\.[A-Za-z]+)+)(?:[?#]|$)/.exec(url);
  return m?.[1] ?? 'response_url';
}

/**
 * The `fetch` every Slack client of the bot uses (Bolt's clients and respond(), the digests' client):
 * the one place each Web API call passes through, counted by method and status, 429s apart, and
 * views.open timed from the receipt of the request that triggered it.
 */
export function meteredSlackFetch(metrics: Metrics, inner: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = methodOf(url);
    let status = 'network';
    try {
      const response = await inner(input, init);
      status = String(response.status);
      if (response.status === 429) metrics.slackApiRateLimited.inc({ method });
      const receivedAtMs = currentRequest()?.receivedAtMs;
      if (method === 'views.open' && receivedAtMs !== undefined) {
        metrics.viewsOpenSeconds.observe((Date.now() - receivedAtMs) / 1000);
      }
      return response;
    } finally {
      metrics.slackApiCalls.inc({ method, status });
    }
  };
}
