import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { currentRequest } from './request-context.js';

/** Keys whose values are secrets wherever they sit in a logged object. */
/** (bot_token_enc, api_key_enc, clientSecret, stateSecret match too; `config.encryption` holds the keys.) */
const SECRET_KEY =
  /token|secret|password|passwd|authorization|api[-_]?key|signature|cookie|encryption[-_]?key|^encryption$|keyring/i;
/** Slack tokens are recognisable by shape even under an innocent key or inside a message. */
const SLACK_TOKEN = /\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+/g;
/**
 * `scheme://user:password@host` (postgres://, https://, …): the password goes, the user stays. The
 * password runs to the LAST `@` before the path (as URL parsers read `bot:p@ss@db`), and may hold `?`
 * and `#`; a `/` ends it (a password with a raw `/` is no URL: the host would be read from it).
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*):[^\s/]*@/gi;
/** An Authorization value quoted anywhere in a string (an error message, a curl line, URL-encoded). */
const BEARER = /\b(Bearer)(?:\s+|%20|\+)[A-Za-z0-9+/=._~%-]+/gi;
const BASIC = /\b(Basic)(\s+|%20|\+)([A-Za-z0-9+/%]{4,}(?:=|%3D){0,2})(?![A-Za-z0-9+/=%])/gi;
/** An address, also percent-encoded in a URL path (`search/email/ada%40example.com`). */
const EMAIL = /\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*?(?:@|%40)([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/gi;
const CENSOR = '[redacted]';
const INFO_LEVEL = 30;

/** "Basic <credentials>": base64 with a non-letter in it or that decodes to `user:password`, not "Basic Information". */
function isBasicCredentials(b64: string, separator: string): boolean {
  return (
    /[^A-Za-z]/.test(b64) ||
    !/^\s+$/.test(separator) ||
    Buffer.from(b64, 'base64').toString('latin1').includes(':')
  );
}

/** Secrets that have a recognisable shape in any string: Slack tokens, URL passwords, Basic/Bearer values. */
export function scrubString(text: string): string {
  return text
    .replace(SLACK_TOKEN, CENSOR)
    .replace(URL_CREDENTIALS, '$1:***@')
    .replace(BEARER, `$1 ${CENSOR}`)
    .replace(BASIC, (whole, word: string, separator: string, b64: string) =>
      isBasicCredentials(b64, separator) ? `${word} ${CENSOR}` : whole,
    );
}

/** `ana.lopez@example.com` → `a***@example.com`: enough to tell records apart, not to contact anyone. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***@$2');
}

/**
 * Deep copy with secrets censored, at any depth (pino's redact paths only reach the depths they spell
 * out). Errors keep their message, stack and cause chain; cycles and very deep objects are cut.
 */
export function scrubSecrets(value: unknown): unknown {
  return scrub(value, scrubString);
}

function scrub(
  value: unknown,
  text: (s: string) => string,
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return text(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  const deeper = (v: unknown) => scrub(v, text, depth + 1, seen);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: deeper(value.message) };
    if (value.stack) out.stack = deeper(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? CENSOR : deeper(v);
    // cause and AggregateError's errors are own but not enumerable: Object.entries misses them.
    if (value.cause !== undefined) out.cause = deeper(value.cause);
    if (value instanceof AggregateError) out.errors = deeper(value.errors);
    return out;
  }
  if (Array.isArray(value)) return value.map(deeper);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? CENSOR : deeper(v);
  }
  return out;
}

export interface LoggerOptions {
  /** Human-readable lines (pino-pretty) instead of JSON; only for a terminal (see Config.logPretty). */
  pretty?: boolean;
}

/** The request's ids on every line written while its work runs (post-ack work and Agile calls too). */
function requestFields(): Record<string, string> {
  const request = currentRequest();
  if (!request) return {};
  const fields: Record<string, string> = { reqId: request.requestId };
  if (request.teamId) fields.teamId = request.teamId;
  if (request.userId) fields.userId = request.userId;
  return fields;
}

/** Info and below: CRM contacts' (and anyone's) email addresses are masked as well. */
const scrubForInfo = (value: unknown) => scrub(value, (s) => maskEmails(scrubString(s)));

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const out =
    destination ?? (options.pretty ? PinoPretty({ colorize: true, ignore: 'pid,hostname,app' }) : undefined);
  const logger = pino(
    {
      level,
      base: { app: 'agile-crm-slack-bot' },
      mixin: requestFields,
      formatters: { log: (obj) => scrubSecrets(obj) as Record<string, unknown> },
      // formatters.log runs first and has already made `err` a scrubbed plain object with its cause
      // chain; pino's own err serializer would take that apart again (type "Object", causes in message).
      serializers: { err: (err: unknown) => err },
      hooks: {
        // The message string is not passed through formatters.log: scrub it too.
        logMethod(args, method, level) {
          const info = level <= INFO_LEVEL;
          const clean = (a: unknown) => {
            if (!info) return typeof a === 'string' ? scrubSecrets(a) : a;
            return scrubForInfo(a instanceof Error ? { err: a } : a);
          };
          method.apply(this, args.map(clean) as Parameters<typeof method>);
        },
      },
    },
    out,
  );
  // Child bindings are written as given: pino applies formatters.bindings to the root's only. Every
  // child (and grandchild: they inherit from the root) goes through this.
  // (pino's generic child type does not survive a wrapper: the casts go through unknown.)
  const child = logger.child as unknown as (bindings: pino.Bindings, options?: unknown) => Logger;
  const scrubbedChild = function (this: Logger, bindings: pino.Bindings, options?: unknown): Logger {
    return child.call(this, scrubSecrets(bindings) as pino.Bindings, options);
  };
  logger.child = scrubbedChild as unknown as Logger['child'];
  return logger;
}

const toBoltLevel: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/** Bolt wants its own Logger interface; route it into pino so scrubbing applies to Bolt's logs too. */
export function toBoltLogger(logger: Logger): BoltLogger {
  let child = logger.child({ component: 'bolt' });
  const write = (level: 'debug' | 'info' | 'warn' | 'error', msg: unknown[]) => {
    const errors = msg.filter((m): m is Error => m instanceof Error);
    const objects = msg.filter((m) => m !== null && typeof m === 'object' && !(m instanceof Error));
    const text = msg
      .filter((m) => m === null || typeof m !== 'object')
      .map(String)
      .join(' ');
    const fields: Record<string, unknown> = {};
    if (errors[0]) fields.err = errors[0];
    if (objects.length > 0) fields.details = objects;
    child[level](fields, text || errors[0]?.message || '');
  };
  return {
    debug: (...msg) => write('debug', msg),
    info: (...msg) => write('info', msg),
    warn: (...msg) => write('warn', msg),
    error: (...msg) => write('error', msg),
    setLevel: () => {
      // The level is set once from LOG_LEVEL; Bolt's own default must not override it.
    },
    getLevel: () => toBoltLevel[logger.level] ?? LogLevel.INFO,
    setName: (name) => {
      child = logger.child({ component: name });
    },
  };
}
