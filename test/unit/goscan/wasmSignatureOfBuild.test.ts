// The Go-to-wasm type mapping against a real module: build test/fixtures/goscan/signatures and
// compare each import's function type, read from the binary, with what the rules predict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, testGoBinary } from '../../support/goFixtures';
import { parseGoVersion } from '../../../src/gotool/goVersion';
import { scanGoSource } from '../../../src/goscan/wasmDirectiveScanner';
import { checkWasmSignature, formatWasmSignature, goTypeScopeForFile, type WasmValueType } from '../../../src/goscan/wasmimportTypes';

const run = promisify(execFile);
const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'goscan', 'signatures');
const VALUE_TYPES: Record<number, WasmValueType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

/** module.name -> WAT signature of every function import, from the type and import sections. */
function functionImports(wasm: Uint8Array): Map<string, string> {
  let pos = 8; // magic and version
  const u32 = (): number => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
  };
  const name = (): string => {
    const length = u32();
    pos += length;
    return Buffer.from(wasm.subarray(pos - length, pos)).toString('utf8');
  };
  const valueTypes = (): WasmValueType[] => Array.from({ length: u32() }, () => VALUE_TYPES[wasm[pos++]]);
  const types: string[] = [];
  const imports = new Map<string, string>();
  while (pos < wasm.length) {
    const id = wasm[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        assert.equal(wasm[pos++], 0x60, 'func type');
        types.push(formatWasmSignature({ params: valueTypes(), results: valueTypes() }));
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const key = `${name()}.${name()}`;
        const kind = wasm[pos++];
        assert.equal(kind, 0, `${key}: the fixture imports only functions`);
        imports.set(key, types[u32()]);
      }
    }
    pos = end;
  }
  return imports;
}

test('the wasm import types the compiler emits match the rules\' mapping', async (t) => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'goscan-signatures-'));
  try {
    const output = path.join(outDir, 'signatures.wasm');
    const env = { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' };
    await run(testGoBinary(), ['build', '-o', output, '.'], { cwd: FIXTURE, env });
    const { stdout } = await run(testGoBinary(), ['env', 'GOVERSION'], { cwd: FIXTURE, env });
    const version = parseGoVersion(stdout);
    assert.ok(version);
    const imports = functionImports(readFileSync(output));

    const scan = scanGoSource(readFileSync(path.join(FIXTURE, 'main.go'), 'utf8'));
    const scope = goTypeScopeForFile(scan);
    assert.equal(scan.directives.length, 5);
    for (const directive of scan.directives) {
      const check = checkWasmSignature(directive, version, scope);
      assert.ok(check.wasmSignature, `${directive.text}: ${check.problems.map((p) => p.message).join('; ')}`);
      const key = `${directive.module!.value}.${directive.name!.value}`;
      t.diagnostic(`${key}: ${imports.get(key) || '()'}`);
      assert.equal(formatWasmSignature(check.wasmSignature), imports.get(key), key);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
