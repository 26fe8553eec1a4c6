import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { createAgileClient } from '../../src/agile/index.js';
import type { DatabaseConfig } from '../../src/config.js';
import { createDigestPoster } from '../../src/digest/poster.js';
import { createDigestScheduler, type DigestScheduler } from '../../src/digest/scheduler.js';
import type { AgileSimulator } from '../../src/sandbox/agile-simulator.js';
import { createOwnerDirectory } from '../../src/services/owner-directory.js';
import { createSlackUserDirectory } from '../../src/slack/user-directory.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ADMIN_URL, createTestDatabase, dropTestDatabase, postgresProblem } from '../helpers/postgres.js';

export { ADMIN_URL, postgresProblem };

import type { FakeSlack } from '../helpers/fake-slack.js';

export const BOT_TOKEN = 'xoxb-digest-test';

export function fakeClock(iso: string) {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set(next: string) {
      t = Date.parse(next);
    },
  };
}

export interface Instance {
  store: Store;
  scheduler: DigestScheduler;
  close(): Promise<void>;
}

/** One app instance as the scheduler sees it: its own Store connection, Slack client and poster. */
export async function startInstance(opts: {
  database: DatabaseConfig;
  slack: FakeSlack;
  agile: AgileSimulator;
  now: () => Date;
  instanceId: string;
  retryDelaysMs?: number[];
}): Promise<Instance> {
  const logger = pino({ level: 'silent' });
  const store = await openStore(opts.database, { now: opts.now });
  const client = new WebClient(BOT_TOKEN, {
    slackApiUrl: opts.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const agile = createAgileClient({
    baseUrl: opts.agile.url,
    email: opts.agile.credentials.email,
    apiKey: opts.agile.credentials.apiKey,
    logger,
    retries: 0,
  });
  const poster = createDigestPoster({ client, logger, perChannelIntervalMs: 0 });
  const scheduler = createDigestScheduler({
    deps: {
      agile,
      store,
      logger,
      now: opts.now,
      owners: createOwnerDirectory(agile, opts.now),
      slackUsers: createSlackUserDirectory(client, logger, opts.now),
    },
    poster,
    instanceId: opts.instanceId,
    retryDelaysMs: opts.retryDelaysMs ?? [10, 20],
  });
  return {
    store,
    scheduler,
    async close() {
      const stopped = scheduler.stop();
      poster.close();
      await stopped;
      await store.close();
    },
  };
}

/** A fresh database per call (parallel test files never collide); drop() removes it. */
export async function freshPostgres(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  const { name, url } = await createTestDatabase('test_digest');
  return {
    config: { kind: 'postgres', url },
    drop: () => dropTestDatabase(name),
  };
}
