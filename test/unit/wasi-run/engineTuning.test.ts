// The V8 settings the CLI applies before compiling a guest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { tuneWasmEngine } from '../../../src/wasi/runner/engineTuning';

describe('wasm engine tuning', () => {
  test('is applied only on V8 versions known to have the flag', () => {
    assert.equal(tuneWasmEngine('9.4.146.26'), false);
    assert.equal(tuneWasmEngine('14.0.1'), false);
    assert.equal(tuneWasmEngine('not a version'), false);
  });

  test('this Node knows the flag: applying it prints nothing and a module still compiles and runs', () => {
    // In a child, so the flag changes nothing for the other tests; V8 reports an unknown flag on stderr.
    const modulePath = path.join(__dirname, '..', '..', '..', 'src', 'wasi', 'runner', 'engineTuning.js');
    const script = `
      const applied = require(${JSON.stringify(modulePath)}).tuneWasmEngine();
      // (func (export "f") (result i32) i32.const 42)
      const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,42,11]);
      const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f;
      process.stdout.write(JSON.stringify({ applied, result: f() }));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stderr, '');
    assert.deepEqual(JSON.parse(child.stdout), { applied: true, result: 42 });
  });
});
