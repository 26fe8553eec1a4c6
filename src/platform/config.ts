import { z } from 'zod';
import { DEV_KEY, deriveKey, parseKey, SecretsError } from './secrets.js';

/** Why each variable exists and what a valid value looks like: shown when start-up fails. */
const HELP: Record<string, { why: string; example: string }> = {
  SLACK_BOT_TOKEN: { why: 'Bot token of the Slack app (OAuth & Permissions)', example: 'xoxb-123-456-abc' },
  SLACK_SIGNING_SECRET: {
    why: 'Verifies that requests come from Slack (Basic Information → App Credentials)',
    example: '8f742231b10e8888abcd99yyyzzz85a5',
  },
  SLACK_APP_TOKEN: {
    why: 'App-level token with connections:write; set it to use Socket Mode',
    example: 'xapp-1-A0-123-abc',
  },
  SLACK_API_URL: {
    why: "Override of Slack's Web API base URL (tests, local console)",
    example: 'http://127.0.0.1:3001/api/',
  },
  PORT: { why: 'HTTP port for /slack/events and /healthz', example: '3000' },
  AGILE_DOMAIN: { why: 'Your Agile CRM domain, as in https://{domain}.agilecrm.com', example: 'mycompany' },
  AGILE_EMAIL: { why: 'Email of the Agile CRM user whose API key is used', example: 'ops@mycompany.com' },
  AGILE_API_KEY: {
    why: 'REST API key of that user (Admin Settings → Developers & API)',
    example: 'a1b2c3d4e5f6g7h8i9j0',
  },
  AGILE_BASE_URL: {
    why: "Override of https://{domain}.agilecrm.com/dev/ (the sandbox, a proxy); {domain} is replaced by each workspace's Agile domain",
    example: 'http://127.0.0.1:4100/dev/ or https://{domain}.agilecrm.com/dev/',
  },
  SLACK_CLIENT_ID: {
    why: 'OAuth mode (many workspaces, "Add to Slack"): the app\'s Client ID (Basic Information → App Credentials)',
    example: '1234567890.1234567890',
  },
  SLACK_CLIENT_SECRET: {
    why: "OAuth mode: the app's Client Secret (Basic Information → App Credentials)",
    example: '0123456789abcdef0123456789abcdef',
  },
  SLACK_STATE_SECRET: {
    why: 'OAuth mode: any long random string; signs the OAuth state so a redirect cannot be forged',
    example: 'output of: openssl rand -hex 32',
  },
  ENCRYPTION_KEY: {
    why: 'Encrypts stored secrets (bot tokens, Agile API keys) with AES-256-GCM: 32 bytes, base64 or hex (required in OAuth mode)',
    example: 'output of: openssl rand -base64 32',
  },
  ENCRYPTION_KEY_PREVIOUS: {
    why: 'Key rotation: the key being replaced; values under it are still read and re-encrypted at start-up',
    example: 'the former ENCRYPTION_KEY',
  },
  DATABASE_URL: {
    why: 'Storage: unset = SQLite file under ./data, sqlite:PATH, or postgres://…',
    example: 'postgres://postgres@127.0.0.1:5432/bot',
  },
  METRICS_PORT: {
    why: 'Socket Mode only: port of a small HTTP server for GET /metrics and /healthz (HTTP mode serves them on PORT)',
    example: '9100',
  },
  SIMULATOR_UNDOCUMENTED: {
    why: 'Console sandbox: off = serve only the endpoints of the Agile API reference (no api/users)',
    example: 'off (on, off)',
  },
  LOG_LEVEL: { why: 'Log verbosity', example: 'info (fatal, error, warn, info, debug, trace, silent)' },
  CRM_POLL_INTERVAL: {
    why: 'Seconds between two checks of the followed CRM records (/crm follow); at least 5',
    example: '300',
  },
  TICKET_REPLY_HOLD_SECONDS: {
    why: 'How long a public ticket reply is held (with a Cancel button) before it is emailed; 0 = send at once',
    example: '30',
  },
  AUDIT_RETENTION_DAYS: {
    why: 'How many days the audit trail of CRM writes is kept (and the most /crm audit can export)',
    example: '90',
  },
  SHUTDOWN_TIMEOUT_SECONDS: {
    why: 'On SIGTERM/SIGINT, how long work already started (saves to the CRM) may take to finish before exit',
    example: '20',
  },
};

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
const optionalUrl = z.preprocess(
  blankToUndefined,
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => (u.endsWith('/') ? u : `${u}/`))
    .optional(),
);

/** AGILE_BASE_URL: an http(s) URL, possibly with `{domain}` in it (checked with a sample domain). */
const agileBaseUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .refine((u) => z.url({ protocol: /^https?$/ }).safeParse(agileBaseUrlFor(u, 'domain')).success, {
      error: 'must be an http(s) URL (it may contain {domain})',
    })
    .transform((u) => (u.endsWith('/') ? u : `${u}/`))
    .optional(),
);

/** ENCRYPTION_KEY(_PREVIOUS): 32 bytes as base64 or hex; the problem never echoes the value. */
const encryptionKey = z.preprocess(
  blankToUndefined,
  z
    .string()
    .transform((v, ctx) => {
      try {
        return parseKey(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof SecretsError ? err.message : 'invalid key' });
        return z.NEVER;
      }
    })
    .optional(),
);

const portNumber = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(0)
  .max(65535, { error: 'must be a port number (0–65535)' });

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().startsWith('xoxb-', { error: 'must start with xoxb-' }).optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().startsWith('xapp-', { error: 'must start with xapp-' }).optional(),
  ),
  SLACK_API_URL: optionalUrl,
  PORT: z.preprocess(blankToUndefined, portNumber.default(3000)),
  AGILE_DOMAIN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/i, { error: 'must be the bare domain name, without .agilecrm.com' })
      .optional(),
  ),
  AGILE_EMAIL: z.preprocess(blankToUndefined, z.email({ error: 'must be an email address' }).optional()),
  AGILE_API_KEY: optionalString,
  AGILE_BASE_URL: agileBaseUrl,
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  ENCRYPTION_KEY: encryptionKey,
  ENCRYPTION_KEY_PREVIOUS: encryptionKey,
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, { error: 'must be sqlite:PATH or postgres://…' })
      .optional(),
  ),
  METRICS_PORT: z.preprocess(blankToUndefined, portNumber.optional()),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  SIMULATOR_UNDOCUMENTED: z.preprocess(blankToUndefined, z.enum(['on', 'off']).default('on')),
  AUDIT_RETENTION_DAYS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1 day' })
      .max(36_500, { error: 'must be at most 36500 days' })
      .default(90),
  ),
  CRM_POLL_INTERVAL: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number of seconds' })
      .int({ error: 'must be a whole number of seconds' })
      .min(5, { error: 'must be at least 5 seconds' })
      .max(86_400, { error: 'must be at most 86400 seconds (a day)' })
      .optional(),
  ),
  TICKET_REPLY_HOLD_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number of seconds' })
      .int({ error: 'must be a whole number of seconds' })
      .min(0, { error: 'must be 0 or more' })
      .max(600, { error: 'must be at most 600 seconds' })
      .default(30),
  ),
  SHUTDOWN_TIMEOUT_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number' })
      .min(0, { error: 'must be 0 or more' })
      .max(3600, { error: 'must be at most 3600 seconds' })
      .default(20),
  ),
});

/** CRM_POLL_INTERVAL unset: every 5 minutes; in the console every 15 s, so a change shows up quickly. */
export const DEFAULT_POLL_INTERVAL_SEC = 300;
export const CONSOLE_POLL_INTERVAL_SEC = 15;

export type SlackMode = 'http' | 'socket' | 'console';

export interface AgileConfig {
  baseUrl: string;
  /** The Agile domain (AGILE_DOMAIN, else read from an https://{domain}.agilecrm.com base URL): links to records. */
  domain?: string;
  email: string;
  apiKey: string;
}

/** OAuth mode (many workspaces): Bolt's InstallProvider with these credentials. */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
}

/** Where the key that encrypts stored secrets comes from (see README → Secrets at rest). */
export type EncryptionKeySource =
  | 'ENCRYPTION_KEY'
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_APP_TOKEN'
  | 'development';

export interface EncryptionConfig {
  /** Encrypts every new value. */
  key: Buffer;
  /** Still decrypts (ENCRYPTION_KEY_PREVIOUS, or the key used before ENCRYPTION_KEY was set); null: none. */
  previousKey: Buffer | null;
  source: EncryptionKeySource;
}

/** The default AGILE_BASE_URL: each workspace's Agile domain fills `{domain}`. */
export const DEFAULT_AGILE_BASE_URL_TEMPLATE = 'https://{domain}.agilecrm.com/dev/';
/** An Agile domain as typed in AGILE_DOMAIN or /crm connect: `acme` of acme.agilecrm.com. */
export const AGILE_DOMAIN_PATTERN = /^[a-z0-9][a-z0-9-]*$/i;

/**
 * The base URL of one Agile domain: `{domain}` in the template replaced by it. A template without
 * `{domain}` (the sandbox, a proxy) is the same for every domain.
 */
export function agileBaseUrlFor(template: string, domain: string): string {
  if (!template.includes('{domain}')) return template;
  if (!AGILE_DOMAIN_PATTERN.test(domain))
    throw new Error(`not an Agile domain name: ${JSON.stringify(domain)}`);
  return template.replaceAll('{domain}', domain.toLowerCase());
}

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  /** Socket Mode: serve /metrics and /healthz on this port (HTTP mode serves them on `port`). */
  metricsPort?: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Human-readable logs (pino-pretty): stdout is a terminal, outside CI and tests. Else JSON lines. */
  logPretty: boolean;
  slack: {
    /** console = no SLACK_BOT_TOKEN: the local Slack-like console plays Slack. */
    mode: SlackMode;
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    /** Known bot identity (the local console sets it): Bolt then skips auth.test at start-up. */
    botUserId?: string;
    botId?: string;
    apiUrl?: string;
    /**
     * OAuth mode: SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET set, SLACK_BOT_TOKEN not.
     * Each workspace installs the app and connects its own Agile account; null in the other modes.
     */
    oauth: OAuthConfig | null;
  };
  /** AGILE_BASE_URL with `{domain}` left in (default https://{domain}.agilecrm.com/dev/): see agileBaseUrlFor. */
  agileBaseUrlTemplate: string;
  /** The key of secrets at rest (bot tokens, Agile API keys). */
  encryption: EncryptionConfig;
  /**
   * The single workspace's Agile account (AGILE_*). null: the embedded sandbox CRM (console mode), or
   * OAuth mode, where each workspace connects its own (`/crm connect`).
   */
  agile: AgileConfig | null;
  database: DatabaseConfig;
  /** The embedded sandbox (console mode without AGILE_*): off = only the API reference's endpoints. */
  simulator?: { undocumented: boolean };
  /** Audit rows older than this many days are deleted (AUDIT_RETENTION_DAYS, default 90). */
  auditRetentionDays: number;
  /** Seconds between two polls of the followed records (CRM_POLL_INTERVAL; 300, or 15 in the console). */
  pollIntervalSec: number;
  /** How long a public ticket reply is held before it is sent (TICKET_REPLY_HOLD_SECONDS, default 30; 0 = at once). */
  ticketReplyHoldSec: number;
  /** On SIGTERM, how long in-flight work may run before the process exits (SHUTDOWN_TIMEOUT_SECONDS, default 20). */
  shutdownTimeoutSeconds?: number;
}

/** `https://acme.agilecrm.com/dev/` → 'acme'; any other host → undefined. */
export function domainOfBaseUrl(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  const match = /^https?:\/\/([a-z0-9][a-z0-9-]*)\.agilecrm\.com(?:[:/]|$)/i.exec(baseUrl);
  return match?.[1]?.toLowerCase();
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
  }
}

function formatProblems(problems: { variable: string; problem: string }[]): string {
  const lines = problems.map(({ variable, problem }) => {
    const help = HELP[variable];
    const detail = help ? `\n      ${help.why}. Example: ${variable}=${help.example}` : '';
    return `  - ${variable}: ${problem}${detail}`;
  });
  return `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/**
 * Parses the environment once. The only place in the app that reads process.env. `stdoutIsTTY` (a
 * terminal) picks human-readable logs, unless CI or a test runner is running.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  stdoutIsTTY: boolean = process.stdout.isTTY === true,
): Config {
  const parsed = envSchema.safeParse(env);
  const problems: { variable: string; problem: string }[] = [];
  const invalid = new Set<string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      invalid.add(variable);
      problems.push({ variable, problem: issue.message });
    }
  }
  // What is missing is checked on presence alone, so one malformed value does not hide the rest.
  const present = (name: string) => typeof env[name] === 'string' && (env[name] as string).trim() !== '';
  const missing = (variable: string, when: string) => {
    if (!invalid.has(variable)) problems.push({ variable, problem: `missing (${when})` });
  };

  const oauthVars = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  // OAuth mode: the app is installed per workspace, so there is no single bot token.
  const oauthMode = !present('SLACK_BOT_TOKEN') && oauthVars.some(present);
  let mode: SlackMode = 'console';
  if (oauthMode) {
    mode = 'http';
    for (const v of oauthVars)
      if (!present(v))
        missing(v, 'OAuth mode needs all three SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET');
    if (!present('SLACK_SIGNING_SECRET')) missing('SLACK_SIGNING_SECRET', 'required in OAuth mode');
    if (!present('ENCRYPTION_KEY'))
      missing('ENCRYPTION_KEY', "required in OAuth mode: it encrypts every workspace's tokens");
    if (present('SLACK_APP_TOKEN')) {
      problems.push({
        variable: 'SLACK_APP_TOKEN',
        problem: 'not used in OAuth mode (install pages and events are served over HTTP on PORT): unset it',
      });
    }
  } else if (present('SLACK_BOT_TOKEN')) {
    mode = present('SLACK_APP_TOKEN') ? 'socket' : 'http';
    if (mode === 'http' && !present('SLACK_SIGNING_SECRET'))
      missing('SLACK_SIGNING_SECRET', 'required in HTTP mode');
  } else if (present('SLACK_APP_TOKEN')) {
    missing('SLACK_BOT_TOKEN', 'Socket Mode needs the bot token too');
  }
  const agileVars = ['AGILE_DOMAIN', 'AGILE_EMAIL', 'AGILE_API_KEY', 'AGILE_BASE_URL'];
  // In OAuth mode each workspace connects its own Agile account: AGILE_* (but the URL template) are unused.
  const wantsAgile = !oauthMode && (mode !== 'console' || agileVars.some(present));
  const templated = (env.AGILE_BASE_URL ?? '').includes('{domain}');
  if (wantsAgile) {
    const when = mode === 'console' ? 'some AGILE_* variables are set' : 'required with a Slack token';
    if (!present('AGILE_DOMAIN') && !present('AGILE_BASE_URL')) missing('AGILE_DOMAIN', when);
    else if (!present('AGILE_DOMAIN') && templated)
      missing('AGILE_DOMAIN', 'AGILE_BASE_URL contains {domain}');
    if (!present('AGILE_EMAIL')) missing('AGILE_EMAIL', when);
    if (!present('AGILE_API_KEY')) missing('AGILE_API_KEY', when);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const agileBaseUrlTemplate = e.AGILE_BASE_URL ?? DEFAULT_AGILE_BASE_URL_TEMPLATE;
  const agileBaseUrl = e.AGILE_DOMAIN
    ? agileBaseUrlFor(agileBaseUrlTemplate, e.AGILE_DOMAIN)
    : e.AGILE_BASE_URL;
  const agile: AgileConfig | null =
    wantsAgile && e.AGILE_EMAIL && e.AGILE_API_KEY && agileBaseUrl
      ? {
          baseUrl: agileBaseUrl,
          domain: e.AGILE_DOMAIN ?? domainOfBaseUrl(agileBaseUrl),
          email: e.AGILE_EMAIL,
          apiKey: e.AGILE_API_KEY,
        }
      : null;
  const oauth: OAuthConfig | null =
    oauthMode && e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
      ? {
          clientId: e.SLACK_CLIENT_ID,
          clientSecret: e.SLACK_CLIENT_SECRET,
          stateSecret: e.SLACK_STATE_SECRET,
        }
      : null;

  const db = e.DATABASE_URL;
  const database: DatabaseConfig = !db
    ? { kind: 'sqlite', path: 'data/bot.sqlite' }
    : db.startsWith('sqlite:')
      ? { kind: 'sqlite', path: db.slice('sqlite:'.length) }
      : { kind: 'postgres', url: db };

  return {
    port: e.PORT,
    ...(e.METRICS_PORT !== undefined ? { metricsPort: e.METRICS_PORT } : {}),
    logLevel: e.LOG_LEVEL,
    logPretty: stdoutIsTTY && !present('CI') && !present('VITEST') && env.NODE_ENV !== 'production',
    slack: {
      mode,
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      oauth,
    },
    agileBaseUrlTemplate,
    encryption: encryptionOf(e),
    agile,
    database,
    simulator: { undocumented: e.SIMULATOR_UNDOCUMENTED === 'on' },
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    pollIntervalSec:
      e.CRM_POLL_INTERVAL ?? (mode === 'console' ? CONSOLE_POLL_INTERVAL_SEC : DEFAULT_POLL_INTERVAL_SEC),
    ticketReplyHoldSec: e.TICKET_REPLY_HOLD_SECONDS,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
  };
}

/**
 * ENCRYPTION_KEY when set. Otherwise (never in OAuth mode, where it is required) a key derived with
 * HKDF from SLACK_SIGNING_SECRET (or, in Socket Mode without one, SLACK_APP_TOKEN), or the fixed
 * development key in the console. Once ENCRYPTION_KEY is set, the key used before it stays readable
 * (as the previous key, unless ENCRYPTION_KEY_PREVIOUS names another) so start-up re-encrypts.
 */
function encryptionOf(e: z.infer<typeof envSchema>): EncryptionConfig {
  const fallback: { key: Buffer; source: EncryptionKeySource } = e.SLACK_SIGNING_SECRET
    ? { key: deriveKey(e.SLACK_SIGNING_SECRET), source: 'SLACK_SIGNING_SECRET' }
    : e.SLACK_APP_TOKEN
      ? { key: deriveKey(e.SLACK_APP_TOKEN), source: 'SLACK_APP_TOKEN' }
      : { key: DEV_KEY, source: 'development' };
  if (e.ENCRYPTION_KEY) {
    return {
      key: e.ENCRYPTION_KEY,
      previousKey: e.ENCRYPTION_KEY_PREVIOUS ?? fallback.key,
      source: 'ENCRYPTION_KEY',
    };
  }
  return { key: fallback.key, previousKey: e.ENCRYPTION_KEY_PREVIOUS ?? null, source: fallback.source };
}
