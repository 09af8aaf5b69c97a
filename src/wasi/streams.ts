// Byte streams behind stdio (and sockets): where the host's synchronous WASI calls meet data that
// may live elsewhere (a pipe drained on another thread, a debug console, a test's buffer).

/** read/write result meaning "nothing can move now" for a non-blocking call. */
export const WOULD_BLOCK = -1;

export interface InputStream {
  /**
   * Reads up to `length` bytes into `target` at `offset`. Returns the count, 0 at end of input, or
   * WOULD_BLOCK when `blocking` is false and nothing is ready. With `blocking` it waits for data.
   */
  read(target: Uint8Array, offset: number, length: number, blocking: boolean): number;
  /** True when read would not block: data or end of input is available. */
  readable(): boolean;
  /** Bytes available to read now without blocking, for fd_read subscriptions' nbytes. */
  available(): number;
  close?(): void;
}

export interface OutputStream {
  /**
   * Writes up to `length` bytes; returns the count accepted, or WOULD_BLOCK when `blocking` is false
   * and the sink is full. Throws WasiError(PIPE) when nobody reads any more.
   */
  write(source: Uint8Array, offset: number, length: number, blocking: boolean): number;
  writable(): boolean;
  /** Waits until everything accepted has left the host (called before exit). */
  flush?(): void;
  close?(): void;
  /** True if the stream is a terminal, reported as CHARACTER_DEVICE. */
  readonly isTerminal?: boolean;
}

/**
 * Lets poll_oneoff sleep until something may have become ready. Streams fed from another thread
 * bump the generation whenever data, space or end-of-stream arrives.
 */
export interface ReadinessSignal {
  generation(): number;
  /** Blocks until generation() !== seen or timeoutMs elapses (Infinity: no timeout). */
  wait(seen: number, timeoutMs: number): void;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (Infinity: for good); a synchronous host call's only way to wait. */
export function sleep(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, Number.isFinite(ms) ? ms : undefined);
}

/** A signal for hosts whose streams never change behind their back: waiting is sleeping. */
export class SleepOnlySignal implements ReadinessSignal {
  generation(): number {
    return 0;
  }
  wait(_seen: number, timeoutMs: number): void {
    sleep(timeoutMs);
  }
}

/** Input from bytes held in memory (tests, the debug console's queued text). */
export class BufferInput implements InputStream {
  private position = 0;
  constructor(private readonly data: Uint8Array) {}
  read(target: Uint8Array, offset: number, length: number): number {
    const count = Math.min(length, this.data.length - this.position);
    target.set(this.data.subarray(this.position, this.position + count), offset);
    this.position += count;
    return count;
  }
  readable(): boolean {
    return true;
  }
  available(): number {
    return this.data.length - this.position;
  }
}

/** Output kept in memory up to a bound; what overflows is counted, not kept. */
export class BufferOutput implements OutputStream {
  private chunks: Uint8Array[] = [];
  private kept = 0;
  dropped = 0;
  constructor(private readonly limit = 16 * 1024 * 1024) {}
  write(source: Uint8Array, offset: number, length: number): number {
    const keep = Math.min(length, this.limit - this.kept);
    if (keep > 0) {
      this.chunks.push(source.slice(offset, offset + keep));
      this.kept += keep;
    }
    this.dropped += length - keep;
    return length;
  }
  writable(): boolean {
    return true;
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Input that is at its end from the start (stdin of a program given none). */
export const emptyInput: InputStream = {
  read: () => 0,
  readable: () => true,
  available: () => 0,
};

/** Output that accepts and forgets everything. */
export const discardOutput: OutputStream = {
  write: (_source, _offset, length) => length,
  writable: () => true,
};
