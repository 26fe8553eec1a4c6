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
} from '../../src/devkit/console/slack-web-api.js';
import { parseTriggerId, TEAM, USER } from './payloads.js';

/**
 * A fake Slack Web API on a real HTTP server: SLACK_API_URL = `${fake.url}/api/`. It records every
 * call, checks the bot token, keeps messages/views/reactions, serves response_urls, and runs the
 * Block Kit validator over everything the bot sends. The emulation itself is src/devkit/console/slack-web-api.ts
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
    isAdmin: true,
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

/** The shared Web API emulation plus the test server around it. */
export interface FakeSlack extends SlackWebApi {
  /** Server root, e.g. http://127.0.0.1:54321 */
  url: string;
  /** Use as SLACK_API_URL. */
  apiUrl: string;
  /** A response_url on this server; posts to it are recorded as RESPONSE calls with responseId = id. */
  responseUrl(id?: string): string;
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
