// The guest's linear memory as the host sees it. Views are rebuilt only when memory.grow has
// replaced the buffer, so a host call costs one identity check, not an allocation.

/** A guest pointer or length that leaves linear memory; host functions answer it with EFAULT. */
export class GuestFault extends Error {
  constructor(readonly pointer: number, readonly length: number) {
    super(`guest range 0x${pointer.toString(16)}+${length} is outside linear memory`);
  }
}

/** Typed arrays use the host's byte order; wasm memory is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export class GuestMemory {
  private memory: WebAssembly.Memory | undefined;
  /** A shared memory grows in place (its old buffer stays valid but short), so it cannot be detected by detaching. */
  private shared = false;
  private buffer: ArrayBuffer = new ArrayBuffer(0);
  view = new DataView(this.buffer);
  bytes = new Uint8Array(this.buffer);
  /** Aligned u64 stores go through this view: faster than DataView.setBigUint64 on the clock's hot path. */
  private words = new BigUint64Array(this.buffer);

  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.buffer = new ArrayBuffer(0);
    this.bytes = new Uint8Array(this.buffer);
    this.words = new BigUint64Array(this.buffer);
    this.refresh();
  }

  get attached(): boolean {
    return this.memory !== undefined;
  }

  /**
   * Call at the top of every host call: the guest may have grown memory since the last one.
   * memory.grow detaches a non-shared buffer, and a view of a detached buffer has length 0, so
   * that test (a field read) stands in for the `memory.buffer` getter on every call. Shared
   * memories never detach: their buffer is looked up each time.
   */
  refresh(): void {
    if (this.bytes.byteLength !== 0 && !this.shared) return;
    const current = this.memory?.buffer as ArrayBuffer | undefined;
    if (current && current !== this.buffer) {
      this.buffer = current;
      this.view = new DataView(current);
      this.bytes = new Uint8Array(current);
      this.words = new BigUint64Array(current, 0, current.byteLength >>> 3);
    }
  }

  get size(): number {
    return this.buffer.byteLength;
  }

  /** Throws GuestFault unless [pointer, pointer+length) lies inside memory. Pointers are u32. */
  check(pointer: number, length: number): void {
    if (pointer < 0 || length < 0 || pointer + length > this.buffer.byteLength) {
      throw new GuestFault(pointer >>> 0, length >>> 0);
    }
  }

  u8(pointer: number): number {
    this.check(pointer, 1);
    return this.bytes[pointer];
  }

  u16(pointer: number): number {
    this.check(pointer, 2);
    return this.view.getUint16(pointer, true);
  }

  u32(pointer: number): number {
    this.check(pointer, 4);
    return this.view.getUint32(pointer, true);
  }

  u64(pointer: number): bigint {
    this.check(pointer, 8);
    return this.view.getBigUint64(pointer, true);
  }

  /** A u64 read as a double; exact below 2**53, which covers sizes, offsets and relative times. */
  u64AsNumber(pointer: number): number {
    this.check(pointer, 8);
    return this.view.getUint32(pointer, true) + this.view.getUint32(pointer + 4, true) * 0x1_0000_0000;
  }

  setU8(pointer: number, value: number): void {
    this.check(pointer, 1);
    this.bytes[pointer] = value;
  }

  setU16(pointer: number, value: number): void {
    this.check(pointer, 2);
    this.view.setUint16(pointer, value, true);
  }

  setU32(pointer: number, value: number): void {
    this.check(pointer, 4);
    this.view.setUint32(pointer, value, true);
  }

  setU64(pointer: number, value: bigint): void {
    this.check(pointer, 8);
    if ((pointer & 7) === 0 && LITTLE_ENDIAN) this.words[pointer >>> 3] = value;
    else this.view.setBigUint64(pointer, value, true);
  }

  /** Writes a non-negative integer below 2**64 given as a double, without creating a BigInt. */
  setU64FromNumber(pointer: number, value: number): void {
    this.check(pointer, 8);
    writeU64FromNumber(this.view, pointer, value);
  }

  /** A view of guest bytes (no copy); it goes stale if the guest grows memory, so use it at once. */
  slice(pointer: number, length: number): Uint8Array {
    this.check(pointer, length);
    return this.bytes.subarray(pointer, pointer + length);
  }

  /** Decodes UTF-8 leniently (for display, traces). */
  string(pointer: number, length: number): string {
    return utf8.decode(this.slice(pointer, length));
  }

  /**
   * Decodes a path or name the guest passes: invalid UTF-8 gives undefined (the caller answers
   * EILSEQ) instead of silently replacing bytes with U+FFFD and reaching a different file.
   */
  strictString(pointer: number, length: number): string | undefined {
    try {
      return utf8Strict.decode(this.slice(pointer, length));
    } catch {
      return undefined;
    }
  }

  /** Copies bytes in; returns the count written. */
  write(pointer: number, source: Uint8Array): number {
    this.check(pointer, source.length);
    this.bytes.set(source, pointer);
    return source.length;
  }

  /** Encodes text as UTF-8 at pointer, truncated to capacity; returns bytes written. */
  writeString(pointer: number, text: string, capacity: number): number {
    this.check(pointer, capacity);
    return encoder.encodeInto(text, this.bytes.subarray(pointer, pointer + capacity)).written;
  }
}

/** Writes a non-negative integer below 2**64, given as a double, as a little-endian u64 without a BigInt. */
export function writeU64FromNumber(view: DataView, at: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  view.setUint32(at, value - high * 0x1_0000_0000, true);
  view.setUint32(at + 4, high >>> 0, true);
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
