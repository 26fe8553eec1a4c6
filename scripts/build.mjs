// `npm run build`: src/**/*.ts → dist/**/*.js, file for file (esbuild transpiles, no type check: that is
// `npm test`'s job), plus the console's static files beside their module, so every `import.meta.url`
// resolves as it does in src/. Plain JavaScript so it runs without a TypeScript loader.
//
//   node scripts/build.mjs             always build
//   node scripts/build.mjs --if-stale  build only when a file under src/ (or package.json) is newer than
//                                      the last build; `npm start` uses this, so a host that built at
//                                      deploy time and pruned devDependencies (Heroku) never needs esbuild.
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.built');
const PUBLIC = 'devkit/console/public';

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function isFresh() {
  if (!existsSync(stamp)) return false;
  const builtMs = statSync(stamp).mtimeMs;
  return [join(root, 'package.json'), ...filesUnder(src)].every((f) => statSync(f).mtimeMs <= builtMs);
}

if (process.argv.includes('--if-stale') && isFresh()) process.exit(0);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write(
    'dist/ is missing or older than src/, and esbuild (a devDependency) is not installed.\n' +
      'Run `npm install` then `npm run build` (or deploy with a build step that runs `npm run build`).\n',
  );
  process.exit(1);
}

const startedMs = Date.now();
rmSync(dist, { recursive: true, force: true });
const entryPoints = filesUnder(src).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !relative(src, f).startsWith(PUBLIC),
);
await esbuild.build({
  entryPoints,
  outdir: dist,
  outbase: src,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
cpSync(join(src, PUBLIC), join(dist, PUBLIC), { recursive: true });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
process.stdout.write(`built ${entryPoints.length} files into dist/ in ${Date.now() - startedMs} ms\n`);
