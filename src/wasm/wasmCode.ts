// Decodes a function body into the start offset of each instruction. The debugger needs this to place
// its probes between instructions and to line Go's assembly listing up with the module's code; it
// covers what gc emits for wasm (MVP, sign extension, saturating truncation, bulk memory) plus the
// rest of the 0xFC prefix, and refuses anything else by name rather than guessing a length.
import { ByteReader } from './byteReader';

export const Opcode = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  brTable: 0x0e,
  call: 0x10,
  callIndirect: 0x11,
  localGet: 0x20,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Const: 0x41,
  i64Const: 0x42,
} as const;

export interface DecodedBody {
  /** Offset (in the module) of the first instruction, after the locals. */
  codeStart: number;
  /** Offset just past the body's final `end`. */
  codeEnd: number;
  /** Module offset of each instruction, in order; the final `end` included. */
  offsets: Uint32Array;
  /** The first opcode byte of each instruction (0xFC for the prefixed ones). */
  opcodes: Uint8Array;
}

/** Decodes the body that starts at `offset` (just after its size) and is `size` bytes long. */
export function decodeFunctionBody(bytes: Uint8Array, offset: number, size: number): DecodedBody {
  const r = new ByteReader(bytes, offset, offset + size);
  r.section = 'code';
  const groups = r.u32('a local group count');
  for (let i = 0; i < groups; i++) {
    r.u32('a local count');
    r.u8('a local type');
  }
  const codeStart = r.pos;
  // A generous first guess: gc's instructions average well over two bytes.
  let offsets: Uint32Array = new Uint32Array(Math.max(16, (size >> 1) + 4));
  let opcodes: Uint8Array = new Uint8Array(offsets.length);
  let count = 0;
  while (r.pos < r.end) {
    if (count === offsets.length) {
      offsets = grow(offsets);
      opcodes = growBytes(opcodes);
    }
    offsets[count] = r.pos;
    opcodes[count] = skipInstruction(r);
    count++;
  }
  return { codeStart, codeEnd: r.end, offsets: offsets.subarray(0, count), opcodes: opcodes.subarray(0, count) };
}

/** Reads one instruction; returns its first opcode byte. */
function skipInstruction(r: ByteReader): number {
  const at = r.pos;
  const op = r.u8('an opcode');
  switch (op) {
    case 0x02: case 0x03: case 0x04:
      skipBlockType(r);
      break;
    case 0x0c: case 0x0d: // br, br_if
    case 0x10: // call
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: // local/global get/set/tee
    case 0x25: case 0x26: // table.get/set
    case 0xd2: // ref.func
      r.u32('an index');
      break;
    case 0x0e: { // br_table
      const n = r.u32('a br_table length');
      for (let i = 0; i <= n; i++) r.u32('a br_table label');
      break;
    }
    case 0x11: // call_indirect type table
      r.u32('a type index');
      r.u32('a table index');
      break;
    case 0x1c: { // select t*
      const n = r.u32('a select type count');
      for (let i = 0; i < n; i++) r.u8('a value type');
      break;
    }
    case 0x3f: case 0x40: // memory.size/grow
      r.u8('a memory index');
      break;
    case 0x41: skipLeb(r, 5); break;
    case 0x42: skipLeb(r, 10); break;
    case 0x43: skipBytes(r, 4); break;
    case 0x44: skipBytes(r, 8); break;
    case 0xd0: r.u8('a reference type'); break;
    case 0xfc: skipPrefixed(r, at); break;
    default:
      if (op >= 0x28 && op <= 0x3e) { // loads and stores: align, offset
        r.u32('an alignment');
        r.u32('an offset');
      } else if (!(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1)) {
        throw r.malformed(`opcode 0x${op.toString(16)} is not one the debugger can decode`, at);
      }
  }
  return op;
}

function skipPrefixed(r: ByteReader, at: number): void {
  const sub = r.u32('a 0xFC sub-opcode');
  switch (sub) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: break; // trunc_sat
    case 8: r.u32('a data index'); r.u8('a memory index'); break; // memory.init
    case 9: r.u32('a data index'); break; // data.drop
    case 10: r.u8('a memory index'); r.u8('a memory index'); break; // memory.copy
    case 11: r.u8('a memory index'); break; // memory.fill
    case 12: case 14: r.u32('an index'); r.u32('an index'); break; // table.init, table.copy
    case 13: case 15: case 16: case 17: r.u32('an index'); break; // elem.drop, table.grow/size/fill
    default: throw r.malformed(`0xFC sub-opcode ${sub} is not one the debugger can decode`, at);
  }
}

function skipBlockType(r: ByteReader): void {
  const b = r.bytes[r.pos];
  if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) {
    r.pos++;
    return;
  }
  skipLeb(r, 5); // a type index, as s33
}

function skipLeb(r: ByteReader, maxBytes: number): void {
  for (let i = 0; i < maxBytes; i++) if ((r.u8('a LEB128 byte') & 0x80) === 0) return;
  throw r.malformed('a LEB128 number is too long');
}

function skipBytes(r: ByteReader, n: number): void {
  if (r.pos + n > r.end) throw r.truncated('an immediate');
  r.pos += n;
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

function growBytes(a: Uint8Array): Uint8Array {
  const b = new Uint8Array(a.length * 2);
  b.set(a);
  return b;
}
