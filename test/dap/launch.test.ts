// Launching Go programs through the debug adapter: build from source or run a prebuilt module,
// see output and exit codes, feed stdin, and get compile errors reported instead of a crash.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGoFixture } from '../support/goFixtures';
import { exitCode, fixture, launch, startSession } from './dapHarness';

describe('wasip1 debug adapter: launch', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('builds hello from source, shows its output, args and env, and exit status 0', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fixture('hello'), args: ['one', 'two words'], env: { GREETING: 'hi there' } });
    assert.equal(await exitCode(dc), 0);
    assert.equal(session.output.stdout, 'hello from wasip1\narg[0]=one\narg[1]=two words\nGREETING=hi there\n');
    assert.match(session.output.console, /Process exited with status 0/);
  });

  test('runs a prebuilt .wasm as is', async () => {
    const wasm = await buildGoFixture('hello');
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: wasm });
    assert.equal(await exitCode(dc), 0);
    assert.equal(session.output.stdout, 'hello from wasip1\n');
    assert.doesNotMatch(session.output.console ?? '', /Building/);
  });
});

describe('wasip1 debug adapter: exit status, stdin, build errors, terminate', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('a program calling os.Exit(3) ends with exit code 3', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fixture('dap_exit3') });
    assert.equal(await exitCode(dc), 3);
    assert.equal(session.output.stdout, 'exiting with 3\n');
    assert.match(session.output.console, /Process exited with status 3/);
  });

  test('Debug Console input and the wasip1.stdin request feed the program stdin', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fixture('dap_stdin') });
    const ended = exitCode(dc);
    await dc.evaluateRequest({ expression: 'first line', context: 'repl' });
    await dc.customRequest('wasip1.stdin', { text: 'second\n', end: true });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, 'FIRST LINE\nSECOND\n2 lines\n');
  });

  test('a compile error is printed as file:line:col and fails the launch without a crash', async () => {
    const session = await startSession();
    dc = session.dc;
    const terminated = dc.waitForEvent('terminated', 120_000);
    await assert.rejects(launch(dc, { program: fixture('dap_broken') }), /Build failed: 1 error/);
    await terminated;
    assert.match(session.output.stderr, new RegExp(`${fixture('dap_broken')}/main\\.go:5:18: cannot use "three"`));
    assert.doesNotMatch(session.output.stderr, /\n\s+at /, 'no JavaScript stack trace');
  });

  test('terminate stops a guest spinning without host calls in under a second', async () => {
    const session = await startSession();
    dc = session.dc;
    const spinning = dc.assertOutput('stdout', 'spinning', 120_000);
    await launch(dc, { program: fixture('dap_busy') });
    await spinning;
    const terminated = dc.waitForEvent('terminated', 5_000);
    const started = performance.now();
    await dc.terminateRequest();
    await terminated;
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `terminate took ${elapsed.toFixed(0)} ms`);
  });
});

describe('wasip1 debug adapter: working directory and preopens', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('by default the program directory is the cwd, preopened at its own path, so relative opens work', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fixture('dap_fswalk') });
    assert.equal(await exitCode(dc), 0);
    assert.equal(session.output.stdout, 'config: answer=42\ndone\n');
  });

  test('dirs replaces the default preopen: a HOST::GUEST mapping that hides cwd makes the relative open fail', async () => {
    const session = await startSession();
    dc = session.dc;
    const dir = fixture('dap_fswalk');
    await launch(dc, { program: dir, dirs: [`${dir}::/elsewhere`] });
    assert.equal(await exitCode(dc), 1);
    // No preopen covers $PWD, so Go finds no directory to resolve the relative path in.
    assert.match(session.output.stderr, /^read failed: open config\.txt: /);
  });

  test('dirs ["/"] mirrors the whole file system the way Go\'s own wasip1 runner does', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fixture('dap_fswalk'), dirs: ['/'] });
    assert.equal(await exitCode(dc), 0);
    assert.equal(session.output.stdout, 'config: answer=42\ndone\n');
  });
});

describe('wasip1 debug adapter: modules that cannot run', () => {
  test('a file that is not wasm fails the launch with one clear line', async () => {
    const notWasm = path.join(mkdtempSync(path.join(os.tmpdir(), 'wasip1-dap-')), 'native.wasm');
    writeFileSync(notWasm, Buffer.from('\x7fELF\x02\x01\x01\x00 not really'));
    const session = await startSession();
    try {
      const terminated = session.dc.waitForEvent('terminated', 30_000);
      await assert.rejects(launch(session.dc, { program: notWasm }), /native\.wasm.*ELF.*GOOS=wasip1/);
      await terminated;
      assert.match(session.output.stderr, /^[^\n]*native\.wasm[^\n]*ELF[^\n]*\n$/, 'one line, no stack');
    } finally {
      await session.dc.stop();
    }
  });
});
