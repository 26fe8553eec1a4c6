import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startTestBot, type TestBot, type TestBotOptions } from './test-bot.js';

/**
 * One bot for the enclosing file or describe block: started in beforeAll, reset before each test,
 * closed in afterAll. The returned handle forwards to that bot, so tests use it as a TestBot.
 * (A file of its own: test-bot.ts is also loaded by bench/, outside vitest.)
 */
export function useTestBot(opts: TestBotOptions = {}): TestBot {
  let bot: TestBot | undefined;
  beforeAll(async () => {
    bot = await startTestBot(opts);
  });
  afterAll(() => bot?.close());
  beforeEach(() => started().reset());
  const started = (): TestBot => {
    if (!bot) throw new Error('useTestBot: the bot starts in beforeAll');
    return bot;
  };
  return new Proxy({} as TestBot, { get: (_target, key) => Reflect.get(started(), key) });
}
