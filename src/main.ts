import { type Bot, createBot } from './app/create-bot.js';
import { ConfigError, loadConfig } from './platform/config.js';

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
  let bot: Bot;
  let stop: () => Promise<void>;
  if (config.slack.mode === 'console') {
    // No Slack token: the local console plays Slack (src/devkit/console/). Loaded only in this mode, so
    // a production process never pays for it (README → Performance).
    const { startConsole } = await import('./devkit/console/index.js');
    const running = await startConsole({ config });
    ({ bot, stop } = running);
    bot.logger.info({ mode: config.slack.mode, port: running.port }, 'bot started');
    process.stdout.write(`\nConsole: ${running.url}\n\n`);
  } else {
    bot = await createBot({ config });
    stop = () => bot.stop();
    const { port } = await bot.start();
    bot.logger.info({ mode: config.slack.mode, port }, 'bot started');
  }

  // Last resort: every listener catches its own failures; one that slips through is logged, and an
  // upstream fault must not take the bot down for everyone.
  process.on('unhandledRejection', (err) => bot.logger.error({ err }, 'unhandled promise rejection'));

  const shutdown = async (signal: string) => {
    bot.logger.info({ signal }, 'shutting down');
    await stop().catch((err) => bot.logger.error({ err }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
