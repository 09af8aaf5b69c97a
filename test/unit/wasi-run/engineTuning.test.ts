// The V8 settings the CLI applies before compiling a guest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { tuneWasmEngine, WASM_TIERING_FLAG } from '../../../src/wasi/runner/engineTuning';
import { repoRoot } from '../../support/goFixtures';

describe('wasm engine tuning', () => {
  test('is left alone when node was started with the flag, or on a V8 not known to have it', async () => {
    assert.equal(await tuneWasmEngine(['--stack-size=7168', WASM_TIERING_FLAG], '11.3.244.8'), 'command line');
    assert.equal(await tuneWasmEngine([], '9.4.146.26'), 'unknown V8');
    assert.equal(await tuneWasmEngine([], '14.0.1'), 'unknown V8');
    assert.equal(await tuneWasmEngine([], 'not a version'), 'unknown V8');
  });

  test('bin/wasip1 starts node with the same flag the code would set', () => {
    const execLine = readFileSync(path.join(repoRoot, 'bin', 'wasip1'), 'utf8').split('\n')[1];
    assert.ok(execLine.split(' ').includes(WASM_TIERING_FLAG), execLine);
  });

  test('this node accepts the flag on its command line, and from code without a word on stderr', () => {
    // A flag node does not know is fatal on the command line ("bad option", exit 9), which would
    // break the command: this catches a node that dropped it.
    const onCommandLine = spawnSync(process.execPath, [WASM_TIERING_FLAG, '-e', '0'], { encoding: 'utf8' });
    assert.equal(onCommandLine.status, 0, onCommandLine.stderr);
    // From code (in a child, so the flag changes nothing for the other tests), then a module still runs.
    const modulePath = path.join(__dirname, '..', '..', '..', 'src', 'wasi', 'runner', 'engineTuning.js');
    const script = `
      require(${JSON.stringify(modulePath)}).tuneWasmEngine().then((how) => {
        // (func (export "f") (result i32) i32.const 42)
        const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,42,11]);
        const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
        process.stdout.write(JSON.stringify({ how, result: f() }));
      });`;
    const fromCode = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(fromCode.status, 0, fromCode.stderr);
    assert.equal(fromCode.stderr, '');
    assert.deepEqual(JSON.parse(fromCode.stdout), { how: 'applied', result: 42 });
  });
});
