import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../src/platform/slack/ids.js';
import { RESPONSE } from '../helpers/fake-slack.js';
import { blockSuggestionPayload, USER } from '../helpers/payloads.js';
import { useTestBot } from '../helpers/use-test-bot.js';

const t = useTestBot({ env: { LOG_LEVEL: 'debug' } });

async function scrape(): Promise<string> {
  const res = await fetch(`${t.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The value of one sample line `name{labels} value`, labels given in any order. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries(
      [...inner.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** Prometheus text format, line by line: comments, or `name{labels} number`. */
function expectPrometheusText(text: string): void {
  for (const line of text.split('\n').filter(Boolean)) {
    if (line.startsWith('#')) {
      expect(line).toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /);
    } else {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?(\d|NaN|\+Inf|-Inf)/);
    }
  }
}

describe('GET /metrics', () => {
  it('counts /crm requests, their acks, Agile calls and Slack calls with low-cardinality labels', async () => {
    const before = await scrape();
    const okBefore = sample(before, 'crm_slack_requests_total', {
      surface: 'command',
      id: 'lookup',
      outcome: 'ok',
    });
    for (const query of ['ada.lovelace@northwind.example.com', 'nobody@nowhere.example.com']) {
      expect((await t.command(`lookup ${query}`)).status).toBe(200);
    }
    expect((await t.command('help')).status).toBe(200);
    await t.idle();

    const text = await scrape();
    expectPrometheusText(text);
    expect(
      sample(text, 'crm_slack_requests_total', { surface: 'command', id: 'lookup', outcome: 'ok' }),
    ).toBe((okBefore ?? 0) + 2);
    expect(
      sample(text, 'crm_slack_requests_total', { surface: 'command', id: 'help', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'crm_slack_ack_seconds_count', { surface: 'command', id: 'lookup' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, 'crm_agile_requests_total', {
        method: 'GET',
        endpoint: 'api/contacts/search/email/:id',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'crm_slack_api_calls_total', { method: 'response_url', status: '200' }),
    ).toBeGreaterThan(0);
    // Never a raw email, id or user in a label.
    expect(text).not.toContain('northwind');
    expect(text).not.toContain('nowhere');
    expect(text).not.toContain(USER.id);
    for (const name of [
      'crm_in_flight_work',
      'crm_slack_views_open_seconds',
      'crm_slack_api_rate_limited_total',
      'crm_agile_request_seconds',
      'crm_digest_runs_total',
      'crm_digest_scheduler_lag_seconds',
      'crm_cache_lookups_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('times views.open from the request and counts Slack 429s', async () => {
    expect((await t.command('note')).status).toBe(200);
    await t.slack.waitFor('views.open');
    await t.idle();
    const text = await scrape();
    expect(text).toMatch(/^crm_slack_views_open_seconds_count [1-9]/m);
    expect(
      sample(text, 'crm_slack_requests_total', { surface: 'command', id: 'modal:note', outcome: 'ok' }),
    ).toBe(1);
  });

  it('counts Slack 429s by method', async () => {
    t.slack.failNext('views.open', { status: 429, retryAfterSec: 0 }, 5);
    await t.command('note');
    await t.idle();
    const text = await scrape();
    expect(sample(text, 'crm_slack_api_rate_limited_total', { method: 'views.open' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      sample(text, 'crm_slack_api_calls_total', { method: 'views.open', status: '429' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts the contact picker cache: a miss, then a hit', async () => {
    const load = () =>
      t.interact(
        blockSuggestionPayload({ actionId: ACTION.contactPicker, blockId: BLOCK.contact, value: 'ada' }),
      );
    const before = await scrape();
    const hits = sample(before, 'crm_cache_lookups_total', { cache: 'contact_search', result: 'hit' }) ?? 0;
    await load();
    await load();
    await t.idle();
    const text = await scrape();
    expect(
      sample(text, 'crm_cache_lookups_total', { cache: 'contact_search', result: 'miss' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'crm_cache_lookups_total', { cache: 'contact_search', result: 'hit' })).toBe(
      hits + 1,
    );
    expect(
      sample(text, 'crm_slack_requests_total', {
        surface: 'options',
        id: ACTION.contactPicker,
        outcome: 'ok',
      }),
    ).toBe(2);
  });
});

describe('request ids', () => {
  it('every log line of a /crm lookup, Agile calls and post-ack work included, carries its request id', async () => {
    // Bolt checks the token (auth.test) and builds its client once, on the first request: not this one.
    await t.command('help');
    await t.idle();
    const from = t.logs.length;
    expect((await t.command('lookup ada.lovelace@northwind.example.com')).status).toBe(200);
    await t.slack.waitFor(RESPONSE);
    await t.idle();
    const lines = t.logs.slice(from);
    expect(lines.some((l) => l.component === 'bolt' && String(l.msg).startsWith('ack()'))).toBe(true);
    const agileLine = lines.find((l) => l.msg === 'agile request');
    expect(agileLine).toBeDefined();
    const reqId = agileLine?.reqId;
    expect(typeof reqId).toBe('string');
    for (const line of lines) expect(line.reqId, JSON.stringify(line)).toBe(reqId);
    expect(agileLine).toMatchObject({ userId: USER.id, teamId: 'T0TEST' });
  });

  it('two concurrent requests have different ids', async () => {
    const from = t.logs.length;
    await Promise.all([
      t.command('lookup ada.lovelace@northwind.example.com'),
      t.command('lookup grace.hopper@contoso.example.com'),
    ]);
    await t.idle();
    const ids = new Set(
      t.logs
        .slice(from)
        .filter((l) => l.msg === 'agile request')
        .map((l) => l.reqId),
    );
    expect(ids.size).toBe(2);
  });
});
