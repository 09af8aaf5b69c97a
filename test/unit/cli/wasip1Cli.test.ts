// The wasip1 CLI as a user runs it: the built bundle behind bin/wasip1, real Go programs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { ensureFreshBundles } from '../../support/bundles';
import { buildGoFixture, repoRoot, testGoBinary } from '../../support/goFixtures';

const cli = path.join(repoRoot, 'bin', 'wasip1');

function wasip1(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('wasip1 run', () => {
  // The CLI runs from the esbuild bundle; `npm test` builds it first, this keeps single runs honest.
  before(() => ensureFreshBundles());

  test('runs a Go program with arguments and only the environment it is given', async () => {
    const hello = await buildGoFixture('hello');
    // GREETING is set on the host too: only the --env value may reach the guest.
    const result = spawnSync(process.execPath, [cli, 'run', '--env', 'GREETING=hi', '--env', 'WASIP1_UNSET_VARIABLE', '--', hello, 'one', 'two words'], {
      encoding: 'utf8',
      env: { ...process.env, GREETING: 'host value' },
    });
    const run = { status: result.status, stdout: result.stdout, stderr: result.stderr };
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'hello from wasip1\narg[0]=one\narg[1]=two words\nGREETING=hi\n');
  });

  test('passes an environment variable through by name', async () => {
    const hello = await buildGoFixture('hello');
    const result = spawnSync(process.execPath, [cli, 'run', '--env', 'GREETING', hello], {
      encoding: 'utf8',
      env: { ...process.env, GREETING: 'from the host' },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^GREETING=from the host$/m);
  });

  test('exits with the guest exit code, including codes other than 0 and 1', async () => {
    const program = await buildGoFixture('exitcode');
    for (const code of [0, 1, 33, 125]) {
      const run = wasip1(['run', program, String(code)]);
      assert.equal(run.status, code, run.stderr);
      assert.equal(run.stderr, `exiting with ${code}\n`);
    }
  });

  test('preopens a directory under a guest name', async () => {
    const hello = path.join(repoRoot, 'examples', 'hello');
    const dir = mkdtempSync(path.join(tmpdir(), 'wasip1-cli-'));
    copyFileSync(path.join(hello, 'motd.txt'), path.join(dir, 'motd.txt'));
    const example = path.join(dir, 'hello.wasm');
    const build = spawnSync(testGoBinary(), ['build', '-o', example, '.'], {
      cwd: hello,
      env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm' },
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stderr);
    const run = wasip1(['run', '--dir', `${dir}::/`, '--env', 'PWD=/', '--import', `hello=${path.join(hello, 'host.mjs')}`, example], 'Gopher\n');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /motd\.txt says: Files are read from the directory preopened/);
    assert.match(run.stdout, /Nice to meet you, Gopher\./);
    // The example's own //go:wasmimport function, answered by its host module.
    assert.match(run.stdout, /The host says: Good (morning|afternoon|evening), Gopher! This line was written by JavaScript/);
  });

  test('names each import nothing supplies, with its wasm signature, and exits 69', async () => {
    const program = await buildGoFixture('customimport');
    const run = wasip1(['run', program]);
    assert.equal(run.status, 69);
    assert.match(run.stderr, /env\.host_log \(i32, i32\) -> \(\): supply it with --import env=FILE\.mjs/);
    assert.equal(run.stdout, '');
  });

  test('says what a file is when it is not a preview 1 module, and exits 65', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wasip1-cli-'));
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty.wasm', new Uint8Array(0), /empty/],
      ['native', readFileSync(process.execPath).subarray(0, 4096), /ELF executable/],
      ['component.wasm', Uint8Array.of(0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0), /component \(WASI preview 2\)/],
      ['truncated.wasm', readFileSync(await buildGoFixture('hello')).subarray(0, 5000), /truncated|ends/],
    ];
    for (const [name, bytes, message] of cases) {
      writeFileSync(path.join(dir, name), bytes);
      const run = wasip1(['run', path.join(dir, name)]);
      assert.equal(run.status, 65, `${name}: ${run.stderr}`);
      assert.match(run.stderr, message, name);
      assert.equal(run.stderr.trim().split('\n').length, 1, `one line for ${name}: ${run.stderr}`);
    }
  });

  test('reports a missing module file with exit 66 and a bad command line with 64', () => {
    assert.equal(wasip1(['run', '/nonexistent/x.wasm']).status, 66);
    const bad = wasip1(['run', '--frobnicate', 'x.wasm']);
    assert.equal(bad.status, 64);
    assert.match(bad.stderr, /unknown option --frobnicate/);
  });

  test('documents every flag in --help', () => {
    const help = wasip1(['run', '--help']);
    assert.equal(help.status, 0);
    for (const flag of ['--dir', '--env', '--stack-size']) assert.match(help.stdout, new RegExp(flag));
  });
});
