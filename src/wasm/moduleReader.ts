// Parses a WebAssembly core module without compiling it: the host checks imports before start,
// the debugger maps function indices to names and the editor lists imports/exports of a built
// module. Function bodies are only located (offset/size), never decoded, so a 10 MB Go binary
// parses in a few milliseconds.
import { ByteReader, decodeName } from './byteReader';
import { checkModuleHeader } from './moduleHeader';
import { WasmFormatError, hexOffset } from './wasmFormatError';
import type {
  DataSegment, ExternalKind, FuncType, GlobalType, InitExpr, Limits, SectionInfo, TableType, ValueType, WasmExport, WasmGlobal, WasmImport,
} from './wasmTypes';

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count', 'tag'];
/** Position of each known section id in the order the spec requires (data count sits before code, tag before global). */
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];
const EXTERNAL_KINDS: ExternalKind[] = ['func', 'table', 'memory', 'global', 'tag'];
/** memoryOffsets value of a passive segment. */
export const PASSIVE = -1;
/** memoryOffsets value of an active segment whose address is not a constant (global.get). */
export const NON_CONSTANT_OFFSET = -2;

export interface DataSegmentColumns {
  count: number;
  /** Destination address; PASSIVE or NON_CONSTANT_OFFSET when there is none. */
  memoryOffsets: Float64Array;
  /** Where each segment's bytes start in the file, and how many there are. */
  fileOffsets: Uint32Array;
  sizes: Uint32Array;
  memoryIndices: Uint32Array;
}

export class WasmModule {
  readonly types: FuncType[] = [];
  readonly imports: WasmImport[] = [];
  readonly exports: WasmExport[] = [];
  readonly tables: TableType[] = [];
  /** Memories defined by the module (imported memories are in `imports`). */
  readonly memories: Limits[] = [];
  readonly globals: WasmGlobal[] = [];
  /**
   * Data segments in columns: Go emits one per non-zero run of its data (80,000 in an 8 MB
   * binary), and an object apiece would be most of the parse time. `dataSegments` gives objects.
   */
  readonly data: DataSegmentColumns = {
    count: 0,
    memoryOffsets: new Float64Array(0),
    fileOffsets: new Uint32Array(0),
    sizes: new Uint32Array(0),
    memoryIndices: new Uint32Array(0),
  };
  private dataSegmentObjects?: DataSegment[];
  /** Every section in file order, custom ones included. */
  readonly sections: SectionInfo[] = [];
  /** Data segments as objects (built on first use). */
  get dataSegments(): DataSegment[] {
    if (!this.dataSegmentObjects) {
      const d = this.data;
      const list: DataSegment[] = [];
      for (let i = 0; i < d.count; i++) {
        const memoryOffset = d.memoryOffsets[i];
        list.push({
          mode: memoryOffset === PASSIVE ? 'passive' : 'active',
          memoryIndex: d.memoryIndices[i],
          memoryOffset: memoryOffset >= 0 ? memoryOffset : undefined,
          fileOffset: d.fileOffsets[i],
          size: d.sizes[i],
        });
      }
      this.dataSegmentObjects = list;
    }
    return this.dataSegmentObjects;
  }

  /** Function index of the start section's function, if any. */
  start?: number;
  importedFunctionCount = 0;
  importedGlobalCount = 0;
  /** Type index of each function defined by the module (index 0 = function importedFunctionCount). */
  definedFunctionTypes: Uint32Array = new Uint32Array(0);
  /** File offset (just after the size) and byte length of each defined function's body. */
  codeOffsets: Uint32Array = new Uint32Array(0);
  codeSizes: Uint32Array = new Uint32Array(0);
  /** From the `name` custom section. */
  moduleName?: string;
  /** Set when a `name` section exists but could not be read; engines ignore such sections, so do we. */
  nameSectionError?: string;

  // Function names are located at parse time but only decoded when asked for: a Go binary names
  // ~15,000 functions and most sessions look up a handful.
  private nameOffsets: Int32Array = new Int32Array(0);
  private nameLengths: Uint32Array = new Uint32Array(0);
  private decodedNames: (string | undefined)[] = [];
  private indexByName?: Map<string, number>;

  constructor(readonly bytes: Uint8Array) {}

  /** Imported functions first, then defined ones: the wasm function index space. */
  get functionCount(): number {
    return this.importedFunctionCount + this.definedFunctionTypes.length;
  }

  /** WASI application ABI: a command exports `_start`; a reactor does not and may export `_initialize`. */
  get kind(): 'command' | 'reactor' {
    return this.exports.some((e) => e.kind === 'func' && e.name === '_start') ? 'command' : 'reactor';
  }

  functionType(index: number): FuncType | undefined {
    if (index < this.importedFunctionCount) {
      const imp = this.importedFunction(index);
      return imp?.kind === 'func' ? imp.type : undefined;
    }
    const typeIndex = this.definedFunctionTypes[index - this.importedFunctionCount];
    return typeIndex === undefined ? undefined : this.types[typeIndex];
  }

  /** The name-section name of a function, else `module.name` for an import, else undefined. */
  functionName(index: number): string | undefined {
    if (!(index >= 0 && index < this.functionCount)) return undefined;
    const cached = this.decodedNames[index];
    if (cached !== undefined) return cached;
    let name: string | undefined;
    const offset = index < this.nameOffsets.length ? this.nameOffsets[index] : -1;
    if (offset >= 0) {
      name = decodeName(new ByteReader(this.bytes), offset, this.nameLengths[index]);
    } else if (index < this.importedFunctionCount) {
      const imp = this.importedFunction(index);
      if (imp) name = `${imp.module}.${imp.name}`;
    }
    if (name !== undefined) this.decodedNames[index] = name;
    return name;
  }

  /** Inverse of functionName for names from the name section (e.g. Go's `main.main`). */
  functionIndex(name: string): number | undefined {
    if (!this.indexByName) {
      const map = new Map<string, number>();
      for (let i = 0; i < this.nameOffsets.length; i++) {
        if (this.nameOffsets[i] >= 0) {
          const n = this.functionName(i);
          if (n !== undefined && !map.has(n)) map.set(n, i);
        }
      }
      this.indexByName = map;
    }
    return this.indexByName.get(name);
  }

  /** Byte range of a defined function's body in the file, by function index. */
  functionBody(index: number): { offset: number; size: number } | undefined {
    const i = index - this.importedFunctionCount;
    if (i < 0 || i >= this.codeOffsets.length) return undefined;
    return { offset: this.codeOffsets[i], size: this.codeSizes[i] };
  }

  customSection(name: string): SectionInfo | undefined {
    return this.sections.find((s) => s.id === 0 && s.name === name);
  }

  /** Every memory, imported or defined, in memory index order. */
  get allMemories(): Limits[] {
    const result: Limits[] = [];
    for (const imp of this.imports) if (imp.kind === 'memory') result.push(imp.limits);
    return result.concat(this.memories);
  }

  private importedFunction(index: number): WasmImport | undefined {
    let seen = 0;
    for (const imp of this.imports) {
      if (imp.kind !== 'func') continue;
      if (seen === index) return imp;
      seen++;
    }
    return undefined;
  }

  /** @internal Called by the name-section reader. */
  setFunctionNameLocations(offsets: Int32Array, lengths: Uint32Array): void {
    this.nameOffsets = offsets;
    this.nameLengths = lengths;
    this.decodedNames = [];
    this.indexByName = undefined;
  }
}

export interface ParseOptions {
  /**
   * Read only what precedes the code: types, imports, functions' types, tables, memories, globals
   * and exports, i.e. the module's interface. Custom sections (names) and everything from the start
   * section on are left unread, and so unchecked: the caller relies on WebAssembly.compile for
   * those. A Go binary's interface is read in well under a millisecond, the whole module in 5-15.
   */
  interfaceOnly?: boolean;
  /**
   * With interfaceOnly: `bytes` are only the file's first bytes. A section after the exports that
   * runs past them ends the parse, instead of being reported as truncated.
   */
  prefix?: boolean;
}

const EXPORT_RANK = SECTION_RANK[7];

/** Parses a core wasm module; throws WasmFormatError (never a RangeError) for anything that is not one. */
export function parseWasmModule(bytes: Uint8Array, options: ParseOptions = {}): WasmModule {
  const interfaceOnly = options.interfaceOnly === true;
  checkModuleHeader(bytes);
  const module = new WasmModule(bytes);
  const r = new ByteReader(bytes, 8);
  let lastRank = 0;
  let definedFunctionCount = -1;
  let codeCount = -1;
  while (r.pos < bytes.length) {
    const headerOffset = r.pos;
    r.section = 'module';
    r.end = bytes.length;
    const id = r.u8('a section id');
    const idName = SECTION_NAMES[id];
    if (idName === undefined) throw r.malformed(`unknown section id ${id}`, headerOffset);
    r.section = idName;
    const size = r.u32('the section size');
    const offset = r.pos;
    if (size > bytes.length - offset) {
      if (interfaceOnly && options.prefix && id !== 0 && SECTION_RANK[id] > EXPORT_RANK) break;
      throw new WasmFormatError(
        'truncated',
        `truncated ${idName} section: it starts at byte ${hexOffset(headerOffset)} and declares ${size} bytes, but the file ends ${bytes.length - offset} bytes later`,
        headerOffset,
        idName,
      );
    }
    r.end = offset + size;
    let name = idName;
    if (id === 0) {
      name = r.name('the custom section name');
      r.section = `custom "${name}"`;
    } else {
      const rank = SECTION_RANK[id];
      if (rank <= lastRank) throw r.malformed(`the ${idName} section is out of order or repeated`, headerOffset);
      if (interfaceOnly && rank > EXPORT_RANK) break;
      lastRank = rank;
    }
    module.sections.push({ id, name, headerOffset, offset, size });

    switch (id) {
      case 0:
        if (name === 'name' && !interfaceOnly) readNameSection(module, r);
        break;
      case 1: readTypeSection(module, r); break;
      case 2: readImportSection(module, r); break;
      case 3: definedFunctionCount = readFunctionSection(module, r); break;
      case 4: {
        const count = r.u32('the table count');
        for (let i = 0; i < count; i++) module.tables.push(readTableType(r));
        break;
      }
      case 5: {
        const count = r.u32('the memory count');
        for (let i = 0; i < count; i++) module.memories.push(readLimits(r, 'memory limits'));
        break;
      }
      case 6: {
        const count = r.u32('the global count');
        for (let i = 0; i < count; i++) {
          const type = readGlobalType(r);
          module.globals.push({ type, init: readInitExpr(r) });
        }
        break;
      }
      case 7: readExportSection(module, r); break;
      case 8: module.start = r.u32('the start function index'); break;
      case 9: r.pos = r.end; break; // Element segments only fill tables; nothing we report needs them.
      case 10: codeCount = readCodeSection(module, r); break;
      case 11: readDataSection(module, r); break;
      case 12: r.u32('the data count'); break;
      case 13: r.pos = r.end; break; // Exception-handling tags: nothing Go emits.
    }
    if (id !== 0 && r.pos !== r.end) {
      throw r.malformed(`the section declares ${size} bytes but its contents end after ${r.pos - offset}`, r.pos);
    }
    r.pos = r.end;
  }

  if (definedFunctionCount < 0) definedFunctionCount = 0;
  if (codeCount < 0) codeCount = 0;
  if (!interfaceOnly && definedFunctionCount !== codeCount) {
    throw new WasmFormatError(
      definedFunctionCount > codeCount && codeCount === 0 ? 'truncated' : 'malformed',
      `the function section declares ${definedFunctionCount} functions but the code section has ${codeCount} bodies` +
        (codeCount === 0 ? ' (is the file cut short?)' : ''),
      bytes.length,
      'code',
    );
  }
  for (const e of module.exports) {
    if (e.kind === 'func') {
      if (e.index >= module.functionCount) throw new WasmFormatError('malformed', `export "${e.name}" refers to function ${e.index}, but there are only ${module.functionCount}`, undefined, 'export');
      e.type = module.functionType(e.index);
    }
  }
  return module;
}

function readValueType(r: ByteReader): ValueType {
  const at = r.pos;
  const b = r.u8('a value type');
  switch (b) {
    case 0x7f: return 'i32';
    case 0x7e: return 'i64';
    case 0x7d: return 'f32';
    case 0x7c: return 'f64';
    case 0x7b: return 'v128';
    case 0x70: return 'funcref';
    case 0x6f: return 'externref';
  }
  throw r.malformed(`unknown value type 0x${b.toString(16)}`, at);
}

function readTypeSection(module: WasmModule, r: ByteReader): void {
  const count = r.u32('the type count');
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const form = r.u8('a type form');
    if (form !== 0x60) throw r.malformed(`type ${i} has form 0x${form.toString(16)}; only function types (0x60) are supported`, at);
    const paramCount = r.u32('a parameter count');
    const params: ValueType[] = [];
    for (let p = 0; p < paramCount; p++) params.push(readValueType(r));
    const resultCount = r.u32('a result count');
    const results: ValueType[] = [];
    for (let p = 0; p < resultCount; p++) results.push(readValueType(r));
    module.types.push({ params, results });
  }
}

function typeAt(module: WasmModule, r: ByteReader, typeIndex: number, at: number): FuncType {
  const type = module.types[typeIndex];
  if (!type) throw r.malformed(`type index ${typeIndex} is out of range (${module.types.length} types)`, at);
  return type;
}

function readImportSection(module: WasmModule, r: ByteReader): void {
  const count = r.u32('the import count');
  for (let i = 0; i < count; i++) {
    const moduleName = r.name('an import module name');
    const name = r.name('an import name');
    const at = r.pos;
    const kind = r.u8('an import kind');
    switch (kind) {
      case 0: {
        const typeAtPos = r.pos;
        const typeIndex = r.u32('an import type index');
        module.imports.push({ module: moduleName, name, kind: 'func', typeIndex, type: typeAt(module, r, typeIndex, typeAtPos) });
        module.importedFunctionCount++;
        break;
      }
      case 1: module.imports.push({ module: moduleName, name, kind: 'table', table: readTableType(r) }); break;
      case 2: module.imports.push({ module: moduleName, name, kind: 'memory', limits: readLimits(r, 'memory limits') }); break;
      case 3:
        module.imports.push({ module: moduleName, name, kind: 'global', global: readGlobalType(r) });
        module.importedGlobalCount++;
        break;
      case 4:
        r.u8('a tag attribute');
        module.imports.push({ module: moduleName, name, kind: 'tag', typeIndex: r.u32('a tag type index') });
        break;
      default:
        throw r.malformed(`import "${moduleName}" "${name}" has unknown kind ${kind}`, at);
    }
  }
}

function readFunctionSection(module: WasmModule, r: ByteReader): number {
  const count = r.u32('the function count');
  // Every entry takes at least a byte, so a count beyond the section size is a lie we can catch before allocating.
  if (count > r.end - r.pos) throw r.truncated(`${count} function type indices`);
  const typeIndices = new Uint32Array(count);
  const typeCount = module.types.length;
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const t = r.u32('a function type index');
    if (t >= typeCount) throw r.malformed(`function ${i} has type index ${t}, but there are only ${typeCount} types`, at);
    typeIndices[i] = t;
  }
  module.definedFunctionTypes = typeIndices;
  return count;
}

function readLimits(r: ByteReader, what: string): Limits {
  const at = r.pos;
  const flags = r.u8(what);
  if (flags > 7) throw r.malformed(`${what} have unknown flags 0x${flags.toString(16)}`, at);
  const memory64 = (flags & 4) !== 0;
  const min = memory64 ? r.u64(what) : r.u32(what);
  const limits: Limits = { min };
  if (flags & 1) limits.max = memory64 ? r.u64(what) : r.u32(what);
  if (flags & 2) limits.shared = true;
  if (memory64) limits.memory64 = true;
  return limits;
}

function readTableType(r: ByteReader): TableType {
  const elementType = readValueType(r);
  return { elementType, limits: readLimits(r, 'table limits') };
}

function readGlobalType(r: ByteReader): GlobalType {
  const valueType = readValueType(r);
  const at = r.pos;
  const mut = r.u8('a global mutability flag');
  if (mut > 1) throw r.malformed(`global mutability flag ${mut}`, at);
  return { valueType, mutable: mut === 1 };
}

/** A constant expression up to and including its `end` opcode. */
function readInitExpr(r: ByteReader): InitExpr {
  let result: InitExpr | undefined;
  let instructions = 0;
  for (;;) {
    const at = r.pos;
    const op = r.u8('a constant expression');
    if (op === 0x0b) break;
    instructions++;
    switch (op) {
      case 0x41: result = { op: 'i32.const', value: r.s32('an i32.const') }; break;
      case 0x42: result = { op: 'i64.const', value: r.s64('an i64.const') }; break;
      case 0x43: {
        const p = r.pos;
        r.skip(4, 'an f32.const');
        result = { op: 'f32.const', value: new DataView(r.bytes.buffer, r.bytes.byteOffset + p, 4).getFloat32(0, true) };
        break;
      }
      case 0x44: {
        const p = r.pos;
        r.skip(8, 'an f64.const');
        result = { op: 'f64.const', value: new DataView(r.bytes.buffer, r.bytes.byteOffset + p, 8).getFloat64(0, true) };
        break;
      }
      case 0x23: result = { op: 'global.get', index: r.u32('a global index') }; break;
      case 0xd0: readValueType(r); result = { op: 'ref.null' }; break;
      case 0xd2: result = { op: 'ref.func', index: r.u32('a function index') }; break;
      // Extended constant expressions: i32/i64 add, sub, mul.
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: break;
      default:
        throw r.malformed(`opcode 0x${op.toString(16)} is not allowed in a constant expression`, at);
    }
  }
  if (!result) throw r.malformed('empty constant expression');
  return instructions === 1 ? result : { op: 'expression' };
}

function readExportSection(module: WasmModule, r: ByteReader): void {
  const count = r.u32('the export count');
  for (let i = 0; i < count; i++) {
    const name = r.name('an export name');
    const at = r.pos;
    const kindByte = r.u8('an export kind');
    const kind = EXTERNAL_KINDS[kindByte];
    if (!kind) throw r.malformed(`export "${name}" has unknown kind ${kindByte}`, at);
    module.exports.push({ name, kind, index: r.u32('an export index') });
  }
}

function readCodeSection(module: WasmModule, r: ByteReader): number {
  const count = r.u32('the code count');
  if (count > r.end - r.pos) throw r.truncated(`${count} function bodies`);
  const offsets = new Uint32Array(count);
  const sizes = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const size = r.u32('a function body size');
    offsets[i] = r.pos;
    sizes[i] = size;
    r.skip(size, `the body of function ${module.importedFunctionCount + i}`);
  }
  module.codeOffsets = offsets;
  module.codeSizes = sizes;
  return count;
}

function readDataSection(module: WasmModule, r: ByteReader): void {
  const count = r.u32('the data segment count');
  if (count > r.end - r.pos) throw r.truncated(`${count} data segments`);
  const bytes = r.bytes;
  const memoryOffsets = new Float64Array(count);
  const fileOffsets = new Uint32Array(count);
  const sizes = new Uint32Array(count);
  const memoryIndices = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const flags = r.u32('data segment flags');
    let memoryOffset = PASSIVE;
    if (flags === 0 || flags === 2) {
      if (flags === 2) memoryIndices[i] = r.u32('a memory index');
      // Fast path for the `i32.const N end` every Go segment uses.
      const exprStart = r.pos;
      if (bytes[r.pos] === 0x41 && r.pos < r.end) {
        r.pos++;
        memoryOffset = r.s32('an i32.const') >>> 0;
        if (r.u8('the end of a constant expression') !== 0x0b) {
          r.pos = exprStart; // extended-const arithmetic after all: take the general path
          memoryOffset = offsetOf(readInitExpr(r));
        }
      } else {
        memoryOffset = offsetOf(readInitExpr(r));
      }
    } else if (flags !== 1) {
      throw r.malformed(`data segment ${i} has unknown flags ${flags}`, at);
    }
    const size = r.u32('a data segment size');
    memoryOffsets[i] = memoryOffset;
    fileOffsets[i] = r.pos;
    sizes[i] = size;
    r.skip(size, `the bytes of data segment ${i}`);
  }
  Object.assign(module.data, { count, memoryOffsets, fileOffsets, sizes, memoryIndices });
}

function offsetOf(init: InitExpr): number {
  if (init.op === 'i32.const') return init.value >>> 0;
  if (init.op === 'i64.const') return Number(init.value);
  return NON_CONSTANT_OFFSET;
}

/**
 * The `name` custom section (module name, function names). A malformed one is recorded in
 * nameSectionError and otherwise ignored, as engines do, but a section cut short by the end of
 * the file was already reported as truncated by the caller.
 */
function readNameSection(module: WasmModule, r: ByteReader): void {
  try {
    while (r.pos < r.end) {
      const id = r.u8('a name subsection id');
      const size = r.u32('a name subsection size');
      const subEnd = r.pos + size;
      if (subEnd > r.end) throw r.truncated('a name subsection');
      if (id === 0) {
        const saved = r.end;
        r.end = subEnd;
        module.moduleName = r.name('the module name');
        r.end = saved;
      } else if (id === 1) {
        readFunctionNameMap(module, r, subEnd);
      }
      r.pos = subEnd;
    }
  } catch (err) {
    if (!(err instanceof WasmFormatError)) throw err;
    module.nameSectionError = err.message;
    module.setFunctionNameLocations(new Int32Array(0), new Uint32Array(0));
  }
}

function readFunctionNameMap(module: WasmModule, r: ByteReader, subEnd: number): void {
  const saved = r.end;
  r.end = subEnd;
  const count = r.u32('the function name count');
  // The name section comes after the import and function sections, so the index space is known.
  const total = module.functionCount;
  const offsets = new Int32Array(total).fill(-1);
  const lengths = new Uint32Array(total);
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const index = r.u32('a function index');
    const length = r.u32('the length of a function name');
    const start = r.pos;
    r.skip(length, 'a function name');
    if (index >= total) throw r.malformed(`function name for index ${index}, but there are only ${total} functions`, at);
    offsets[index] = start;
    lengths[index] = length;
  }
  r.end = saved;
  module.setFunctionNameLocations(offsets, lengths);
}
