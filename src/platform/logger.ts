import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { currentRequest } from './request-context.js';

/** Keys whose values are secrets wherever they sit in a logged object. */
const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|signature|cookie/i;
/** Slack tokens are recognisable by shape even under an innocent key or inside a message. */
const SLACK_TOKEN = /\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+/g;
const CENSOR = '[redacted]';

/**
 * Deep copy with secrets censored, at any depth (pino's redact paths only reach the depths they spell
 * out). Errors keep their message and stack; cycles and very deep objects are cut.
 */
export function scrubSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.replace(SLACK_TOKEN, CENSOR);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      type: value.name,
      message: scrubSecrets(value.message, depth + 1, seen),
    };
    if (value.stack) out.stack = scrubSecrets(value.stack, depth + 1, seen);
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) ? CENSOR : scrubSecrets(v, depth + 1, seen);
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? CENSOR : scrubSecrets(v, depth + 1, seen);
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

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const out =
    destination ?? (options.pretty ? PinoPretty({ colorize: true, ignore: 'pid,hostname,app' }) : undefined);
  return pino(
    {
      level,
      base: { app: 'agile-crm-slack-bot' },
      mixin: requestFields,
      formatters: { log: (obj) => scrubSecrets(obj) as Record<string, unknown> },
      hooks: {
        // The message string is not passed through formatters.log: scrub it too.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? (scrubSecrets(a) as string) : a)) as Parameters<
              typeof method
            >,
          );
        },
      },
    },
    out,
  );
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
