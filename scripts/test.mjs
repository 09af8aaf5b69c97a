// `npm test`: every test layer, in order, with one summary at the end.
//   1. type check + ESLint
//   2. unit tests of the pure cores (node:test), real Go programs in the real host
//   3. debug adapter tests over DAP (node:test + @vscode/debugadapter-testsupport)
//   4. extension tests in a real VS Code extension host (mocha, scripts/vscode-host)
// WASIP1_TEST_LAYERS=unit,dap limits the layers; extra arguments go to every node --test run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const layers = (process.env.WASIP1_TEST_LAYERS ?? 'lint,unit,dap,vscode').split(',');
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

function countTap(file) {
  if (!existsSync(file)) return;
  const tap = readFileSync(file, 'utf8');
  passed += Number(/^# pass (\d+)/m.exec(tap)?.[1] ?? 0);
  failed += Number(/^# fail (\d+)/m.exec(tap)?.[1] ?? 0);
}

let ok = step('build', 'node', ['scripts/build.mjs']);
ok = step('compile tests (tsc)', 'npx', ['tsc', '-p', '.']) && ok;
if (layers.includes('lint')) ok = step('lint (eslint)', 'npx', ['eslint', '.']) && ok;

mkdirSync('out', { recursive: true });
for (const layer of ['unit', 'dap']) {
  if (!layers.includes(layer) || !existsSync(`out/test/${layer}`)) continue;
  const tap = `out/${layer}-results.tap`;
  rmSync(tap, { force: true });
  ok = step(`${layer} tests`, 'node', [
    // A hung test or a test file whose handles never close must fail the run, not stall CI.
    '--test', '--test-timeout=240000', '--test-force-exit',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...process.argv.slice(2), `out/test/${layer}/`,
  ]) && ok;
  countTap(tap);
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

console.log(`\n=== summary\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
