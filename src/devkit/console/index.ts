import { createServer } from 'node:net';
import type { Logger } from 'pino';
import { type Bot, createBot } from '../../app/create-bot.js';
import type { Config } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import {
  CONSOLE_BOT,
  CONSOLE_CHANNELS,
  CONSOLE_TEAM,
  CONSOLE_USERS,
  type ConsoleSlack,
  createConsoleSlack,
} from './console-slack.js';
import { consoleRoutes, consoleToken } from './routes.js';
import { newConsoleCredentials } from './signing.js';
import { createSlackWebApi, type SlackWebApi } from './slack-web-api.js';

/**
 * Console mode: no Slack workspace. This process plays Slack for the real bot: it serves the Web API
 * the bot calls and a Slack-like page, on the bot's own HTTP server, bound to 127.0.0.1.
 */

export interface ConsoleOptions {
  config: Config;
  logger?: Logger;
  now?: () => Date;
  /** Overrides config.port; 0 = an ephemeral port (tests). */
  port?: number;
}

export interface RunningConsole {
  bot: Bot;
  /** What to open in a browser, with this process's secret: http://localhost:3000/?token=… */
  url: string;
  /** The per-process secret the page and its API need (see ConsoleRoutesOptions.token). */
  token: string;
  /** http://127.0.0.1:{port} */
  baseUrl: string;
  port: number;
  api: SlackWebApi;
  slack: ConsoleSlack;
  stop(): Promise<void>;
}

export class ConsoleRefusedError extends Error {
  constructor() {
    super('The local console only runs without Slack credentials (SLACK_BOT_TOKEN unset).');
    this.name = 'ConsoleRefusedError';
  }
}

/** The console user's own REST API key in the sandbox (she is Alice Moreno there too). */
const CONSOLE_PERSONAL_KEY = 'sandbox-personal-key';

/**
 * On the embedded sandbox the console's workspace starts connected to it (domain `sandbox`) and Alice
 * personally, as stored connections (the store keeps them across runs; the sandbox learns Alice's key
 * afresh each start): `/crm disconnect`, `/crm connect me` and the rest then work as in a real workspace.
 */
async function connectConsoleToSandbox(bot: Bot): Promise<void> {
  const sandbox = bot.sandbox;
  const me = CONSOLE_USERS[0];
  if (!sandbox || !me?.email) return;
  sandbox.addMember({ email: me.email, apiKey: CONSOLE_PERSONAL_KEY });
  const { accounts, store } = bot.deps;
  const nowMs = bot.deps.now().getTime();
  if (!(await store.workspaces.getWorkspaceAccount(CONSOLE_TEAM.id))) {
    await accounts.connectWorkspace(CONSOLE_TEAM.id, {
      domain: 'sandbox',
      ...sandbox.credentials,
      connectedBy: me.id,
      connectedMs: nowMs,
    });
  }
  if (!(await store.workspaces.getPersonalAccount(CONSOLE_TEAM.id, me.id))) {
    await accounts.connectPersonal(CONSOLE_TEAM.id, {
      slackUserId: me.id,
      email: me.email,
      apiKey: CONSOLE_PERSONAL_KEY,
      connectedMs: nowMs,
    });
  }
}

/** The app's config with this process's throwaway Slack credentials and the emulated Web API. */
export function buildConsoleConfig(
  config: Config,
  slack: { botToken: string; signingSecret: string; apiUrl: string },
  port: number,
): Config {
  return {
    ...config,
    port,
    slack: {
      mode: 'console',
      botToken: slack.botToken,
      signingSecret: slack.signingSecret,
      apiUrl: slack.apiUrl,
      // The console's Web API is served by the bot's own server, which does not listen yet when
      // Bolt starts: give Bolt the identity auth.test would have answered.
      botUserId: CONSOLE_BOT.userId,
      botId: CONSOLE_BOT.botId,
      oauth: null,
    },
  };
}

/** The Web API URL must be known before the bot exists, so port 0 is resolved first. */
async function resolvePort(port: number): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const free = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(free));
    });
  });
}

/** The console's Web API log and its sandbox's request log keep this many recent entries. */
const CONSOLE_LOG_LIMIT = 1000;

export async function startConsole({ config, logger, now, port }: ConsoleOptions): Promise<RunningConsole> {
  if (config.slack.mode !== 'console' || config.slack.botToken || config.slack.appToken)
    throw new ConsoleRefusedError();
  const log = logger ?? createLogger(config.logLevel, undefined, { pretty: config.logPretty });
  const bound = await resolvePort(port ?? config.port);
  const baseUrl = `http://127.0.0.1:${bound}`;
  const credentials = newConsoleCredentials();
  const token = consoleToken();

  let slack: ConsoleSlack | undefined;
  const api = createSlackWebApi({
    botToken: credentials.botToken,
    team: CONSOLE_TEAM,
    users: CONSOLE_USERS,
    botUserId: CONSOLE_BOT.userId,
    botId: CONSOLE_BOT.botId,
    onResponse: (id, args) => slack?.applyResponse(id, args),
    maxLog: CONSOLE_LOG_LIMIT,
  });
  // Everyone is in every console channel: App Home lists the digests of the channels I am in.
  for (const c of CONSOLE_CHANNELS) {
    if (!c.id.startsWith('D')) api.channelMembers.set(c.id, new Set(CONSOLE_USERS.map((u) => u.id)));
  }
  slack = createConsoleSlack({
    api,
    eventsUrl: `${baseUrl}/slack/events`,
    responseBase: baseUrl,
    signingSecret: credentials.signingSecret,
    logger: log.child({ component: 'console' }),
  });
  const served = consoleRoutes({
    api,
    slack,
    logger: log.child({ component: 'console' }),
    port: bound,
    token,
  });
  const bot = await createBot({
    config: buildConsoleConfig(config, { ...credentials, apiUrl: `${baseUrl}/api/` }, bound),
    logger: log,
    now,
    extraRoutes: served.routes,
  });
  // On the embedded sandbox the console user is also personally connected, so every flow can be
  // tried (public ticket replies need it); against a real Agile account, nobody is until they connect.
  // Stored here rather than as a start-up seed: a seed asks auth.test of this very server, not yet listening.
  await connectConsoleToSandbox(bot);
  await bot.start(bound);

  return {
    bot,
    url: `http://localhost:${bound}/?token=${token}`,
    token,
    baseUrl,
    port: bound,
    api,
    slack,
    async stop() {
      served.closeStreams();
      await bot.stop();
    },
  };
}
