import { createHmac } from 'node:crypto';
import type { SlashCommand } from '@slack/bolt';
import type { InteractionPayload } from './payloads.js';

/** Signs and sends requests exactly as Slack does (v0 HMAC-SHA256 over `v0:{ts}:{rawBody}`). */

export interface SlackResponse {
  status: number;
  /** Raw response body ('' for a bare ack). */
  body: string;
  /** The body parsed when it is JSON (options loads, response_action answers). */
  json?: unknown;
  elapsedMs: number;
}

export interface SignOptions {
  /** Sign with this secret instead (a forged request). */
  secret?: string;
  /** Request timestamp in epoch seconds (default now); see STALE_SEC / FUTURE_SEC. */
  timestampSec?: number;
  /** Extra headers (e.g. X-Slack-Retry-Num for events). */
  headers?: Record<string, string>;
}

const nowSec = () => Math.floor(Date.now() / 1000);
/** 6 minutes old: outside Slack's 5-minute window. */
export const staleTimestampSec = () => nowSec() - 6 * 60;
/** 6 minutes ahead: must be refused too. */
export const futureTimestampSec = () => nowSec() + 6 * 60;

export function signature(secret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export async function sendSigned(
  url: string,
  secret: string,
  rawBody: string,
  contentType: string,
  opts: SignOptions = {},
): Promise<SlackResponse> {
  const ts = opts.timestampSec ?? nowSec();
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature(opts.secret ?? secret, ts, rawBody),
      ...opts.headers,
    },
    body: rawBody,
  });
  const body = await res.text();
  const elapsedMs = performance.now() - started;
  let json: unknown;
  if (body && res.headers.get('content-type')?.includes('application/json')) json = JSON.parse(body);
  return { status: res.status, body, json, elapsedMs };
}

const FORM = 'application/x-www-form-urlencoded';

/** A slash command, form-encoded (build it with commandPayload()). */
export function sendCommand(
  url: string,
  secret: string,
  command: SlashCommand,
  opts?: SignOptions,
): Promise<SlackResponse> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(command)) if (v !== undefined) form.set(k, String(v));
  return sendSigned(url, secret, form.toString(), FORM, opts);
}

/** block_actions, view_submission, view_closed, message_action, block_suggestion: `payload=<json>`. */
export function sendInteraction(
  url: string,
  secret: string,
  payload: InteractionPayload,
  opts?: SignOptions,
): Promise<SlackResponse> {
  const form = new URLSearchParams({ payload: JSON.stringify(payload) });
  return sendSigned(url, secret, form.toString(), FORM, opts);
}

/** An Events API envelope (event_callback / url_verification), as JSON. */
export function sendEvent(
  url: string,
  secret: string,
  envelope: Record<string, unknown>,
  opts?: SignOptions,
): Promise<SlackResponse> {
  return sendSigned(url, secret, JSON.stringify(envelope), 'application/json', opts);
}
