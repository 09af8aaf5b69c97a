// Where a debugger can stop in a gc-compiled wasm module: its statement sites.
//
// gc turns each Go function into one wasm function whose body is a `loop` around a `br_table` on PC_B
// (its first parameter); every resume point and SSA block starts a new PC_B block. A site is a place
// between two wasm instructions where the Go program is in a consistent state, known by its Go PC
// (function and PC_B) and its source line:
//  - with the function's assembly listing (goAssemblyListing: the packages built with -S), at the start
//    of every PC_B block after the prologue and at every change of source line inside a block, so a
//    stop lands before the statement's first instruction, never after part of it ran;
//  - without one, at the start of every PC_B block after the first, with the line Go's pclntab gives.
// A site is a *statement* start when its line differs from the instruction before it; the others are
// resume points that continue a line (the code after a call returns), where stepping never stops.
import type { AssemblyListing, ListedFunction } from './goAssemblyListing';
import { GO_FUNC_VALUE_OFFSET, type GoPclntab } from './goPclntab';
import type { WasmModule } from './moduleReader';
import { type DecodedBody, decodeFunctionBody, Opcode } from './wasmCode';
import { readUleb128 } from './leb128';

export const SiteFlag = {
  /** The first instruction of a source line: breakpoints and steps stop here. */
  statement: 1,
  /** The function's first site after its prologue. */
  entry: 2,
  /** Line and file come from the instruction listing, so they are exact. */
  listed: 4,
} as const;

export interface StatementSites {
  count: number;
  /** Per site: the defined function's index (imports not counted). */
  definedFunction: Uint32Array;
  /** Per site: module offset of the wasm instruction the site precedes. */
  offset: Float64Array;
  /** Per site: Go PC, (0x1000 + defined index) << 16 | PC_B. */
  pc: Float64Array;
  file: Uint32Array;
  line: Uint32Array;
  flags: Uint8Array;
  files: string[];
  /** Sites of defined function i are [functionStart[i], functionStart[i + 1]). */
  functionStart: Uint32Array;
  /** Per defined function with sites: module offset just after its dispatch `loop`, or -1. */
  loopEnd: Float64Array;
  /** Defined functions aligned with an assembly listing, and those whose listing did not match the code. */
  listedFunctions: number;
  mismatchedFunctions: string[];
}

export interface SiteOptions {
  listing?: AssemblyListing;
  /** Functions to give sites to, by Go symbol name (default: all but the runtime's own). */
  include?: (name: string) => boolean;
}

/** Packages whose frames the debugger treats as the runtime's: no sites, skipped by stepping. */
export function isRuntimeFunction(name: string): boolean {
  return RUNTIME_PACKAGES.test(name) || !name.includes('.');
}

const RUNTIME_PACKAGES = /^(runtime[./]|internal\/|sync\/atomic\.|go:|type:)/;

const PC_B_LIMIT = 0x10000;

export function findStatementSites(module: WasmModule, pclntab: GoPclntab, options: SiteOptions = {}): StatementSites {
  const include = options.include ?? ((name: string) => !isRuntimeFunction(name));
  const builder = new SiteBuilder(module.codeOffsets.length);
  let listedFunctions = 0;
  const mismatched: string[] = [];
  for (let defined = 0; defined < module.codeOffsets.length; defined++) {
    builder.startFunction(defined);
    // The pclntab has Go's own names; the name section spells some differently (`main.__T_.m`).
    const goIndex = pclntab.funcIndexForWasmFunction(defined + module.importedFunctionCount);
    if (goIndex < 0) continue;
    const name = pclntab.funcName(goIndex);
    if (!include(name)) continue;
    let body: DecodedBody;
    try {
      body = decodeFunctionBody(module.bytes, module.codeOffsets[defined], module.codeSizes[defined]);
    } catch {
      continue;
    }
    const loop = body.opcodes.subarray(0, 4).indexOf(Opcode.loop);
    builder.setLoopEnd(defined, loop >= 0 ? body.offsets[loop + 1] : -1);
    const listed = options.listing?.functions.get(name);
    const alignment = listed ? alignListing(listed, body) : undefined;
    if (listed && alignment && options.listing) {
      listedFunctions++;
      addListedSites(builder, defined, listed, alignment, body.offsets, options.listing.files);
    } else {
      if (listed) mismatched.push(name);
      addBlockSites(builder, defined, body, module.bytes, pclntab);
    }
  }
  return { ...builder.finish(), listedFunctions, mismatchedFunctions: mismatched };
}

/**
 * Maps each listed instruction to its wasm instruction index, or undefined when the two disagree.
 * The assembler writes one wasm instruction per listed one, except that it keeps SP in a local:
 * it copies the global in at entry and after each call, and `Set SP` also writes the global; and a
 * `Set` of a local register directly followed by a `Get` of it becomes one `local.tee`.
 */
export function alignListing(listed: ListedFunction, body: DecodedBody): Int32Array | undefined {
  const ops = listed.op;
  const code = body.opcodes;
  const at = new Int32Array(ops.length).fill(-1);
  let c = 0;
  const isLocalSpUpdate = (k: number): boolean => code[k] === Opcode.globalGet && code[k + 1] === 0x21;
  if (ops[0] !== 'Get' && isLocalSpUpdate(0)) c = 2;
  for (let i = 0; i < ops.length; i++) {
    if (c >= code.length) return undefined;
    at[i] = c;
    const op = ops[i];
    const expected = EXPECTED_OPCODE[op];
    const actual = code[c];
    if (expected !== undefined && !expected.includes(actual)) return undefined;
    if (op === 'Set') {
      if (actual === 0x22 && listed.operand[i] === 'SP' && code[c + 1] === Opcode.globalSet) {
        c += 2;
        continue;
      }
      if (actual === 0x22 && ops[i + 1] === 'Get' && listed.operand[i + 1] === listed.operand[i]) {
        at[++i] = c; // the Get folded into the tee
      }
      c++;
      continue;
    }
    c++;
    if ((op === 'Call' || op === 'CallIndirect') && isLocalSpUpdate(c)) c += 2;
  }
  // The body's own final `end` follows the listing.
  return c === code.length - 1 && code[c] === Opcode.end ? at : undefined;
}

const EXPECTED_OPCODE: Record<string, readonly number[]> = {
  Block: [Opcode.block], Loop: [Opcode.loop], If: [Opcode.if], Else: [Opcode.else], End: [Opcode.end],
  Br: [0x0c], BrIf: [0x0d], BrTable: [Opcode.brTable], Return: [0x0f], Call: [Opcode.call],
  CallIndirect: [Opcode.callIndirect], Drop: [0x1a], I32Const: [Opcode.i32Const], I64Const: [Opcode.i64Const],
  Get: [Opcode.localGet, Opcode.globalGet], Set: [0x21, Opcode.globalSet, 0x22], Tee: [0x22], UNDEF: [0x00],
};

function addListedSites(builder: SiteBuilder, defined: number, listed: ListedFunction, at: Int32Array, offsets: Uint32Array, files: string[]): void {
  const pcF = (GO_FUNC_VALUE_OFFSET + defined) * PC_B_LIMIT;
  const { op, pcB, line, file } = listed;
  let entered = false;
  const bodyStart = firstBodyInstruction(listed);
  for (let i = Math.max(1, bodyStart); i < op.length; i++) {
    if (op[i] === 'End' || at[i] < 0 || isJumpOnly(listed, i)) continue;
    const blockStart = op[i - 1] === 'End' && pcB[i - 1] !== pcB[i - 2];
    const lineChange = line[i] !== line[i - 1] || file[i] !== file[i - 1];
    const entry = !entered;
    if (!entry && !blockStart && !lineChange) continue;
    entered = true;
    // A block's dispatch `end` carries the new PC_B and the next line; the statement test looks past it.
    const before = blockStart ? i - 2 : i - 1;
    const statement = entry || line[i] !== line[before] || file[i] !== file[before];
    let flags: number = SiteFlag.listed;
    if (statement) flags |= SiteFlag.statement;
    if (entry) flags |= SiteFlag.entry;
    builder.add(defined, offsets[at[i]], pcF + pcB[i], files[file[i]], line[i], flags);
  }
}

/**
 * Where the function's own code starts: after the stack check when it has one (its frame is then
 * allocated and the body runs from PC_B 1), else right after the dispatch (a frameless leaf).
 */
function firstBodyInstruction(listed: ListedFunction): number {
  const { op, operand, pcB } = listed;
  const checksStack = op.some((o, i) => o === 'Call' && pcB[i] === 0 && operand[i].startsWith('runtime.morestack'));
  if (checksStack) return pcB.findIndex((b) => b > 0);
  const dispatch = op.indexOf('BrTable');
  return dispatch >= 0 && op[dispatch + 1] === 'End' ? dispatch + 2 : 0;
}

/** `I32Const k; Set PC_B; Br`: a jump to block k that the compiler placed on the line of the branch. */
function isJumpOnly(listed: ListedFunction, i: number): boolean {
  return listed.op[i] === 'I32Const' && listed.op[i + 1] === 'Set' && listed.operand[i + 1] === 'PC_B' && listed.op[i + 2] === 'Br';
}

/** Without a listing: a site at the start of each PC_B block after the first, found from the dispatch. */
function addBlockSites(builder: SiteBuilder, defined: number, body: DecodedBody, bytes: Uint8Array, pclntab: GoPclntab): void {
  const { opcodes, offsets } = body;
  let brTable = -1;
  for (let i = 0; i < Math.min(opcodes.length, 4096); i++) {
    if (opcodes[i] === Opcode.brTable) {
      brTable = i;
      break;
    }
    if (opcodes[i] !== Opcode.block && opcodes[i] !== Opcode.loop && opcodes[i] !== Opcode.localGet && !(i < 2)) break;
  }
  if (brTable < 0 || opcodes[brTable + 1] !== Opcode.end) return;
  const labels = readBrTable(bytes, offsets[brTable] + 1);
  const firstPcOfBlock = new Map<number, number>();
  labels.forEach((label, pc) => {
    if (!firstPcOfBlock.has(label)) firstPcOfBlock.set(label, pc);
  });
  const pcF = (GO_FUNC_VALUE_OFFSET + defined) * PC_B_LIMIT;
  let depth = 0;
  for (let i = 0; i <= brTable; i++) if (opcodes[i] === Opcode.block || opcodes[i] === Opcode.loop) depth++;
  // After the first dispatch `end`, the code of block 0 runs at `base`; each later `end` at that depth
  // closes the next dispatch block.
  let base = depth - 1;
  let block = 0;
  let previousLine = -1;
  depth = base;
  for (let i = brTable + 2; i < opcodes.length; i++) {
    const op = opcodes[i];
    if (op === Opcode.block || op === Opcode.loop || op === Opcode.if) depth++;
    else if (op === Opcode.end) {
      if (depth === base && firstPcOfBlock.has(block + 1)) {
        block++;
        base--;
        depth = base;
        const pc = pcF + (firstPcOfBlock.get(block) ?? 0);
        const position = pclntab.lookup(pc);
        if (position && i + 1 < opcodes.length) {
          const statement = position.line !== previousLine;
          builder.add(defined, offsets[i + 1], pc, position.file, position.line, statement ? SiteFlag.statement : 0);
          previousLine = position.line;
        }
        continue;
      }
      depth--;
    }
  }
}

function readBrTable(bytes: Uint8Array, at: number): number[] {
  const [n, length] = readUleb128(bytes, at);
  const labels: number[] = [];
  for (let i = 0, pos = at + length; i < n; i++) {
    const [label, size] = readUleb128(bytes, pos);
    labels.push(label);
    pos += size;
  }
  return labels;
}

class SiteBuilder {
  private readonly definedFunction: number[] = [];
  private readonly offset: number[] = [];
  private readonly pc: number[] = [];
  private readonly file: number[] = [];
  private readonly line: number[] = [];
  private readonly flags: number[] = [];
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly functionStart: Uint32Array;
  private readonly loopEnd: Float64Array;

  constructor(functions: number) {
    this.functionStart = new Uint32Array(functions + 1);
    this.loopEnd = new Float64Array(functions).fill(-1);
  }

  setLoopEnd(defined: number, offset: number): void {
    this.loopEnd[defined] = offset;
  }

  startFunction(defined: number): void {
    this.functionStart[defined] = this.pc.length;
    this.functionStart[defined + 1] = this.pc.length;
  }

  add(defined: number, offset: number, pc: number, file: string, line: number, flags: number): void {
    let f = this.fileIndex.get(file);
    if (f === undefined) {
      f = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, f);
    }
    this.definedFunction.push(defined);
    this.offset.push(offset);
    this.pc.push(pc);
    this.file.push(f);
    this.line.push(line);
    this.flags.push(flags);
    this.functionStart[defined + 1] = this.pc.length;
  }

  finish(): Omit<StatementSites, 'listedFunctions' | 'mismatchedFunctions'> {
    return {
      count: this.pc.length,
      definedFunction: Uint32Array.from(this.definedFunction),
      offset: Float64Array.from(this.offset),
      loopEnd: this.loopEnd,
      pc: Float64Array.from(this.pc),
      file: Uint32Array.from(this.file),
      line: Uint32Array.from(this.line),
      flags: Uint8Array.from(this.flags),
      files: this.files,
      functionStart: this.functionStart,
    };
  }
}
