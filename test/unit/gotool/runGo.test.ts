import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCommandLine, runGo } from '../../../src/gotool/runGo';
import { goFixturesDir, testGoBinary } from '../../support/goFixtures';
import { processesCarrying } from '../../support/processes';

describe('runGo', () => {
  test('runs go and captures its output and exit status', async () => {
    const result = await runGo(testGoBinary(), ['env', 'GOOS', 'GOARCH'], { env: { GOOS: 'wasip1', GOARCH: 'wasm' } });
    assert.equal(result.exitCode, 0);
    assert.equal(result.cancelled, false);
    assert.equal(result.stdout, 'wasip1\nwasm\n');
    assert.equal(result.output, result.stdout);
    assert.equal(result.commandLine, `GOOS=wasip1 GOARCH=wasm ${testGoBinary()} env GOOS GOARCH`);
  });

  test('reports a failing command through its exit code and stderr', async () => {
    const result = await runGo(testGoBinary(), ['frobnicate']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown command/);
  });

  test('uses an installation environment as the base, under the per-call overrides', async () => {
    const go = { binary: testGoBinary(), processEnv: { ...process.env, GOFLAGS: '-mod=mod', GOOS: 'linux' } };
    const result = await runGo(go, ['env', 'GOFLAGS', 'GOOS'], { env: { GOOS: 'wasip1', GOARCH: 'wasm' } });
    assert.equal(result.stdout, '-mod=mod\nwasip1\n');
  });

  test('reports a binary that cannot start instead of throwing', async () => {
    const result = await runGo(path.join(os.tmpdir(), 'no-such-dir', 'go'), ['version']);
    assert.equal(result.exitCode, null);
    assert.equal((result.spawnError as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');
  });

  test('cancellation stops go and every compiler it started', async () => {
    const marker = `WASIP1_GOTOOL_TEST=${randomUUID()}`;
    const gocache = mkdtempSync(path.join(os.tmpdir(), 'gotool-cache-'));
    try {
      const controller = new AbortController();
      let aliveBeforeAbort = 0;
      setTimeout(() => {
        aliveBeforeAbort = processesCarrying(marker).length;
        controller.abort();
      }, 200);
      const output = path.join(gocache, 'out.wasm');
      // -a with an empty cache rebuilds the standard library: many seconds of compile processes to interrupt.
      const result = await runGo(testGoBinary(), ['build', '-a', '-o', output, './hello'], {
        cwd: goFixturesDir,
        env: { GOOS: 'wasip1', GOARCH: 'wasm', GOCACHE: gocache, [marker.split('=')[0]]: marker.split('=')[1] },
        signal: controller.signal,
      });
      assert.equal(result.cancelled, true);
      assert.notEqual(result.exitCode, 0);
      assert.ok(result.durationMs < 10_000, `took ${result.durationMs} ms to stop`);
      // The marker must have been seen on the running build, or an empty list afterwards would prove nothing.
      assert.ok(aliveBeforeAbort > 0, 'no build processes were seen before the abort');
      assert.deepEqual(processesCarrying(marker), []);
    } finally {
      rmSync(gocache, { recursive: true, force: true });
    }
  });

  test('an already-aborted signal never lets the command finish', async () => {
    const result = await runGo(testGoBinary(), ['version'], { signal: AbortSignal.abort() });
    assert.equal(result.cancelled, true);
  });

  test('timeoutMs stops a command that runs too long', async () => {
    const gocache = mkdtempSync(path.join(os.tmpdir(), 'gotool-cache-'));
    try {
      const result = await runGo(testGoBinary(), ['build', '-a', '-o', path.join(gocache, 'x.wasm'), './hello'], {
        cwd: goFixturesDir,
        env: { GOOS: 'wasip1', GOARCH: 'wasm', GOCACHE: gocache },
        timeoutMs: 150,
      });
      assert.equal(result.timedOut, true);
      assert.equal(result.cancelled, false);
      assert.notEqual(result.exitCode, 0);
    } finally {
      rmSync(gocache, { recursive: true, force: true });
    }
  });
});

describe('formatCommandLine', () => {
  test('quotes what a shell would split or expand', () => {
    assert.equal(
      formatCommandLine('/usr/local/go/bin/go', ['build', '-ldflags=-X main.v=a b', "it's"], { GOFLAGS: '-tags=x y' }),
      `GOFLAGS='-tags=x y' /usr/local/go/bin/go build '-ldflags=-X main.v=a b' 'it'\\''s'`,
    );
  });
});
