import { describe, expect, it } from 'vitest';
import { AgileError, type AgileErrorInit, errorFromResponse } from '../../../src/platform/agile/errors.js';
import { describeAgileError } from '../../../src/platform/slack/error-words.js';

const get = { method: 'GET', path: 'api/contacts/1' };
const post = { method: 'POST', path: 'api/notes' };
const answered = (status: number, body = '', request = get) =>
  describeAgileError(errorFromResponse({ status, body, request }));
const error = (init: Omit<AgileErrorInit, 'message'>) =>
  describeAgileError(new AgileError({ message: 'internal detail', ...init }));

describe('describeAgileError', () => {
  it('tells an admin what to check on auth failures', () => {
    expect(answered(401)).toBe(
      'the CRM rejected the Agile email and API key — an admin can reconnect with /crm connect (or fix AGILE_EMAIL / AGILE_API_KEY); your own login: /crm connect me',
    );
    expect(answered(403)).toBe(answered(401));
  });

  it('says what could not be found', () => {
    expect(answered(404, '{"message":"Deal not found"}')).toBe('the CRM could not find it (Deal not found)');
    expect(answered(404)).toBe('the CRM could not find that record');
    expect(error({ kind: 'not_found', status: 200, reason: 'No user', unknownUserEmail: 'x@y.z' })).toBe(
      'the CRM has no user with the email x@y.z',
    );
  });

  it('names the plan limit (only when the 406 says so) and rate limiting', () => {
    expect(answered(406, 'Contacts limit exceeded for your plan')).toBe(
      "the CRM refused: the account's plan limit is reached (e.g. number of contacts)",
    );
    expect(answered(406)).toBe('the CRM refused the request (HTTP 406)');
    expect(answered(406, 'Not Acceptable')).toBe('the CRM refused the request (HTTP 406: Not Acceptable)');
    expect(answered(429)).toBe('the CRM is rate limiting us — try again in a minute');
    const limited = (retryAfterMs: number) =>
      describeAgileError(errorFromResponse({ status: 429, body: '', request: get, retryAfterMs }));
    expect(limited(1000)).toBe('the CRM is rate limiting us — try again in 1 second');
    expect(limited(7500)).toBe('the CRM is rate limiting us — try again in 8 seconds');
    expect(limited(600_000)).toBe('the CRM is rate limiting us — try again in a minute');
  });

  it('passes on the reason the CRM gave for rejecting the input', () => {
    expect(answered(400, '{"message":"probability must be between 0 and 100"}', post)).toBe(
      'the CRM rejected the input: probability must be between 0 and 100',
    );
    expect(answered(500, 'java.lang.NumberFormatException: For input string: "x"', post)).toBe(
      'the CRM rejected the input: For input string: "x"',
    );
    expect(answered(400, '', post)).toBe(
      'the CRM rejected the input (no reason given) — check the values and try again',
    );
  });

  it('an HTTP outage names the status', () => {
    expect(answered(503)).toBe(
      'the CRM is not answering properly right now (HTTP 503) — try again in a few minutes',
    );
  });

  it('no answer to a read says try again; no answer to a write says the change may have been saved', () => {
    expect(error({ kind: 'unavailable', timedOut: true, request: get })).toBe(
      'the CRM did not answer in time — try again in a few minutes',
    );
    expect(error({ kind: 'unavailable', timedOut: true, request: post })).toBe(
      'the CRM did not answer in time — it may have been saved all the same. Trying again is safe: the bot first checks whether it was saved and never saves it twice',
    );
    expect(error({ kind: 'unavailable', request: get })).toBe(
      'the CRM could not be reached — try again in a few minutes',
    );
    expect(error({ kind: 'unavailable', request: { method: 'PUT', path: 'api/tasks' } })).toBe(
      'the CRM could not be reached — it may have been saved all the same. Trying again is safe: the bot first checks whether it was saved and never saves it twice',
    );
  });

  it('says what was wrong with an answer it could not use', () => {
    expect(error({ kind: 'bad_response', status: 200, badAnswer: 'not_json' })).toBe(
      'the CRM gave an answer we could not read',
    );
    expect(error({ kind: 'bad_response', status: 200, badAnswer: 'wrong_shape' })).toBe(
      'the CRM gave an answer in a shape we did not expect',
    );
    expect(error({ kind: 'bad_response', badAnswer: 'empty' })).toBe('the CRM gave an empty answer');
    expect(error({ kind: 'bad_response', badAnswer: 'repeated_cursor' })).toBe(
      'the CRM kept returning the same page — the list may be incomplete',
    );
    expect(answered(302)).toBe('the CRM gave an unexpected answer (HTTP 302)');
  });

  it('never shows internal messages; other errors get generic words', () => {
    expect(error({ kind: 'limit' })).not.toContain('internal detail');
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect(describeAgileError(timeout)).toBe('the CRM did not answer in time — try again in a few minutes');
    expect(describeAgileError(new Error('ECONNRESET secret stuff'))).not.toContain('secret');
    expect(describeAgileError('weird')).toBe('something went wrong while talking to the CRM');
  });

  it("says when the bot's own database is down, slow or failing", async () => {
    const { default: pg } = await import('pg');
    const reachable = "the bot's database is not reachable — try again in a few minutes";
    expect(describeAgileError(new Error('timeout exceeded when trying to connect'))).toBe(reachable);
    expect(describeAgileError(new Error('Connection terminated unexpectedly'))).toBe(reachable);
    expect(
      describeAgileError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(reachable);
    const canceled = Object.assign(
      new pg.DatabaseError('canceling statement due to statement timeout', 0, 'error'),
      {
        code: '57014',
      },
    );
    expect(describeAgileError(canceled)).toBe(
      "the bot's database took too long to answer — try again in a few minutes",
    );
    const other = Object.assign(new pg.DatabaseError('relation "x" does not exist', 0, 'error'), {
      code: '42P01',
    });
    expect(describeAgileError(other)).toContain("the bot's database failed");
    expect(describeAgileError(other)).not.toContain('relation');
  });
});
