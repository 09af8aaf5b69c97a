// Bounds-checked LEB128 cursor over a wasm binary. Every read that would run past the current
// limit throws WasmFormatError('truncated') naming the section and the offset, so a cut-short
// file can never surface as a RangeError or an undefined-valued field further down.
import { WasmFormatError, hexOffset } from './wasmFormatError';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ByteReader {
  pos: number;
  /** Reads may not go at or beyond this offset (the end of the section being read). */
  end: number;
  /** Human name of what is being read, used in error messages. */
  section = 'module header';

  constructor(readonly bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.pos = pos;
    this.end = end;
  }

  truncated(what: string, at = this.pos): WasmFormatError {
    const inFile = this.end === this.bytes.length;
    const where = inFile ? 'the file ends' : 'the section ends';
    return new WasmFormatError(
      'truncated',
      `truncated ${this.section} section: ${where} at byte ${hexOffset(this.end)} while reading ${what} at byte ${hexOffset(at)}`,
      at,
      this.section,
    );
  }

  malformed(message: string, at = this.pos): WasmFormatError {
    return new WasmFormatError('malformed', `malformed ${this.section} section at byte ${hexOffset(at)}: ${message}`, at, this.section);
  }

  u8(what = 'a byte'): number {
    if (this.pos >= this.end) throw this.truncated(what);
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128, at most 5 bytes, value < 2^32. */
  u32(what = 'an integer'): number {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= this.end) throw this.truncated(what, start);
      const b = bytes[pos++];
      if (shift === 28) {
        // Fifth byte: only the low 4 bits may be set, and it must be the last one.
        if (b & 0xf0) throw this.malformed(`${what} is not a valid unsigned 32-bit LEB128`, start);
        result = (result | (b << 28)) >>> 0;
        break;
      }
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    this.pos = pos;
    return result >>> 0;
  }

  /** Unsigned LEB128 up to 64 bits, as a number (exact below 2^53, which covers every limit we report). */
  u64(what = 'an integer'): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw this.truncated(what, start);
      if (i === 10) throw this.malformed(`${what} is longer than a 64-bit LEB128`, start);
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) return result;
    }
  }

  /** Signed LEB128, at most 5 bytes (i32.const). */
  s32(what = 'an integer'): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= this.end) throw this.truncated(what, start);
      if (shift > 28) throw this.malformed(`${what} is longer than a 32-bit LEB128`, start);
      b = this.bytes[this.pos++];
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 32 && b & 0x40) result |= -1 << shift;
    return result | 0;
  }

  /** Signed LEB128, at most 10 bytes (i64.const). BigInt because i64 constants are rare and must be exact. */
  s64(what = 'an integer'): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      if (this.pos >= this.end) throw this.truncated(what, start);
      if (shift > 63n) throw this.malformed(`${what} is longer than a 64-bit LEB128`, start);
      b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (shift < 64n && b & 0x40) result |= -1n << shift;
    return BigInt.asIntN(64, result);
  }

  skip(count: number, what: string): void {
    if (count > this.end - this.pos) throw this.truncated(what);
    this.pos += count;
  }

  /** A length-prefixed UTF-8 name. */
  name(what = 'a name'): string {
    const length = this.u32(`the length of ${what}`);
    const start = this.pos;
    this.skip(length, what);
    return decodeName(this, start, length, what);
  }
}

/** Decodes bytes[start, start+length) as UTF-8, with an ASCII fast path: nearly all import, export and Go symbol names are ASCII. */
export function decodeName(reader: ByteReader, start: number, length: number, what = 'a name'): string {
  const bytes = reader.bytes;
  let ascii = true;
  for (let i = start, end = start + length; i < end; i++) {
    if (bytes[i] & 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    // Chunked so a pathological multi-megabyte name cannot overflow the argument stack.
    let text = '';
    for (let i = start, end = start + length; i < end; i += 8192) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
    }
    return text;
  }
  try {
    return utf8.decode(bytes.subarray(start, start + length));
  } catch {
    throw reader.malformed(`${what} is not valid UTF-8`, start);
  }
}
