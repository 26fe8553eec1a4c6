import { z } from 'zod';
import { ACTION, BLOCK } from '../../platform/slack/ids.js';
import { decodeMetadata, encodeMetadata } from '../../platform/slack/metadata.js';
import type { StateReader } from '../../platform/slack/view-state.js';
import { isEmail } from '../../platform/text.js';
import type { ConnectScope } from '../command/grammar.js';
import { normalizeAgileDomain } from './domain.js';

/** Agile API keys are ~26 characters; anything past this is a paste gone wrong. */
const API_KEY_MAX = 200;

/** What the connect form says about itself: whose account, and (personal) the workspace's domain. */
export interface ConnectMetadata {
  scope: ConnectScope;
  /** Personal: the workspace's Agile domain, which the member's login must belong to (null if unknown). */
  domain: string | null;
}

const metadataSchema = z.object({
  scope: z.enum(['workspace', 'personal']),
  domain: z.string().nullable().default(null),
});

export const encodeConnectMetadata = (m: ConnectMetadata): string => encodeMetadata({ ...m });
export const decodeConnectMetadata = (raw: string | undefined): ConnectMetadata | undefined =>
  decodeMetadata(raw, metadataSchema);

/** The form as typed (kept whole to show it again after an error). */
export interface ConnectTyped {
  domain?: string;
  email?: string;
  apiKey?: string;
}

export function readConnectForm(state: StateReader): ConnectTyped {
  return {
    domain: state.text(BLOCK.agileDomain, ACTION.agileDomainInput),
    email: state.text(BLOCK.agileEmail, ACTION.agileEmailInput),
    apiKey: state.text(BLOCK.agileApiKey, ACTION.agileApiKeyInput),
  };
}

/** Keys are BLOCK's keys, so each problem shows under its input. */
export function connectFormSchema(scope: ConnectScope) {
  const domain =
    scope === 'workspace'
      ? z
          .string({ error: 'Type your Agile domain (e.g. acme for acme.agilecrm.com)' })
          .transform((text, ctx) => {
            const parsed = normalizeAgileDomain(text);
            if (parsed.ok) return parsed.domain;
            ctx.addIssue({ code: 'custom', message: parsed.message });
            return z.NEVER;
          })
      : z.undefined().optional();
  return z.object({
    agileDomain: domain,
    agileEmail: z
      .string({ error: 'Type the email you log in to Agile with' })
      .trim()
      .refine(isEmail, 'Type the email you log in to Agile with (e.g. ops@acme.com)'),
    agileApiKey: z
      .string({ error: 'Paste the REST API key from Agile → Admin Settings → API' })
      .trim()
      .min(1, 'Paste the REST API key from Agile → Admin Settings → API')
      .max(API_KEY_MAX, 'That is longer than an Agile API key: paste only the REST API key')
      .refine((key) => !/\s/.test(key), 'An API key has no spaces: paste only the REST API key'),
  });
}

/** The typed values in the schema's shape (BLOCK keys). */
export function connectFormValues(typed: ConnectTyped, scope: ConnectScope): Record<string, unknown> {
  return {
    ...(scope === 'workspace' ? { agileDomain: typed.domain } : {}),
    agileEmail: typed.email,
    agileApiKey: typed.apiKey,
  };
}
