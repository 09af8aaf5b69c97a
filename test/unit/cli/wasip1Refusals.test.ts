// What `wasip1 run` says, and with which exit status, when a module cannot be run as asked: not a
// WASI command, a reactor without --invoke, --invoke _initialize, a host function returning what
// wasm cannot take, a host module that does not parse. Both runners: the command (guest on the
// main thread) and `node bin/wasip1` (guest in a worker).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { placeInCheckOutput } from '../../../src/wasi/syntaxErrorPlace';
import { ensureFreshBundles } from '../../support/bundles';
import { buildGoFixture, repoRoot, requireGoAtLeast } from '../../support/goFixtures';

const command = path.join(repoRoot, 'bin', 'wasip1');
const runners: [string, string[]][] = [
  ['command', [command]],
  ['worker', [process.execPath, command]],
];

function wasip1(runner: string[], args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [file, ...rest] = runner;
  const result = spawnSync(file, [...rest, ...args], { encoding: 'utf8', timeout: 60_000, input: '' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A module from its sections: [id, body bytes] each. */
function wasmModule(...sections: [number, number[]][]): Uint8Array {
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flatMap(([id, body]) => [id, body.length, ...body])]);
}
const name = (text: string) => [text.length, ...Buffer.from(text)];
const memorySection: [number, number[]] = [5, [1, 0, 1]];
const exportMemory: number[] = [...name('memory'), 2, 0];
// One function of type () -> (), exported as _start: a command with nothing to do.
const typeSection: [number, number[]] = [1, [1, 0x60, 0, 0]];
const functionSection: [number, number[]] = [3, [1, 0]];
const codeSection: [number, number[]] = [10, [1, 2, 0, 0x0b]];
const exportStart: number[] = [...name('_start'), 0, 0];

describe('wasip1 run refuses what it cannot run, naming it', () => {
  let work: string;
  before(() => {
    ensureFreshBundles();
    work = mkdtempSync(path.join(tmpdir(), 'wasip1-refusals-'));
  });

  test('a module that is not a WASI command exits 65 with its file name and what it lacks', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['nothing.wasm', wasmModule(), /nothing\.wasm is not a WASI command: it does not export a _start function or its memory/],
      ['memory-only.wasm', wasmModule(memorySection, [7, [1, ...exportMemory]]), /memory-only\.wasm is not a WASI command: it does not export a _start function$/m],
      ['no-memory.wasm', wasmModule(typeSection, functionSection, [7, [1, ...exportStart]], codeSection), /no-memory\.wasm is not a WASI command: it does not export its memory/],
    ];
    for (const [file, bytes, message] of cases) {
      writeFileSync(path.join(work, file), bytes);
      for (const [runner, start] of runners) {
        const run = wasip1(start, ['run', path.join(work, file)]);
        assert.equal(run.status, 65, `${file} (${runner}): ${run.stderr}`);
        assert.match(run.stderr, message, `${file} (${runner})`);
        assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
      }
    }
    // The same module with both exports is a command, and runs.
    writeFileSync(path.join(work, 'empty-command.wasm'), wasmModule(typeSection, functionSection, memorySection, [7, [2, ...exportStart, ...exportMemory]], codeSection));
    assert.equal(wasip1(runners[0][1], ['run', path.join(work, 'empty-command.wasm')]).status, 0);
  });

  test('a reactor without --invoke is told to use --invoke; --invoke _initialize is refused', async () => {
    requireGoAtLeast(24);
    const reactor = await buildGoFixture('hostext_reactor', ['-buildmode=c-shared']);
    for (const [runner, start] of runners) {
      const bare = wasip1(start, ['run', reactor]);
      assert.equal(bare.status, 64, `${runner}: ${bare.stderr}`);
      assert.match(bare.stderr, /is a reactor \(it exports _initialize, not _start\): call one of its exports with --invoke NAME/);
      assert.match(bare.stderr, /^ {2}add \(i32, i32\) -> i32$/m);
      // Refused before the call: _initialize runs once, so Go's runtime is never set up twice.
      const initialize = wasip1(start, ['run', '--invoke', '_initialize', reactor]);
      assert.equal(initialize.status, 64, `${runner}: ${initialize.stderr}`);
      assert.match(initialize.stderr, /^wasip1: "_initialize" is not called by name: it runs once, before the first call; its exports are:/);
      assert.doesNotMatch(initialize.stderr, /fatal|panic|trapped/);
      const add = wasip1(start, ['run', '--invoke', 'add', reactor, '2', '3']);
      assert.equal(add.stdout, '5\n', add.stderr);
    }
  });

  test('a host function returning what its wasm result cannot hold ends the guest naming the function', async () => {
    const program = await buildGoFixture('hostext_imports');
    const hostModule = (greet: string, half: string) => {
      const file = path.join(work, `host-${Math.random().toString(36).slice(2)}.mjs`);
      writeFileSync(
        file,
        `export default () => ({\n  greet(name, nameLength, out, outCapacity) { return ${greet}; },\n  sum64(a, b) { return a + b; },\n` +
          `  half(x) { return ${half}; },\n  lookup(key, keyLength, value) { return 0; },\n  fail(code) {},\n});\n`,
      );
      return file;
    };
    const cases: [string, string, RegExp][] = [
      ['"abc"', 'x / 2', /hostext\.greet returned "abc", but the guest expects i32 in main\.greet/],
      ['{}', 'x / 2', /hostext\.greet returned an object, but the guest expects i32 in main\.greet/],
      ['1.5', 'x / 2', /hostext\.greet returned 1\.5 for an i32 result: not an integer/],
      ['0', '"2.5"', /hostext\.half returned "2\.5", but the guest expects f64 in main\.half/],
    ];
    for (const [greet, half, message] of cases) {
      const file = hostModule(greet, half);
      for (const [runner, start] of runners) {
        const run = wasip1(start, ['run', '--import', `hostext=${file}`, program]);
        assert.equal(run.status, 134, `${greet}/${half} (${runner}): ${run.stderr}`);
        assert.match(run.stderr, message, `${runner}`);
      }
    }
    // Booleans are i32s to wasm, as the host module types say; a true greet length is 1.
    const fine = wasip1(runners[0][1], ['run', '--import', `hostext=${hostModule('true', 'x / 2')}`, program]);
    assert.equal(fine.status, 0, fine.stderr);
    assert.match(fine.stdout, /^half: 2\.5$/m);
  });

  test('a host module with a syntax error is named with its line and column', async () => {
    const program = await buildGoFixture('hostext_imports');
    const broken = path.join(work, 'broken.mjs');
    writeFileSync(broken, 'export default () => ({\n  greet() { return 1 +; },\n});\n');
    for (const [runner, start] of runners) {
      const run = wasip1(start, ['run', '--import', `hostext=${broken}`, program]);
      assert.equal(run.status, 69, `${runner}: ${run.stderr}`);
      assert.match(run.stderr, /cannot be loaded: SyntaxError: Unexpected token ';' \(at broken\.mjs:2:23\)$/m, runner);
    }
  });

  test('reads the place from node --check output, and nothing from output of another shape', () => {
    const file = '/w/host.mjs';
    assert.equal(placeInCheckOutput(`${file}:7\n    return ];\n           ^\n\nSyntaxError: Unexpected token ']'\n`, file), 'host.mjs:7:12');
    assert.equal(placeInCheckOutput(`(node:1) Warning: something\n${file}:3\nx\n\nSyntaxError: ...\n`, file), 'host.mjs:3');
    assert.equal(placeInCheckOutput('SyntaxError: Unexpected end of input\n', file), undefined);
  });

  test('run --help lists WASIP1_IMPORT with --import', () => {
    const help = wasip1(runners[0][1], ['run', '--help']);
    assert.equal(help.status, 0);
    const importBlock = /^ {2}--import[\s\S]*?(?=^ {2}--)/m.exec(help.stdout)?.[0] ?? '';
    assert.match(importBlock, /WASIP1_IMPORT=MODULE=FILE/);
  });
});
