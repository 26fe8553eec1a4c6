import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskEmails, scrubString, toBoltLogger } from '../../src/platform/logger.js';
import { withRequestContext } from '../../src/platform/request-context.js';

function memoryLogger() {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  return { logger: createLogger('debug', sink), output: () => out };
}

const SECRETS = {
  botToken: 'xoxb-secret-bot-token',
  appToken: 'xapp-secret-app-token',
  signingSecret: 'signing-secret-value',
  apiKey: 'agile-secret-api-key',
  authorization: 'Basic c2VjcmV0OnNlY3JldA==',
};

describe('logger redaction', () => {
  it('hides tokens, API keys and Authorization headers at the top level and nested', () => {
    const { logger, output } = memoryLogger();
    logger.info({ ...SECRETS, token: 'xoxb-top-token' }, 'top');
    logger.info({ slack: { botToken: SECRETS.botToken }, agile: { apiKey: SECRETS.apiKey } }, 'nested');
    logger.warn(
      { request: { headers: { authorization: SECRETS.authorization, Authorization: 'Bearer xoxb-h' } } },
      'http',
    );
    logger.error({ err: { headers: { Authorization: 'Bearer xoxb-err' } } }, 'error');
    const text = output();
    for (const secret of [...Object.values(SECRETS), 'xoxb-top-token', 'xoxb-h', 'xoxb-err']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(text.split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('hides the secrets of a whole Config object logged as { config }', () => {
    const { logger, output } = memoryLogger();
    const config = {
      slack: { botToken: SECRETS.botToken, appToken: SECRETS.appToken, signingSecret: SECRETS.signingSecret },
      agile: { apiKey: SECRETS.apiKey },
    };
    logger.info({ config }, 'config');
    for (const secret of [SECRETS.botToken, SECRETS.appToken, SECRETS.signingSecret, SECRETS.apiKey]) {
      expect(output()).not.toContain(secret);
    }
  });

  it('hides the fields that carry secrets at rest and their keys (issue 10)', () => {
    const { logger, output } = memoryLogger();
    const fields = {
      botToken: 'plain-bot-token-1',
      apiKey: 'plain-api-key-2',
      bot_token_enc: 'enc1:abcd1234:iv-3:tag:ct',
      api_key_enc: 'enc1:abcd1234:iv-4:tag:ct',
      encryptionKey: 'encryption-key-5',
      ENCRYPTION_KEY_PREVIOUS: 'previous-key-6',
      clientSecret: 'client-secret-7',
      stateSecret: 'state-secret-8',
    };
    logger.info({ installation: fields }, 'fields');
    logger.info({ config: { encryption: { key: 'config-key-9', previousKey: 'config-key-10' } } }, 'config');
    const text = output();
    for (const secret of [...Object.values(fields), 'config-key-9', 'config-key-10']) {
      expect(text).not.toContain(secret);
    }
    logger.info({ keyId: 'abcd1234', currentKeyId: 'beef0001', reencrypted: 2 }, 'key ids are not secret');
    expect(output()).toContain('"currentKeyId":"beef0001"');
  });

  it('keeps ordinary fields', () => {
    const { logger, output } = memoryLogger();
    logger.info({ userId: 'U1', contactId: '5629499534213120' }, 'looked up');
    expect(JSON.parse(output())).toMatchObject({
      userId: 'U1',
      contactId: '5629499534213120',
      msg: 'looked up',
    });
  });

  it('routes Bolt logs through pino as component bolt', () => {
    const { logger, output } = memoryLogger();
    toBoltLogger(logger).warn('something', { token: 'xoxb-bolt' });
    expect(output()).toContain('something');
    expect(JSON.parse(output())).toMatchObject({ component: 'bolt', level: 40 });
  });
});

describe('logger redaction at any depth', () => {
  it('hides secrets deep in objects, inside Errors and in Bolt log arguments', () => {
    const { logger, output } = memoryLogger();
    logger.info({ a: { b: { c: { d: { apiKey: SECRETS.apiKey, token: 'deep-token-value' } } } } }, 'deep');
    const err = Object.assign(new Error('boom xoxb-in-message-123'), {
      config: { signingSecret: 'sig-in-error' },
    });
    logger.error({ err }, 'failed with xoxb-in-msg-456');
    const bolt = toBoltLogger(logger);
    bolt.warn('slack said', { token: 'bolt-object-token', nested: { botToken: SECRETS.botToken } });
    const text = output();
    for (const secret of [
      SECRETS.apiKey,
      'deep-token-value',
      'xoxb-in-message-123',
      'sig-in-error',
      'xoxb-in-msg-456',
      'bolt-object-token',
      SECRETS.botToken,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('boom');
    expect(text).toContain('slack said');
  });
});

describe('request ids on log lines', () => {
  it('every line written inside a request context carries its id, team and user; others none', async () => {
    const { logger, output } = memoryLogger();
    logger.info('outside');
    await withRequestContext({ requestId: 'req-1', teamId: 'T1', userId: 'U1' }, async () => {
      await Promise.resolve();
      logger.child({ component: 'agile' }).debug({ token: 'xoxb-in-request' }, 'inside');
      toBoltLogger(logger).info('bolt inside');
    });
    const [outside, inside, bolt] = output()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outside?.reqId).toBeUndefined();
    expect(inside).toMatchObject({ reqId: 'req-1', teamId: 'T1', userId: 'U1', component: 'agile' });
    expect(bolt).toMatchObject({ reqId: 'req-1', component: 'bolt' });
    expect(output()).not.toContain('xoxb-in-request');
  });
});

describe('logger scrubbing of secrets inside strings, bindings and causes', () => {
  it('keeps the user but not the password of a URL with credentials', () => {
    const { logger, output } = memoryLogger();
    logger.warn(
      { url: 'postgres://bot:pg-pass-123@db.internal:5432/crm' },
      'db at https://ops:web-pw-9@proxy.example/x',
    );
    const line = JSON.parse(output());
    expect(line.url).toBe('postgres://bot:***@db.internal:5432/crm');
    expect(line.msg).toBe('db at https://ops:***@proxy.example/x');
    expect(scrubString('see https://example.com/a?b=c@d and mailto:ana@x.example')).toBe(
      'see https://example.com/a?b=c@d and mailto:ana@x.example',
    );
  });

  it.each([
    [
      'an @ in the password (URL parsers take the last one)',
      'postgres://bot:p@ss@db:5432/crm',
      'postgres://bot:***@db:5432/crm',
    ],
    ['a # in the password', 'postgres://bot:p#ss@db/crm', 'postgres://bot:***@db/crm'],
    ['a ? in the password', 'postgres://bot:p?ss@db', 'postgres://bot:***@db'],
    [
      'a port and an address in the path (no credentials)',
      'http://127.0.0.1:4010/dev/api/contacts/search/email/ada@x.example',
      'http://127.0.0.1:4010/dev/api/contacts/search/email/ada@x.example',
    ],
    [
      'credentials and an address in the query',
      'https://u:pw@h/?q=a@b.example',
      'https://u:***@h/?q=a@b.example',
    ],
  ])('URL passwords: %s', (_label, text, scrubbed) => {
    expect(scrubString(text)).toBe(scrubbed);
  });

  it('hides URL-encoded Basic and Bearer values, and masks percent-encoded addresses at info', () => {
    const basic = Buffer.from('ops@example.com:agile-key').toString('base64');
    expect(scrubString(`Authorization=Basic%20${basic}`)).toBe('Authorization=Basic [redacted]');
    expect(scrubString('auth=Bearer%20abc.def-ghi')).toBe('auth=Bearer [redacted]');
    expect(maskEmails('GET api/contacts/search/email/ada.lovelace%40northwind.example')).toBe(
      'GET api/contacts/search/email/a***@northwind.example',
    );
  });

  it('hides Basic and Bearer credentials anywhere in a string, not the word "Basic" in prose', () => {
    const basic = Buffer.from('ops@example.com:agile-key').toString('base64');
    const { logger, output } = memoryLogger();
    logger.error(
      { detail: `curl -H "Authorization: Basic ${basic}" …`, note: 'retry with bearer abc.def-ghi_jkl' },
      `sent Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig and Basic ${basic}`,
    );
    const text = output();
    for (const secret of [basic, 'abc.def-ghi_jkl', 'eyJhbGciOiJIUzI1NiJ9'])
      expect(text).not.toContain(secret);
    expect(text).toContain('Basic [redacted]');
    expect(scrubString('Basic Information → App Credentials')).toBe('Basic Information → App Credentials');
    expect(scrubString(`Basic ${Buffer.from('a:b').toString('base64')}`)).toBe('Basic [redacted]');
  });

  it('scrubs child-logger bindings', () => {
    const { logger, output } = memoryLogger();
    logger
      .child({ token: 'xoxb-in-binding', db: 'postgres://u:bound-pw@h/db', auth: 'Bearer bound-bearer-1' })
      .info('hi');
    const text = output();
    for (const secret of ['xoxb-in-binding', 'bound-pw', 'bound-bearer-1'])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({ db: 'postgres://u:***@h/db', msg: 'hi' });
  });

  it('serializes err.cause chains, scrubbed', () => {
    const root = Object.assign(new Error('connect to postgres://app:root-pw@db failed'), {
      apiKey: 'cause-key',
    });
    const middle = new Error('store unavailable', { cause: root });
    const top = new AggregateError([new Error('xoxb-in-aggregate')], 'request failed', { cause: middle });
    const { logger, output } = memoryLogger();
    logger.error({ err: top }, 'boom');
    const line = JSON.parse(output());
    expect(line.err).toMatchObject({
      type: 'AggregateError',
      message: 'request failed',
      errors: [{ message: '[redacted]' }],
      cause: {
        type: 'Error',
        message: 'store unavailable',
        cause: { message: 'connect to postgres://app:***@db failed', apiKey: '[redacted]' },
      },
    });
    expect(output()).not.toContain('root-pw');
    expect(output()).not.toContain('cause-key');
  });

  it('masks email addresses at info level and below, keeps them in warnings', () => {
    const { logger, output } = memoryLogger();
    logger.info(
      { contact: { email: 'ana.lopez@example.com' }, list: ['bo@x.example'] },
      'found ana.lopez@example.com',
    );
    logger.debug({ err: new Error('no contact zed@x.example') }, 'debug');
    logger.warn({ email: 'ana.lopez@example.com' }, 'warned');
    const [info, debug, warn] = output()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(info).toMatchObject({
      contact: { email: 'a***@example.com' },
      list: ['b***@x.example'],
      msg: 'found a***@example.com',
    });
    expect(debug.err.message).toBe('no contact z***@x.example');
    expect(warn.email).toBe('ana.lopez@example.com');
    expect(maskEmails('write to x@y.io')).toBe('write to x***@y.io');
  });
});
