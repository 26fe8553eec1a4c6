import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAgileSimulator } from '../src/devkit/sandbox/agile-simulator.js';
import { startFakeSlack } from '../test/helpers/fake-slack.js';
import { TEST_BOT_TOKEN } from '../test/helpers/test-bot.js';
import { serveUntilStdinEnds } from './child.js';

/**
 * Child process of the benchmarks: the Agile simulator and the fake Slack Web API, so their work does
 * not share an event loop with the system under test or the load generator. Prints its URLs as one
 * JSON line on stdout (UpstreamsInfo in lib.ts) and serves a small control API beside them:
 *   POST /latency?ms=N      simulator latency
 *   POST /reset/slack       forget recorded Slack calls (and views, messages…)
 *   POST /reset/agile       seed data back, latency kept
 *   GET  /calls?method=M    [{ triggerId, atMs }] of the recorded calls of M
 *   GET  /quiet?ms=Q&max=X  answers once neither upstream has received a request for Q ms (or after X ms)
 *   GET  /agile/deals       tracks and deals (id, name, pipelineId, milestone)
 */
const agile = await startAgileSimulator();
const slack = await startFakeSlack({ botToken: TEST_BOT_TOKEN });

let lastActivityMs = Date.now();
let seen = 0;
const activity = setInterval(() => {
  const n = agile.requests.length + slack.log.length;
  if (n !== seen) {
    seen = n;
    lastActivityMs = Date.now();
  }
}, 10);

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  const num = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
  const route = `${req.method} ${url.pathname}`;
  if (route === 'POST /latency') {
    agile.faults.latencyMs = num('ms', 0);
    return json(res, { latencyMs: agile.faults.latencyMs });
  }
  if (route === 'POST /reset/slack') {
    slack.reset();
    seen = agile.requests.length + slack.log.length;
    return json(res, { ok: true });
  }
  if (route === 'POST /reset/agile') {
    const latencyMs = agile.faults.latencyMs;
    agile.reset();
    agile.faults.latencyMs = latencyMs;
    seen = agile.requests.length + slack.log.length;
    return json(res, { ok: true });
  }
  if (route === 'GET /calls') {
    const method = url.searchParams.get('method') ?? '';
    return json(
      res,
      slack.calls(method).map((c) => ({ triggerId: String(c.args.trigger_id ?? ''), atMs: c.atMs })),
    );
  }
  if (route === 'GET /quiet') {
    const quietMs = num('ms', 500);
    const deadline = Date.now() + num('max', 10_000);
    while (Date.now() - lastActivityMs < quietMs && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return json(res, { quiet: Date.now() - lastActivityMs >= quietMs });
  }
  if (route === 'GET /agile/deals') {
    const { tracks, deals } = agile.state;
    return json(res, {
      tracks: tracks.map((t) => ({ id: t.id, name: t.name, milestones: t.milestones })),
      deals: deals.map((d) => ({ id: d.id, name: d.name, pipelineId: d.pipelineId, milestone: d.milestone })),
    });
  }
  res.writeHead(404).end();
}

const server = createServer((req, res) => {
  control(req, res).catch((err: unknown) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(err));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveUntilStdinEnds(
  {
    agileUrl: agile.url,
    agileEmail: agile.credentials.email,
    agileApiKey: agile.credentials.apiKey,
    slackUrl: slack.url,
    slackApiUrl: slack.apiUrl,
    controlUrl: `http://127.0.0.1:${port}`,
  },
  async () => {
    clearInterval(activity);
    server.closeAllConnections();
    await Promise.all([new Promise((r) => server.close(r)), slack.close(), agile.close()]);
  },
);
