import { z } from 'zod';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';

/** What the Log thread modal carries between its views (private_metadata, ≤ 3000 characters). */
export interface ThreadModalMeta {
  channel: string;
  channelName?: string;
  threadTs: string;
  /** The newest message the preview showed: the note logs up to it, so a retry writes the same notes. */
  latestTs?: string;
  permalink?: string;
  /** The form asked "Log it again?" (the thread had been logged before it opened). */
  asked?: boolean;
}

const threadMetaSchema = z.object({
  channel: z.string(),
  channelName: z.string().optional(),
  threadTs: z.string(),
  latestTs: z.string().optional(),
  permalink: z.string().optional(),
  asked: z.boolean().optional(),
});

const META_NAME_MAX = 200;
const META_PERMALINK_MAX = 1000;

export function encodeThreadMeta(meta: ThreadModalMeta): string {
  return encodeMetadata({
    channel: meta.channel,
    channelName: meta.channelName?.slice(0, META_NAME_MAX),
    threadTs: meta.threadTs,
    latestTs: meta.latestTs,
    permalink: meta.permalink && meta.permalink.length <= META_PERMALINK_MAX ? meta.permalink : undefined,
    asked: meta.asked,
  });
}

/** Never throws: damaged or foreign metadata reads as undefined (the submission says so). */
export function decodeThreadMeta(raw: string | undefined): ThreadModalMeta | undefined {
  return decodeMetadata(raw, threadMetaSchema);
}

const PICK_ONE = 'Pick the contact or the deal this thread is about';

/** The Log thread form: one contact or one deal (keys are BLOCK keys, so issues show under their input). */
export const threadFormSchema = z
  .object({
    contact: z.string().optional(),
    deal: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.contact && !v.deal) ctx.addIssue({ code: 'custom', path: ['contact'], message: PICK_ONE });
    if (v.contact && v.deal)
      ctx.addIssue({ code: 'custom', path: ['deal'], message: 'Pick a contact or a deal, not both' });
  });

export type ThreadTarget = { kind: 'contact' | 'deal'; id: string; name: string };
