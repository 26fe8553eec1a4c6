import { describe, expect, it } from 'vitest';
import { newConsoleCredentials, signedHeaders, slackSignature } from '../../../src/devkit/console/signing.js';
import { signature } from '../../helpers/slack-requests.js';

describe('console request signing', () => {
  it("matches Slack's documented v0 example", () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack (example request)
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('signs with the current timestamp, as the test harness and Bolt expect', () => {
    const nowMs = 1_767_225_600_123;
    const headers = signedHeaders('secret', 'payload=%7B%7D', nowMs);
    expect(headers['x-slack-request-timestamp']).toBe('1767225600');
    expect(headers['x-slack-signature']).toBe(signature('secret', 1767225600, 'payload=%7B%7D'));
    expect(signedHeaders('other', 'payload=%7B%7D', nowMs)['x-slack-signature']).not.toBe(
      headers['x-slack-signature'],
    );
  });

  it('makes fresh, console-only credentials per process', () => {
    const a = newConsoleCredentials();
    const b = newConsoleCredentials();
    expect(a.botToken).toMatch(/^xoxb-console-[0-9a-f]{24}$/);
    expect(a.signingSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(a.botToken).not.toBe(b.botToken);
    expect(a.signingSecret).not.toBe(b.signingSecret);
  });
});
