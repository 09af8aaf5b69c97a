// The `host` object a user's host module receives (its shape is the shipped types/wasip1-host.d.ts,
// which this file implements, so the two cannot drift apart). Everything reads the guest's memory
// through GuestMemory, re-checking its buffer on each access, because the guest may grow memory
// between two calls, or in the middle of one that calls back into the guest.
import type { ErrnoValues, GuestMemoryAccess, Host, HostOutput } from '../../types/wasip1-host';
import type { GuestMemory } from './guestMemory';
import { Errno } from './spec/errno';
import type { OutputStream } from './streams';
import { ProcExit } from './wasiError';

/** What the worker knows when it loads host modules: the host's pieces, the instance once it exists. */
export interface HostModuleSurroundings {
  readonly memory: GuestMemory;
  readonly instance: () => WebAssembly.Instance | undefined;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
const errnoValues: ErrnoValues = Errno;

export function createHostApi(module: string, around: HostModuleSurroundings): Host {
  const memory = guestMemoryAccess(around.memory);
  return Object.freeze({
    module,
    memory,
    get exports(): WebAssembly.Exports {
      const instance = around.instance();
      if (!instance) {
        throw new Error(
          `host module "${module}": the guest's exports exist once it is instantiated; use host.exports inside host functions, not while the module is set up`,
        );
      }
      return instance.exports;
    },
    errno: errnoValues,
    args: Object.freeze([...around.args]),
    env: Object.freeze({ ...around.env }),
    stdout: hostOutput(around.stdout),
    stderr: hostOutput(around.stderr),
    exit(code: number): never {
      throw new ProcExit(code >>> 0);
    },
  });
}

function hostOutput(stream: OutputStream): HostOutput {
  return {
    write(data: string | Uint8Array): void {
      const bytes = typeof data === 'string' ? encoder.encode(data) : data;
      let done = 0;
      // Blocking writes take everything unless the reader went away (then write throws EPIPE).
      while (done < bytes.length) {
        const count = stream.write(bytes, done, bytes.length - done, true);
        if (count <= 0) return;
        done += count;
      }
    },
  };
}

/** Guest pointers arrive as signed i32: -1 means 0xffffffff. */
const unsigned = (pointer: number): number => pointer >>> 0;

function guestMemoryAccess(memory: GuestMemory): GuestMemoryAccess {
  /** Checks the range after picking up a grown buffer; out of range is a RangeError that names it. */
  const at = (pointer: number, length: number): number => {
    memory.refresh();
    const start = unsigned(pointer);
    if (!memory.attached) throw new RangeError('the guest has no memory yet: it is not instantiated');
    if (start + length > memory.size) {
      throw new RangeError(`guest memory access at 0x${start.toString(16)} (+${length} bytes) is outside the guest's ${memory.size} bytes`);
    }
    return start;
  };
  // The range is checked (and a grown buffer picked up) before the view is taken.
  const on = <T>(pointer: number, length: number, access: (view: DataView, at: number) => T): T => {
    const start = at(pointer, length);
    return access(memory.view, start);
  };
  const toBig = (value: bigint | number): bigint => (typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
  return Object.freeze({
    get size(): number {
      memory.refresh();
      return memory.size;
    },
    bytes: (pointer: number, length: number) => {
      const start = at(pointer, length);
      return memory.bytes.slice(start, start + length);
    },
    view: (pointer: number, length: number) => {
      const start = at(pointer, length);
      return memory.bytes.subarray(start, start + length);
    },
    write: (pointer: number, bytes: Uint8Array) => {
      const start = at(pointer, bytes.length);
      memory.bytes.set(bytes, start);
    },
    string: (pointer: number, length: number) => {
      const start = at(pointer, length);
      return decoder.decode(memory.bytes.subarray(start, start + length));
    },
    writeString: (pointer: number, text: string, capacity?: number) => {
      const room = capacity ?? Buffer.byteLength(text, 'utf8');
      const start = at(pointer, room);
      return encoder.encodeInto(text, memory.bytes.subarray(start, start + room)).written;
    },
    utf8Length: (text: string) => Buffer.byteLength(text, 'utf8'),

    u8: (p: number) => on(p, 1, (v, a) => v.getUint8(a)),
    u16: (p: number) => on(p, 2, (v, a) => v.getUint16(a, true)),
    u32: (p: number) => on(p, 4, (v, a) => v.getUint32(a, true)),
    u64: (p: number) => on(p, 8, (v, a) => v.getBigUint64(a, true)),
    i8: (p: number) => on(p, 1, (v, a) => v.getInt8(a)),
    i16: (p: number) => on(p, 2, (v, a) => v.getInt16(a, true)),
    i32: (p: number) => on(p, 4, (v, a) => v.getInt32(a, true)),
    i64: (p: number) => on(p, 8, (v, a) => v.getBigInt64(a, true)),
    f32: (p: number) => on(p, 4, (v, a) => v.getFloat32(a, true)),
    f64: (p: number) => on(p, 8, (v, a) => v.getFloat64(a, true)),

    setU8: (p: number, value: number) => on(p, 1, (dv, a) => dv.setUint8(a, value)),
    setU16: (p: number, value: number) => on(p, 2, (dv, a) => dv.setUint16(a, value, true)),
    setU32: (p: number, value: number) => on(p, 4, (dv, a) => dv.setUint32(a, value, true)),
    setU64: (p: number, value: bigint | number) => on(p, 8, (dv, a) => dv.setBigUint64(a, BigInt.asUintN(64, toBig(value)), true)),
    setI8: (p: number, value: number) => on(p, 1, (dv, a) => dv.setInt8(a, value)),
    setI16: (p: number, value: number) => on(p, 2, (dv, a) => dv.setInt16(a, value, true)),
    setI32: (p: number, value: number) => on(p, 4, (dv, a) => dv.setInt32(a, value, true)),
    setI64: (p: number, value: bigint | number) => on(p, 8, (dv, a) => dv.setBigInt64(a, BigInt.asIntN(64, toBig(value)), true)),
    setF32: (p: number, value: number) => on(p, 4, (dv, a) => dv.setFloat32(a, value, true)),
    setF64: (p: number, value: number) => on(p, 8, (dv, a) => dv.setFloat64(a, value, true)),
  });
}
