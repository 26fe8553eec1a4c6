import { AgileError, isOutcomeUnknown } from '../agile/index.js';

const TRY_LATER = ' — try again in a few minutes';
// A write that got no answer may have been saved all the same. A retry of the same form, button or
// command is safe: runOnce tells the write to check whether it landed before writing again.
const UNKNOWN_OUTCOME =
  ' — it may have been saved all the same. Trying again is safe: the bot first checks whether it was saved and never saves it twice';

/**
 * How a failed write is told: `failed` ("the note was not logged") followed by why — except when the
 * write got no answer (isOutcomeUnknown): then it may have been saved, so `maybe` ("the note may have
 * been logged") leads instead. Never "not sent" about something that may have been sent.
 */
export function writeFailureWords(err: unknown, failed: string, maybe: string): string {
  return `${isOutcomeUnknown(err) ? maybe : failed}: ${describeAgileError(err)}`;
}

/** Pure: any error → words fit to show a Slack user. The one place failures become user words. */
export function describeAgileError(err: unknown): string {
  if (err instanceof AgileError) return agileErrorWords(err);
  if (err instanceof Error && err.name === 'TimeoutError') {
    return `the CRM did not answer in time${TRY_LATER}`;
  }
  const store = storeErrorWords(err);
  if (store !== null) return store;
  return 'something went wrong while talking to the CRM';
}

function agileErrorWords(err: AgileError): string {
  const { reason, status } = err;
  switch (err.kind) {
    case 'auth':
      return 'the CRM rejected the Agile email and API key — an admin can reconnect with /crm connect (or fix AGILE_EMAIL / AGILE_API_KEY); your own login: /crm connect me';
    case 'not_found':
      if (err.unknownUserEmail !== undefined)
        return `the CRM has no user with the email ${err.unknownUserEmail}`;
      return reason ? `the CRM could not find it (${reason})` : 'the CRM could not find that record';
    case 'limit':
      return "the CRM refused: the account's plan limit is reached (e.g. number of contacts)";
    case 'refused':
      return reason
        ? `the CRM refused the request (HTTP ${status ?? 406}: ${reason})`
        : `the CRM refused the request (HTTP ${status ?? 406})`;
    case 'rate_limited': {
      const seconds = err.retryAfterMs === undefined ? undefined : Math.ceil(err.retryAfterMs / 1000);
      return seconds === undefined || seconds > 120
        ? 'the CRM is rate limiting us — try again in a minute'
        : `the CRM is rate limiting us — try again in ${seconds} second${seconds === 1 ? '' : 's'}`;
    }
    case 'invalid':
      return reason
        ? `the CRM rejected the input: ${reason}`
        : 'the CRM rejected the input (no reason given) — check the values and try again';
    case 'unavailable': {
      if (status !== undefined)
        return `the CRM is not answering properly right now (HTTP ${status})${isOutcomeUnknown(err) ? UNKNOWN_OUTCOME : TRY_LATER}`;
      const what = err.timedOut ? 'the CRM did not answer in time' : 'the CRM could not be reached';
      return `${what}${err.write ? UNKNOWN_OUTCOME : TRY_LATER}`;
    }
    case 'bad_response':
      switch (err.badAnswer) {
        case 'not_json':
          return 'the CRM gave an answer we could not read';
        case 'wrong_shape':
          return 'the CRM gave an answer in a shape we did not expect';
        case 'empty':
          return 'the CRM gave an empty answer';
        case 'repeated_cursor':
          return 'the CRM kept returning the same page — the list may be incomplete';
        case undefined:
          return status === undefined
            ? 'the CRM gave an unexpected answer'
            : `the CRM gave an unexpected answer (HTTP ${status})`;
      }
  }
}

// pg's own messages when the server is down, restarted or partitioned (the pool's connection
// timeout, a dropped socket, the client-side query_timeout).
const PG_UNREACHABLE = /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i;
// Raw socket errors: the CRM and Slack clients wrap theirs, so a bare one comes from the database driver.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH']);
// PostgreSQL's query_canceled: statement_timeout fired.
const PG_QUERY_CANCELED = '57014';

/** Words for a failure of the bot's own database (PostgreSQL or SQLite); null when it is not one. */
function storeErrorWords(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (err.name === 'SqliteError' || (err.constructor?.name === 'DatabaseError' && typeof code === 'string')) {
    return code === PG_QUERY_CANCELED || code === 'SQLITE_BUSY'
      ? `the bot's database took too long to answer${TRY_LATER}`
      : "the bot's database failed — tell an admin (details are in the bot's logs)";
  }
  if (PG_UNREACHABLE.test(err.message) || (typeof code === 'string' && SOCKET_CODES.has(code))) {
    return `the bot's database is not reachable${TRY_LATER}`;
  }
  return null;
}
