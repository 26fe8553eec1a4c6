import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agileBaseUrlFor, ConfigError, loadConfig } from '../../src/platform/config.js';
import { DEV_KEY, deriveKey } from '../../src/platform/secrets.js';

const HTTP_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'secret',
  AGILE_DOMAIN: 'acme',
  AGILE_EMAIL: 'ops@acme.com',
  AGILE_API_KEY: 'key',
};

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig modes', () => {
  it('is http with a bot token and signing secret', () => {
    const c = loadConfig(HTTP_ENV);
    expect(c.slack.mode).toBe('http');
    expect(c.agile).toEqual({
      baseUrl: 'https://acme.agilecrm.com/dev/',
      domain: 'acme',
      email: 'ops@acme.com',
      apiKey: 'key',
    });
  });

  it('is socket with an app token too (no signing secret needed)', () => {
    const { SLACK_SIGNING_SECRET: _unused, ...env } = HTTP_ENV;
    const c = loadConfig({ ...env, SLACK_APP_TOKEN: 'xapp-1-A0-1-abc' });
    expect(c.slack.mode).toBe('socket');
    expect(c.slack.appToken).toBe('xapp-1-A0-1-abc');
  });

  it('is console without a Slack token, and then Agile is optional', () => {
    const c = loadConfig({});
    expect(c.slack.mode).toBe('console');
    expect(c.agile).toBeNull();
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '  ', PORT: '' }).slack.mode).toBe('console');
  });
});

describe('loadConfig defaults', () => {
  it('uses port 3000, info logs and a SQLite file under data/', () => {
    const c = loadConfig(HTTP_ENV);
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe('info');
    expect(c.database).toEqual({ kind: 'sqlite', path: expect.stringMatching(/^data\/.+\.sqlite$/) });
  });

  it('keeps the audit trail 90 days unless AUDIT_RETENTION_DAYS says otherwise (at least 1)', () => {
    expect(loadConfig(HTTP_ENV).auditRetentionDays).toBe(90);
    expect(loadConfig({ ...HTTP_ENV, AUDIT_RETENTION_DAYS: ' 365 ' }).auditRetentionDays).toBe(365);
    expect(loadConfig({ ...HTTP_ENV, AUDIT_RETENTION_DAYS: '' }).auditRetentionDays).toBe(90);
    for (const bad of ['0', '-5', '7.5', 'forever']) {
      const err = problemsOf({ ...HTTP_ENV, AUDIT_RETENTION_DAYS: bad });
      expect(err.problems.map((p) => p.variable)).toEqual(['AUDIT_RETENTION_DAYS']);
      expect(err.message).toContain('Example: AUDIT_RETENTION_DAYS=90');
    }
  });

  it('holds public ticket replies 30 s unless TICKET_REPLY_HOLD_SECONDS says otherwise (0 = at once)', () => {
    expect(loadConfig(HTTP_ENV).ticketReplyHoldSec).toBe(30);
    expect(loadConfig({ ...HTTP_ENV, TICKET_REPLY_HOLD_SECONDS: '0' }).ticketReplyHoldSec).toBe(0);
    expect(loadConfig({ ...HTTP_ENV, TICKET_REPLY_HOLD_SECONDS: ' 10 ' }).ticketReplyHoldSec).toBe(10);
    for (const bad of ['-1', '2.5', '601', 'soon']) {
      const err = problemsOf({ ...HTTP_ENV, TICKET_REPLY_HOLD_SECONDS: bad });
      expect(err.problems.map((p) => p.variable)).toEqual(['TICKET_REPLY_HOLD_SECONDS']);
      expect(err.message).toContain('Example: TICKET_REPLY_HOLD_SECONDS=30');
    }
  });

  it('polls followed records every 300 s (15 s in the console) unless CRM_POLL_INTERVAL says otherwise (at least 5)', () => {
    expect(loadConfig(HTTP_ENV).pollIntervalSec).toBe(300);
    expect(loadConfig({}).pollIntervalSec).toBe(15);
    expect(loadConfig({ ...HTTP_ENV, CRM_POLL_INTERVAL: '5' }).pollIntervalSec).toBe(5);
    expect(loadConfig({ CRM_POLL_INTERVAL: ' 60 ' }).pollIntervalSec).toBe(60);
    for (const bad of ['4', '0', '-5', '7.5', 'often']) {
      const err = problemsOf({ ...HTTP_ENV, CRM_POLL_INTERVAL: bad });
      expect(err.problems.map((p) => p.variable)).toEqual(['CRM_POLL_INTERVAL']);
      expect(err.message).toContain('Example: CRM_POLL_INTERVAL=300');
    }
  });

  it('drains for 20 s on shutdown unless SHUTDOWN_TIMEOUT_SECONDS says otherwise', () => {
    expect(loadConfig(HTTP_ENV).shutdownTimeoutSeconds).toBe(20);
    expect(loadConfig({ ...HTTP_ENV, SHUTDOWN_TIMEOUT_SECONDS: '2.5' }).shutdownTimeoutSeconds).toBe(2.5);
    expect(loadConfig({ ...HTTP_ENV, SHUTDOWN_TIMEOUT_SECONDS: ' ' }).shutdownTimeoutSeconds).toBe(20);
    for (const bad of ['-1', 'soon', '99999']) {
      const err = problemsOf({ ...HTTP_ENV, SHUTDOWN_TIMEOUT_SECONDS: bad });
      expect(err.problems.map((p) => p.variable)).toEqual(['SHUTDOWN_TIMEOUT_SECONDS']);
      expect(err.message).toContain('Example: SHUTDOWN_TIMEOUT_SECONDS=20');
    }
  });

  it('reads sqlite: and postgres:// URLs', () => {
    expect(loadConfig({ ...HTTP_ENV, DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({
      kind: 'sqlite',
      path: '/tmp/x.db',
    });
    expect(loadConfig({ ...HTTP_ENV, DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db',
    });
  });

  it('lets AGILE_BASE_URL replace the domain and adds the trailing slash', () => {
    const { AGILE_DOMAIN: _unused, ...env } = HTTP_ENV;
    const c = loadConfig({
      ...env,
      AGILE_BASE_URL: 'http://127.0.0.1:4100/dev',
      SLACK_API_URL: 'http://x/api',
    });
    expect(c.agile?.baseUrl).toBe('http://127.0.0.1:4100/dev/');
    expect(c.slack.apiUrl).toBe('http://x/api/');
  });
});

describe('loadConfig errors', () => {
  it('lists every missing variable with why and an example', () => {
    const err = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual([
      'AGILE_API_KEY',
      'AGILE_DOMAIN',
      'AGILE_EMAIL',
      'SLACK_SIGNING_SECRET',
    ]);
    expect(err.message).toMatch(/4 problems/);
    expect(err.message).toMatch(
      /SLACK_SIGNING_SECRET: missing.*\n.*Verifies that requests come from Slack.*Example: /,
    );
    expect(err.message).toMatch(/AGILE_EMAIL: missing.*\n.*Example: AGILE_EMAIL=ops@mycompany.com/);
  });

  it('lists every invalid variable at once', () => {
    const err = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      SLACK_APP_TOKEN: 'nope',
      PORT: 'eighty',
      AGILE_DOMAIN: 'acme.agilecrm.com',
      AGILE_EMAIL: 'not-an-email',
      AGILE_BASE_URL: 'ftp://x',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
    });
    expect(err.problems.map((p) => p.variable).sort()).toEqual([
      'AGILE_API_KEY',
      'AGILE_BASE_URL',
      'AGILE_DOMAIN',
      'AGILE_EMAIL',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'SLACK_APP_TOKEN',
      'SLACK_BOT_TOKEN',
    ]);
    expect(err.message).toMatch(/SLACK_BOT_TOKEN: must start with xoxb-/);
    expect(err.message).toMatch(/Example: SLACK_BOT_TOKEN=xoxb-/);
  });

  it('lists what is missing even when another value is malformed', () => {
    const err = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', PORT: 'abc' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual([
      'AGILE_API_KEY',
      'AGILE_DOMAIN',
      'AGILE_EMAIL',
      'PORT',
      'SLACK_SIGNING_SECRET',
    ]);
  });

  it('asks for the bot token when only an app token is set', () => {
    expect(problemsOf({ SLACK_APP_TOKEN: 'xapp-1' }).problems).toEqual([
      { variable: 'SLACK_BOT_TOKEN', problem: expect.stringMatching(/missing/) },
    ]);
  });

  it('asks for the rest of Agile in console mode once one AGILE_* is set', () => {
    expect(
      problemsOf({ AGILE_DOMAIN: 'acme' })
        .problems.map((p) => p.variable)
        .sort(),
    ).toEqual(['AGILE_API_KEY', 'AGILE_EMAIL']);
  });
});

const KEY = randomBytes(32);
const OAUTH_ENV = {
  SLACK_CLIENT_ID: '123.456',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret',
  SLACK_SIGNING_SECRET: 'signing',
  ENCRYPTION_KEY: KEY.toString('base64'),
};

describe('OAuth mode (issue 10)', () => {
  it('is on with the three OAuth variables and no bot token; AGILE_* are not required', () => {
    const c = loadConfig(OAUTH_ENV);
    expect(c.slack.mode).toBe('http');
    expect(c.slack.oauth).toEqual({
      clientId: '123.456',
      clientSecret: 'client-secret',
      stateSecret: 'state-secret',
    });
    expect(c.agile).toBeNull();
    expect(c.agileBaseUrlTemplate).toBe('https://{domain}.agilecrm.com/dev/');
    expect(c.encryption).toMatchObject({ key: KEY, source: 'ENCRYPTION_KEY' });
  });

  it('is off with a bot token (single workspace, as before) and in the console', () => {
    expect(loadConfig({ ...HTTP_ENV, ...OAUTH_ENV }).slack.oauth).toBeNull();
    expect(loadConfig({ ...HTTP_ENV, ...OAUTH_ENV }).agile?.domain).toBe('acme');
    expect(loadConfig(HTTP_ENV).slack.oauth).toBeNull();
    expect(loadConfig({}).slack.oauth).toBeNull();
  });

  it('requires ENCRYPTION_KEY, the signing secret and all three OAuth variables', () => {
    const err = problemsOf({ SLACK_CLIENT_ID: '123.456' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual([
      'ENCRYPTION_KEY',
      'SLACK_CLIENT_SECRET',
      'SLACK_SIGNING_SECRET',
      'SLACK_STATE_SECRET',
    ]);
    expect(err.message).toMatch(
      /ENCRYPTION_KEY: missing \(required in OAuth mode.*\n.*Example: ENCRYPTION_KEY=output of: openssl rand -base64 32/,
    );
  });

  it('refuses an app token (OAuth mode is served over HTTP)', () => {
    expect(problemsOf({ ...OAUTH_ENV, SLACK_APP_TOKEN: 'xapp-1' }).problems).toEqual([
      { variable: 'SLACK_APP_TOKEN', problem: expect.stringMatching(/not used in OAuth mode/) },
    ]);
  });

  it('keeps AGILE_BASE_URL with {domain} as the per-workspace template', () => {
    const c = loadConfig({ ...OAUTH_ENV, AGILE_BASE_URL: 'http://127.0.0.1:4100/{domain}/dev' });
    expect(c.agileBaseUrlTemplate).toBe('http://127.0.0.1:4100/{domain}/dev/');
    expect(agileBaseUrlFor(c.agileBaseUrlTemplate, 'Acme')).toBe('http://127.0.0.1:4100/acme/dev/');
  });
});

describe('AGILE_BASE_URL templates', () => {
  it('fills {domain} with AGILE_DOMAIN in single-workspace mode', () => {
    const c = loadConfig({ ...HTTP_ENV, AGILE_BASE_URL: 'https://{domain}.proxy.example/dev/' });
    expect(c.agile).toMatchObject({ baseUrl: 'https://acme.proxy.example/dev/', domain: 'acme' });
    expect(c.agileBaseUrlTemplate).toBe('https://{domain}.proxy.example/dev/');
  });

  it('uses a URL without {domain} as it is, for every domain', () => {
    const c = loadConfig({ ...HTTP_ENV, AGILE_BASE_URL: 'http://127.0.0.1:4100/dev/' });
    expect(c.agile?.baseUrl).toBe('http://127.0.0.1:4100/dev/');
    expect(agileBaseUrlFor(c.agileBaseUrlTemplate, 'other')).toBe('http://127.0.0.1:4100/dev/');
  });

  it('asks for AGILE_DOMAIN when the URL has {domain}, and refuses a bad template or domain', () => {
    const { AGILE_DOMAIN: _unused, ...env } = HTTP_ENV;
    expect(problemsOf({ ...env, AGILE_BASE_URL: 'https://{domain}.agilecrm.com/dev/' }).problems).toEqual([
      { variable: 'AGILE_DOMAIN', problem: 'missing (AGILE_BASE_URL contains {domain})' },
    ]);
    expect(problemsOf({ ...HTTP_ENV, AGILE_BASE_URL: 'ftp://{domain}.x/' }).problems[0]?.problem).toMatch(
      /http\(s\) URL \(it may contain \{domain\}\)/,
    );
    expect(() => agileBaseUrlFor('https://{domain}.agilecrm.com/dev/', 'evil.com/x?')).toThrow(
      /not an Agile domain/,
    );
    expect(agileBaseUrlFor('https://{domain}.agilecrm.com/dev/', 'acme')).toBe(
      'https://acme.agilecrm.com/dev/',
    );
  });
});

describe('ENCRYPTION_KEY', () => {
  it('accepts base64 or hex, with ENCRYPTION_KEY_PREVIOUS for rotation', () => {
    const previous = randomBytes(32);
    const c = loadConfig({
      ...HTTP_ENV,
      ENCRYPTION_KEY: KEY.toString('hex'),
      ENCRYPTION_KEY_PREVIOUS: previous.toString('base64'),
    });
    expect(c.encryption).toEqual({ key: KEY, previousKey: previous, source: 'ENCRYPTION_KEY' });
  });

  it('explains a key of the wrong size without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    const err = problemsOf({ ...HTTP_ENV, ENCRYPTION_KEY: short, ENCRYPTION_KEY_PREVIOUS: 'nope!' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['ENCRYPTION_KEY', 'ENCRYPTION_KEY_PREVIOUS']);
    expect(err.message).toMatch(/ENCRYPTION_KEY: must be 32 bytes: this base64 value decodes to 16 bytes/);
    expect(err.message).not.toContain(short);
    expect(err.message).not.toContain('nope!');
  });

  it('unset outside OAuth mode: derived from the signing secret (or app token), the dev key in the console', () => {
    expect(loadConfig(HTTP_ENV).encryption).toEqual({
      key: deriveKey('secret'),
      previousKey: null,
      source: 'SLACK_SIGNING_SECRET',
    });
    const { SLACK_SIGNING_SECRET: _unused, ...socketEnv } = HTTP_ENV;
    expect(loadConfig({ ...socketEnv, SLACK_APP_TOKEN: 'xapp-1-A' }).encryption).toMatchObject({
      key: deriveKey('xapp-1-A'),
      source: 'SLACK_APP_TOKEN',
    });
    expect(loadConfig({}).encryption).toEqual({ key: DEV_KEY, previousKey: null, source: 'development' });
  });

  it('once set, the key used before it stays readable as the previous key (unless ENCRYPTION_KEY_PREVIOUS is set)', () => {
    expect(
      loadConfig({ ...HTTP_ENV, ENCRYPTION_KEY: KEY.toString('base64') }).encryption.previousKey,
    ).toEqual(deriveKey('secret'));
    expect(loadConfig({ ENCRYPTION_KEY: KEY.toString('base64') }).encryption.previousKey).toEqual(DEV_KEY);
  });
});

describe('METRICS_PORT and log format', () => {
  it('METRICS_PORT is an optional port number', () => {
    expect(loadConfig(HTTP_ENV).metricsPort).toBeUndefined();
    expect(loadConfig({ ...HTTP_ENV, METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(problemsOf({ ...HTTP_ENV, METRICS_PORT: 'abc' }).problems.map((p) => p.variable)).toEqual([
      'METRICS_PORT',
    ]);
  });

  it('logs are human-readable only on a terminal, outside CI and tests', () => {
    expect(loadConfig(HTTP_ENV, true).logPretty).toBe(true);
    expect(loadConfig(HTTP_ENV, false).logPretty).toBe(false);
    expect(loadConfig({ ...HTTP_ENV, CI: 'true' }, true).logPretty).toBe(false);
    expect(loadConfig({ ...HTTP_ENV, NODE_ENV: 'production' }, true).logPretty).toBe(false);
  });
});
