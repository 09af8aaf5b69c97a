// Decodes the DWARF gc writes for one function (the SDWARFFCN and SDWARFRANGE symbols of a -S=2
// listing, see goDwarfListing): its parameters and locals with name, type name, declaration line and
// frame offset, and the lexical blocks that scope them.
//
// The abbreviation codes are Go's own fixed table (cmd/internal/dwarf/dwarf.go), which has changed
// shape between releases: Go 1.21 lists AUTO/PARAM entries of its own, Go 1.22 generates them after
// DW_ABRV_PUTVAR_START (32; 33 once Go 1.24 added DW_ABRV_FUNCTYPEOUTPARAM), and Go 1.25's DWARF 5 writes
// the function's low PC as an address index and its high PC as a length. Rather than trust a version
// number, each table is tried and the one kept whose every DW_AT_type lands on a `go:info.*`
// relocation and which ends exactly at the symbol's end: the relocations are the compiler's own proof.
//
// A location is DW_OP_call_frame_cfa or DW_OP_fbreg + offset, where the frame base is the CFA. On wasm
// a call pushes its 8-byte return address and the callee lowers SP by its frame size (goStackWalker),
// so at a stop CFA = SP + frameSize(pc) + 8 and a variable lives at CFA + offset: frameAddress().
// Addresses in DIEs and ranges are PC_B values counted from the function's entry.
//
// API: decodeDwarfFunction(listed) → GoDwarfFunction | { error }; variablesInScope(fn, pcB, line);
// frameAddress(variable, sp, frameSize, memory). For a caller's frame (goStackWalker's frames beyond the
// first), scope by the call's PC_B (the return address's − 1) and size the frame at the return address
// itself, as the walker does.
import { ByteReader } from './byteReader';
import type { ListedDataSymbol, ListedDwarfFunction } from './goDwarfListing';
import { WasmFormatError } from './wasmFormatError';
import { readWord } from './memoryWords';

const utf8 = new TextDecoder();

export interface GoDwarfVariable {
  name: string;
  isParameter: boolean;
  /** A result parameter (`~r0`, or a named result). */
  isResult: boolean;
  /** Go type name as the compiler names it: `int`, `main.point`, `map[string]int`, `*main.T`. */
  typeName: string;
  declLine: number;
  /**
   * The variable escaped to the heap: gc names it `&x` and its frame slot holds the address of the
   * value; `name` and `typeName` here are the variable's own (`x`, `T`), as the user wrote them.
   */
  onHeap: boolean;
  /** Offset from the CFA; undefined when the location is not a frame slot (reason in `locationProblem`). */
  cfaOffset?: number;
  locationProblem?: string;
  /** PC_B ranges [start, end) of the innermost enclosing lexical block; empty for the whole function. */
  scope: readonly (readonly [number, number])[];
  /** Number of lexical blocks around it (0: function level), to tell shadowed names apart. */
  depth: number;
}

export interface GoDwarfFunction {
  name: string;
  declLine: number;
  variables: GoDwarfVariable[];
  /** Which of Go's abbreviation tables matched (for reports). */
  table: string;
}

export interface VisibleVariable extends GoDwarfVariable {
  /** An inner variable of the same name hides this one here. */
  shadowed: boolean;
}

/**
 * Where the variable's value lives in linear memory for a frame with this SP and frame size: its frame
 * slot, or for a variable moved to the heap the address that slot holds. Undefined if unknown.
 */
export function frameAddress(variable: GoDwarfVariable, sp: number, frameSize: number, memory: DataView): number | undefined {
  if (variable.cfaOffset === undefined) return undefined;
  const slot = sp + frameSize + 8 + variable.cfaOffset;
  if (!variable.onHeap) return slot;
  if (slot < 0 || slot + 8 > memory.byteLength) return undefined;
  return readWord(memory, slot);
}

/**
 * The function's variables in scope at PC_B `pcB`, parameters first. A local declared below `line`
 * is left out even when its block has begun, as Delve does; an outer variable whose name an inner
 * one reuses is kept and marked shadowed.
 */
export function variablesInScope(fn: GoDwarfFunction, pcB: number, line?: number): VisibleVariable[] {
  const visible = fn.variables.filter((v) => {
    if (v.scope.length && !v.scope.some(([s, e]) => pcB >= s && pcB < e)) return false;
    return v.isParameter || line === undefined || v.declLine <= line;
  });
  const deepest = new Map<string, number>();
  for (const v of visible) deepest.set(v.name, Math.max(deepest.get(v.name) ?? -1, v.depth));
  return visible.map((v) => ({ ...v, shadowed: v.depth < (deepest.get(v.name) ?? v.depth) }));
}

const enum Form { string, addr, addrx, udata, data1, data4, flag, block1, ref, secOffset }
const enum At { name, lowPC, highPC, frameBase, declFile, declLine, external, trampoline, type, location, varParam, closureOffset, ranges }
type Attr = readonly [At, Form];
interface Abbrev { tag: 'function' | 'variable' | 'parameter' | 'block'; children: boolean; attrs: readonly Attr[] }

const NAME: Attr = [At.name, Form.string];
const LINE: Attr = [At.declLine, Form.udata];
const TYPE: Attr = [At.type, Form.ref];
const LOC: Attr = [At.location, Form.block1];
const LOCLIST: Attr = [At.location, Form.secOffset];
const VARPARAM: Attr = [At.varParam, Form.flag];
const CLOSURE: Attr = [At.closureOffset, Form.udata];

function functionAbbrevs(dwarf5: boolean): [number, Abbrev][] {
  const low: Attr = [At.lowPC, dwarf5 ? Form.addrx : Form.addr];
  const high: Attr = [At.highPC, dwarf5 ? Form.udata : Form.addr];
  const base: Attr = [At.frameBase, Form.block1];
  return [
    [3, { tag: 'function', children: true, attrs: [NAME, low, high, base, [At.declFile, Form.data4], LINE, [At.external, Form.flag]] }],
    [4, { tag: 'function', children: true, attrs: [NAME, low, high, base, [At.trampoline, Form.flag]] }],
  ];
}

function blockAbbrevs(ranges: number): [number, Abbrev][] {
  return [
    [ranges, { tag: 'block', children: true, attrs: [[At.ranges, Form.secOffset]] }],
    [ranges + 1, { tag: 'block', children: true, attrs: [[At.lowPC, Form.addr], [At.highPC, Form.addr]] }],
  ];
}

/** Go 1.22+: cmd/internal/dwarf/putvarabbrevgen.go, the entries that carry a name and a location. */
function putvarAbbrevs(start: number): [number, Abbrev][] {
  const v = (attrs: Attr[]): Abbrev => ({ tag: 'variable', children: false, attrs });
  const p = (attrs: Attr[]): Abbrev => ({ tag: 'parameter', children: false, attrs });
  return [
    [start + 4, v([NAME, LINE, TYPE, CLOSURE, LOCLIST])],
    [start + 5, v([NAME, LINE, TYPE, CLOSURE, LOC])],
    [start + 6, v([NAME, LINE, TYPE, LOCLIST])],
    [start + 7, v([NAME, LINE, TYPE, LOC])],
    [start + 10, p([NAME, VARPARAM, LINE, TYPE, CLOSURE, LOCLIST])],
    [start + 11, p([NAME, VARPARAM, LINE, TYPE, CLOSURE, LOC])],
    [start + 12, p([NAME, VARPARAM, LINE, TYPE, LOCLIST])],
    [start + 13, p([NAME, VARPARAM, LINE, TYPE, LOC])],
  ];
}

const TABLES: { name: string; abbrevs: Map<number, Abbrev> }[] = [
  {
    name: 'go1.21',
    abbrevs: new Map([
      ...functionAbbrevs(false),
      [12, { tag: 'variable', children: false, attrs: [NAME, LINE, TYPE, LOC] }],
      [13, { tag: 'variable', children: false, attrs: [NAME, LINE, TYPE, LOCLIST] }],
      [17, { tag: 'parameter', children: false, attrs: [NAME, VARPARAM, LINE, TYPE, LOC] }],
      [18, { tag: 'parameter', children: false, attrs: [NAME, VARPARAM, LINE, TYPE, LOCLIST] }],
      ...blockAbbrevs(22),
    ]),
  },
  { name: 'go1.22-1.23', abbrevs: new Map([...functionAbbrevs(false), ...blockAbbrevs(12), ...putvarAbbrevs(32)]) },
  { name: 'go1.24', abbrevs: new Map([...functionAbbrevs(false), ...blockAbbrevs(12), ...putvarAbbrevs(33)]) },
  { name: 'go1.25+ (DWARF 5)', abbrevs: new Map([...functionAbbrevs(true), ...blockAbbrevs(12), ...putvarAbbrevs(33)]) },
];

class Mismatch extends Error {}

/** Decodes one function's DIEs; an error names why no table of Go's fits. */
export function decodeDwarfFunction(listed: ListedDwarfFunction): GoDwarfFunction | { error: string } {
  const info = listed.info;
  if (!info) return { error: 'the listing has no DWARF for this function (compiled without -dwarf=true?)' };
  const problems: string[] = [];
  for (const table of TABLES) {
    try {
      return new DieReader(info, listed.ranges, table.abbrevs).function(table.name);
    } catch (e) {
      // A LEB128 running past the symbol is a table that does not fit, like any other.
      if (!(e instanceof Mismatch) && !(e instanceof WasmFormatError)) throw e;
      problems.push(`${table.name}: ${e.message}`);
    }
  }
  return { error: `no abbreviation table of Go's fits ${info.name}'s DWARF (${problems.join('; ')})` };
}

class DieReader {
  private readonly reader: ByteReader;
  private readonly relocations = new Map<number, { target: string; addend: number }>();

  constructor(
    private readonly info: ListedDataSymbol,
    private readonly ranges: ListedDataSymbol | undefined,
    private readonly abbrevs: Map<number, Abbrev>,
  ) {
    for (const r of info.relocations) if (r.size > 0) this.relocations.set(r.offset, r);
    this.reader = new ByteReader(info.bytes);
    this.reader.section = `DWARF of ${info.name}`;
  }

  private get pos(): number {
    return this.reader.pos;
  }

  function(table: string): GoDwarfFunction {
    const fn: GoDwarfFunction = { name: '', declLine: 0, variables: [], table };
    const top = this.abbrev();
    if (top?.tag !== 'function') throw new Mismatch('the first DIE is not a subprogram');
    const values = this.attributes(top);
    fn.name = values.name ?? '';
    fn.declLine = values.declLine ?? 0;
    this.children(fn, [], 0);
    if (this.pos !== this.info.bytes.length) throw new Mismatch(`the DIEs end at ${this.pos}, the symbol at ${this.info.bytes.length}`);
    return fn;
  }

  private children(fn: GoDwarfFunction, scope: readonly (readonly [number, number])[], depth: number): void {
    for (;;) {
      const abbrev = this.abbrev();
      if (!abbrev) return;
      const values = this.attributes(abbrev);
      if (abbrev.tag === 'block') {
        const inner = values.ranges !== undefined ? this.rangeList(values.ranges) : [[values.lowPC ?? 0, values.highPC ?? 0] as const];
        this.children(fn, inner, depth + 1);
        continue;
      }
      if (abbrev.tag === 'function') throw new Mismatch('a subprogram inside a subprogram');
      const isParameter = abbrev.tag === 'parameter';
      const name = values.name ?? '';
      const typeName = values.typeName ?? '';
      const onHeap = name.startsWith('&') && typeName.startsWith('*');
      const variable: GoDwarfVariable = {
        name: onHeap ? name.slice(1) : name,
        isParameter,
        isResult: isParameter && values.varParam === 1,
        onHeap,
        typeName: onHeap ? typeName.slice(1) : typeName,
        declLine: values.declLine ?? 0,
        scope,
        depth,
      };
      if (values.location === undefined) variable.locationProblem = 'a location list (build with -dwarflocationlists=false)';
      else if (typeof values.location === 'string') variable.locationProblem = values.location;
      else variable.cfaOffset = values.location;
      fn.variables.push(variable);
      if (abbrev.children) throw new Mismatch('a variable with children');
    }
  }

  private abbrev(): Abbrev | undefined {
    const code = this.uleb();
    if (code === 0) return undefined;
    const abbrev = this.abbrevs.get(code);
    if (!abbrev) throw new Mismatch(`abbreviation ${code} at ${this.pos - 1} is not one a function's DWARF uses`);
    return abbrev;
  }

  private attributes(abbrev: Abbrev): { name?: string; declLine?: number; typeName?: string; location?: number | string; lowPC?: number; highPC?: number; ranges?: number; varParam?: number } {
    const out: ReturnType<DieReader['attributes']> = {};
    for (const [at, form] of abbrev.attrs) {
      const start = this.pos;
      switch (form) {
        case Form.string: {
          const end = this.info.bytes.indexOf(0, this.pos);
          if (end < 0) throw new Mismatch('an unterminated string');
          const text = utf8.decode(this.info.bytes.subarray(this.pos, end));
          this.reader.pos = end + 1;
          if (at === At.name) out.name = text;
          break;
        }
        case Form.addr: {
          this.take(8);
          const value = this.relocations.get(start)?.addend ?? 0;
          if (at === At.lowPC) out.lowPC = value;
          else if (at === At.highPC) out.highPC = value;
          break;
        }
        case Form.addrx:
          this.uleb();
          out.lowPC = 0;
          break;
        case Form.udata: {
          const value = this.uleb();
          if (at === At.declLine) out.declLine = value;
          else if (at === At.highPC) out.highPC = (out.lowPC ?? 0) + value;
          break;
        }
        case Form.data1:
        case Form.flag:
          if (at === At.varParam) out.varParam = this.info.bytes[this.pos];
          this.take(1);
          break;
        case Form.data4:
          this.take(4);
          break;
        case Form.secOffset: {
          const value = this.u32() + (this.relocations.get(start)?.addend ?? 0);
          if (at === At.ranges) out.ranges = value;
          break;
        }
        case Form.ref: {
          this.take(4);
          const target = this.relocations.get(start)?.target;
          if (!target?.startsWith('go:info.')) throw new Mismatch(`a type reference at ${start} without its go:info relocation`);
          out.typeName = target.slice('go:info.'.length);
          break;
        }
        case Form.block1: {
          const length = this.take(1)[0];
          const expression = this.take(length);
          if (at === At.location) out.location = cfaOffset(expression);
          break;
        }
      }
    }
    return out;
  }

  /** A lexical block's ranges: DWARF 5 rnglists (base_addressx, offset_pair…, end) or DWARF 4 address pairs. */
  private rangeList(offset: number): [number, number][] {
    const bytes = this.ranges?.bytes;
    if (!bytes || offset >= bytes.length) throw new Mismatch('a lexical block whose ranges are missing');
    const out: [number, number][] = [];
    const reader = new ByteReader(bytes, offset);
    reader.section = `DWARF ranges of ${this.info.name}`;
    const uleb = (): number => reader.u64('a range list entry');
    if (this.info.relocations.some((r) => r.type.startsWith('R_DWTXTADDR'))) {
      for (;;) {
        const kind = uleb();
        if (kind === 0) return out; // DW_RLE_end_of_list
        if (kind === 1) uleb(); // DW_RLE_base_addressx: the function itself
        else if (kind === 4) out.push([uleb(), uleb()]); // DW_RLE_offset_pair
        else throw new Mismatch(`range list entry kind ${kind}`);
      }
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const relocations = new Map(this.ranges!.relocations.map((r) => [r.offset, r.addend]));
    for (let at = offset; at + 16 <= bytes.length; at += 16) {
      const lowWord = view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x100000000;
      const highWord = view.getUint32(at + 8, true) + view.getUint32(at + 12, true) * 0x100000000;
      if (view.getUint32(at, true) === 0xffffffff && view.getUint32(at + 4, true) === 0xffffffff) continue; // base address selection: the function
      const low = lowWord + (relocations.get(at) ?? 0);
      const high = highWord + (relocations.get(at + 8) ?? 0);
      if (low === 0 && high === 0 && !relocations.has(at)) return out;
      out.push([low, high]);
    }
    return out;
  }

  private take(count: number): Uint8Array {
    const start = this.pos;
    this.reader.skip(count, 'a DIE');
    return this.info.bytes.subarray(start, start + count);
  }

  private u32(): number {
    const b = this.take(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  private uleb(): number {
    return this.reader.u64('a DIE attribute');
  }
}

/** DW_OP_call_frame_cfa → 0; DW_OP_fbreg n → n (gc's frame base is the CFA); anything else → why not. */
function cfaOffset(expression: Uint8Array): number | string {
  if (expression.length === 1 && expression[0] === 0x9c) return 0;
  if (expression[0] === 0x91) {
    const reader = new ByteReader(expression, 1);
    try {
      const offset = reader.s32('a DW_OP_fbreg offset');
      if (reader.pos === expression.length) return offset;
    } catch (e) {
      if (!(e instanceof WasmFormatError)) throw e;
    }
  }
  return `a location expression gc writes only for registers (${Array.from(expression, (b) => b.toString(16).padStart(2, '0')).join(' ')})`;
}
