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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second signal: the operator wants out now (unfinished writes are logged by the drain, if it got there).
      bot.logger.warn({ signal }, 'second signal: exiting without finishing the drain');
      process.exit(1);
    }
    stopping = true;
    bot.logger.info({ signal }, 'shutting down: draining');
    // Last resort, should a stop step hang past the drain's own deadline.
    setTimeout(
      () => {
        bot.logger.error('shutdown did not finish in time: exiting');
        process.exit(1);
      },
      ((config.shutdownTimeoutSeconds ?? 20) + 15) * 1000,
    ).unref();
    let code = 0;
    await stop().catch((err) => {
      code = 1;
      bot.logger.error({ err }, 'error while stopping');
    });
    bot.logger.info({ signal }, 'shut down');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
