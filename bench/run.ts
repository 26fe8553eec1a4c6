import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * `npm run bench`: every benchmark, each against its baseline measured in the same run.
 * Figures go to stdout and bench/results/latest.json (not committed; the README keeps the record).
 */
const suites: [string, string, string][] = [
  ['Slack surfaces (issue 3)', './slack-bench.js', 'runSlackBench'],
  ['Deals and moves (issue 4)', './deals.js', 'runDealsBench'],
  ['Digest (issue 5)', './digest.js', 'runDigestBench'],
  ['Production process (issue 13)', './production.js', 'runProductionBench'],
  ['Follow polling (issue 12)', './follow.js', 'runFollowBench'],
  ['Workspaces (issue 10)', './workspaces.js', 'runWorkspacesBench'],
];

const results: Record<string, unknown> = {
  machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  at: new Date().toISOString(),
};
for (const [title, path, fn] of suites) {
  let mod: Record<string, () => Promise<Record<string, unknown>>>;
  try {
    mod = await import(path);
  } catch {
    console.log(`\n## ${title}: not present (${path})`);
    continue;
  }
  console.log(`\n## ${title}`);
  const run = mod[fn];
  if (!run) throw new Error(`${path} does not export ${fn}`);
  const figures = await run();
  console.table(figures);
  results[title] = figures;
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
