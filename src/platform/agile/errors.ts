export type AgileErrorKind =
  | 'auth'
  | 'not_found'
  | 'invalid'
  | 'limit'
  | 'refused'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_response';

/** What was wrong with an answer that came back but could not be used (kind bad_response). */
export type BadAnswer = 'not_json' | 'wrong_shape' | 'empty' | 'repeated_cursor';

/** What we may log or show about the request: never headers, never the body. */
export interface RedactedRequest {
  method: string;
  path: string;
}

export interface AgileErrorInit {
  kind: AgileErrorKind;
  /** For logs and developers; user words come from describeAgileError (platform/slack/error-words.ts). */
  message: string;
  status?: number;
  request?: RedactedRequest;
  /** Reason extracted from the error body, if any (already trimmed and shortened). */
  reason?: string;
  /** No answer came within the timeout (only for a request that got no answer: kind unavailable, no status). */
  timedOut?: boolean;
  /** Kind bad_response: what was wrong with the answer (absent for an unexpected status). */
  badAnswer?: BadAnswer;
  /** Kind not_found: change-owner named an email no CRM user has. */
  unknownUserEmail?: string;
  /** Kind rate_limited: Agile's Retry-After, when it sent one. */
  retryAfterMs?: number;
  /**
   * Kind unavailable, status 500: the body names App Engine's own exception (a deadline, the
   * datastore), not a complaint about the input (looksLikeTransientJavaException).
   */
  platformException?: boolean;
  cause?: unknown;
}

/** A failed Agile call, as facts (kind, status, reason, request); no user words. */
export class AgileError extends Error {
  override readonly name = 'AgileError';
  readonly kind: AgileErrorKind;
  readonly status: number | undefined;
  readonly request: RedactedRequest | undefined;
  readonly reason: string | undefined;
  readonly timedOut: boolean;
  /**
   * The request could have changed something (any method but GET): when it got no answer, nobody
   * knows whether the change was saved.
   */
  readonly write: boolean;
  readonly badAnswer: BadAnswer | undefined;
  readonly unknownUserEmail: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly platformException: boolean;

  constructor(init: AgileErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.request = init.request;
    this.reason = init.reason;
    this.timedOut = init.timedOut ?? false;
    this.write = init.request !== undefined && init.request.method !== 'GET';
    this.badAnswer = init.badAnswer;
    this.unknownUserEmail = init.unknownUserEmail;
    this.retryAfterMs = init.retryAfterMs;
    this.platformException = init.platformException ?? false;
  }
}

export function isAgileError(err: unknown): err is AgileError {
  return err instanceof AgileError;
}

// Answers that come from in front of the application or after it ran out of time, not from a refusal:
// a gateway that gave up waiting (504) or got a broken answer from the app (502). The write may have
// been committed before that.
const GATEWAY_STATUSES = new Set([502, 504]);

/**
 * A write whose outcome nobody knows: it may or may not have been saved. Not a failure — a retry must
 * first check whether it landed. Either no answer came (timed out, or the connection dropped after
 * sending), or the answer says the platform gave up on it without refusing it: a 502 or 504, or a 500
 * naming App Engine's own exception (DeadlineExceededException, a datastore timeout): App Engine can
 * commit and then hit its deadline. Any other answer (a 4xx, a 503, a 500 about the input or naming no
 * exception) is taken as a refusal: nothing saved, the key is released.
 */
export function isOutcomeUnknown(err: unknown): err is AgileError {
  if (!(err instanceof AgileError) || !err.write || err.kind !== 'unavailable') return false;
  const { status } = err;
  return status === undefined || GATEWAY_STATUSES.has(status) || (status === 500 && err.platformException);
}

const MAX_REASON_CHARS = 300;

// A fully qualified Java class name ending in Exception/Error, e.g. "java.lang.NullPointerException".
const JAVA_EXCEPTION = /\b(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b/;
const BARE_EXCEPTION = /^\s*[A-Z][\w$]*Exception\b/m;

/** Agile answers some bad input with a 500 whose body is a Java exception. */
export function looksLikeJavaException(body: string): boolean {
  return JAVA_EXCEPTION.test(body) || BARE_EXCEPTION.test(body);
}

// Agile runs on Google App Engine: these exceptions say the platform ran out of time or the datastore
// was briefly unavailable (a request past its deadline, a datastore timeout or contention, a commit
// still being applied), not that the input was wrong. The same request may succeed a moment later.
const TRANSIENT_JAVA_EXCEPTION =
  /\b(?:DeadlineExceeded(?:Exception|Error)|ApiDeadlineExceededException|DatastoreTimeoutException|DatastoreFailureException|CommittedButStillApplyingException|ConcurrentModificationException|ApiProxy\$(?:CancelledException|UnknownException)|OverQuotaException)\b/;

/** A 500 whose Java exception is the platform's (timeouts, datastore), not a complaint about the input. */
export function looksLikeTransientJavaException(body: string): boolean {
  return TRANSIENT_JAVA_EXCEPTION.test(body);
}

// Reference, contacts: "Status 406: If the limit of the contacts is exceeded." Only a body that says
// so is the plan limit; any other 406 (e.g. content negotiation) is a plain refusal.
const LIMIT_BODY = /\blimit\b|exceed/i;

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
    });
  }
  if (status === 404) {
    return new AgileError({
      ...base,
      kind: 'not_found',
      message: `Agile CRM answered 404 to ${where}${because}`,
    });
  }
  if (status === 406) {
    return new AgileError({
      ...base,
      kind: body !== undefined && LIMIT_BODY.test(body) ? 'limit' : 'refused',
      message: `Agile CRM answered 406 to ${where}${because}`,
    });
  }
  if (status === 429) {
    return new AgileError({
      ...base,
      kind: 'rate_limited',
      ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      message: `Agile CRM answered 429 to ${where}`,
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    });
  }
  const badInput = status === 400 || status === 409 || status === 422;
  const exceptionOn500 =
    status === 500 &&
    body !== undefined &&
    looksLikeJavaException(body) &&
    !looksLikeTransientJavaException(body);
  if (badInput || exceptionOn500) {
    return new AgileError({
      ...base,
      kind: 'invalid',
      message: `Agile CRM answered ${status} to ${where}${because}`,
    });
  }
  if (status >= 500) {
    return new AgileError({
      ...base,
      kind: 'unavailable',
      ...(status === 500 && body !== undefined && looksLikeTransientJavaException(body)
        ? { platformException: true }
        : {}),
      message: `Agile CRM answered ${status} to ${where}${because}`,
    });
  }
  return new AgileError({
    ...base,
    kind: 'bad_response',
    message: `Agile CRM answered an unexpected ${status} to ${where}${because}`,
  });
}
