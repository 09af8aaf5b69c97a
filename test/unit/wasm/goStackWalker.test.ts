import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GoPclntab } from '../../../src/wasm/goPclntab';
import { GO_SP_GLOBAL_INDEX, walkGoStack, type GoStackFrame } from '../../../src/wasm/goStackWalker';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { goFixturesDir } from '../../support/goFixtures';
import { ORACLE_TOOLCHAINS, buildWithToolchain, parseOracleOutput, runOracleProgram } from './goOracle';

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/**
 * Go modules do not export their stack-pointer global; the host gives the import wrappers no other way to read
 * it, so the test appends an export entry `go_sp` for it to the export section.
 */
function exportStackPointer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const module = parseWasmModule(bytes);
  const exportSection = module.sections.find((s) => s.name === 'export')!;
  let p = exportSection.offset;
  while (bytes[p] & 0x80) p++;
  p++; // past the old export count
  const entries = [...bytes.subarray(p, exportSection.offset + exportSection.size)];
  const spExport = [...uleb(5), ...Buffer.from('go_sp'), 0x03, ...uleb(GO_SP_GLOBAL_INDEX)];
  const content = [...uleb(module.exports.length + 1), ...entries, ...spExport];
  return new Uint8Array([
    ...bytes.subarray(0, exportSection.headerOffset),
    0x07, ...uleb(content.length), ...content,
    ...bytes.subarray(exportSection.offset + exportSection.size),
  ]);
}

for (const toolchain of ORACLE_TOOLCHAINS) {
  describe(`Go stack walk (${toolchain})`, () => {
    test('from inside fd_write, the walk matches runtime.Callers', async (t) => {
      const build = await buildWithToolchain('pclnoracle', toolchain);
      if ('skipped' in build) return t.skip(build.skipped);
      const original = readFileSync(build.wasm);
      const bytes = exportStackPointer(original);
      const table = GoPclntab.fromModule(parseWasmModule(bytes))!;
      let walked: GoStackFrame[] | undefined;
      const { stdout } = runOracleProgram(new WebAssembly.Module(bytes), (imports, instance) => {
        const wasi = imports.wasi_snapshot_preview1;
        const fdWrite = wasi.fd_write as (fd: number, iovs: number, count: number, written: number) => number;
        wasi.fd_write = (fd: number, iovs: number, count: number, written: number) => {
          const exports = instance().exports as { memory: WebAssembly.Memory; go_sp: WebAssembly.Global };
          const memory = new DataView(exports.memory.buffer);
          const text = Buffer.from(exports.memory.buffer, memory.getUint32(iovs, true), memory.getUint32(iovs + 4, true)).toString();
          if (text === 'walk-here\n') walked = walkGoStack(table, memory, { sp: exports.go_sp.value as number });
          return fdWrite(fd, iovs, count, written);
        };
      });
      assert.ok(walked, 'the program wrote the marker');
      const { frames } = parseOracleOutput(stdout);

      // runtime.Callers ran in stackLevel3 one statement before the write: from stackLevel2 outwards
      // both views are the same frames, with the same call-site PCs (Frames reports return address - 1).
      const fromLevel2 = walked.slice(walked.findIndex((f) => f.function === 'main.stackLevel2'));
      const expected = frames.slice(frames.findIndex((f) => f.function === 'main.stackLevel2'));
      assert.ok(expected.length >= 4);
      assert.deepEqual(
        fromLevel2.map((f) => [f.pc - 1, f.function, f.file, f.line]),
        expected.map((f) => [f.pc, f.function, f.file, f.line]),
      );

      // Below that, the write itself: stackLevel3 at the os.Stdout.Write line, entered through os.(*File).Write.
      const source = readFileSync(path.join(goFixturesDir, 'pclnoracle', 'main.go'), 'utf8').split('\n');
      const writeLine = source.findIndex((l) => l.includes('walk-here')) + 1;
      const level3 = walked.findIndex((f) => f.function === 'main.stackLevel3');
      assert.equal(walked[level3].line, writeLine);
      assert.equal(walked[level3 - 1].function, 'os.(*File).Write');
      assert.equal(walked[0].function, 'syscall.Write', 'the innermost frame is the caller of the fd_write import wrapper');
      assert.equal(walked[walked.length - 1].function, 'runtime.goexit');
      for (let i = 1; i < walked.length; i++) assert.ok(walked[i].sp >= walked[i - 1].sp, 'the stack grows down: callers sit higher');
    });
  });
}
