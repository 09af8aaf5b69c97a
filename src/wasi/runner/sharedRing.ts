// The memory the guest's worker and the main thread share for stdio: a bounded byte ring per
// stream and a pair of wake-up cells. The worker must block synchronously inside WASI calls while
// the main thread's event loop moves the bytes, so the two meet only through Atomics.
import type { ReadinessSignal } from '../streams';

export const DEFAULT_RING_BYTES = 64 * 1024;

// Int32 slots of a ring's header. Indices are free-running counters that wrap at 2**32; their
// difference is the fill level because the capacity is far below 2**31.
const WRITTEN = 0;
const READ = 1;
const STATE = 2;
const HEADER_BYTES = 16;

const WRITER_CLOSED = 1;
const READER_CLOSED = 2;
/** Set by the reader when it first wants data, so a source (e.g. a terminal) is only read if the guest reads. */
const READER_WANTS = 4;

/**
 * A single-producer single-consumer byte ring. Only the producer calls write/closeWriter and only
 * the consumer calls read/closeReader; neither wakes anybody (see WakeCells for that).
 */
export class SharedRing {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  private readonly header: Int32Array;
  private readonly data: Uint8Array;

  /** A new ring of `capacity` bytes (a power of two), or a view of one another thread created. */
  constructor(source: SharedArrayBuffer | number = DEFAULT_RING_BYTES) {
    if (typeof source === 'number') {
      // A power of two divides 2**32, so positions stay continuous when the counters wrap.
      if (!Number.isInteger(source) || source < 16 || source > 1 << 30 || (source & (source - 1)) !== 0) {
        throw new RangeError(`ring capacity ${source} is not a power of two between 16 and 2**30`);
      }
      source = new SharedArrayBuffer(HEADER_BYTES + source);
    }
    this.buffer = source;
    this.header = new Int32Array(source, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(source, HEADER_BYTES);
    this.capacity = this.data.length;
  }

  /** Bytes written and not yet read. */
  used(): number {
    return (Atomics.load(this.header, WRITTEN) - Atomics.load(this.header, READ)) >>> 0;
  }

  free(): number {
    return this.capacity - this.used();
  }

  /** Producer: copies what fits of source[offset, offset+length); returns the count copied. */
  write(source: Uint8Array, offset: number, length: number): number {
    const written = Atomics.load(this.header, WRITTEN);
    const used = (written - Atomics.load(this.header, READ)) >>> 0;
    const count = Math.min(length, this.capacity - used);
    if (count <= 0) return 0;
    const at = (written >>> 0) % this.capacity;
    const first = Math.min(count, this.capacity - at);
    this.data.set(source.subarray(offset, offset + first), at);
    if (count > first) this.data.set(source.subarray(offset + first, offset + count), 0);
    // The store publishes the bytes: Atomics orders the copies above before it.
    Atomics.store(this.header, WRITTEN, (written + count) | 0);
    return count;
  }

  /** Consumer: copies up to `length` bytes out; returns the count copied. */
  read(target: Uint8Array, offset: number, length: number): number {
    const read = Atomics.load(this.header, READ);
    const used = (Atomics.load(this.header, WRITTEN) - read) >>> 0;
    const count = Math.min(length, used);
    if (count <= 0) return 0;
    const at = (read >>> 0) % this.capacity;
    const first = Math.min(count, this.capacity - at);
    target.set(this.data.subarray(at, at + first), offset);
    if (count > first) target.set(this.data.subarray(0, count - first), offset + first);
    Atomics.store(this.header, READ, (read + count) | 0);
    return count;
  }

  /** Producer: no more data will come (end of input). */
  closeWriter(): void {
    Atomics.or(this.header, STATE, WRITER_CLOSED);
  }

  /** Consumer: nobody will read any more (a broken pipe for the producer). */
  closeReader(): void {
    Atomics.or(this.header, STATE, READER_CLOSED);
  }

  get writerClosed(): boolean {
    return (Atomics.load(this.header, STATE) & WRITER_CLOSED) !== 0;
  }

  get readerClosed(): boolean {
    return (Atomics.load(this.header, STATE) & READER_CLOSED) !== 0;
  }

  /** Consumer: announces it wants data; returns true the first time. */
  markWanted(): boolean {
    return (Atomics.or(this.header, STATE, READER_WANTS) & READER_WANTS) === 0;
  }

  get wanted(): boolean {
    return (Atomics.load(this.header, STATE) & READER_WANTS) !== 0;
  }
}

// Int32 slots of the wake cells.
const TO_WORKER = 0;
const TO_MAIN = 1;
const STOP = 2;

type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
/** Atomics.waitAsync exists in Node 20 but not in the ES2022 typings. */
const waitAsync = (Atomics as unknown as {
  waitAsync(cell: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
}).waitAsync;

/**
 * Two generation counters: each side bumps the other's after changing a ring (data, space, end)
 * and sleeps on its own. The worker sleeps with Atomics.wait; the main thread must never block, so
 * it sleeps with Atomics.waitAsync. A stop flag lets a blocked worker unwind on its own.
 */
export class WakeCells {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(16)) {
    this.buffer = buffer;
    this.cells = new Int32Array(buffer, 0, 4);
  }

  /** Called by the main thread after it changed a ring. */
  wakeWorker(): void {
    Atomics.add(this.cells, TO_WORKER, 1);
    Atomics.notify(this.cells, TO_WORKER);
  }

  /** Called by the worker after it changed a ring. */
  wakeMain(): void {
    Atomics.add(this.cells, TO_MAIN, 1);
    Atomics.notify(this.cells, TO_MAIN);
  }

  workerGeneration(): number {
    return Atomics.load(this.cells, TO_WORKER);
  }

  mainGeneration(): number {
    return Atomics.load(this.cells, TO_MAIN);
  }

  /** Worker: blocks until the main thread wakes it after `seen`, or the timeout. */
  waitInWorker(seen: number, timeoutMs: number): void {
    Atomics.wait(this.cells, TO_WORKER, seen, Number.isFinite(timeoutMs) ? Math.max(0, timeoutMs) : undefined);
  }

  /** Main thread: resolves once the worker woke it after `seen`. */
  async waitInMain(seen: number): Promise<void> {
    const result = waitAsync(this.cells, TO_MAIN, seen);
    if (result.async) await result.value;
  }

  requestStop(): void {
    Atomics.store(this.cells, STOP, 1);
    this.wakeWorker();
  }

  get stopRequested(): boolean {
    return Atomics.load(this.cells, STOP) !== 0;
  }
}

/**
 * The worker's ReadinessSignal for poll_oneoff: the main thread's wake-ups are the generations. A
 * stop request found after a wait is handed to `onStop` (the host's stop), so a guest blocked in
 * poll unwinds even before the main thread terminates the worker.
 */
export class WorkerReadiness implements ReadinessSignal {
  constructor(private readonly cells: WakeCells, private readonly onStop: () => void) {}

  generation(): number {
    return this.cells.workerGeneration();
  }

  wait(seen: number, timeoutMs: number): void {
    this.cells.waitInWorker(seen, timeoutMs);
    if (this.cells.stopRequested) this.onStop();
  }
}
