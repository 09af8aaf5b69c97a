// Checks the catalogue against modules the real Go toolchain produced: every wasi_snapshot_preview1
// import Go emits must be catalogued, marked as used by Go, and have exactly the lowered signature.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wasiFunctionByName, wasiFunctions, wasmSignature, WASI_MODULE } from '../../../src/wasi/spec/catalogue';
import { buildGoFixture } from '../../support/goFixtures';
import { buildTempGoModule } from './buildTempGoModule';
import { readFunctionImports } from './wasmImportReader';

async function wasiImportsOf(fixture: string) {
  const imports = readFunctionImports(readFileSync(await buildGoFixture(fixture)));
  return imports.filter((i) => i.module === WASI_MODULE);
}

describe('catalogue against Go-built modules', () => {
  test('every WASI import of the os/syscall-heavy fixture is catalogued with its exact wasm type', async () => {
    const imports = await wasiImportsOf('wasicalls');
    const distinct = new Set(imports.map((i) => i.name));
    // The fixture touches files, directories, links, times, sockets: most of Go's syscall imports must appear.
    assert.ok(distinct.size >= 30, `only ${distinct.size} distinct imports: ${[...distinct].join(', ')}`);
    for (const imp of imports) {
      const spec = wasiFunctionByName.get(imp.name);
      assert.ok(spec, `${imp.name} is in the catalogue`);
      assert.ok(spec.goUses, `${imp.name} is marked as used by Go`);
      assert.deepEqual({ params: imp.params, results: imp.results }, wasmSignature(spec), imp.name);
    }
  });

  test('exactly the functions marked as runtime imports are in a Go program that uses no packages', async () => {
    const wasm = await buildTempGoModule('package main\n\nfunc main() { println("bare runtime") }\n');
    const imported = new Set(readFunctionImports(wasm).filter((i) => i.module === WASI_MODULE).map((i) => i.name));
    const runtime = wasiFunctions.filter((f) => f.goUses === 'runtime').map((f) => f.name);
    assert.deepEqual([...imported].sort(), runtime.sort());
  });
});
