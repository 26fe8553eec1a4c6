import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_OAUTH, type FakeSlack, RESPONSE, startFakeSlack } from './fake-slack.js';
import { newTriggerId } from './payloads.js';

const TOKEN = 'xoxb-fake-test';
let fake: FakeSlack;
let client: WebClient;
const modal = (title = 'Log note') => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: title },
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'Loading…' } }],
});

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: TOKEN });
  client = new WebClient(TOKEN, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('fake Slack Web API', () => {
  it('checks the bot token and records every call with decoded args', async () => {
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true, user_id: fake.botUserId });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }];
    await client.chat.postMessage({ channel: 'C1', text: 'hi', blocks });
    expect(fake.calls('chat.postMessage')[0]).toMatchObject({
      token: TOKEN,
      args: { channel: 'C1', blocks },
    });
    expect(fake.log.map((c) => c.token)).toEqual(['xoxb-wrong', TOKEN, TOKEN]);
  });

  it('conversations.replies: the parent then its replies, paged by cursor, up to latest (inclusive)', async () => {
    const parent = fake.addMessage({ channel: 'C1', text: 'parent', user: 'U0ALICE' });
    const replies = [1, 2, 3].map((i) =>
      fake.addMessage({ channel: 'C1', text: `r${i}`, user: 'U0BOB', threadTs: parent.ts }),
    );
    fake.addMessage({ channel: 'C1', text: 'elsewhere', user: 'U0BOB' });
    fake.repliesPageMax = 2;
    const texts: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.conversations.replies({ channel: 'C1', ts: replies[1]?.ts ?? '', cursor });
      texts.push(...(page.messages ?? []).map((m) => m.text ?? ''));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    expect(texts).toEqual(['parent', 'r1', 'r2', 'r3']);
    fake.repliesPageMax = 1000;
    const upTo = await client.conversations.replies({
      channel: 'C1',
      ts: parent.ts,
      latest: replies[1]?.ts,
      inclusive: true,
      limit: 10,
    });
    expect(upTo.messages?.map((m) => m.text)).toEqual(['parent', 'r1', 'r2']);
    await expect(client.conversations.replies({ channel: 'C1', ts: '1.000001' })).rejects.toMatchObject({
      data: { error: 'thread_not_found' },
    });
  });

  it('chat.unfurl attaches validated previews to the message; conversations.info tells external sharing', async () => {
    const msg = fake.addMessage({
      channel: 'C1',
      text: 'see https://x.agilecrm.com/#contact/1',
      user: 'U0ALICE',
    });
    const url = 'https://x.agilecrm.com/#contact/1';
    await client.chat.unfurl({
      channel: 'C1',
      ts: msg.ts,
      unfurls: { [url]: { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Ada' } }] } },
    });
    expect(msg.unfurls?.[url]).toBeDefined();
    fake.assertNoViolations();
    await client.chat.unfurl({
      channel: 'C1',
      ts: msg.ts,
      unfurls: { [url]: { blocks: [{ type: 'section' }] } },
    });
    expect(fake.violations.map((v) => v.method)).toContain('chat.unfurl');

    fake.channels.set('C2', { name: 'partners', isExtShared: true });
    expect((await client.conversations.info({ channel: 'C2' })).channel).toMatchObject({
      name: 'partners',
      is_ext_shared: true,
    });
    expect((await client.conversations.info({ channel: 'C1' })).channel).toMatchObject({
      is_ext_shared: false,
    });
  });

  it('keeps messages per channel and thread, updates, deletes and links them', async () => {
    const root = await client.chat.postMessage({ channel: 'C1', text: 'root' });
    await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: root.ts });
    await client.chat.update({ channel: 'C1', ts: root.ts ?? '', text: 'edited' });
    expect(fake.messages.get('C1')?.map((m) => [m.text, m.threadTs])).toEqual([
      ['edited', undefined],
      ['reply', root.ts],
    ]);
    await expect(client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    const link = await client.chat.getPermalink({ channel: 'C1', message_ts: root.ts ?? '' });
    expect(link.permalink).toContain(`/archives/C1/p${root.ts?.replace('.', '')}`);
    await client.chat.delete({ channel: 'C1', ts: root.ts ?? '' });
    expect(fake.messages.get('C1')?.[0]?.deleted).toBe(true);
  });

  it('opens views once per fresh trigger_id and refuses stale hashes', async () => {
    const trigger = newTriggerId();
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    const view = opened.view;
    const viewId = view?.id ?? '';
    const hash = view?.hash ?? '';
    expect(view?.id).toMatch(/^V/);
    await expect(client.views.open({ trigger_id: trigger, view: modal() })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
    await expect(
      client.views.open({ trigger_id: newTriggerId(Date.now() - 4000), view: modal() }),
    ).rejects.toMatchObject({ data: { error: 'expired_trigger_id' } });
    await expect(client.views.open({ trigger_id: 'made-up', view: modal() })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
    const updated = await client.views.update({ view_id: viewId, hash, view: modal('Done') });
    expect(updated.view?.hash).not.toBe(hash);
    await expect(client.views.update({ view_id: viewId, hash, view: modal() })).rejects.toMatchObject({
      data: { error: 'hash_conflict' },
    });
    expect(fake.views.get(viewId)?.view.title).toEqual({ type: 'plain_text', text: 'Done' });
  });

  it('records Block Kit violations of what the bot sends', async () => {
    await client.views.open({ trigger_id: newTriggerId(), view: modal('A modal title far too long') });
    await client.chat.postMessage({ channel: 'C1', blocks: [{ type: 'divider' }] });
    expect(fake.violations.map((v) => `${v.method} ${v.path}`)).toEqual([
      'views.open title.text',
      'chat.postMessage text',
    ]);
    expect(() => fake.assertNoViolations()).toThrow(/views.open title.text/);
  });

  it('answers users.info with a time zone and users.lookupByEmail case-insensitively', async () => {
    const info = await client.users.info({ user: 'U0ALICE' });
    expect(info.user).toMatchObject({ tz: 'America/New_York', profile: { email: 'alice@example.com' } });
    expect([-4 * 3600, -5 * 3600]).toContain(info.user?.tz_offset);
    const found = await client.users.lookupByEmail({ email: 'BOB@example.com' });
    expect(found.user?.id).toBe('U0BOB');
    await expect(client.users.lookupByEmail({ email: 'nobody@example.com' })).rejects.toMatchObject({
      data: { error: 'users_not_found' },
    });
  });

  it('refuses a repeated reaction, removing one that is not there, and channel errors', async () => {
    await client.reactions.add({ channel: 'C1', timestamp: '1.1', name: 'memo' });
    await expect(
      client.reactions.add({ channel: 'C1', timestamp: '1.1', name: 'memo' }),
    ).rejects.toMatchObject({
      data: { error: 'already_reacted' },
    });
    await client.reactions.remove({ channel: 'C1', timestamp: '1.1', name: 'memo' });
    await expect(
      client.reactions.remove({ channel: 'C1', timestamp: '1.1', name: 'memo' }),
    ).rejects.toMatchObject({ data: { error: 'no_reaction' } });
    fake.channelErrors.set('C9', 'not_in_channel');
    await expect(client.chat.postMessage({ channel: 'C9', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
  });

  it('fails a method the next N times, with an error or a 429 and Retry-After', async () => {
    fake.failNext('chat.postMessage', { error: 'internal_error' }, 1);
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 7 });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      retryAfter: 7,
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('plays response_url: records and validates posts, at most 5 per URL', async () => {
    const url = fake.responseUrl('cmd1');
    const post = (body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ text: 'hi', response_type: 'ephemeral' })).status).toBe(200);
    const call = await fake.waitFor(RESPONSE, (c) => c.responseId === 'cmd1');
    expect(call.args).toEqual({ text: 'hi', response_type: 'ephemeral' });
    await post({ blocks: [] });
    expect(fake.violations).toEqual([expect.objectContaining({ method: RESPONSE, path: 'text' })]);
    for (let i = 0; i < 3; i++) await post({ text: 'x' });
    expect((await post({ text: 'sixth' })).status).toBe(404);
  });

  it('waitFor times out with what it saw', async () => {
    await client.auth.test();
    await expect(fake.waitFor('views.open', undefined, 50)).rejects.toThrow(/seen: auth.test/);
  });
});

describe('fake Slack: several workspaces and OAuth', () => {
  it('answers each team with its own token, and exchanges a code once for that team’s token', async () => {
    const team = fake.addTeam({ id: 'T0OTHER', name: 'Other', domain: 'other' });
    const noToken = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const exchange = (code: string, secret: string = FAKE_OAUTH.clientSecret) =>
      noToken.oauth.v2.access({ client_id: FAKE_OAUTH.clientId, client_secret: secret, code });
    const code = fake.issueCode(team.id, 'U0INSTALLER');
    await expect(exchange(code, 'wrong-secret')).rejects.toMatchObject({
      data: { error: 'bad_client_secret' },
    });
    const answer = await exchange(code);
    expect(answer).toMatchObject({
      ok: true,
      access_token: team.botToken,
      token_type: 'bot',
      bot_user_id: team.botUserId,
      team: { id: 'T0OTHER', name: 'Other' },
      authed_user: { id: 'U0INSTALLER' },
      is_enterprise_install: false,
    });
    await expect(exchange(code)).rejects.toMatchObject({ data: { error: 'invalid_code' } });
    const teamClient = new WebClient(team.botToken, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    await expect(teamClient.auth.test()).resolves.toMatchObject({
      team_id: 'T0OTHER',
      user_id: team.botUserId,
    });
    // The default workspace is unchanged and never saw the other team's call.
    await expect(client.auth.test()).resolves.toMatchObject({ team_id: 'T0TEST' });
    expect(team.calls('auth.test').map((c) => c.token)).toEqual([team.botToken]);
    expect(fake.calls('auth.test').every((c) => c.token === TOKEN)).toBe(true);
    expect(fake.oauthExchanges.map((e) => e.error ?? 'ok')).toEqual([
      'bad_client_secret',
      'ok',
      'invalid_code',
    ]);
  });
});
