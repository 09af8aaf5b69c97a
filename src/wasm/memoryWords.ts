// Go's 8-byte words (pointers, lengths, uintptrs) as JavaScript numbers: wasm addresses and Go's
// counts stay below 2^53, so a number serves where a bigint would allocate.

/** The little-endian u64 at `offset`, as a number; the caller has checked it lies within `view`. */
export function readWord(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x100000000;
}
