import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESPONSE } from '../helpers/fake-slack.js';
import { futureTimestampSec, staleTimestampSec } from '../helpers/slack-requests.js';
import { documentedOnlyRun, simulatorOf, startTestBot, type TestBot } from '../helpers/test-bot.js';

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => t.reset());

describe('skeleton end to end', () => {
  it('the simulator serves api/users only outside the documented-only run', async () => {
    const sim = simulatorOf(t);
    const res = await fetch(`${sim.url}api/users`, {
      headers: {
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.apiKey}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(documentedOnlyRun() ? 404 : 200);
  });

  it('GET /healthz answers 200 JSON', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ status: 'ok', mode: 'http' });
  });

  it.each(['help', '', '  HELP  '])('/crm %j answers an ephemeral help that validates', async (text) => {
    const res = await t.command(text);
    expect(res.status).toBe(200);
    const reply = await t.slack.waitFor(RESPONSE);
    expect(reply.args).toMatchObject({ response_type: 'ephemeral', text: expect.any(String) });
    expect(reply.args.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'header' })]));
    t.slack.assertNoViolations();
  });

  it('answers 401 to a forged signature and sends nothing to Slack', async () => {
    const res = await t.command('help', {}, { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    await t.idle();
    expect(t.slack.log).toEqual([]);
  });

  it('answers 401 to a stale timestamp', async () => {
    const res = await t.command('help', {}, { timestampSec: staleTimestampSec() });
    expect(res.status).toBe(401);
    await t.idle();
    expect(t.slack.log).toEqual([]);
  });

  it('answers 401 to a timestamp 6 minutes in the future', async () => {
    const res = await t.command('help', {}, { timestampSec: futureTimestampSec() });
    expect(res.status).toBe(401);
    await t.idle();
    expect(t.slack.log).toEqual([]);
  });

  it('never writes the bot token or signing secret to the logs', () => {
    expect(t.logText()).not.toContain(t.config.slack.botToken);
    expect(t.logText()).not.toContain(t.config.slack.signingSecret);
  });
});
