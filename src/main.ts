import { createBot } from './bot.js';
import { ConfigError, loadConfig } from './config.js';

// Entry only: config → bot (logger, dependencies, Bolt app) → start → shutdown.
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
  const bot = await createBot({ config });
  const { port } = await bot.start();
  bot.logger.info({ mode: config.slack.mode, port }, 'bot started');

  const shutdown = async (signal: string) => {
    bot.logger.info({ signal }, 'shutting down');
    await bot.stop().catch((err) => bot.logger.error({ err }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
