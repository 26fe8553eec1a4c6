import { ConfigError, loadConfig } from './config.js';
import { registerListeners } from './listeners/index.js';
import { createLogger } from './logger.js';
import { createSlackApp } from './slack/create-app.js';

// Entry only: config → logger → dependencies → Bolt app → start → shutdown.
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n\nSee README.md → Configuration.\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const slack = createSlackApp({ config, logger });
  registerListeners(slack.app, { logger });
  const { port } = await slack.start();
  logger.info({ mode: config.slack.mode, port }, 'bot started');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await slack.stop().catch((err) => logger.error({ err }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
