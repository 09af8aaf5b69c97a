// `npm test` on a fresh machine: the VS Code layer's system packages are installed when that can be
// done unattended, otherwise the exact command is printed and the layer fails; the summary line
// counts a layer that failed or could not run as a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { importModule } from '../../../src/wasi/hostModules';
import { repoRoot } from '../../support/goFixtures';

interface Step {
  title: string;
  ok: boolean;
  passed?: number;
  failed?: number;
}
type SummaryLine = (steps: Step[]) => { passed: number; failed: number; line: string };

const setup = path.join(repoRoot, 'scripts', 'vscode-host', 'setup.mjs');

/** setup.mjs --system-packages with Chromium looked for where it is not, so chromium is always missing. */
function systemPackages(options: { path: string; asNobody?: boolean }): { status: number | null; output: string } {
  const env = { ...process.env, PATH: options.path, WASIP1_CHROMIUM: '/nonexistent/chromium' };
  const command = options.asNobody ? 'setpriv' : process.execPath;
  const args = options.asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, setup, '--system-packages'] : [setup, '--system-packages'];
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('npm test on a fresh machine', () => {
  test('the summary never reads "0 failed" when a step failed or could not run', async () => {
    const { summaryLine } = (await importModule(pathToFileURL(path.join(repoRoot, 'scripts', 'test.mjs')).href)) as { summaryLine: SummaryLine };
    const green = summaryLine([
      { title: 'build', ok: true },
      { title: 'unit tests', ok: true, passed: 400, failed: 0 },
    ]);
    assert.equal(green.line, '400 passed, 0 failed');
    // The run the issue saw: 462 tests passed, the VS Code layer stopped at its set-up.
    const setupFailed = summaryLine([
      { title: 'unit tests', ok: true, passed: 462, failed: 0 },
      { title: 'system packages for the VS Code tests', ok: false },
    ]);
    assert.equal(setupFailed.failed, 1);
    assert.equal(setupFailed.line, '462 passed, 1 failed (a step that failed or could not run, counted as one failure each: system packages for the VS Code tests)');
    // A layer whose tests failed counts them, not one more; one that crashed before counting counts one.
    const mixed = summaryLine([
      { title: 'unit tests', ok: false, passed: 10, failed: 2 },
      { title: 'dap tests', ok: false, passed: 0, failed: 0 },
      { title: 'lint (eslint)', ok: false },
    ]);
    assert.deepEqual([mixed.passed, mixed.failed], [10, 4]);
    assert.match(mixed.line, /^10 passed, 4 failed \(2 steps .*: dap tests; lint \(eslint\)\)$/);
  });

  test('without root, the exact apt-get command is printed and the step fails', (t) => {
    if (!existsSync('/usr/bin/setpriv') || process.getuid?.() !== 0) {
      t.skip('needs root and setpriv to run the step as another user');
      return;
    }
    const run = systemPackages({ path: process.env.PATH ?? '', asNobody: true });
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /missing system packages: chromium \(not running as root\); install them with:\n {2}sudo sh -c 'apt-get update && apt-get install -y chromium'\n/);
    assert.doesNotMatch(run.output, /\[setup\] apt-get install/);
  });

  test('as root without apt-get, the command is printed for every missing package', (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root');
      return;
    }
    // A PATH with neither apt-get nor rg in it.
    const emptyPath = mkdtempSync(path.join(tmpdir(), 'wasip1-path-'));
    try {
      const run = systemPackages({ path: emptyPath });
      assert.equal(run.status, 1, run.output);
      assert.match(run.output, /missing system packages: chromium, ripgrep(, libkrb5-dev)? \(apt-get is not available\); install them with:\n {2}apt-get update && apt-get install -y chromium ripgrep/);
    } finally {
      rmSync(emptyPath, { recursive: true, force: true });
    }
  });

  test('nothing is installed or printed when nothing is missing', async (t) => {
    const { missingSystemPackages } = (await importModule(pathToFileURL(setup).href)) as { missingSystemPackages: () => string[] };
    const missing = missingSystemPackages();
    if (missing.length) {
      // Not installed from here: a unit test must not run apt-get; npm test's own step does.
      t.skip(`this machine lacks ${missing.join(', ')}`);
      return;
    }
    const run = spawnSync(process.execPath, [setup, '--system-packages'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout + run.stderr, '');
  });
});
