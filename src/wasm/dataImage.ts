// Rebuilds a stretch of a module's initial linear memory from its active data segments. Go's
// linker drops every run of 8+ zero bytes from its data sections and starts a new segment after
// it, so a table such as the pclntab is scattered over hundreds of segments with holes that
// must read as zero.
import type { WasmModule } from './moduleReader';

export interface MemoryImage {
  /** Linear-memory address of bytes[0]. */
  base: number;
  bytes: Uint8Array;
}

/** Indices of the active segments of memory 0 with a constant address, sorted by address. */
export function activeSegmentsByAddress(module: WasmModule): Uint32Array {
  const { count, memoryOffsets, memoryIndices } = module.data;
  const picked = new Uint32Array(count);
  // Start positions (in picked) of ascending runs. Go writes each of its data sections in
  // address order, but not the sections themselves: a handful of long runs.
  const runStarts: number[] = [];
  let n = 0;
  let previous = Infinity;
  for (let i = 0; i < count; i++) {
    const address = memoryOffsets[i];
    if (address < 0 || memoryIndices[i] !== 0) continue;
    if (address < previous) runStarts.push(n);
    previous = address;
    picked[n++] = i;
  }
  let runs: Uint32Array[] = [];
  for (let k = 0; k < runStarts.length; k++) runs.push(picked.subarray(runStarts[k], k + 1 < runStarts.length ? runStarts[k + 1] : n));
  if (runs.length === 0) return picked.subarray(0, 0);
  // Merge runs pairwise: O(n log runs) with no comparator calls, unlike a general sort.
  while (runs.length > 1) {
    const merged: Uint32Array[] = [];
    for (let k = 0; k < runs.length; k += 2) merged.push(k + 1 < runs.length ? mergeByAddress(runs[k], runs[k + 1], memoryOffsets) : runs[k]);
    runs = merged;
  }
  return runs[0];
}

function mergeByAddress(a: Uint32Array, b: Uint32Array, addresses: Float64Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length && j < b.length) out[o++] = addresses[a[i]] <= addresses[b[j]] ? a[i++] : b[j++];
  while (i < a.length) out[o++] = a[i++];
  while (j < b.length) out[o++] = b[j++];
  return out;
}

/** Initial memory contents over [from, to); `to` defaults to the end of the last segment. */
export function initialMemoryImage(
  module: WasmModule,
  from: number,
  to?: number,
  segments: Uint32Array = activeSegmentsByAddress(module),
): MemoryImage {
  const { memoryOffsets, fileOffsets, sizes } = module.data;
  if (to === undefined) {
    to = from;
    for (const i of segments) to = Math.max(to, memoryOffsets[i] + sizes[i]);
  }
  const bytes = new Uint8Array(Math.max(0, to - from));
  const source = module.bytes;
  for (const i of segments) {
    const address = memoryOffsets[i];
    const start = Math.max(from, address);
    const end = Math.min(to, address + sizes[i]);
    if (start >= end) continue;
    const fileStart = fileOffsets[i] + (start - address);
    const length = end - start;
    if (length < 64) {
      // Most Go segments are a few bytes long; a subarray view per segment costs more than the copy.
      for (let k = 0, d = start - from; k < length; k++) bytes[d + k] = source[fileStart + k];
    } else {
      bytes.set(source.subarray(fileStart, fileStart + length), start - from);
    }
  }
  return { base: from, bytes };
}
