import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GoPclntab } from '../../../src/wasm/goPclntab';
import { STACK_POINTER_EXPORT, withStackPointerExport } from '../../../src/debug/exportStackPointer';
import { walkGoStack, type GoStackFrame } from '../../../src/wasm/goStackWalker';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { goFixturesDir } from '../../support/goFixtures';
import { ORACLE_TOOLCHAINS, buildWithToolchain, parseOracleOutput, runOracleProgram } from './goOracle';

for (const toolchain of ORACLE_TOOLCHAINS) {
  describe(`Go stack walk (${toolchain})`, () => {
    test('from inside fd_write, the walk matches runtime.Callers', async (t) => {
      const build = await buildWithToolchain('pclnoracle', toolchain);
      if ('skipped' in build) return t.skip(build.skipped);
      const original = readFileSync(build.wasm);
      // Go does not export its stack-pointer global: the debugger's own rewrite adds the export.
      const bytes = withStackPointerExport(parseWasmModule(original)) as Uint8Array<ArrayBuffer>;
      assert.ok(bytes, 'global 0 is Go\'s stack pointer');
      const table = GoPclntab.fromModule(parseWasmModule(bytes))!;
      let walked: GoStackFrame[] | undefined;
      const { stdout } = runOracleProgram(new WebAssembly.Module(bytes), (imports, instance) => {
        const wasi = imports.wasi_snapshot_preview1;
        const fdWrite = wasi.fd_write as (fd: number, iovs: number, count: number, written: number) => number;
        wasi.fd_write = (fd: number, iovs: number, count: number, written: number) => {
          const exports = instance().exports as Record<string, WebAssembly.Memory | WebAssembly.Global> & { memory: WebAssembly.Memory };
          const memory = new DataView(exports.memory.buffer);
          const text = Buffer.from(exports.memory.buffer, memory.getUint32(iovs, true), memory.getUint32(iovs + 4, true)).toString();
          if (text === 'walk-here\n') walked = walkGoStack(table, memory, { sp: (exports[STACK_POINTER_EXPORT] as WebAssembly.Global).value as number });
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
