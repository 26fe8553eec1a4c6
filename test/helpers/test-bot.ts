import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { SlashCommand } from '@slack/bolt';
import { type Bot, type BotOptions, createBot } from '../../src/app/create-bot.js';
import {
  type AgileSimulator,
  type SimulatorOptions,
  startAgileSimulator,
} from '../../src/devkit/sandbox/agile-simulator.js';
import { type Config, loadConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from './fake-slack.js';
import { type Actor, commandPayload, type InteractionPayload, RESPONSE_URL_UNSET, USER } from './payloads.js';
import {
  type SignOptions,
  type SlackResponse,
  sendCommand,
  sendEvent,
  sendInteraction,
} from './slack-requests.js';

export const TEST_BOT_TOKEN = 'xoxb-test-0000-token';
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** The default user (Alice) personally connected to Agile: `workspace: { personal: DEFAULT_USER_PERSONAL }`. */
export const DEFAULT_USER_PERSONAL: Record<string, { email: string; apiKey: string }> = {
  [USER.id]: { email: 'alice@example.com', apiKey: 'alice-personal-api-key' },
};

export interface TestBotOptions {
  /** Extra or overriding environment variables (applied last). */
  env?: Record<string, string>;
  /** Use this Agile base URL instead of starting the simulator (e.g. a dead port). */
  agileBaseUrl?: string;
  simulator?: SimulatorOptions;
  users?: FakeSlackOptions['users'];
  now?: () => Date;
  /** Digest scheduler options (e.g. `{ enabled: false }`, a short perChannelIntervalMs). */
  scheduler?: BotOptions['scheduler'];
  /** The follow poller (e.g. `{ enabled: false }`: tests call bot.followPoller.tick()). */
  followPoller?: BotOptions['followPoller'];
  /** The held-reply sender (e.g. `{ enabled: false }`: tests call bot.heldReplies.tick()). */
  heldReplies?: BotOptions['heldReplies'];
  /**
   * The permission model's seeds: admin settings, the installer, users personally connected to Agile
   * (`personal: { [slackUserId]: { email, apiKey } }`): written to the store at start-up; the personal
   * logins are also accepted by the simulator.
   */
  workspace?: BotOptions['workspace'];
  /** Agile client options (short timeouts, no backoff) for fault tests. */
  agileOptions?: BotOptions['agileOptions'];
  /**
   * Servers shared by several bots (instances of one deployment): used instead of starting this bot's
   * own, and left running by close(). Point the bots at one database with env.DATABASE_URL.
   */
  shared?: { slack?: FakeSlack; agile?: AgileSimulator };
}

export interface TestBot {
  /** POST /slack/events, the one URL Slack calls. */
  url: string;
  /** http://127.0.0.1:{port} of the bot (for /healthz). */
  baseUrl: string;
  slack: FakeSlack;
  /** null when agileBaseUrl was given. */
  agile: AgileSimulator | null;
  bot: Bot;
  config: Config;
  /** Every log line the bot wrote (pino JSON objects), at LOG_LEVEL (default info). */
  logs: Record<string, unknown>[];
  /** Raw log output, to assert that secrets never appear. */
  logText(): string;
  /** `/crm {text}` from the default user/channel, with a fresh trigger_id and a response_url on the fake. */
  command(
    text: string,
    actor?: Actor & { overrides?: Partial<SlashCommand> },
    sign?: SignOptions,
  ): Promise<SlackResponse>;
  /** An interaction payload (see payloads.ts); an unset response_url is pointed at the fake. */
  interact(payload: InteractionPayload, sign?: SignOptions): Promise<SlackResponse>;
  event(envelope: Record<string, unknown>, sign?: SignOptions): Promise<SlackResponse>;
  /**
   * Resolves once every listener the bot started has finished (its ack, CRM calls and Slack calls):
   * wait for this, never a fixed time, before asserting that something did NOT happen.
   */
  idle(): Promise<void>;
  /** Reset fake Slack and the simulator between tests. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * AGILE_SIM_DOCUMENTED_ONLY=1: the simulator serves only the endpoints of the API reference (npm test
 * runs the end-to-end files a second time so), proving no feature needs api/users.
 */
export function documentedOnlyRun(): boolean {
  return process.env.AGILE_SIM_DOCUMENTED_ONLY === '1';
}

/** The one place that wires the test environment: fake Slack, Agile simulator, temp SQLite, config, bot. */
export async function startTestBot(opts: TestBotOptions = {}): Promise<TestBot> {
  const slack = opts.shared?.slack ?? (await startFakeSlack({ botToken: TEST_BOT_TOKEN, users: opts.users }));
  const agile = opts.agileBaseUrl
    ? null
    : (opts.shared?.agile ??
      (await startAgileSimulator({
        undocumented: !documentedOnlyRun(),
        // Members personally connected log in to Agile with their own key: the simulator knows them.
        members: Object.values(opts.workspace?.personal ?? {}),
        ...opts.simulator,
      })));
  const dir = mkdtempSync(join(tmpdir(), 'crm-bot-test-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    AGILE_BASE_URL: opts.agileBaseUrl ?? agile?.url ?? '',
    AGILE_EMAIL: agile?.credentials.email ?? 'sandbox@example.com',
    AGILE_API_KEY: agile?.credentials.apiKey ?? 'sandbox-api-key',
    DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
    LOG_LEVEL: 'info',
    PORT: '0',
    // Public ticket replies go out at once unless a test is about the hold (it sets its own length).
    TICKET_REPLY_HOLD_SECONDS: '0',
    ...opts.env,
  });

  let logText = '';
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = chunk.toString('utf8');
      logText += line;
      for (const l of line.split('\n')) if (l.trim()) logs.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const bot = await createBot({
    config,
    logger,
    now: opts.now,
    scheduler: opts.scheduler,
    workspace: opts.workspace,
    followPoller: opts.followPoller,
    heldReplies: opts.heldReplies,
    ...(opts.agileOptions ? { agileOptions: opts.agileOptions } : {}),
  });
  const { port } = await bot.start(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  const url = `${baseUrl}/slack/events`;

  const withFakeUrls = (payload: InteractionPayload): InteractionPayload => {
    const p = payload as unknown as Record<string, unknown>;
    return (p.response_url === RESPONSE_URL_UNSET
      ? { ...p, response_url: slack.responseUrl() }
      : p) as unknown as InteractionPayload;
  };

  return {
    url,
    baseUrl,
    slack,
    agile,
    bot,
    config,
    logs,
    logText: () => logText,
    command: (text, actor = {}, sign) =>
      sendCommand(
        url,
        TEST_SIGNING_SECRET,
        commandPayload(text, { responseUrl: slack.responseUrl(), ...actor }),
        sign,
      ),
    interact: (payload, sign) => sendInteraction(url, TEST_SIGNING_SECRET, withFakeUrls(payload), sign),
    event: (envelope, sign) => sendEvent(url, TEST_SIGNING_SECRET, envelope, sign),
    idle: () => bot.deps.inFlight.idle(),
    reset() {
      slack.reset();
      agile?.reset();
    },
    async close() {
      await bot.stop();
      await Promise.all([
        opts.shared?.slack ? undefined : slack.close(),
        opts.shared?.agile ? undefined : agile?.close(),
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The bot's Agile simulator (tests seed and inspect it); throws for a bot started with agileBaseUrl. */
export function simulatorOf(t: TestBot): AgileSimulator {
  if (!t.agile) throw new Error('the test bot runs without the Agile simulator (agileBaseUrl)');
  return t.agile;
}
