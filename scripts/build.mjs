// `npm run build`: src/main.ts → dist/main.js, bundled by esbuild with its dependencies (no type check:
// that is `npm test`'s job), plus the console's static files in dist/public/. Plain JavaScript so it runs
// without a TypeScript loader. Why a bundle: README → Running in production.
//
//   node scripts/build.mjs             always build
//   node scripts/build.mjs --if-stale  build only when a file under src/ is newer than the last build or
//                                      package*.json changed; `npm start` uses this, so a host that built at
//                                      deploy time and pruned devDependencies (Heroku) never needs esbuild.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.built');
const PUBLIC = 'devkit/console/public';

// parentPath: Node ≥ 20.12; path before that.
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

// The dependencies by content: `npm prune` rewrites an unchanged package-lock.json (a newer mtime).
const dependencies = () =>
  createHash('sha256')
    .update(readFileSync(join(root, 'package.json')))
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');

function isFresh() {
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== dependencies()) return false;
  const builtMs = statSync(stamp).mtimeMs;
  return filesUnder(src).every((f) => statSync(f).mtimeMs <= builtMs);
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
const { metafile } = await esbuild.build({
  entryPoints: [join(src, 'main.ts')],
  outdir: dist,
  // One bundle, tree-shaken: a process loads a few files instead of ~1,500 modules (whole packages such as
  // date-fns, kysely and zod re-export everything from their index), and only the code it uses.
  bundle: true,
  // What main.ts and the store import with import() (the console and its sandbox, each database's
  // driver) stays in chunks of its own, loaded only in the mode that needs it.
  splitting: true,
  // Every chunk in dist/ itself, so `new URL('./public/', import.meta.url)` in the console's routes
  // finds dist/public/ wherever that module ends up.
  chunkNames: '[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native or optional drivers stay in node_modules.
  external: ['better-sqlite3', 'pg', 'pg-native'],
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  // V8 keeps every script's source in memory (Function.prototype.toString): no whitespace or comments
  // (a single non-Latin-1 character in a comment doubles a whole chunk's in-memory size), names kept so
  // stack traces stay readable; node --enable-source-maps maps them back to src/.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
cpSync(join(src, PUBLIC), join(dist, 'public'), { recursive: true });
writeFileSync(stamp, `${dependencies()}\n`);
const bytes = Object.entries(metafile.outputs)
  .filter(([path]) => path.endsWith('.js'))
  .reduce((sum, [, o]) => sum + o.bytes, 0);
process.stdout.write(
  `built dist/ (${Math.round(bytes / 1024)} KiB of JavaScript) in ${Date.now() - startedMs} ms\n`,
);
