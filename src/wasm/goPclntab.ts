// Decodes the Go runtime's PC/line table (pclntab) out of a wasip1 module's data segments, so
// the debugger and trap messages can turn a Go PC into function, file and line without help
// from the running program.
//
// Layout (Go 1.20+, magic 0xfffffff1; runtime/symtab.go pcHeader, _func, moduledata):
//   header: magic u32, 0, 0, minLC u8, ptrSize u8, nfunc, nfiles, textStart, then offsets
//           (from the header) of funcnametab, cutab, filetab, pctab and pclntable.
//   pclntable starts with ftab: nfunc+1 pairs {entryoff u32, funcoff u32}; funcoff points at a
//           _func record within pclntable.
//   funcdata offsets (the inline tree) are relative to moduledata.gofunc, which is not in the
//           header: we find the moduledata by its first two fields (pcHeader, funcnametab.ptr).
//
// Wasm PCs are not byte addresses: PC = PC_F<<16 | PC_B where PC_F = 0x1000 + (wasm function
// index - number of imported functions) and PC_B is the resume point within that function
// (cmd/link/internal/wasm/asm.go assignAddress). Up to Go 1.24 ftab's entryoff holds the full
// PC minus runtime.text (0 on wasm); from Go 1.25 it holds only PC_F (runtime textAddr/textOff
// shift by 16 on wasm). We tell them apart from the table itself.
import { activeSegmentsByAddress, initialMemoryImage } from './dataImage';
import type { WasmModule } from './moduleReader';
import { readWord } from './memoryWords';

/** Offset between a Go function's PC_F and its index among the module's defined functions. */
export const GO_FUNC_VALUE_OFFSET = 0x1000;
const PC_F_UNIT = 0x10000;
const GO120_MAGIC = 0xfffffff1;
// _func field offsets (runtime/runtime2.go); the same from Go 1.20 through 1.26.
const F_NAME = 4;
const F_PCSP = 16;
const F_PCFILE = 20;
const F_PCLN = 24;
const F_NPCDATA = 28;
const F_CU = 32;
const F_START_LINE = 36;
const F_FUNC_ID = 40;
const F_NFUNCDATA = 43;
const F_PCDATA = 44;
const PCDATA_INL_TREE_INDEX = 2;
const FUNCDATA_INL_TREE = 3;
const INLINED_CALL_SIZE = 16;
/** moduledata word holding gofunc: pcHeader + 6 slices + 21 uintptrs before it. */
const MODULEDATA_GOFUNC_WORD = 40;

const utf8 = new TextDecoder();

export interface GoSourcePosition {
  /** Go symbol name, innermost inlined function first: `main.main`, `main.(*T).M`, `main.f[go.shape.int]`. */
  function: string;
  /** Absolute path recorded at build time (`$GOROOT/...` with -trimpath). */
  file: string;
  line: number;
  /** True when `function` was inlined into the physical function at funcIndex. */
  inlined: boolean;
  /** Entry PC of the physical (wasm) function containing the PC. */
  entryPC: number;
  /** Index of the physical function in the pclntab function table. */
  funcIndex: number;
}

/** What runtime.FuncForPC(pc).Name() and tracebacks show: type arguments elided as `[...]`. */
export function goFuncNameForPrint(name: string): string {
  const open = name.indexOf('[');
  if (open < 0) return name;
  const close = name.lastIndexOf(']');
  if (close <= open) return name;
  return name.slice(0, open) + '[...]' + name.slice(close + 1);
}

export class GoPclntab {
  readonly functionCount: number;
  readonly fileCount: number;
  /** Where ftab entries come from: full PCs (Go ≤ 1.24) or PC_F function values (Go ≥ 1.25). */
  readonly entryEncoding: 'pc' | 'function-value';
  /** Linear-memory address of the table's header. */
  readonly headerAddress: number;
  /** Linear-memory address of runtime.firstmoduledata, if found (it is what gives us the inline tree). */
  readonly moduledataAddress?: number;

  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Linear-memory address of bytes[0]. */
  private readonly base: number;
  // Image offsets of the tables.
  private readonly funcnametab: number;
  private readonly cutab: number;
  private readonly filetab: number;
  private readonly pctab: number;
  private readonly pclntable: number;
  /** Image offset of moduledata.gofunc, or -1: base of funcdata offsets. */
  private readonly gofunc: number;
  /** PC_F of each function's entry, ascending; entryPCF[functionCount] is the end marker. */
  private readonly entryPCF: Uint32Array;
  private readonly names: (string | undefined)[] = [];
  private readonly fileNames = new Map<number, string>();
  private indexByName?: Map<string, number>;
  /** Reused by every pc-value walk so lookups do not allocate. */
  private readonly cursor = { p: 0, pc: 0, value: 0 };

  private constructor(
    private readonly module: WasmModule,
    bytes: Uint8Array,
    base: number,
    header: number,
  ) {
    this.bytes = bytes;
    this.base = base;
    this.headerAddress = base + header;
    const v = (this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.functionCount = readWord(v, header + 8);
    this.fileCount = readWord(v, header + 16);
    const textStart = readWord(v, header + 24);
    this.funcnametab = header + readWord(v, header + 32);
    this.cutab = header + readWord(v, header + 40);
    this.filetab = header + readWord(v, header + 48);
    this.pctab = header + readWord(v, header + 56);
    this.pclntable = header + readWord(v, header + 64);
    const n = this.functionCount;
    if (this.pclntable + (n + 1) * 8 > bytes.length) throw new Error('Go pclntab: the function table runs past the data segments');
    // One Go function per wasm function: consecutive entries differ by one PC_F in the new
    // encoding and by a multiple of 0x10000 in the old one.
    const second = n >= 1 ? v.getUint32(this.pclntable + 8, true) : 0;
    this.entryEncoding = second !== 0 && second % PC_F_UNIT === 0 ? 'pc' : 'function-value';
    const entries = new Uint32Array(n + 1);
    for (let i = 0; i <= n; i++) {
      const off = v.getUint32(this.pclntable + i * 8, true);
      entries[i] = this.entryEncoding === 'pc' ? Math.floor((textStart + off) / PC_F_UNIT) : off;
    }
    // The old encoding ends the table at last entry + last symbol size, which on wasm is usually
    // still inside the last PC_F; the runtime rounds it up to the next function (alignUp(maxpc, 1<<16)).
    if (n >= 1 && entries[n] <= entries[n - 1]) entries[n] = entries[n - 1] + 1;
    this.entryPCF = entries;

    const moduledata = this.findModuledata();
    this.gofunc = -1;
    if (moduledata >= 0) {
      this.moduledataAddress = base + moduledata;
      const gofunc = readWord(v, moduledata + MODULEDATA_GOFUNC_WORD * 8) - base;
      if (gofunc >= 0 && gofunc < bytes.length) this.gofunc = gofunc;
    }
  }

  /** Finds and decodes the pclntab of a Go wasm module; undefined if the module has none. */
  static fromModule(module: WasmModule): GoPclntab | undefined {
    const segments = activeSegmentsByAddress(module);
    if (segments.length === 0) return undefined;
    const image = initialMemoryImage(module, module.data.memoryOffsets[segments[0]], undefined, segments);
    const header = findHeader(image.bytes, image.base);
    if (header < 0) return undefined;
    return new GoPclntab(module, image.bytes, image.base, header);
  }

  /** Index of the physical function containing pc, or -1. */
  funcIndexForPC(pc: number): number {
    const pcf = Math.floor(pc / PC_F_UNIT);
    const entries = this.entryPCF;
    let lo = 0;
    let hi = this.functionCount; // entries[hi] is the end marker
    if (!(pcf >= entries[0] && pcf < entries[hi])) return -1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid] <= pcf) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  entryPC(funcIndex: number): number {
    return this.entryPCF[funcIndex] * PC_F_UNIT;
  }

  /** Go symbol name of a physical function (type arguments spelled out, see goFuncNameForPrint). */
  funcName(funcIndex: number): string {
    let name = this.names[funcIndex];
    if (name === undefined) {
      name = this.cString(this.funcnametab + this.view.getInt32(this.funcRecord(funcIndex) + F_NAME, true));
      this.names[funcIndex] = name;
    }
    return name;
  }

  /** Table index of the physical function with this Go symbol name (e.g. `main.main`), or -1. */
  funcIndexByName(name: string): number {
    if (!this.indexByName) {
      const map = new Map<string, number>();
      for (let i = 0; i < this.functionCount; i++) {
        const n = this.funcName(i);
        if (!map.has(n)) map.set(n, i);
      }
      this.indexByName = map;
    }
    return this.indexByName.get(name) ?? -1;
  }

  /** Line of the function's `func` keyword (TEXT directive for assembly). */
  funcStartLine(funcIndex: number): number {
    return this.view.getInt32(this.funcRecord(funcIndex) + F_START_LINE, true);
  }

  /** abi.FuncID: 0 for ordinary functions; special runtime functions (goexit, mstart...) are nonzero. */
  funcID(funcIndex: number): number {
    return this.bytes[this.funcRecord(funcIndex) + F_FUNC_ID];
  }

  /** The wasm function index (imports counted first) whose body is this Go function. */
  wasmFunctionIndex(funcIndex: number): number {
    return this.module.importedFunctionCount + this.entryPCF[funcIndex] - GO_FUNC_VALUE_OFFSET;
  }

  /** Table index of the Go function compiled to this wasm function index, or -1. */
  funcIndexForWasmFunction(wasmIndex: number): number {
    const pcf = wasmIndex - this.module.importedFunctionCount + GO_FUNC_VALUE_OFFSET;
    const i = this.funcIndexForPC(pcf * PC_F_UNIT);
    return i >= 0 && this.entryPCF[i] === pcf ? i : -1;
  }

  /** Innermost function, file and line at a PC (as runtime.FuncForPC/FileLine), or undefined outside Go code. */
  lookup(pc: number): GoSourcePosition | undefined {
    const funcIndex = this.funcIndexForPC(pc);
    if (funcIndex < 0) return undefined;
    const record = this.funcRecord(funcIndex);
    const entry = this.entryPC(funcIndex);
    const inlineIndex = this.inlineTreeIndex(record, entry, pc);
    const inlineTree = inlineIndex >= 0 ? this.inlineTree(record) : -1;
    let name: string;
    if (inlineTree >= 0) {
      name = this.cString(this.funcnametab + this.view.getInt32(inlineTree + inlineIndex * INLINED_CALL_SIZE + 4, true));
    } else {
      name = this.funcName(funcIndex);
    }
    const [file, line] = this.fileLine(record, entry, pc);
    return { function: name, file, line, inlined: inlineTree >= 0, entryPC: entry, funcIndex };
  }

  /**
   * The logical frames at a PC, innermost first: inlined calls, then the physical function.
   * Outer frames are positioned at the inlined call site, as Go's own tracebacks do.
   */
  frames(pc: number): GoSourcePosition[] {
    const funcIndex = this.funcIndexForPC(pc);
    if (funcIndex < 0) return [];
    const record = this.funcRecord(funcIndex);
    const entry = this.entryPC(funcIndex);
    const tree = this.inlineTree(record);
    const result: GoSourcePosition[] = [];
    let at = pc;
    for (let depth = 0; depth < 1000; depth++) {
      const index = tree >= 0 ? this.inlineTreeIndex(record, entry, at) : -1;
      const [file, line] = this.fileLine(record, entry, at);
      if (index < 0) {
        result.push({ function: this.funcName(funcIndex), file, line, inlined: false, entryPC: entry, funcIndex });
        break;
      }
      const call = tree + index * INLINED_CALL_SIZE;
      result.push({ function: this.cString(this.funcnametab + this.view.getInt32(call + 4, true)), file, line, inlined: true, entryPC: entry, funcIndex });
      at = entry + this.view.getInt32(call + 8, true); // parentPc: a PC whose position is the call site
    }
    return result;
  }

  /**
   * Bytes of stack the function at pc has allocated below its return address (pcsp); 0 at
   * entry, -1 when pc is not in Go code.
   */
  frameSize(pc: number): number {
    const funcIndex = this.funcIndexForPC(pc);
    if (funcIndex < 0) return -1;
    const pcsp = this.view.getUint32(this.funcRecord(funcIndex) + F_PCSP, true);
    if (pcsp === 0) return 0;
    const value = this.pcValue(pcsp, this.entryPC(funcIndex), pc);
    return value < 0 ? 0 : value;
  }

  /** Calls visit for each [startPC, endPC) range of a function's line table, with its file and line. */
  forEachLine(funcIndex: number, visit: (startPC: number, endPC: number, file: string, line: number) => void): void {
    const record = this.funcRecord(funcIndex);
    const entry = this.entryPC(funcIndex);
    const lineTable = this.view.getUint32(record + F_PCLN, true);
    if (lineTable === 0) return;
    const ranges: number[] = [];
    const c = this.cursor;
    c.p = this.pctab + lineTable;
    c.pc = entry;
    c.value = -1;
    let start = entry;
    for (let first = true; this.step(first); first = false) {
      ranges.push(start, c.pc, c.value);
      start = c.pc;
    }
    // Files are resolved after the walk: fileLine reuses the cursor.
    for (let i = 0; i < ranges.length; i += 3) {
      if (ranges[i + 1] > ranges[i]) visit(ranges[i], ranges[i + 1], this.fileLine(record, entry, ranges[i])[0], ranges[i + 2]);
    }
  }

  private fileLine(record: number, entry: number, pc: number): [string, number] {
    const fileNo = this.pcValue(this.view.getUint32(record + F_PCFILE, true), entry, pc);
    const line = this.pcValue(this.view.getUint32(record + F_PCLN, true), entry, pc);
    return [this.fileName(this.view.getUint32(record + F_CU, true), fileNo), line];
  }

  private inlineTreeIndex(record: number, entry: number, pc: number): number {
    const npcdata = this.view.getUint32(record + F_NPCDATA, true);
    if (npcdata <= PCDATA_INL_TREE_INDEX) return -1;
    const table = this.view.getUint32(record + F_PCDATA + PCDATA_INL_TREE_INDEX * 4, true);
    return this.pcValue(table, entry, pc);
  }

  /** Image offset of the function's inline tree, or -1. */
  private inlineTree(record: number): number {
    if (this.gofunc < 0) return -1;
    const nfuncdata = this.bytes[record + F_NFUNCDATA];
    if (nfuncdata <= FUNCDATA_INL_TREE) return -1;
    const npcdata = this.view.getUint32(record + F_NPCDATA, true);
    const off = this.view.getUint32(record + F_PCDATA + npcdata * 4 + FUNCDATA_INL_TREE * 4, true);
    return off === 0xffffffff ? -1 : this.gofunc + off;
  }

  /** Value of the pc-value table at tableOffset (relative to pctab) at targetPC; -1 if absent. */
  private pcValue(tableOffset: number, entry: number, targetPC: number): number {
    if (tableOffset === 0) return -1;
    const c = this.cursor;
    c.p = this.pctab + tableOffset;
    c.pc = entry;
    c.value = -1;
    for (let first = true; this.step(first); first = false) {
      // Each step gives the value that holds from the previous pc up to (excluding) the new one.
      if (targetPC < c.pc) return c.value;
    }
    return -1;
  }

  /** One entry of a pc-value table: zig-zag value delta then pc delta (runtime.step). */
  private step(first: boolean): boolean {
    const bytes = this.bytes;
    const c = this.cursor;
    let p = c.p;
    if (p >= bytes.length) return false;
    let uvdelta = bytes[p++];
    if (uvdelta === 0 && !first) return false;
    if (uvdelta & 0x80) {
      uvdelta &= 0x7f;
      for (let shift = 7; p < bytes.length; shift += 7) {
        const b = bytes[p++];
        uvdelta |= (b & 0x7f) << shift;
        if (!(b & 0x80) || shift >= 28) break;
      }
      uvdelta >>>= 0;
    }
    c.value += uvdelta & 1 ? -((uvdelta >>> 1) + 1) : uvdelta >>> 1;
    let pcdelta = bytes[p++];
    if (pcdelta & 0x80) {
      pcdelta &= 0x7f;
      for (let shift = 7; p < bytes.length; shift += 7) {
        const b = bytes[p++];
        pcdelta |= (b & 0x7f) << shift;
        if (!(b & 0x80) || shift >= 28) break;
      }
      pcdelta >>>= 0;
    }
    c.pc += pcdelta; // minLC is 1 on wasm: pc deltas count PC_B steps
    c.p = p;
    return true;
  }

  private funcRecord(funcIndex: number): number {
    if (!(funcIndex >= 0 && funcIndex < this.functionCount)) throw new RangeError(`pclntab function index ${funcIndex} out of range`);
    return this.pclntable + this.view.getUint32(this.pclntable + funcIndex * 8 + 4, true);
  }

  private fileName(cuOffset: number, fileNo: number): string {
    if (fileNo < 0) return '?';
    const fileOff = this.view.getUint32(this.cutab + (cuOffset + fileNo) * 4, true);
    if (fileOff === 0xffffffff) return '?';
    let name = this.fileNames.get(fileOff);
    if (name === undefined) {
      name = this.cString(this.filetab + fileOff);
      this.fileNames.set(fileOff, name);
    }
    return name;
  }

  private cString(offset: number): string {
    let end = this.bytes.indexOf(0, offset);
    if (end < 0) end = this.bytes.length;
    return utf8.decode(this.bytes.subarray(offset, end));
  }

  /** Image offset of the moduledata whose pcHeader and funcnametab point at this table, or -1. */
  private findModuledata(): number {
    const v = this.view;
    const header = this.headerAddress;
    const funcnametab = this.base + this.funcnametab;
    // Aligned 8-byte words; the linker places firstmoduledata just before the pclntab.
    const firstAligned = (8 - (this.base % 8)) % 8;
    for (let off = this.headerAddress - this.base - 8; off >= firstAligned; off -= 8) {
      if (v.getUint32(off, true) === header && v.getUint32(off + 4, true) === 0 && readWord(v, off + 8) === funcnametab) return off;
    }
    for (let off = firstAligned + Math.ceil((this.headerAddress - this.base) / 8) * 8; off + 16 <= v.byteLength; off += 8) {
      if (v.getUint32(off, true) === header && v.getUint32(off + 4, true) === 0 && readWord(v, off + 8) === funcnametab) return off;
    }
    return -1;
  }
}

/** Image offset of the pclntab header: magic, two zero bytes, minLC 1 and ptrSize 8 (wasm), pointer-aligned. */
function findHeader(bytes: Uint8Array, base: number): number {
  for (let i = bytes.indexOf(0xf1); i >= 0 && i + 72 <= bytes.length; i = bytes.indexOf(0xf1, i + 1)) {
    if (
      bytes[i + 1] === 0xff && bytes[i + 2] === 0xff && bytes[i + 3] === 0xff &&
      bytes[i + 4] === 0 && bytes[i + 5] === 0 && bytes[i + 6] === 1 && bytes[i + 7] === 8 &&
      (base + i) % 8 === 0
    ) {
      return i;
    }
  }
  return -1;
}

export { GO120_MAGIC as GO_PCLNTAB_MAGIC };
