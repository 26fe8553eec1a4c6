import { createHmac, randomBytes } from 'node:crypto';

/**
 * Slack's request signing (v0): HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret,
 * sent as X-Slack-Signature beside X-Slack-Request-Timestamp. Bolt verifies exactly this.
 */
export function slackSignature(secret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export function signedHeaders(secret: string, rawBody: string, nowMs = Date.now()): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': slackSignature(secret, ts, rawBody),
  };
}

/** Per-process credentials of the console: nothing to configure, nothing that works anywhere else. */
export function newConsoleCredentials(): { botToken: string; signingSecret: string } {
  return {
    botToken: `xoxb-console-${randomBytes(12).toString('hex')}`,
    signingSecret: randomBytes(32).toString('hex'),
  };
}
