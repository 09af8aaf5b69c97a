// `npm test`: every test layer, in order, with one summary at the end.
//   1. type check + ESLint
//   2. unit tests of the pure cores (node:test), real Go programs in the real host
//   3. debug adapter tests over DAP (node:test + @vscode/debugadapter-testsupport)
//   4. extension tests in a real VS Code extension host (mocha, scripts/vscode-host)
//   5. Go's own standard library tests for wasip1, run in our host (scripts/go-std-tests.mjs)
// WASIP1_TEST_LAYERS=unit,dap limits the layers; extra arguments go to every node --test run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const layers = (process.env.WASIP1_TEST_LAYERS ?? 'lint,unit,dap,vscode,gostd').split(',');
const summary = [];
let passed = 0;
let failed = 0;

function step(title, command, args, options = {}) {
  console.log(`\n=== ${title}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${title} (${seconds} s)`);
  return ok;
}

/** Adds the counts from the closing lines of a spec report ("ℹ pass 12", "ℹ fail 0"). */
function countReport(file) {
  if (!existsSync(file)) return;
  const report = readFileSync(file, 'utf8');
  passed += Number(/^ℹ pass (\d+)/m.exec(report)?.[1] ?? 0);
  failed += Number(/^ℹ fail (\d+)/m.exec(report)?.[1] ?? 0);
}

let ok = step('build', 'node', ['scripts/build.mjs']);
ok = step('compile tests (tsc)', 'npx', ['tsc', '-p', '.']) && ok;
if (layers.includes('lint')) ok = step('lint (eslint)', 'npx', ['eslint', '.']) && ok;

mkdirSync('out', { recursive: true });
for (const layer of ['unit', 'dap']) {
  if (!layers.includes(layer) || !existsSync(`out/test/${layer}`)) continue;
  const report = `out/${layer}-results.txt`;
  rmSync(report, { force: true });
  ok = step(`${layer} tests`, 'node', [
    // A hung test or a test file whose handles never close must fail the run, not stall CI.
    '--test', '--test-timeout=240000', '--test-force-exit',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=spec', `--test-reporter-destination=${report}`,
    ...process.argv.slice(2), `out/test/${layer}/`,
  ]) && ok;
  countReport(report);
}

if (layers.includes('vscode')) {
  const result = `out/vscode-results.json`;
  rmSync(result, { force: true });
  ok = step('extension tests in VS Code', 'node', ['scripts/vscode-host/run-tests.mjs'], { env: { ...process.env, WASIP1_TEST_RESULTS: result } }) && ok;
  if (existsSync(result)) {
    const counts = JSON.parse(readFileSync(result, 'utf8'));
    passed += counts.passed ?? 0;
    failed += counts.failed ?? 0;
  }
}

if (layers.includes('gostd')) {
  const results = 'out/gostd-results.json';
  rmSync(results, { force: true });
  ok = step('Go standard library tests in our host', 'node', ['scripts/go-std-tests.mjs'], { env: { ...process.env, WASIP1_GOSTD_RESULTS: results } }) && ok;
  if (existsSync(results)) {
    // Each package counts as one test here: go test reports per package.
    const counts = JSON.parse(readFileSync(results, 'utf8'));
    passed += counts.passed ?? 0;
    failed += counts.failed ?? 0;
  }
}

console.log(`\n=== summary\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
