import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GO_FUNC_VALUE_OFFSET, GoPclntab, goFuncNameForPrint } from '../../../src/wasm/goPclntab';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { ORACLE_TOOLCHAINS, buildWithToolchain, parseOracleOutput, runOracleProgram } from './goOracle';

/** What cmd/link/internal/wasm writes to the name section: Go's `[^\w.]` replaced by `_`, one per rune. */
function wasmNameSectionName(goName: string): string {
  return goName.replace(/[^0-9A-Za-z_.]/gu, '_');
}

for (const toolchain of ORACLE_TOOLCHAINS) {
  describe(`Go pclntab (${toolchain})`, () => {
    test('maps every runtime.Caller PC to the runtime\'s own function, file and line', async (t) => {
      const build = await buildWithToolchain('pclnoracle', toolchain);
      if ('skipped' in build) return t.skip(build.skipped);
      const bytes = readFileSync(build.wasm);
      const module = parseWasmModule(bytes);
      const { stdout } = runOracleProgram(new WebAssembly.Module(bytes));
      const { sites, frames } = parseOracleOutput(stdout);
      assert.equal(sites.length, 9, `oracle output:\n${stdout}`);
      assert.ok(frames.length >= 5);
      assert.ok(sites.some((s) => s.function === 'main.main.func1'), 'the closure is inlined into main.main: exercises the inline tree');

      const t0 = performance.now();
      const table = GoPclntab.fromModule(module);
      const elapsed = performance.now() - t0;
      assert.ok(table, 'a Go module has a pclntab');
      console.log(`${toolchain}: pclntab with ${table.functionCount} functions, ${table.fileCount} files, ${table.entryEncoding} entries, decoded in ${elapsed.toFixed(2)} ms (first, unwarmed call)`);

      for (const expected of [...sites, ...frames]) {
        const got = table.lookup(expected.pc);
        assert.ok(got, `no function for pc ${expected.pc} (${expected.function})`);
        assert.deepEqual(
          { function: goFuncNameForPrint(got.function), file: got.file, line: got.line },
          { function: expected.function, file: expected.file, line: expected.line },
          `pc ${expected.pc} (${expected.kind})`,
        );
      }

      // The closure's PC lies in main.main's wasm function; frames() shows both levels.
      const closure = sites.find((s) => s.function === 'main.main.func1')!;
      const logical = table.frames(closure.pc);
      assert.deepEqual(logical.map((f) => [f.function, f.inlined]), [['main.main.func1', true], ['main.main', false]]);
      assert.equal(logical[1].file, closure.file);
    });

    test('wasm function index, PC and name section agree for every function', async (t) => {
      const build = await buildWithToolchain('pclnoracle', toolchain);
      if ('skipped' in build) return t.skip(build.skipped);
      const module = parseWasmModule(readFileSync(build.wasm));
      const table = GoPclntab.fromModule(module)!;
      for (let i = 0; i < table.functionCount; i++) {
        const wasmIndex = table.wasmFunctionIndex(i);
        assert.equal(module.functionName(wasmIndex), wasmNameSectionName(table.funcName(i)), `function ${i}`);
        assert.equal(table.funcIndexForWasmFunction(wasmIndex), i);
        assert.equal(table.entryPC(i), (wasmIndex - module.importedFunctionCount + GO_FUNC_VALUE_OFFSET) * 0x10000);
        assert.equal(table.funcIndexForPC(table.entryPC(i) + 3), i);
      }
      const main = table.funcIndexByName('main.main');
      assert.equal(table.funcName(main), 'main.main');
      assert.equal(module.functionName(table.wasmFunctionIndex(main)), 'main.main');
      assert.equal(table.funcIndexForPC(0x1000), -1, 'a data address is no Go PC');
      assert.equal(table.lookup(0x7fff0000), undefined);
      assert.equal(table.funcIndexForWasmFunction(0), -1, 'imports are not Go functions');
    });

    test('line tables cover the sites and start at the func line', async (t) => {
      const build = await buildWithToolchain('pclnoracle', toolchain);
      if ('skipped' in build) return t.skip(build.skipped);
      const bytes = readFileSync(build.wasm);
      const table = GoPclntab.fromModule(parseWasmModule(bytes))!;
      const { sites } = parseOracleOutput(runOracleProgram(new WebAssembly.Module(bytes)).stdout);
      const other = sites.find((s) => s.kind === 'other-file')!;
      const fn = table.funcIndexForPC(other.pc);
      const ranges: [number, number, string, number][] = [];
      table.forEachLine(fn, (start, end, file, line) => ranges.push([start, end, file, line]));
      assert.ok(ranges.length > 0);
      assert.ok(ranges.some(([start, end, file, line]) => start <= other.pc && other.pc < end && file === other.file && line === other.line));
      assert.equal(table.funcStartLine(fn), Math.min(...ranges.map((r) => r[3])), 'the lowest line of a function without inlining is its func line');
      assert.equal(table.frameSize(table.entryPC(fn)), 0, 'nothing is allocated at entry');
      assert.ok(table.frameSize(other.pc) > 0, 'a function that calls another has a frame');
    });
  });
}

test('goFuncNameForPrint elides type arguments like the runtime', () => {
  assert.equal(goFuncNameForPrint('main.f[go.shape.int]'), 'main.f[...]');
  assert.equal(goFuncNameForPrint('main.(*T[go.shape.string]).M'), 'main.(*T[...]).M');
  assert.equal(goFuncNameForPrint('main.main'), 'main.main');
});
