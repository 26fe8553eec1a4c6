import { mkdirSync, readFileSync } from 'node:fs';
import { burst, p50p99, Samples, settleQuietMs, startTarget, startUpstreams, type Target } from './lib.js';

/**
 * Where the ack time goes (not part of `npm run bench`): `npx tsx bench/profile-acks.ts [text]`.
 * Profiles the bot's and the bare app's processes (V8 CPU profiler, 100 µs) during identical bursts of
 * 50 `/crm {text}` (default `note`), Agile at 300 ms, after a warm-up; prints CPU ms per request and
 * where it goes (self and inclusive time by module). Profiles land in bench/results/*.cpuprofile
 * (open them in Chrome DevTools → Performance).
 */
const TEXT = process.argv[2] ?? 'note';
const BURSTS = 5;
const CONCURRENCY = 50;
const LATENCY_MS = 300;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A profile frame's bucket: an npm package, one of our src files, Node internals, or a V8 pseudo-frame. */
function bucketOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const src = /\/(src|bench|test)\/(.+)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

export function summariseProfile(path: string, requests: number) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  let activeUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const bucket = bucketOf(node.callFrame);
    if (bucket === '(idle)') return;
    activeUs += us;
    self.set(bucket, (self.get(bucket) ?? 0) + us);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${bucket}:${node.callFrame.lineNumber + 1}`;
    fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const b = bucketOf((byId.get(cur) as ProfileNode).callFrame);
      if (!seen.has(b)) {
        seen.add(b);
        inclusive.set(b, (inclusive.get(b) ?? 0) + us);
      }
    }
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({
        where: k,
        ms: Math.round(us / 100) / 10,
        share: `${Math.round((us / activeUs) * 100)}%`,
      }));
  return {
    wallMs: Math.round((profile.endTime - profile.startTime) / 1000),
    cpuMs: Math.round(activeUs / 1000),
    cpuMsPerRequest: Math.round(activeUs / requests / 10) / 100,
    self: top(self, 15),
    inclusive: top(inclusive, 25),
    functions: top(fnSelf, 25),
  };
}

async function oneBurst(t: Target, samples?: Samples): Promise<void> {
  const res = await burst(CONCURRENCY, () => t.command(TEXT));
  samples?.add(
    t.variant,
    'ack',
    res.map((r) => r.elapsedMs),
  );
  await new Promise((r) => setTimeout(r, settleQuietMs(LATENCY_MS) + 500));
}

async function bursts(t: Target, samples?: Samples): Promise<void> {
  for (let b = 0; b < BURSTS; b++) await oneBurst(t, samples);
}

const VARIANTS = ['bare', 'bare+open', 'bare+open-deferred', 'bot'] as const;
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const up = await startUpstreams();
await up.setLatency(LATENCY_MS);
const targets: Target[] = [];
for (const v of VARIANTS) targets.push(await startTarget(v, up));
try {
  for (const t of targets) await oneBurst(t);
  // The ack cost of one views.open after the ack, without and with setImmediate before it.
  const s = new Samples();
  for (let r = 0; r < BURSTS; r++) {
    for (let k = 0; k < targets.length; k++) await oneBurst(targets[(r + k) % targets.length] as Target, s);
  }
  console.log(`\n## /crm ${TEXT}: ${BURSTS} × ${CONCURRENCY} per variant, rotating order, ack p50 / p99 ms`);
  console.table(Object.fromEntries(VARIANTS.map((v) => [v, p50p99(s.get(v, 'ack'))])));
  for (const t of targets.filter((x) => x.variant === 'bare' || x.variant === 'bot')) {
    const path = `${dir}${t.kind}-${TEXT.split(' ')[0]}.cpuprofile`;
    const ps = new Samples();
    await t.profile(path, () => bursts(t, ps));
    const summary = summariseProfile(path, BURSTS * CONCURRENCY);
    console.log(`\n## ${t.kind} profiled: ack p50 / p99 ms ${p50p99(ps.get(t.variant, 'ack'))}`);
    console.log(
      `profile ${path}: wall ${summary.wallMs} ms, CPU ${summary.cpuMs} ms, ${summary.cpuMsPerRequest} ms/request`,
    );
    console.log('self time by module');
    console.table(summary.self);
    console.log('inclusive time by module (any frame on the stack)');
    console.table(summary.inclusive);
    console.log('top functions (self)');
    console.table(summary.functions);
  }
} finally {
  await Promise.all(targets.map((t) => t.close()));
  await up.close();
}
process.exit(0);
