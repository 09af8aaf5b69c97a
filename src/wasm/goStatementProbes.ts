// Rewrites a Go module so that the debugger is called at its statement sites (goStatementSites).
//
// Each site of the user's code (a listed function) gets a mutable i32 global, its "armed" flag; the
// sites of a function without a listing share one. Before each site:
//     global.get $armed  if  i32.const site  i32.const slot  call_indirect (i32)->()  end
// so that a site nobody watches costs one global read and a branch, and a breakpoint in a function
// with a hot loop calls the debugger at its own line only. (V8 allows at most 100,000 exports: a
// program with more sites than flags can have shares one flag per function.) The probe reaches
// the debugger through a new slot at the end of the module's own function table, which the debugger
// fills after instantiation with a function that calls into JavaScript; no import is added, so no
// function index moves and Go's PCs, the name section and the pclntab stay valid.
//
// A debugger can only act when the guest calls it, and a Go loop may make no host call for ever;
// so each instrumented function also counts down a shared budget at the top of its dispatch loop
// (function entry and every jump between blocks) and calls the probe with site -1 when it runs out,
// which is when a pause or a new breakpoint sent meanwhile is taken up.
import type { WasmModule } from './moduleReader';
import { SiteFlag, type StatementSites } from './goStatementSites';
import { readUleb128, sleb128, uleb128 } from './leb128';
import { Opcode } from './wasmCode';

export const PROBE_EXPORTS = {
  table: 'wasip1.debug.table',
  stackPointer: 'wasip1.debug.sp',
  goroutine: 'wasip1.debug.g',
  budget: 'wasip1.debug.budget',
  /** Followed by the flag's number (see assignProbeFlags). */
  armedPrefix: 'wasip1.debug.armed.',
} as const;

/** Site number the probe receives when the budget runs out. */
export const POLL_SITE = -1;

export interface InstrumentedModule {
  bytes: Uint8Array;
  /** Table slot the debugger must fill with its probe function. */
  probeSlot: number;
  /** Each site's armed flag (exported as PROBE_EXPORTS.armedPrefix + flag), and how many flags there are. */
  siteFlag: Uint32Array;
  flagCount: number;
}

/** Below V8's limit of 100,000 exports, with room for the module's own. */
const MAX_FLAGS = 90_000;

/** One flag per listed site, one per function for the others; one per function for all when that is too many. */
export function assignProbeFlags(sites: StatementSites): { siteFlag: Uint32Array; flagCount: number } {
  const assign = (ownFlags: boolean): { siteFlag: Uint32Array; flagCount: number } => {
    const siteFlag = new Uint32Array(sites.count);
    let flagCount = 0;
    for (let f = 0; f + 1 < sites.functionStart.length; f++) {
      let shared = -1;
      for (let s = sites.functionStart[f]; s < sites.functionStart[f + 1]; s++) {
        if (ownFlags && sites.flags[s] & SiteFlag.listed) {
          siteFlag[s] = flagCount++;
        } else {
          if (shared < 0) shared = flagCount++;
          siteFlag[s] = shared;
        }
      }
    }
    return { siteFlag, flagCount };
  };
  const own = assign(true);
  return own.flagCount <= MAX_FLAGS ? own : assign(false);
}

const SECTION = { type: 1, table: 4, global: 6, export: 7, code: 10 } as const;
const EXPORT_KIND = { table: 1, global: 3 } as const;
/** Go keeps SP in wasm global 0 and the current g in global 2 (cmd/internal/obj/wasm, regVars). */
const SP_GLOBAL = 0;
const G_GLOBAL = 2;

export function instrumentStatementSites(module: WasmModule, sites: StatementSites): InstrumentedModule {
  const bytes = module.bytes;
  if (module.importedGlobalCount !== 0 || module.tables.length !== 1) throw new Error('not a module laid out by gc: it imports globals or has no single table');
  const table = module.tables[0];
  const probeSlot = table.limits.min;
  const probeType = module.types.length;
  // Site s is armed by global firstFlagGlobal + siteFlag[s]; the budget comes after the flags.
  const { siteFlag, flagCount } = assignProbeFlags(sites);
  const firstFlagGlobal = module.globals.length;
  const budgetGlobal = firstFlagGlobal + flagCount;

  const out = new ByteSink(bytes.length + sites.count * 56 + 1024);
  out.raw(bytes.subarray(0, 8));
  const replaced = new Map<number, () => Uint8Array>([
    [SECTION.type, () => appendEntries(sectionBody(module, SECTION.type), [0x60, 1, 0x7f, 0])],
    [SECTION.table, () => tableSection(table.limits.min + 1, table.limits.max === undefined ? undefined : Math.max(table.limits.max, table.limits.min + 1))],
    [SECTION.global, () => globalSection(module, flagCount)],
    [SECTION.export, () => exportSection(module, flagCount, firstFlagGlobal, budgetGlobal)],
    [SECTION.code, () => codeSection(module, sites, siteFlag, firstFlagGlobal, budgetGlobal, probeSlot, probeType)],
  ]);
  for (const section of module.sections) {
    const make = replaced.get(section.id);
    if (!make) {
      out.raw(bytes.subarray(section.headerOffset, section.offset + section.size));
      continue;
    }
    const body = make();
    out.byte(section.id);
    out.u32(body.length);
    out.raw(body);
  }
  return { bytes: out.result(), probeSlot, siteFlag, flagCount };
}

/**
 * A tiny module whose one export calls `onProbe(site)`: a wasm function, so it can sit in the Go
 * module's table and be reached by call_indirect (a plain JavaScript function cannot).
 */
export function probeTrampoline(onProbe: (site: number) => void): WebAssembly.ExportValue {
  const module = new WebAssembly.Module(TRAMPOLINE);
  return new WebAssembly.Instance(module, { d: { p: onProbe } }).exports.p;
}

// (type (func (param i32))) (import "d" "p" (func 0)) (func (export "p") (param i32) local.get 0 call 0)
const TRAMPOLINE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00,
  0x02, 0x07, 0x01, 0x01, 0x64, 0x01, 0x70, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x05, 0x01, 0x01, 0x70, 0x00, 0x01,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b,
]);

/** How many loop-top passes between two polls: small enough for a prompt pause, rare enough to cost nothing. */
export const POLL_BUDGET = 200_000;

function sectionBody(module: WasmModule, id: number): Uint8Array {
  const section = module.sections.find((s) => s.id === id);
  if (!section) return Uint8Array.of(0);
  return module.bytes.subarray(section.offset, section.offset + section.size);
}

/** A vector section body with `entry` appended (count + 1). */
function appendEntries(body: Uint8Array, ...entries: number[][]): Uint8Array {
  const [count, length] = readUleb128(body, 0);
  const out = new ByteSink(body.length + 64);
  out.u32(count + entries.length);
  out.raw(body.subarray(length));
  for (const entry of entries) out.raw(Uint8Array.from(entry));
  return out.result();
}

function tableSection(min: number, max: number | undefined): Uint8Array {
  const out = new ByteSink(16);
  out.u32(1);
  out.byte(0x70);
  out.byte(max === undefined ? 0 : 1);
  out.u32(min);
  if (max !== undefined) out.u32(max);
  return out.result();
}

function globalSection(module: WasmModule, armedCount: number): Uint8Array {
  const body = sectionBody(module, SECTION.global);
  const entries: number[][] = [];
  for (let i = 0; i < armedCount; i++) entries.push([0x7f, 1, 0x41, 0, 0x0b]);
  entries.push([0x7f, 1, 0x41, ...sleb128(POLL_BUDGET), 0x0b]);
  return appendEntries(body, ...entries);
}

function exportSection(module: WasmModule, flagCount: number, firstFlagGlobal: number, budgetGlobal: number): Uint8Array {
  const entries: number[][] = [];
  const add = (name: string, kind: number, index: number): void => {
    if (module.exports.some((e) => e.name === name)) return;
    const encoded = new TextEncoder().encode(name);
    entries.push([...uleb128(encoded.length), ...encoded, kind, ...uleb128(index)]);
  };
  add(PROBE_EXPORTS.table, EXPORT_KIND.table, 0);
  add(PROBE_EXPORTS.stackPointer, EXPORT_KIND.global, SP_GLOBAL);
  add(PROBE_EXPORTS.goroutine, EXPORT_KIND.global, G_GLOBAL);
  add(PROBE_EXPORTS.budget, EXPORT_KIND.global, budgetGlobal);
  for (let flag = 0; flag < flagCount; flag++) add(PROBE_EXPORTS.armedPrefix + flag, EXPORT_KIND.global, firstFlagGlobal + flag);
  return appendEntries(sectionBody(module, SECTION.export), ...entries);
}

function codeSection(module: WasmModule, sites: StatementSites, siteFlag: Uint32Array, firstFlagGlobal: number, budgetGlobal: number, slot: number, type: number): Uint8Array {
  const bytes = module.bytes;
  const functions = module.codeOffsets.length;
  const out = new ByteSink(sectionBody(module, SECTION.code).length + sites.count * 16 + functions * 24);
  out.u32(functions);
  const call = [0x41, ...sleb128(slot), 0x11, ...uleb128(type), 0x00];
  const body = new ByteSink(1 << 16);
  for (let f = 0; f < functions; f++) {
    const offset = module.codeOffsets[f];
    const size = module.codeSizes[f];
    const first = sites.functionStart[f];
    const last = sites.functionStart[f + 1];
    if (first === last) {
      out.u32(size);
      out.raw(bytes.subarray(offset, offset + size));
      continue;
    }
    body.reset();
    let from = offset;
    const loopEnd = sites.loopEnd[f];
    if (loopEnd >= 0) {
      body.raw(bytes.subarray(from, loopEnd));
      from = loopEnd;
      // budget -= 1; if budget == 0 { probe(-1) }
      body.byte(Opcode.globalGet); body.u32(budgetGlobal);
      body.raw(Uint8Array.of(0x41, 1, 0x6b));
      body.byte(Opcode.globalSet); body.u32(budgetGlobal);
      body.byte(Opcode.globalGet); body.u32(budgetGlobal);
      body.raw(Uint8Array.of(0x45, Opcode.if, 0x40, 0x41, 0x7f, ...call, Opcode.end));
    }
    for (let s = first; s < last; s++) {
      const at = sites.offset[s];
      body.raw(bytes.subarray(from, at));
      from = at;
      body.byte(Opcode.globalGet);
      body.u32(firstFlagGlobal + siteFlag[s]);
      body.raw(Uint8Array.of(Opcode.if, 0x40, 0x41, ...sleb128(s), ...call, Opcode.end));
    }
    body.raw(bytes.subarray(from, offset + size));
    const rewritten = body.result();
    out.u32(rewritten.length);
    out.raw(rewritten);
  }
  return out.result();
}

class ByteSink {
  private buffer: Uint8Array;
  private length = 0;
  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(16, capacity));
  }
  reset(): void {
    this.length = 0;
  }
  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }
  u32(value: number): void {
    for (const b of uleb128(value)) this.byte(b);
  }
  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }
  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
