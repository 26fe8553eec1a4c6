export type AgileErrorKind =
  | 'auth'
  | 'not_found'
  | 'invalid'
  | 'limit'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_response';

/** What we may log or show about the request: never headers, never the body. */
export interface RedactedRequest {
  method: string;
  path: string;
}

export interface AgileErrorInit {
  kind: AgileErrorKind;
  message: string;
  userMessage: string;
  status?: number;
  request?: RedactedRequest;
  /** Reason extracted from the error body, if any (already trimmed and shortened). */
  reason?: string;
  cause?: unknown;
}

export class AgileError extends Error {
  override readonly name = 'AgileError';
  readonly kind: AgileErrorKind;
  readonly status: number | undefined;
  readonly userMessage: string;
  readonly request: RedactedRequest | undefined;
  readonly reason: string | undefined;

  constructor(init: AgileErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.userMessage = init.userMessage;
    this.request = init.request;
    this.reason = init.reason;
  }
}

export function isAgileError(err: unknown): err is AgileError {
  return err instanceof AgileError;
}

const MAX_REASON_CHARS = 300;

// A fully qualified Java class name ending in Exception/Error, e.g. "java.lang.NullPointerException".
const JAVA_EXCEPTION = /\b(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b/;
const BARE_EXCEPTION = /^\s*[A-Z][\w$]*Exception\b/m;

/** Agile answers some bad input with a 500 whose body is a Java exception. */
export function looksLikeJavaException(body: string): boolean {
  return JAVA_EXCEPTION.test(body) || BARE_EXCEPTION.test(body);
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REASON_CHARS ? `${oneLine.slice(0, MAX_REASON_CHARS - 1)}…` : oneLine;
}

// Agile's JSON errors look like {"status":"400","exception message":"…"}; others use message/error.
const REASON_KEY = /message|error|reason|msg|description/i;

function reasonFromJson(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, found] of entries) {
    if (!REASON_KEY.test(key)) continue;
    if (typeof found === 'string' && found.trim() !== '') return found;
    const nested = found && typeof found === 'object' ? reasonFromJson(found) : undefined;
    if (nested) return nested;
  }
  const status = (value as Record<string, unknown>).status;
  // A bare "400" says nothing a user can act on.
  return typeof status === 'string' && !/^\d+$/.test(status.trim()) ? status : undefined;
}

/**
 * Error bodies have no stable format (JSON, plain text, HTML, Java exception text): pull a short,
 * human-readable reason out of whatever came back, or undefined.
 */
export function extractReason(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  const text = body.trim();
  if (text === '') return undefined;
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"')) {
    try {
      const reason = reasonFromJson(JSON.parse(text));
      return reason ? shorten(reason) : undefined;
    } catch {
      // not JSON after all: fall through to text handling
    }
  }
  let plain = text;
  if (/<[a-z!/][^>]*>/i.test(plain)) {
    const title = /<title>([^<]*)<\/title>/i.exec(plain)?.[1];
    plain = (title ?? plain.replace(/<[^>]*>/g, ' ')).trim();
  }
  // "com.foo.BarException: Milestone is not valid\n\tat com.foo..." → "Milestone is not valid"
  const firstLine = plain.split(/\r?\n/)[0] ?? plain;
  const javaMessage = /^(?:[\w$]+\.)*[\w$]*(?:Exception|Error):\s*(.+)$/.exec(firstLine.trim());
  if (javaMessage?.[1]) return shorten(javaMessage[1]);
  if (/^(?:[\w$]+\.)*[\w$]*(?:Exception|Error)$/.test(firstLine.trim())) return undefined;
  return plain === '' ? undefined : shorten(firstLine);
}

export const AUTH_USER_MESSAGE =
  'the CRM rejected our API key — ask an admin to check AGILE_EMAIL / AGILE_API_KEY';

export interface HttpFailure {
  status: number;
  body: string | undefined;
  request: RedactedRequest;
  retryAfterMs?: number;
}

/** Maps an HTTP error answer from Agile to one AgileError. */
export function errorFromResponse(failure: HttpFailure): AgileError {
  const { status, body, request } = failure;
  const reason = extractReason(body);
  const where = `${request.method} ${request.path}`;
  const base = { status, request, reason };
  const because = reason ? `: ${reason}` : '';
  if (status === 401 || status === 403) {
    return new AgileError({
      ...base,
      kind: 'auth',
      message: `Agile CRM answered ${status} to ${where}`,
      userMessage: AUTH_USER_MESSAGE,
    });
  }
  if (status === 404) {
    return new AgileError({
      ...base,
      kind: 'not_found',
      message: `Agile CRM answered 404 to ${where}${because}`,
      userMessage: reason ? `the CRM could not find it (${reason})` : 'the CRM could not find that record',
    });
  }
  if (status === 406) {
    return new AgileError({
      ...base,
      kind: 'limit',
      message: `Agile CRM answered 406 to ${where}${because}`,
      userMessage: "the CRM refused: the account's plan limit is reached (e.g. number of contacts)",
    });
  }
  if (status === 429) {
    return new AgileError({
      ...base,
      kind: 'rate_limited',
      message: `Agile CRM answered 429 to ${where}`,
      userMessage: 'the CRM is rate limiting us — try again in a minute',
    });
  }
  const badInput = status === 400 || status === 409 || status === 422;
  const exceptionOn500 = status === 500 && body !== undefined && looksLikeJavaException(body);
  if (badInput || exceptionOn500) {
    return new AgileError({
      ...base,
      kind: 'invalid',
      message: `Agile CRM answered ${status} to ${where}${because}`,
      userMessage: reason
        ? `the CRM rejected the input: ${reason}`
        : 'the CRM rejected the input (no reason given) — check the values and try again',
    });
  }
  if (status >= 500) {
    return new AgileError({
      ...base,
      kind: 'unavailable',
      message: `Agile CRM answered ${status} to ${where}${because}`,
      userMessage: `the CRM is not answering properly right now (HTTP ${status}) — try again in a few minutes`,
    });
  }
  return new AgileError({
    ...base,
    kind: 'bad_response',
    message: `Agile CRM answered an unexpected ${status} to ${where}${because}`,
    userMessage: `the CRM gave an unexpected answer (HTTP ${status})`,
  });
}
