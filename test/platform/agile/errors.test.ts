import { describe, expect, it } from 'vitest';
import {
  AgileError,
  errorFromResponse,
  extractReason,
  isOutcomeUnknown,
  looksLikeJavaException,
} from '../../../src/platform/agile/errors.js';
import { describeAgileError, writeFailureWords } from '../../../src/platform/slack/error-words.js';

const request = { method: 'POST', path: 'api/opportunity' };

describe('extractReason', () => {
  it('reads JSON error bodies', () => {
    expect(extractReason('{"message":"Milestone Prospect does not exist"}')).toBe(
      'Milestone Prospect does not exist',
    );
    expect(extractReason('{"error":{"message":"nested reason"}}')).toBe('nested reason');
    expect(extractReason('"just a JSON string"')).toBe('just a JSON string');
  });

  it('reads Java exception text, keeping only the message', () => {
    const body =
      'java.lang.IllegalArgumentException: expected_value is required\n\tat com.agilecrm.deals.Opportunity.save(Opportunity.java:120)';
    expect(extractReason(body)).toBe('expected_value is required');
    expect(extractReason('java.lang.NullPointerException\n\tat x.y(Z.java:1)')).toBeUndefined();
  });

  it('reads plain text and HTML', () => {
    expect(extractReason('Sorry, duplicate contact found with the same email address.')).toBe(
      'Sorry, duplicate contact found with the same email address.',
    );
    expect(extractReason('<html><head><title>Error 400 Bad tag</title></head><body>x</body></html>')).toBe(
      'Error 400 Bad tag',
    );
    expect(extractReason('')).toBeUndefined();
    expect(extractReason(undefined)).toBeUndefined();
  });

  it('shortens long reasons', () => {
    const reason = extractReason('x'.repeat(1000));
    expect(reason?.length).toBeLessThanOrEqual(300);
  });
});

describe('looksLikeJavaException', () => {
  it('tells exception text from a generic 500 page', () => {
    expect(
      looksLikeJavaException('com.google.appengine.api.datastore.DatastoreNeedIndexException: no index'),
    ).toBe(true);
    expect(looksLikeJavaException('NumberFormatException: For input string: "abc"')).toBe(true);
    expect(looksLikeJavaException('Internal Server Error')).toBe(false);
  });
});

describe('errorFromResponse', () => {
  it('maps 401 to auth and never leaks headers', () => {
    const err = errorFromResponse({ status: 401, body: 'Unauthorized', request });
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(err.request).toEqual(request);
    expect(JSON.stringify(err)).not.toMatch(/authorization|basic/i);
  });

  it('maps 400 to invalid with the API reason', () => {
    const err = errorFromResponse({
      status: 400,
      body: '{"message":"probability must be between 0 and 100"}',
      request,
    });
    expect(err.kind).toBe('invalid');
    expect(err.reason).toBe('probability must be between 0 and 100');
  });

  it('maps a 500 whose Java exception is the platform timing out (transient) to unavailable', () => {
    for (const body of [
      'com.google.apphosting.api.DeadlineExceededException: This request (1) started at 2026/12/04 and was still executing at 60s',
      'com.google.appengine.api.datastore.DatastoreTimeoutException: The datastore operation timed out, or the data was temporarily unavailable.',
      'com.google.apphosting.api.ApiProxy$ApiDeadlineExceededException: The API call datastore_v3.RunQuery() took too long',
      'com.google.appengine.api.datastore.DatastoreFailureException: internal error',
      'java.util.ConcurrentModificationException: too much contention on these datastore entities',
    ]) {
      expect(errorFromResponse({ status: 500, body, request }).kind, body).toBe('unavailable');
    }
  });

  it('maps a 500 with exception text to invalid, a bare 500/503 to unavailable', () => {
    expect(
      errorFromResponse({
        status: 500,
        body: 'java.lang.NumberFormatException: For input string: "x"',
        request,
      }).kind,
    ).toBe('invalid');
    expect(errorFromResponse({ status: 500, body: 'Internal Server Error', request }).kind).toBe(
      'unavailable',
    );
    expect(errorFromResponse({ status: 503, body: '', request }).kind).toBe('unavailable');
  });

  it('maps 404, 406, 429', () => {
    expect(errorFromResponse({ status: 404, body: '', request }).kind).toBe('not_found');
    // Reference: "Status 406: If the limit of the contacts is exceeded." — only when the body says so.
    expect(errorFromResponse({ status: 406, body: 'Contacts limit exceeded', request }).kind).toBe('limit');
    expect(errorFromResponse({ status: 406, body: '', request }).kind).toBe('refused');
    expect(errorFromResponse({ status: 406, body: 'Not Acceptable', request }).kind).toBe('refused');
    expect(errorFromResponse({ status: 429, body: '', request, retryAfterMs: 2000 }).retryAfterMs).toBe(2000);
    expect(errorFromResponse({ status: 429, body: '', request }).kind).toBe('rate_limited');
  });
});

describe('AgileError', () => {
  it('carries facts, not words: a request other than GET is a write; timedOut defaults to false', () => {
    const post = new AgileError({ kind: 'unavailable', message: 'x', request, timedOut: true });
    expect(post).toMatchObject({ kind: 'unavailable', write: true, timedOut: true, status: undefined });
    const get = new AgileError({ kind: 'unavailable', message: 'x', request: { method: 'GET', path: 'p' } });
    expect(get).toMatchObject({ write: false, timedOut: false });
    expect(Object.keys(get)).not.toContain('userMessage');
  });
});

describe('isOutcomeUnknown: may a write that failed have been saved?', () => {
  const deadline =
    'com.google.apphosting.api.DeadlineExceededException: This request (1) started at 2026/12/04 and was still executing at 60s';
  const datastoreTimeout =
    'com.google.appengine.api.datastore.DatastoreTimeoutException: The datastore operation timed out';
  const answered = (method: string, status: number, body = '') =>
    errorFromResponse({ status, body, request: { method, path: 'api/notes' } });

  it("on a write (POST, PUT, DELETE): a 502, a 504, a 500 naming App Engine's deadline or datastore", () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      expect(isOutcomeUnknown(answered(method, 502)), `${method} 502`).toBe(true);
      expect(isOutcomeUnknown(answered(method, 504, '<html>Gateway Timeout</html>')), `${method} 504`).toBe(
        true,
      );
      expect(isOutcomeUnknown(answered(method, 500, deadline)), `${method} 500 deadline`).toBe(true);
      expect(isOutcomeUnknown(answered(method, 500, datastoreTimeout)), `${method} 500 datastore`).toBe(true);
    }
    const noAnswer = new AgileError({ kind: 'unavailable', message: 'x', request, timedOut: true });
    expect(isOutcomeUnknown(noAnswer)).toBe(true);
    expect(answered('POST', 500, deadline).platformException).toBe(true);
  });

  it('never on a read: the same answers to a GET are plain failures', () => {
    for (const [status, body] of [
      [502, ''],
      [504, ''],
      [500, deadline],
    ] as const) {
      expect(isOutcomeUnknown(answered('GET', status, body)), `GET ${status}`).toBe(false);
    }
    const noAnswer = new AgileError({
      kind: 'unavailable',
      message: 'x',
      request: { method: 'GET', path: 'p' },
      timedOut: true,
    });
    expect(isOutcomeUnknown(noAnswer)).toBe(false);
  });

  it('definite failures on a write: bad input (400, a 500 about the input), 401, 403, 429, 503, a bare 500', () => {
    const refusals = [
      answered('POST', 400, 'Invalid input'),
      answered('POST', 500, 'java.lang.NumberFormatException: For input string: "x"'),
      answered('POST', 500, 'Internal Server Error'),
      answered('POST', 401),
      answered('POST', 403),
      answered('POST', 429),
      answered('POST', 503),
      answered('PUT', 409),
    ];
    for (const err of refusals) expect(isOutcomeUnknown(err), `${err.status} ${err.reason}`).toBe(false);
    expect(isOutcomeUnknown(new Error('x'))).toBe(false);
  });

  it('the user reads "may have been saved" for an unknown outcome, "not" for a refusal', () => {
    const words = (err: unknown) =>
      writeFailureWords(err, 'The note was not logged', 'The note may have been logged');
    expect(words(answered('POST', 504))).toMatch(
      /^The note may have been logged: .*HTTP 504.*may have been saved all the same\. Trying again is safe/,
    );
    expect(words(answered('POST', 500, deadline))).toMatch(/^The note may have been logged: .*HTTP 500/);
    expect(words(answered('POST', 500, 'Internal Server Error'))).toMatch(
      /^The note was not logged: .*HTTP 500\) — try again in a few minutes$/,
    );
    expect(describeAgileError(answered('GET', 504))).toMatch(/HTTP 504\) — try again in a few minutes$/);
  });
});

describe("Agile's JSON error shape", () => {
  it('reads "exception message" and ignores a bare numeric status', () => {
    expect(extractReason('{"status":"400","exception message":"milestone is mandatory"}')).toBe(
      'milestone is mandatory',
    );
    expect(extractReason('{"status":"400"}')).toBeUndefined();
  });
});
