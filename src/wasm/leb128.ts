// LEB128 as the module rewriters write it (the reader's own, bounds-checked decoding is ByteReader's).

/** Unsigned LEB128 bytes of a non-negative integer below 2^53. */
export function uleb128(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 bytes (i32.const and i64.const immediates). */
export function sleb128(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** An unsigned LEB128 at `at` in well-formed bytes: its value and its length. */
export function readUleb128(bytes: Uint8Array, at: number): [value: number, length: number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++];
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, i - at];
    shift += 7;
  }
}
