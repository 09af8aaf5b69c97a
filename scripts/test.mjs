// `npm test`: every test layer, in order, with one summary at the end.
//   1. type check + ESLint
//   2. unit tests of the pure cores (node:test), real Go programs in the real host
//   3. debug adapter tests over DAP (node:test + @vscode/debugadapter-testsupport)
//   4. extension tests in a real VS Code extension host (mocha, scripts/vscode-host); its system
//      packages are installed first when this runs as root with apt-get, else the command is printed
//   5. Go's own standard library tests for wasip1, run in our host (scripts/go-std-tests.mjs)
// WASIP1_TEST_LAYERS=unit,dap limits the layers; extra arguments go to every node --test run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * The closing line. A step that failed without failing tests of its own (a layer that crashed,
 * could not start, or whose set-up failed; the build, the type check, lint) counts as one failure,
 * so the line never reads "0 failed" for a run that failed.
 * `steps`: { title, ok, passed?, failed? } each, `passed`/`failed` being the tests it counted.
 */
export function summaryLine(steps) {
  let passed = 0;
  let failed = 0;
  const uncounted = [];
  for (const step of steps) {
    passed += step.passed ?? 0;
    failed += step.failed ?? 0;
    if (!step.ok && !(step.failed > 0)) {
      failed += 1;
      uncounted.push(step.title);
    }
  }
  const note = uncounted.length ? ` (${uncounted.length === 1 ? 'a step' : `${uncounted.length} steps`} that failed or could not run, counted as one failure each: ${uncounted.join('; ')})` : '';
  return { passed, failed, line: `${passed} passed, ${failed} failed${note}` };
}

/** Counts from the closing lines of a spec report ("ℹ pass 12", "ℹ fail 0"). */
function countReport(file) {
  if (!existsSync(file)) return {};
  const report = readFileSync(file, 'utf8');
  // Every failed test and suite, once (a suite is listed as well as its failing tests).
  const failedTests = [...new Set([...report.matchAll(/^\s*✖ (.+?)(?: \([\d.]+m?s\))?$/gm)].map((m) => m[1]))].filter((name) => name !== 'failing tests:');
  // A cancelled test (its file's process ended before it finished) did not pass: it counts as failed.
  const count = (what) => Number(new RegExp(`^ℹ ${what} (\\d+)`, 'm').exec(report)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), failedTests };
}

/** {passed, failed} written by a layer as JSON, if it got that far. */
function countJson(file) {
  if (!existsSync(file)) return {};
  const counts = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: counts.passed ?? 0, failed: counts.failed ?? 0, failedTests: counts.failedTests ?? [], retriedTests: counts.retriedTests ?? [] };
}

/** A node:test layer that runs longer than this is stopped and fails (both take about 2 minutes). */
const LAYER_TIMEOUT_MS = 15 * 60_000;

function main() {
  const layers = (process.env.WASIP1_TEST_LAYERS ?? 'lint,unit,dap,vscode,gostd').split(',');
  const steps = [];

  function step(title, command, args, options = {}) {
    console.log(`\n=== ${title}: ${[command, ...args].join(' ')}`);
    const started = Date.now();
    const result = spawnSync(command, args, { stdio: 'inherit', ...options });
    if (result.error?.code === 'ETIMEDOUT') console.log(`\n=== ${title}: stopped after ${options.timeout / 60_000} minutes (a test or its handles never ended)`);
    const record = { title, ok: result.status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) };
    steps.push(record);
    return record;
  }

  step('build', 'node', ['scripts/build.mjs']);
  step('compile tests (tsc)', 'npx', ['tsc', '-p', '.']);
  if (layers.includes('lint')) step('lint (eslint)', 'npx', ['eslint', '.']);

  mkdirSync('out', { recursive: true });
  for (const layer of ['unit', 'dap']) {
    if (!layers.includes(layer) || !existsSync(`out/test/${layer}`)) continue;
    const report = `out/${layer}-results.txt`;
    rmSync(report, { force: true });
    const record = step(`${layer} tests`, 'node', [
      // A hung test fails at its timeout; a test file whose handles never close stalls its layer
      // until LAYER_TIMEOUT_MS ends it as failed. Not --test-force-exit: on Node 20 it sometimes
      // ended a file's process while a suite still had tests to run (the rights sweep lost its last
      // four), which then were neither passed nor failed, only missing.
      '--test', '--test-timeout=240000',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=spec', `--test-reporter-destination=${report}`,
      ...process.argv.slice(2), `out/test/${layer}/`,
    ], { timeout: LAYER_TIMEOUT_MS, killSignal: 'SIGKILL' });
    Object.assign(record, countReport(report));
  }

  if (layers.includes('vscode')) {
    // Chromium, ripgrep and the Kerberos headers: installed here when possible, else the layer fails.
    const packages = step('system packages for the VS Code tests', 'node', ['scripts/vscode-host/setup.mjs', '--system-packages']);
    if (packages.ok) {
      const result = 'out/vscode-results.json';
      rmSync(result, { force: true });
      const record = step('extension tests in VS Code', 'node', ['scripts/vscode-host/run-tests.mjs'], { env: { ...process.env, WASIP1_TEST_RESULTS: result } });
      Object.assign(record, countJson(result));
    } else {
      console.log('\n=== extension tests in VS Code: not run (system packages missing)');
    }
  }

  if (layers.includes('gostd')) {
    const results = 'out/gostd-results.json';
    rmSync(results, { force: true });
    // Each package counts as one test here: go test reports per package.
    const record = step('Go standard library tests in our host', 'node', ['scripts/go-std-tests.mjs'], { env: { ...process.env, WASIP1_GOSTD_RESULTS: results } });
    Object.assign(record, countJson(results));
  }

  const summary = summaryLine(steps);
  console.log(`\n=== summary\n${steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.title} (${s.seconds} s)`).join('\n')}`);
  const failedTests = steps.flatMap((s) => (s.failedTests ?? []).map((name) => `  ${s.title}: ${name}`));
  if (failedTests.length) console.log(`failed tests:\n${failedTests.slice(0, 20).join('\n')}`);
  const retried = steps.flatMap((s) => (s.retriedTests ?? []).map((name) => `  ${s.title}: ${name}`));
  if (retried.length) console.log(`retried once after a failure (flaky: fix them):\n${retried.join('\n')}`);
  console.log(summary.line);
  process.exit(steps.every((s) => s.ok) && summary.failed === 0 ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
