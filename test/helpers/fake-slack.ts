import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSlackWebApi,
  type EmulatedMessage,
  type EmulatedUser,
  type EmulatedView,
  type FailSpec,
  RESPONSE,
  type RecordedCall,
  type RecordedViolation,
  type SlackWebApi,
} from '../../src/console/slack-web-api.js';
import { parseTriggerId, TEAM, USER } from './payloads.js';

/**
 * A fake Slack Web API on a real HTTP server: SLACK_API_URL = `${fake.url}/api/`. It records every
 * call, checks the bot token, keeps messages/views/reactions, serves response_urls, and runs the
 * Block Kit validator over everything the bot sends. The emulation itself is src/console/slack-web-api.ts
 * (the local console serves the same one); this file gives it its own server and the tests' defaults.
 */

export type { FailSpec, RecordedCall, RecordedViolation };
export { RESPONSE };
export type FakeUser = EmulatedUser;
export type FakeMessage = EmulatedMessage;
export type FakeView = EmulatedView;

export interface FakeSlackOptions {
  botToken: string;
  /** Users known to users.info / users.lookupByEmail (default: ALICE and BOB). */
  users?: FakeUser[];
}

export const DEFAULT_USERS: FakeUser[] = [
  {
    id: USER.id,
    name: USER.name,
    realName: 'Alice Archer',
    displayName: 'alice',
    email: 'alice@example.com',
    tz: 'America/New_York',
  },
  {
    id: 'U0BOB',
    name: 'bob',
    realName: 'Bob Baker',
    displayName: 'bob',
    email: 'bob@example.com',
    tz: 'Europe/Paris',
  },
];

export interface FakeSlack {
  /** Server root, e.g. http://127.0.0.1:54321 */
  url: string;
  /** Use as SLACK_API_URL. */
  apiUrl: string;
  botUserId: string;
  botId: string;
  /** Every API call and response_url post, in arrival order. */
  readonly log: RecordedCall[];
  /** Block Kit violations of everything the bot sent; tests assert it stays empty. */
  readonly violations: RecordedViolation[];
  users: Map<string, FakeUser>;
  /** Messages the bot posted, by channel (deleted ones kept with deleted = true). */
  messages: Map<string, FakeMessage[]>;
  views: Map<string, FakeView>;
  /** `channel/ts/name` of every reaction added. */
  reactions: Set<string>;
  /** Channel id → error every chat.* call to it answers (not_in_channel, channel_not_found, is_archived). */
  channelErrors: Map<string, string>;
  /** Delay before every answer, and per method. */
  latencyMs: number;
  methodLatencyMs: Map<string, number>;
  /** A response_url on this server; posts to it are recorded as RESPONSE calls with responseId = id. */
  responseUrl(id?: string): string;
  /** The next `times` calls of `method` fail as described. */
  failNext(method: string, spec: FailSpec, times?: number): void;
  calls(method: string): RecordedCall[];
  /** Resolves with the first recorded call of `method` matching `predicate`, polling until timeoutMs. */
  waitFor(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  assertNoViolations(): void;
  /** Forget calls, violations, messages, views, reactions, faults; users back to the initial table. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeSlack(opts: FakeSlackOptions): Promise<FakeSlack> {
  const api: SlackWebApi = createSlackWebApi({
    botToken: opts.botToken,
    team: TEAM,
    users: opts.users ?? DEFAULT_USERS,
    parseTriggerId,
  });
  const server = createServer((req, res) => {
    api
      .handle(req, res)
      .then((handled) => {
        if (handled) return;
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not_found');
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let responseSeq = 0;

  // Extend the emulator object itself: tests assign fields (users, latencyMs) the handlers read.
  const extra: Pick<FakeSlack, 'url' | 'apiUrl' | 'responseUrl' | 'close'> = {
    url,
    apiUrl: `${url}/api/`,
    responseUrl(id) {
      return `${url}/response/${encodeURIComponent(id ?? `r${++responseSeq}`)}`;
    },
    close() {
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
  return Object.assign(api, extra);
}
