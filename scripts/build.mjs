// Bundles the extension, the standalone debug adapter, the CLI, the host worker and the library
// entry (dist/lib.mjs) with esbuild.
//   node scripts/build.mjs            development build with source maps
//   node scripts/build.mjs --release  minified, no source maps (what `npm run package` ships)
//   node scripts/build.mjs --watch    development build, rebuilt on change
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const release = process.argv.includes('--release');
const watch = process.argv.includes('--watch');

/** Entry points that exist; later issues add theirs without touching this list's shape. */
const entries = {
  extension: 'src/extension/extension.ts',
  debugAdapter: 'src/debug/debugAdapter.ts',
  debugWorkerThread: 'src/debug/debugWorkerThread.ts',
  cli: 'src/cli/main.ts',
  hostWorker: 'src/wasi/runner/hostWorker.ts',
  guestProcess: 'src/wasi/runner/childProcessGuest.ts',
};
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

const shared = {
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: release,
  sourcemap: release ? false : 'linked',
  logLevel: 'info',
};

// One build per entry: a broken entry fails the build without hiding the others' results.
const builds = Object.entries(entryPoints).map(([name, file]) => ({ ...shared, entryPoints: { [name]: file } }));

// The package's library entry (`import { runWasi } from 'wasip1-vscode'`), an ES module. The host
// finds dist/hostWorker.js through __dirname and loads node built-ins lazily with require(), which
// an ES module has neither of: the banner defines both.
if (existsSync('src/lib.ts')) {
  builds.push({
    ...shared,
    entryPoints: { lib: 'src/lib.ts' },
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: {
      js: [
        "import { createRequire as wasip1CreateRequire } from 'node:module';",
        "import { dirname as wasip1Dirname } from 'node:path';",
        "import { fileURLToPath as wasip1FileURLToPath } from 'node:url';",
        'const require = wasip1CreateRequire(import.meta.url);',
        'const __filename = wasip1FileURLToPath(import.meta.url);',
        'const __dirname = wasip1Dirname(__filename);',
      ].join('\n'),
    },
  });
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  const results = await Promise.allSettled(builds.map((options) => esbuild.build(options)));
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
}
