import type { z } from 'zod';
import { LIMITS } from './mrkdwn.js';

/** private_metadata carries a modal's context (channel, message, ids); Slack caps it at 3,000 characters. */
export function encodeMetadata(value: Record<string, unknown>): string {
  const text = JSON.stringify(value);
  if (text.length > LIMITS.privateMetadata) {
    throw new Error(`private_metadata too long (${text.length} > ${LIMITS.privateMetadata})`);
  }
  return text;
}

/** Parses private_metadata with a schema; anything unreadable gives the schema's defaults or undefined. */
export function decodeMetadata<S extends z.ZodType>(
  raw: string | undefined,
  schema: S,
): z.output<S> | undefined {
  try {
    const parsed = schema.safeParse(raw ? JSON.parse(raw) : {});
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
