import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { WasmFormatError, type WasmFormatReason } from '../../../src/wasm/wasmFormatError';
import { repoRoot } from '../../support/goFixtures';

function rejection(bytes: Uint8Array, reason: WasmFormatReason, message: RegExp): void {
  assert.throws(
    () => parseWasmModule(bytes),
    (err: unknown) => {
      assert.ok(err instanceof WasmFormatError, `expected WasmFormatError, got ${String(err)}`);
      assert.equal(err.reason, reason);
      assert.match(err.message, message);
      return true;
    },
  );
}

describe('module header', () => {
  test('an empty file is not wasm', () => {
    rejection(new Uint8Array(0), 'not-wasm', /file is empty/);
  });

  test('a native ELF executable is recognised as such', () => {
    // The node binary running this test is a real native executable.
    const native = readFileSync(process.execPath).subarray(0, 4096);
    const expected = process.platform === 'linux' ? /ELF executable.*GOOS=wasip1/ : process.platform === 'darwin' ? /Mach-O/ : /PE executable/;
    rejection(native, 'not-wasm', expected);
  });

  test('Go source text is recognised as text', () => {
    const source = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'go', 'hello', 'main.go'));
    rejection(source, 'not-wasm', /Go source/);
  });

  test('WebAssembly text format gets a hint to assemble it', () => {
    rejection(new TextEncoder().encode('(module (func))\n'), 'not-wasm', /WebAssembly text/);
  });

  test('unknown binary bytes are shown in hex', () => {
    rejection(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]), 'not-wasm', /de ad be ef/);
  });

  test('a component-model header is reported as a preview 2 component', () => {
    rejection(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]), 'component', /WebAssembly component \(WASI preview 2\), not a preview 1 module/);
  });

  test('an unknown core version is unsupported', () => {
    rejection(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]), 'unsupported-version', /version 2/);
  });

  test('a header cut inside the magic or the version is truncated', () => {
    for (let n = 1; n < 8; n++) rejection(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]).subarray(0, n), 'truncated', /header/);
  });

  test('the bare header is an empty, valid module', () => {
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    assert.equal(WebAssembly.validate(bytes), true);
    const module = parseWasmModule(bytes);
    assert.equal(module.functionCount, 0);
    assert.equal(module.kind, 'reactor');
  });
});
