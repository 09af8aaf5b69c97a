// The Testing view's two costs that grow with the code base:
//  1. discovery: every *_test.go under $(go env GOROOT)/src read and scanned for tests (goal: under 1 s
//     for its ~9,000 test functions, reading included);
//  2. a run of a package with 500 tests: one `go test -json` (one build) and one host process.
//   node bench/goTests.mjs [--rounds N]
// The TypeScript modules under test are bundled on the fly with esbuild, as scripts/build.mjs does.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { findGo } from './goBinary.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || (process.argv.includes('--rounds') ? NaN : 5);
if (!(rounds >= 1)) throw new Error('usage: node bench/goTests.mjs [--rounds N]');

const scratch = mkdtempSync(join(tmpdir(), 'bench-gotests-'));
try {
  const entry = join(scratch, 'entry.ts');
  writeFileSync(entry, [
    `export { discoverGoTests } from ${JSON.stringify(join(repo, 'src/goscan/goTestDiscovery'))};`,
    `export { runGoTestsForWasip1 } from ${JSON.stringify(join(repo, 'src/gotool/goTestRun'))};`,
  ].join('\n'));
  const bundle = join(scratch, 'bundle.mjs');
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error' });
  const { discoverGoTests, runGoTestsForWasip1 } = await import(pathToFileURL(bundle).href);

  const go = findGo();
  const goroot = execFileSync(go, ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const goMinor = Number(/go1\.(\d+)/.exec(execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }))?.[1] ?? 21);

  // 1. Discovery over GOROOT/src.
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== 'testdata') walk(join(dir, entry.name));
      } else if (entry.name.endsWith('_test.go')) files.push(join(dir, entry.name));
    }
  };
  const timings = [];
  let counts;
  for (let round = 0; round < rounds; round++) {
    files.length = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    walk(join(goroot, 'src'));
    const texts = files.map((file) => readFileSync(file, 'utf8'));
    const read = performance.now();
    const cpuRead = process.cpuUsage(cpuStarted);
    const found = { files: files.length, functions: 0, inWasip1: 0, subtests: 0, kinds: {} };
    texts.forEach((text, i) => {
      const scan = discoverGoTests(files[i], text, { goMinor });
      found.functions += scan.tests.length;
      if (scan.inWasip1Build) found.inWasip1 += scan.tests.length;
      for (const test of scan.tests) {
        found.kinds[test.kind] = (found.kinds[test.kind] ?? 0) + 1;
        found.subtests += test.subtests.length;
      }
    });
    const cpuTotal = process.cpuUsage(cpuStarted);
    // CPU time as well as wall time: on a machine shared with other work, wall time measures the queue.
    timings.push({
      readMs: read - started,
      scanMs: performance.now() - read,
      readCpuMs: (cpuRead.user + cpuRead.system) / 1000,
      scanCpuMs: (cpuTotal.user + cpuTotal.system - cpuRead.user - cpuRead.system) / 1000,
    });
    counts = found;
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const readMs = median(timings.map((t) => t.readMs));
  const scanMs = median(timings.map((t) => t.scanMs));
  console.log(`## Test discovery over ${goroot}/src (median of ${rounds})`);
  console.log(`${counts.files} test files, ${counts.functions} test functions (${Object.entries(counts.kinds).map(([k, n]) => `${n} ${k}`).join(', ')}), ` +
    `${counts.inWasip1} in the wasip1 build, ${counts.subtests} literal subtests`);
  const readCpuMs = median(timings.map((t) => t.readCpuMs));
  const scanCpuMs = median(timings.map((t) => t.scanCpuMs));
  console.log(`wall: walk + read ${readMs.toFixed(0)} ms, scan ${scanMs.toFixed(0)} ms, total ${(readMs + scanMs).toFixed(0)} ms ` +
    `(${((scanMs * 1000) / counts.functions).toFixed(1)} µs per test function)`);
  console.log(`cpu:  walk + read ${readCpuMs.toFixed(0)} ms, scan ${scanCpuMs.toFixed(0)} ms, total ${(readCpuMs + scanCpuMs).toFixed(0)} ms`);

  // 2. A 500-test package: one build, one host process.
  const pkg = join(scratch, 'many');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'go.mod'), 'module example.com/many\n\ngo 1.21\n');
  writeFileSync(join(pkg, 'many.go'), 'package many\n\nfunc Square(n int) int { return n * n }\n');
  const tests = ['package many', '', 'import "testing"', ''];
  for (let i = 0; i < 500; i++) {
    tests.push(`func TestSquare${i}(t *testing.T) {`, `\tif Square(${i}) != ${i * i} {`, `\t\tt.Fatal("wrong")`, '\t}', '}', '');
  }
  writeFileSync(join(pkg, 'many_test.go'), tests.join('\n'));
  // A go_wasip1_wasm_exec in front of ours that counts how often go starts a host process.
  const shimDir = join(scratch, 'shim');
  const counter = join(scratch, 'host-processes');
  mkdirSync(shimDir);
  writeFileSync(counter, '');
  const shim = join(shimDir, 'go_wasip1_wasm_exec');
  writeFileSync(shim, `#!/bin/sh\necho run >> '${counter}'\nexec '${join(repo, 'bin', 'go_wasip1_wasm_exec')}' "$@"\n`);
  chmodSync(shim, 0o755);
  const env = { PATH: `${shimDir}:${join(repo, 'bin')}:${process.env.PATH}`, GOFLAGS: '-mod=mod' };
  const discovered = discoverGoTests(join(pkg, 'many_test.go'), readFileSync(join(pkg, 'many_test.go'), 'utf8'), { goMinor }).tests.length;
  console.log(`\n## A package of ${discovered} tests, run for wasip1`);
  for (const label of ['first run (builds the test binary)', 'second run (go reuses the cached build)']) {
    writeFileSync(counter, '');
    const started = performance.now();
    const { collector, run } = await runGoTestsForWasip1({ go, packageDir: pkg, env });
    const ms = performance.now() - started;
    const passed = collector.results.filter((r) => r.outcome === 'passed').length;
    const hostProcesses = readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
    if (run.exitCode !== 0 || passed !== 500) throw new Error(`expected 500 passing tests, got ${passed}:\n${run.output.slice(-2000)}`);
    console.log(`${label}: ${passed} passed in ${ms.toFixed(0)} ms; 1 go test, ${hostProcesses} host process(es)`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
