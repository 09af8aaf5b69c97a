// The editor's "use the correct signature" quick fix inserts goDeclaration output, so it must compile
// with the real Go toolchain and import exactly the catalogued wasm type.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { goDeclaration, wasiFunctionByName, wasiFunctions, wasmSignature, WASI_MODULE, type WasiFunctionSpec } from '../../../src/wasi/spec/catalogue';
import { testGoBinary } from '../../support/goFixtures';
import { buildTempGoModule, cachedGo121Toolchains } from './buildTempGoModule';
import { readFunctionImports } from './wasmImportReader';

function localGoVersion(): { major: number; minor: number } {
  const text = execFileSync(testGoBinary(), ['env', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  const match = /go(\d+)\.(\d+)/.exec(text);
  assert.ok(match, `unexpected GOVERSION ${text}`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** A call with a zero value for each parameter, read back from the declaration's own Go types. */
function zeroCall(spec: WasiFunctionSpec, declaration: string): string {
  const func = declaration.split('\n').find((l) => l.startsWith('func '))!;
  const inner = func.slice(func.indexOf('(') + 1, func.lastIndexOf(')'));
  const args = inner ? inner.split(', ').map((p) => (p.endsWith('unsafe.Pointer') ? 'nil' : '0')) : [];
  const call = `${spec.name}(${args.join(', ')})`;
  return spec.result === 'errno' ? `\t\tsink += ${call}` : `\t\t${call}`;
}

/** main.go declaring all 46 functions and calling each behind a condition that is false at run time. */
function declarationsProgram(version: { major: number; minor: number }): string {
  const declarations = wasiFunctions.map((f) => goDeclaration(f, version));
  const calls = wasiFunctions.map((f, i) => zeroCall(f, declarations[i]));
  return [
    'package main',
    '',
    'import (',
    '\t"os"',
    '\t"unsafe"',
    ')',
    '',
    '// Keeps the compiler from dropping the calls; never true when the program runs.',
    'var sink uint32',
    '',
    ...declarations.flatMap((d) => [d, '']),
    'func main() {',
    '\tif len(os.Args) > 1<<30 {',
    ...calls,
    '\t}',
    '\tprintln(sink, unsafe.Sizeof(sink))',
    '}',
    '',
  ].join('\n');
}

function assertImportsMatchCatalogue(wasm: Uint8Array): void {
  const imports = readFunctionImports(wasm).filter((i) => i.module === WASI_MODULE);
  const seen = new Set(imports.map((i) => i.name));
  assert.deepEqual([...seen].sort(), wasiFunctions.map((f) => f.name).sort(), 'every declared function is imported');
  for (const imp of imports) {
    assert.deepEqual({ params: imp.params, results: imp.results }, wasmSignature(wasiFunctionByName.get(imp.name)!), imp.name);
  }
}

describe('goDeclaration', () => {
  test('declarations for all 46 functions build with the local go and import the catalogued wasm types', async () => {
    assertImportsMatchCatalogue(await buildTempGoModule(declarationsProgram(localGoVersion())));
  });

  test('the same declarations build with Go 1.21, the oldest release with wasip1 (when cached locally)', async (t) => {
    const [go121] = cachedGo121Toolchains();
    if (!go121) {
      t.skip('no go1.21.x toolchain in the module cache');
      return;
    }
    assertImportsMatchCatalogue(await buildTempGoModule(declarationsProgram({ major: 1, minor: 21 }), go121));
  });
});
