// Runs Go's own standard library tests in our WASI host: `GOOS=wasip1 GOARCH=wasm go test` finds
// bin/go_wasip1_wasm_exec on PATH, exactly as Go's builders find the wasmtime wrapper, so thousands
// of tests written by Go's authors check our host's file, clock, poll and stdio semantics.
//   node scripts/go-std-tests.mjs [--only pkg,...] [--node-wasi] [-p N] [--timeout 10m]
//     --node-wasi  run the same packages in Node's built-in node:wasi instead (for comparison)
//     --only       these packages instead of the default list
//     -p           packages built and tested at once (default: cores + 1)
//     --timeout    per test binary (go test -timeout)
// Prints one line per package as it finishes, a table, the first failure lines of each failing
// package, and `N passed, M failed`. Exits non-zero if any package failed.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findGo } from '../bench/goBinary.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// The slowest test binaries come first (os, time, runtime and compress/gzip each run 10-40 s in
// the host), so that they start while the quick ones fill the other slots instead of ending last.
const defaultPackages = [
  'os', 'time', 'runtime', 'compress/gzip', 'archive/tar', 'encoding/json', 'regexp', 'html/template',
  'io', 'io/fs', 'path/filepath', 'bufio', 'bytes', 'strings', 'strconv', 'sort', 'fmt', 'errors',
  'sync', 'context', 'syscall', 'encoding/csv', 'encoding/base64', 'archive/zip', 'compress/flate',
  'crypto/sha256', 'crypto/rand', 'math/rand', 'hash/crc32', 'text/template', 'testing/fstest', 'net/url',
  'mime', 'log', 'log/slog', 'unicode/utf8', 'container/heap', 'internal/poll', 'embed',
];

function parseOptions(argv) {
  // One more than the cores: test binaries spend much of their run waiting on timers and sleeps
  // (os, time, runtime), so an extra one keeps the CPUs busy. Measured on 2 cores, warm cache:
  // -p 2 64 s, -p 3 50 s, -p 4 46 s, with timing-sensitive tests (time) still passing.
  const options = { packages: defaultPackages, nodeWasi: false, parallel: availableParallelism() + 1, timeout: '10m' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--only') options.packages = value().split(',').filter(Boolean);
    else if (flag === '--node-wasi') options.nodeWasi = true;
    else if (flag === '-p') options.parallel = Number(value());
    else if (flag === '--timeout') options.timeout = value();
    else throw new Error(`unknown option ${argv[i]}\nusage: node scripts/go-std-tests.mjs [--only pkg,...] [--node-wasi] [-p N] [--timeout 10m]`);
  }
  if (!(options.parallel >= 1)) throw new Error('-p needs a positive number');
  if (!options.packages.length) throw new Error('--only needs at least one package');
  return options;
}

/** The folder whose go_wasip1_wasm_exec `go test` will find first on PATH, and how to clean it up. */
function execFolder(nodeWasi) {
  if (!nodeWasi) {
    if (!existsSync(join(repo, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
    return { folder: join(repo, 'bin'), cleanup: () => {} };
  }
  // The same contract as bin/go_wasip1_wasm_exec (/ preopened as /, PWD and PATH passed), other host.
  const folder = mkdtempSync(join(tmpdir(), 'go-std-node-wasi-'));
  const runner = join(repo, 'bench', 'nodeWasiRunner.mjs');
  const script = join(folder, 'go_wasip1_wasm_exec');
  writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" "${runner}" --dir=/ --env PWD="$PWD" --env PATH="$PATH" -- "$@"\n`);
  chmodSync(script, 0o755);
  return { folder, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Per-package state assembled from `go test -json` events (cmd/test2json's format). */
function newResult(pkg) {
  return { pkg, status: undefined, seconds: undefined, packageOutput: [], allOutput: [], testOutput: new Map(), failedTests: [], running: new Set(), buildOutput: [] };
}

function runGoTest(go, options, folder) {
  const results = new Map(options.packages.map((pkg) => [pkg, newResult(pkg)]));
  const resultFor = (pkg) => {
    if (!results.has(pkg)) results.set(pkg, newResult(pkg));
    return results.get(pkg);
  };
  const env = {
    ...process.env,
    GOOS: 'wasip1',
    GOARCH: 'wasm',
    GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local',
    PATH: [folder, dirname(go), process.env.PATH ?? ''].join(delimiter),
  };
  // -count=1: a cached pass says nothing about the host as it is now (the cache key ignores it).
  // -vet=off: vet checks Go's sources, not our host, and would only add compile time.
  const args = ['test', '-json', '-short', '-count=1', '-vet=off', `-p=${options.parallel}`, `-timeout=${options.timeout}`, ...options.packages];
  console.log(`[go-std] ${go} ${args.join(' ')}  (exec: ${join(folder, 'go_wasip1_wasm_exec')})`);

  return new Promise((resolvePromise, reject) => {
    const child = spawn(go, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = [];
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        stderr.push(line);
        return;
      }
      if (event.Action === 'build-output') {
        // Build events name what is being built, e.g. "os_test [os.test]"; the bracket is the package under test.
        const pkg = /\[(.+)\.test\]$/.exec(event.ImportPath)?.[1] ?? event.ImportPath;
        resultFor(pkg).buildOutput.push(event.Output.replace(/\n$/, ''));
        return;
      }
      if (event.Action === 'build-fail' || !event.Package) return;
      const result = resultFor(event.Package);
      if (event.Action === 'output') {
        const text = event.Output.replace(/\n$/, '');
        result.allOutput.push(text);
        if (!event.Test) result.packageOutput.push(text);
        else {
          if (!result.testOutput.has(event.Test)) result.testOutput.set(event.Test, []);
          result.testOutput.get(event.Test).push(text);
        }
      }
      if (event.Test && event.Action === 'run') result.running.add(event.Test);
      if (event.Test && ['pass', 'fail', 'skip'].includes(event.Action)) result.running.delete(event.Test);
      if (event.Test && event.Action === 'fail') result.failedTests.push(event.Test);
      if (!event.Test && ['pass', 'fail', 'skip'].includes(event.Action)) {
        result.status = event.Action;
        result.seconds = event.Elapsed;
        const mark = event.Action === 'fail' ? 'FAIL' : 'ok  ';
        console.log(`[go-std] ${mark} ${event.Package} ${event.Elapsed !== undefined ? `${event.Elapsed.toFixed(1)}s` : ''}`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ results: [...results.values()], code, stderr }));
  });
}

/**
 * The lines a reader needs first: build errors; else the failing test names and the first one's
 * messages (subtests fail before their parents, so that is the most specific); else what the
 * binary said outside any test (a panic, a timeout, the host's own complaint).
 */
function firstFailureLines(result, limit = 10) {
  if (result.buildOutput.length) return result.buildOutput.slice(0, limit);
  const noise = (line) => !line.trim() || /^=== (RUN|PAUSE|CONT|NAME)/.test(line) || /^\s*--- (PASS|SKIP)/.test(line);
  const lines = [];
  if (result.failedTests.length) {
    const names = result.failedTests.slice(0, 6).join(', ');
    lines.push(`failed: ${names}${result.failedTests.length > 6 ? `, ... (${result.failedTests.length})` : ''}`);
    lines.push(...(result.testOutput.get(result.failedTests[0]) ?? []).filter((line) => !noise(line)).slice(0, limit - 2));
  } else if (result.running.size) {
    // The binary died inside these tests (a crash, a host error): their last words are the clue.
    const unfinished = [...result.running];
    lines.push(`died in: ${unfinished.slice(0, 6).join(', ')}`);
    for (const test of unfinished) lines.push(...(result.testOutput.get(test) ?? []).filter((line) => !noise(line)).slice(-3));
  }
  const trouble = /panic:|fatal error:|timed out|wasip1:|Error|error|signal|killed/;
  const summary = (line) => /^(FAIL|ok)\s/.test(line) || line === 'FAIL' || line === 'PASS';
  const outside = result.packageOutput.filter((line) => !noise(line) && !summary(line));
  const start = outside.findIndex((line) => trouble.test(line));
  if (lines.length < limit) lines.push(...(start >= 0 ? outside.slice(start) : outside.slice(-3)).slice(0, limit - lines.length));
  // A crash between tests is attributed by test2json to whichever test printed last, even one
  // that passed: then the binary's last words are all there is.
  if (!lines.length) lines.push(...result.allOutput.filter((line) => !noise(line) && !summary(line)).slice(-3));
  return lines;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const go = findGo();
  const { folder, cleanup } = execFolder(options.nodeWasi);
  const started = Date.now();
  let run;
  try {
    run = await runGoTest(go, options, folder);
  } finally {
    cleanup();
  }
  const wall = (Date.now() - started) / 1000;

  const width = Math.max(...run.results.map((r) => r.pkg.length), 'package'.length);
  console.log(`\n${'package'.padEnd(width)}  result  seconds`);
  let passed = 0;
  let failed = 0;
  for (const result of run.results) {
    const ok = result.status === 'pass' || result.status === 'skip';
    if (ok) passed++;
    else failed++;
    const label = ok ? 'ok' : result.status === undefined ? (result.buildOutput.length ? 'FAIL (build)' : 'FAIL (no result)') : 'FAIL';
    const secs = result.seconds === undefined ? '' : result.seconds.toFixed(1).padStart(7);
    console.log(`${result.pkg.padEnd(width)}  ${label.padEnd(6)}  ${secs}`);
  }
  for (const result of run.results.filter((r) => r.status !== 'pass' && r.status !== 'skip')) {
    const lines = firstFailureLines(result);
    console.log(`\n--- ${result.pkg}:\n${lines.length ? lines.map((line) => `    ${line}`).join('\n') : '    (no output)'}`);
  }
  if (run.stderr.length) console.log(`\ngo test stderr:\n${run.stderr.slice(0, 20).join('\n')}`);
  console.log(`\nhost: ${options.nodeWasi ? 'node:wasi' : 'wasip1 (ours)'}; wall time ${wall.toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  // `npm test` adds these to its own totals.
  if (process.env.WASIP1_GOSTD_RESULTS) writeFileSync(process.env.WASIP1_GOSTD_RESULTS, JSON.stringify({ passed, failed }));
  return failed === 0 && run.code === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`[go-std] ${error.message}`);
    process.exitCode = 1;
  },
);
