// Go's stack pointer lives in wasm global 0, which Go never exports; without it the debugger cannot
// walk Go's own stack in linear memory (the wasm call stack loses frames after a goroutine switch and
// carries no resume points). So before a debug run we append one export entry for that global to
// the module's export section. Nothing else in the module moves: code, data and names stay as built.
import { readUleb128, uleb128 } from '../wasm/leb128';
import { PROBE_EXPORTS } from '../wasm/goStatementProbes';
import type { WasmModule } from '../wasm/moduleReader';

/** Name of the added export; chosen so it cannot clash with a Go //go:wasmexport name. */
export const STACK_POINTER_EXPORT = PROBE_EXPORTS.stackPointer;

const EXPORT_SECTION_ID = 7;
const EXTERNAL_KIND_GLOBAL = 3;

/**
 * A copy of the module's bytes exporting global 0 as STACK_POINTER_EXPORT, or undefined when global 0
 * is not Go's mutable i32 SP (not a Go module, or an imported global shifts the index space).
 */
export function withStackPointerExport(module: WasmModule): Uint8Array | undefined {
  const global = module.globals[0];
  if (module.importedGlobalCount !== 0 || !global || global.type.valueType !== 'i32' || !global.type.mutable) return undefined;
  if (module.exports.some((e) => e.name === STACK_POINTER_EXPORT)) return module.bytes;
  const section = module.sections.find((s) => s.id === EXPORT_SECTION_ID);
  if (!section) return undefined;

  const bytes = module.bytes;
  const [oldCount, countLength] = readUleb128(bytes, section.offset);
  const name = new TextEncoder().encode(STACK_POINTER_EXPORT);
  const entry = [...uleb128(name.length), ...name, EXTERNAL_KIND_GLOBAL, ...uleb128(0)];
  const entries = bytes.subarray(section.offset + countLength, section.offset + section.size);
  const body = concat([Uint8Array.from(uleb128(oldCount + 1)), entries, Uint8Array.from(entry)]);
  return concat([
    bytes.subarray(0, section.headerOffset),
    Uint8Array.from([EXPORT_SECTION_ID, ...uleb128(body.length)]),
    body,
    bytes.subarray(section.offset + section.size),
  ]);
}



function concat(parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.length;
  }
  return result;
}
