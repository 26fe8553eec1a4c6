import { z } from 'zod';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import { LIMITS } from '../../platform/slack/mrkdwn.js';
import type { ThreadMark } from './tickets.js';

/** Public reply (emailed to the customer) or private note. */
export const visibilitySchema = z.enum(['public', 'private'], {
  error: 'Choose Public reply or Private note.',
});

/** The Reply to ticket form, keyed by BLOCK (each issue shows under its input). */
export const replyFormSchema = z.object({
  ticket: z.string({ error: 'Pick the ticket to reply to.' }).min(1, 'Pick the ticket to reply to.'),
  // Trailing blanks go; what the user typed before them is sent as it is.
  reply: z
    .string({ error: 'Write the reply.' })
    .transform((text) => text.replace(/\s+$/, ''))
    .pipe(
      z
        .string()
        .regex(/\S/, 'Write the reply.')
        .max(LIMITS.inputMaxLength, `Keep the reply under ${LIMITS.inputMaxLength} characters.`),
    ),
  visibility: visibilitySchema,
});

/** What the modal carries between views: where to confirm, which ticket, what thread was shown. */
export interface TicketModalMetadata {
  /** Channel the command came from: the confirmation goes there, ephemeral to the actor. */
  channelId: string;
  ticketId?: string;
  /** Kept for the confirmation (cut: private_metadata holds 3,000 characters). */
  subject?: string;
  /** The thread as the user saw it; a newer message at submission holds the reply. */
  mark?: ThreadMark;
}

/** Even with every character escaped by JSON (×6), a subject this long stays far inside 3,000. */
const SUBJECT_METADATA_MAX = 300;

const metadataSchema = z.object({
  channelId: z.string().catch(''),
  ticketId: z.string().min(1).optional().catch(undefined),
  subject: z.string().optional().catch(undefined),
  mark: z.object({ count: z.number(), latestMs: z.number() }).optional().catch(undefined),
});

export function encodeTicketMetadata(meta: TicketModalMetadata): string {
  return encodeMetadata({
    channelId: meta.channelId,
    ...(meta.ticketId ? { ticketId: meta.ticketId } : {}),
    ...(meta.subject !== undefined ? { subject: meta.subject.slice(0, SUBJECT_METADATA_MAX) } : {}),
    ...(meta.mark ? { mark: { count: meta.mark.count, latestMs: meta.mark.latestMs } } : {}),
  });
}

/** Never throws: a damaged or foreign private_metadata reads as an empty one. */
export function decodeTicketMetadata(raw: string | undefined): TicketModalMetadata {
  const m = decodeMetadata(raw, metadataSchema);
  if (!m) return { channelId: '' };
  return {
    channelId: m.channelId,
    ...(m.ticketId ? { ticketId: m.ticketId } : {}),
    ...(m.subject !== undefined ? { subject: m.subject } : {}),
    ...(m.mark ? { mark: m.mark } : {}),
  };
}
