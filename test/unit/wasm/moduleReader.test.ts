import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { WasmFormatError } from '../../../src/wasm/wasmFormatError';
import { formatFuncType } from '../../../src/wasm/wasmTypes';
import { buildGoFixture } from '../../support/goFixtures';

// ---- A tiny module written byte by byte, so every field has a known expected value. ----

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
const name = (s: string) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const I32 = 0x7f;
const I64 = 0x7e;

function tinyModule(options: { withStart?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const exportName = options.withStart === false ? '_initialize' : '_start';
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      [0x60, ...vec([[I32], [I64]]), ...vec([[I32]])], // 0: (i32, i64) -> i32
      [0x60, 0, 0], // 1: () -> ()
      [0x60, ...vec([[I32]]), 0], // 2: (i32) -> ()
    ])),
    ...section(2, vec([
      [...name('wasi_snapshot_preview1'), ...name('fd_write'), 0x00, ...uleb(0)],
      [...name('env'), ...name('counter'), 0x03, I64, 0x00],
      [...name('env'), ...name('table'), 0x01, 0x70, 0x00, ...uleb(1)],
    ])),
    ...section(3, vec([[1], [2]])),
    ...section(5, vec([[0x01, ...uleb(1), ...uleb(3)]])),
    ...section(6, vec([[I32, 0x01, 0x41, ...uleb(42), 0x0b]])),
    ...section(7, vec([
      [...name(exportName), 0x00, ...uleb(1)],
      [...name('helper'), 0x00, ...uleb(2)],
      [...name('memory'), 0x02, 0],
      [...name('sp'), 0x03, ...uleb(1)],
    ])),
    ...section(10, vec([
      [...uleb(2), 0x00, 0x0b], // no locals; end
      [...uleb(5), 0x00, 0x20, 0x00, 0x1a, 0x0b], // no locals; local.get 0; drop; end
    ])),
    ...section(11, vec([
      [0x00, 0x41, ...uleb(16), 0x0b, ...name('hi!')],
      [0x01, ...name('xyz')],
    ])),
    ...section(0, [...name('note'), 1, 2, 3]),
    ...section(0, [
      ...name('name'),
      ...[0x00, ...uleb(name('tiny').length), ...name('tiny')],
      ...(() => {
        const map = vec([[0, ...name('imported_write')], [1, ...name('start_fn')], [2, ...name('helper_fn')]]);
        return [0x01, ...uleb(map.length), ...map];
      })(),
    ]),
  ]);
}

describe('hand-built module', () => {
  const bytes = tinyModule();

  test('is a valid module according to the engine', () => {
    assert.equal(WebAssembly.validate(bytes), true);
  });

  test('imports carry kinds and function types', () => {
    const m = parseWasmModule(bytes);
    assert.deepEqual(m.imports, [
      { module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 'func', typeIndex: 0, type: { params: ['i32', 'i64'], results: ['i32'] } },
      { module: 'env', name: 'counter', kind: 'global', global: { valueType: 'i64', mutable: false } },
      { module: 'env', name: 'table', kind: 'table', table: { elementType: 'funcref', limits: { min: 1 } } },
    ]);
    assert.equal(m.importedFunctionCount, 1);
    assert.equal(m.importedGlobalCount, 1);
    const first = m.imports[0];
    assert.ok(first.kind === 'func');
    assert.equal(formatFuncType(first.type), '(i32, i64) -> i32');
  });

  test('exports, memory, globals, data and code are located', () => {
    const m = parseWasmModule(bytes);
    assert.deepEqual(m.exports, [
      { name: '_start', kind: 'func', index: 1, type: { params: [], results: [] } },
      { name: 'helper', kind: 'func', index: 2, type: { params: ['i32'], results: [] } },
      { name: 'memory', kind: 'memory', index: 0 },
      { name: 'sp', kind: 'global', index: 1 },
    ]);
    assert.equal(m.kind, 'command');
    assert.deepEqual(m.memories, [{ min: 1, max: 3 }]);
    assert.deepEqual(m.allMemories, [{ min: 1, max: 3 }]);
    assert.deepEqual(m.globals, [{ type: { valueType: 'i32', mutable: true }, init: { op: 'i32.const', value: 42 } }]);
    assert.equal(m.functionCount, 3);
    assert.equal(formatFuncType(m.functionType(2)!), '(i32) -> ()');
    assert.equal(m.dataSegments.length, 2);
    const [active, passive] = m.dataSegments;
    assert.equal(active.mode, 'active');
    assert.equal(active.memoryOffset, 16);
    assert.equal(Buffer.from(bytes.subarray(active.fileOffset, active.fileOffset + active.size)).toString(), 'hi!');
    assert.equal(passive.mode, 'passive');
    assert.equal(passive.memoryOffset, undefined);
    assert.equal(Buffer.from(bytes.subarray(passive.fileOffset, passive.fileOffset + passive.size)).toString(), 'xyz');
    const body = m.functionBody(2)!;
    assert.deepEqual([...bytes.subarray(body.offset, body.offset + body.size)], [0x00, 0x20, 0x00, 0x1a, 0x0b]);
    assert.equal(m.functionBody(0), undefined, 'imports have no body');
  });

  test('the name section names functions; custom sections are listed', () => {
    const m = parseWasmModule(bytes);
    assert.equal(m.moduleName, 'tiny');
    assert.equal(m.functionName(0), 'imported_write');
    assert.equal(m.functionName(1), 'start_fn');
    assert.equal(m.functionName(2), 'helper_fn');
    assert.equal(m.functionName(3), undefined);
    assert.equal(m.functionIndex('helper_fn'), 2);
    assert.equal(m.functionIndex('nope'), undefined);
    assert.deepEqual(m.sections.filter((s) => s.id === 0).map((s) => s.name), ['note', 'name']);
    assert.equal(m.customSection('note')!.size, name('note').length + 3);
    assert.deepEqual(
      m.sections.map((s) => s.name),
      ['type', 'import', 'function', 'memory', 'global', 'export', 'code', 'data', 'note', 'name'],
    );
  });

  test('interfaceOnly reads types, imports and exports the same, and stops before code, data and names', () => {
    const whole = parseWasmModule(bytes);
    const m = parseWasmModule(bytes, { interfaceOnly: true });
    assert.deepEqual(m.imports, whole.imports);
    assert.deepEqual(m.exports, whole.exports);
    assert.deepEqual(m.types, whole.types);
    assert.deepEqual(m.memories, whole.memories);
    assert.equal(m.functionCount, 3);
    assert.equal(m.functionBody(2), undefined, 'code is not read');
    assert.equal(m.dataSegments.length, 0, 'data is not read');
    assert.equal(m.functionName(1), undefined, 'names are not read');
    assert.deepEqual(m.sections.map((s) => s.name), ['type', 'import', 'function', 'memory', 'global', 'export']);
  });

  test('interfaceOnly leaves a malformed code section to the engine; a malformed interface still throws', () => {
    const types = section(1, vec([[0x60, 0, 0]]));
    const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const badCode = new Uint8Array([...header, ...types, ...section(3, vec([[0], [0]])), ...section(10, vec([[2, 0, 0x0b]]))]);
    assert.throws(() => parseWasmModule(badCode), WasmFormatError);
    assert.equal(parseWasmModule(badCode, { interfaceOnly: true }).functionCount, 2);
    const badImport = new Uint8Array([...header, ...types, ...section(2, vec([[...name('m'), ...name('f'), 0x00, ...uleb(5)]]))]);
    assert.throws(() => parseWasmModule(badImport, { interfaceOnly: true }), (err: unknown) => err instanceof WasmFormatError && /type index 5/.test(err.message));
  });

  test('prefix: the first bytes of a file read its interface when they hold it, and say truncated when they do not', () => {
    const whole = parseWasmModule(bytes, { interfaceOnly: true });
    const exportSection = whole.sections.find((s) => s.name === 'export');
    assert.ok(exportSection);
    const exportEnd = exportSection.offset + exportSection.size;
    // Cut inside the section after the exports (the code): the interface is whole.
    const cut = bytes.subarray(0, exportEnd + 3);
    assert.throws(() => parseWasmModule(cut, { interfaceOnly: true }), (err: unknown) => err instanceof WasmFormatError && err.reason === 'truncated');
    const read = parseWasmModule(cut, { interfaceOnly: true, prefix: true });
    assert.deepEqual(read.imports, whole.imports);
    assert.deepEqual(read.exports, whole.exports);
    // Cut inside the exports: still truncated.
    assert.throws(() => parseWasmModule(bytes.subarray(0, exportEnd - 1), { interfaceOnly: true, prefix: true }), (err: unknown) => err instanceof WasmFormatError && err.reason === 'truncated');
  });

  test('a module exporting _initialize and no _start is a reactor', () => {
    const reactor = tinyModule({ withStart: false });
    assert.equal(WebAssembly.validate(reactor), true);
    assert.equal(parseWasmModule(reactor).kind, 'reactor');
  });

  test('formatFuncType spells out empty and multiple results', () => {
    assert.equal(formatFuncType({ params: [], results: [] }), '() -> ()');
    assert.equal(formatFuncType({ params: ['f64'], results: ['i32', 'i64'] }), '(f64) -> (i32, i64)');
  });

  test('every truncation throws WasmFormatError or, at a section boundary, agrees with the engine', () => {
    const boundaries = new Set(parseWasmModule(bytes).sections.map((s) => s.headerOffset));
    let accepted = 0;
    for (let cut = 0; cut < bytes.length; cut++) {
      const part = bytes.slice(0, cut);
      let parsed = false;
      try {
        parseWasmModule(part);
        parsed = true;
      } catch (err) {
        assert.ok(err instanceof WasmFormatError, `cut at ${cut}: ${String(err)}`);
        assert.ok(['truncated', 'not-wasm'].includes(err.reason), `cut at ${cut}: reason ${err.reason}: ${err.message}`);
      }
      if (parsed) {
        accepted++;
        assert.ok(boundaries.has(cut), `cut at ${cut} is inside a section but was accepted`);
        assert.equal(WebAssembly.validate(part), true, `cut at ${cut} accepted but the engine rejects it`);
      }
    }
    assert.ok(accepted >= 3, 'cuts right after the header, type and import sections are complete modules');
  });
});

describe('malformed modules', () => {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  function malformed(body: number[], message: RegExp): void {
    const bytes = new Uint8Array([...header, ...body]) as Uint8Array<ArrayBuffer>;
    assert.equal(WebAssembly.validate(bytes), false, 'the engine must reject it too');
    assert.throws(() => parseWasmModule(bytes), (err: unknown) => err instanceof WasmFormatError && err.reason === 'malformed' && message.test(err.message));
  }

  test('unknown section id', () => malformed([0x20, 0x00], /unknown section id 32/));
  test('sections out of order', () => malformed([...section(3, vec([])), ...section(1, vec([]))], /out of order/));
  test('duplicate section', () => malformed([...section(1, vec([])), ...section(1, vec([]))], /out of order or repeated/));
  test('over-long LEB128', () => malformed([0x01, 0x85, 0x80, 0x80, 0x80, 0x10, 0x00], /LEB128/));
  test('unknown value type', () => malformed(section(1, vec([[0x60, 1, 0x55, 0]])), /unknown value type 0x55/));
  test('section contents shorter than declared', () => malformed(section(1, [0, 0xaa]), /declares 2 bytes/));
  test('type index out of range', () => malformed([...section(1, vec([])), ...section(3, vec([[0]])), ...section(10, vec([[2, 0, 0x0b]]))], /type index 0/));
  test('function and code counts differ', () =>
    malformed([...section(1, vec([[0x60, 0, 0]])), ...section(3, vec([[0], [0]])), ...section(10, vec([[2, 0, 0x0b]]))], /2 functions but the code section has 1/));
  test('a section larger than the file is truncated, naming the section', () => {
    const bytes = new Uint8Array([...header, 0x0a, 0x40, 0x01]);
    assert.throws(() => parseWasmModule(bytes), (err: unknown) =>
      err instanceof WasmFormatError && err.reason === 'truncated' && err.section === 'code' && /code section: it starts at byte 0x8 and declares 64 bytes/.test(err.message));
  });
});

describe('real Go module', () => {
  test('hello: imports, exports, names and timing', async () => {
    const bytes = readFileSync(await buildGoFixture('hello'));
    const module = parseWasmModule(bytes);
    assert.equal(module.kind, 'command');
    assert.ok(module.imports.every((i) => i.kind === 'func' && i.module === 'wasi_snapshot_preview1'));
    const fdWrite = module.imports.find((i) => i.name === 'fd_write');
    assert.ok(fdWrite && fdWrite.kind === 'func');
    assert.equal(formatFuncType(fdWrite.type), '(i32, i32, i32, i32) -> i32');
    const start = module.exports.find((e) => e.name === '_start')!;
    assert.equal(module.functionName(start.index), '_rt0_wasm_wasip1');
    assert.equal(module.functionName(module.functionIndex('main.main')!), 'main.main');
    assert.equal(module.globals[0].type.valueType, 'i32', "global 0 is Go's stack pointer");
    assert.equal(module.codeOffsets.length, module.functionCount - module.importedFunctionCount);
    assert.ok(module.dataSegments.length > 100 && module.dataSegments.every((s) => s.mode === 'active' && s.memoryOffset !== undefined));
    // The engine agrees on what the module imports and exports.
    const compiled = new WebAssembly.Module(bytes);
    assert.deepEqual(module.imports.map((i) => `${i.module}.${i.name}`), WebAssembly.Module.imports(compiled).map((i) => `${i.module}.${i.name}`));
    assert.deepEqual(module.exports.map((e) => e.name), WebAssembly.Module.exports(compiled).map((e) => e.name));

    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      parseWasmModule(bytes);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`parseWasmModule(hello.wasm, ${(bytes.length / 1e6).toFixed(2)} MB, ${module.functionCount} functions, ${module.dataSegments.length} data segments): ` +
      `median ${times[7].toFixed(2)} ms, min ${times[0].toFixed(2)} ms`);
  });

  test('c-shared build is a reactor exporting _initialize', async () => {
    const module = parseWasmModule(readFileSync(await buildGoFixture('hello', ['-buildmode=c-shared'])));
    assert.equal(module.kind, 'reactor');
    assert.ok(module.exports.some((e) => e.name === '_initialize' && e.kind === 'func'));
  });

  test('truncations of a real Go module throw WasmFormatError, never another error', async () => {
    const bytes = readFileSync(await buildGoFixture('hello'));
    const sections = parseWasmModule(bytes).sections;
    const cuts = new Set<number>();
    for (let i = 0; i < 600; i++) cuts.add(i);
    for (const s of sections) for (let d = -3; d <= 3; d++) cuts.add(s.headerOffset + d).add(s.offset + d);
    let seed = 12345;
    for (let i = 0; i < 300; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      cuts.add(seed % bytes.length);
    }
    for (const cut of cuts) {
      if (cut <= 0 || cut >= bytes.length) continue;
      try {
        parseWasmModule(bytes.subarray(0, cut));
        // Only a cut exactly between sections can leave a complete module, and then the engine must agree.
        assert.ok(sections.some((s) => s.headerOffset === cut), `cut at ${cut} is inside a section but was accepted`);
        assert.equal(WebAssembly.validate(bytes.slice(0, cut)), true, `cut at ${cut} accepted but the engine rejects it`);
      } catch (err) {
        assert.ok(err instanceof WasmFormatError, `cut at ${cut}: ${String(err)}`);
        assert.equal(err.reason, 'truncated', `cut at ${cut}: ${err.message}`);
      }
    }
  });
});
