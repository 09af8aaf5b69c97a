// A package's global variables: name and type from the DWARF the compiler writes for each (the
// SDWARFVAR symbols of a -S=2 listing, see goDwarfListing), address from the program's own code.
//
// The linker, which alone knows where a global lands, keeps no symbol table in a wasm module, and
// the global's DIE has only a relocation for its address. But gc's code names every global it
// touches: the listing prints `I64Const $main.counter(SB)` (or `$main.names+8(SB)`) where the module
// has `i64.const <address>`, and alignListing (goStatementSites) pairs each listed instruction with
// its wasm instruction. So a global read or written by a listed function is found exactly; one that
// no listed code mentions has no known address and is reported without one.
//
// API: findGlobals(module, pclntab, listing, dwarf) → GoGlobal[] (sorted by name).
import { ByteReader } from './byteReader';
import type { AssemblyListing } from './goAssemblyListing';
import type { DwarfListing, ListedDataSymbol } from './goDwarfListing';
import type { GoPclntab } from './goPclntab';
import { alignListing } from './goStatementSites';
import type { WasmModule } from './moduleReader';
import { decodeFunctionBody } from './wasmCode';

const utf8 = new TextDecoder();

export interface GoGlobal {
  /** Qualified as the compiler names it: `main.counter`. */
  name: string;
  typeName: string;
  /** Linear-memory address; undefined when no listed function's code mentions the global. */
  address?: number;
}

/** `$main.counter(SB)`, `$main.names+16(SB)`. */
const SYMBOL_OPERAND = /^\$(.+?)(?:\+(\d+))?\(SB\)$/;
/** DW_ABRV_VARIABLE, the same code in every table from Go 1.21 to 1.26 (cmd/internal/dwarf). */
const DW_ABRV_VARIABLE = 10;

export function findGlobals(module: WasmModule, pclntab: GoPclntab, listing: AssemblyListing, dwarf: DwarfListing): GoGlobal[] {
  const globals = new Map<string, GoGlobal>();
  for (const symbol of dwarf.variables.values()) {
    const global = decodeGlobal(symbol);
    if (global) globals.set(global.name, global);
  }
  if (globals.size === 0) return [];
  for (const [name, listed] of listing.functions) {
    if (!listed.operand.some((o) => o.startsWith('$') && o.endsWith('(SB)'))) continue;
    const goIndex = pclntab.funcIndexByName(name);
    if (goIndex < 0) continue;
    const defined = pclntab.wasmFunctionIndex(goIndex) - module.importedFunctionCount;
    if (defined < 0 || defined >= module.codeOffsets.length) continue;
    let alignment: Int32Array | undefined;
    let body;
    try {
      body = decodeFunctionBody(module.bytes, module.codeOffsets[defined], module.codeSizes[defined]);
      alignment = alignListing(listed, body);
    } catch {
      continue;
    }
    if (!alignment) continue;
    for (let i = 0; i < listed.op.length; i++) {
      if (listed.op[i] !== 'I64Const') continue;
      const m = SYMBOL_OPERAND.exec(listed.operand[i]);
      const global = m && globals.get(m[1]);
      if (!global || global.address !== undefined) continue;
      const reader = new ByteReader(module.bytes, body.offsets[alignment[i]] + 1);
      global.address = Number(reader.s64('an i64.const')) - Number(m[2] ?? 0);
    }
  }
  return [...globals.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A global's DIE: DW_ABRV_VARIABLE, its name, DW_OP_addr (relocated), DW_AT_type (relocated), external. */
function decodeGlobal(symbol: ListedDataSymbol): GoGlobal | undefined {
  const bytes = symbol.bytes;
  if (bytes[0] !== DW_ABRV_VARIABLE) return undefined;
  const end = bytes.indexOf(0, 1);
  if (end < 0) return undefined;
  const name = utf8.decode(bytes.subarray(1, end));
  const typeAt = end + 1 + 1 + bytes[end + 1];
  const type = symbol.relocations.find((r) => r.offset === typeAt && r.target.startsWith('go:info.'));
  return type && { name, typeName: type.target.slice('go:info.'.length) };
}
