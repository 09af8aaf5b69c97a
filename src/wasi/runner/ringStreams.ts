// The guest's stdio inside the worker: InputStream/OutputStream over shared rings that the main
// thread fills and drains. Blocking calls sleep on the wake cells, in slices so a stop request is
// seen even if the main thread is busy.
import { Errno } from '../spec/errno';
import { WOULD_BLOCK, type InputStream, type OutputStream } from '../streams';
import { WasiError } from '../wasiError';
import type { SharedRing, WakeCells } from './sharedRing';

/** Longest single sleep of a blocked read, write or flush before it looks at the stop flag again. */
const WAIT_SLICE_MS = 100;

/** Unwinds a blocked call once the embedder asked to stop; `onStop` marks the host as stopping. */
export function stopIfRequested(cells: WakeCells, onStop: () => void): void {
  if (!cells.stopRequested) return;
  onStop();
  throw new WasiError(Errno.INTR);
}

export class RingInput implements InputStream {
  private wanted = false;

  constructor(
    private readonly ring: SharedRing,
    private readonly cells: WakeCells,
    private readonly onStop: () => void,
  ) {}

  read(target: Uint8Array, offset: number, length: number, blocking: boolean): number {
    this.want();
    if (length === 0) return 0;
    for (;;) {
      const seen = this.cells.workerGeneration();
      // End is sampled before reading: the writer closes only after its last bytes are in.
      const ended = this.ring.writerClosed;
      const count = this.ring.read(target, offset, length);
      if (count > 0) {
        this.cells.wakeMain();
        return count;
      }
      if (ended) return 0;
      if (!blocking) return WOULD_BLOCK;
      stopIfRequested(this.cells, this.onStop);
      this.cells.waitInWorker(seen, WAIT_SLICE_MS);
    }
  }

  readable(): boolean {
    this.want();
    return this.ring.used() > 0 || this.ring.writerClosed;
  }

  available(): number {
    return this.ring.used();
  }

  close(): void {
    this.ring.closeReader();
    this.cells.wakeMain();
  }

  /** The main thread starts reading the source (e.g. a terminal) only once the guest wants input. */
  private want(): void {
    if (this.wanted) return;
    this.wanted = true;
    if (this.ring.markWanted()) this.cells.wakeMain();
  }
}

export class RingOutput implements OutputStream {
  constructor(
    private readonly ring: SharedRing,
    private readonly cells: WakeCells,
    private readonly onStop: () => void,
    readonly isTerminal = false,
  ) {}

  /**
   * Non-blocking: what fits now, or WOULD_BLOCK. Blocking: everything, like write(2) on a pipe.
   * Once the reader is gone, EPIPE (after reporting any bytes already accepted).
   */
  write(source: Uint8Array, offset: number, length: number, blocking: boolean): number {
    if (length === 0) return 0;
    let done = 0;
    for (;;) {
      const seen = this.cells.workerGeneration();
      if (this.ring.readerClosed) {
        if (done > 0) return done;
        throw new WasiError(Errno.PIPE);
      }
      const count = this.ring.write(source, offset + done, length - done);
      if (count > 0) {
        done += count;
        this.cells.wakeMain();
        if (done === length || !blocking) return done;
        continue;
      }
      if (!blocking) return done > 0 ? done : WOULD_BLOCK;
      if (done > 0 && this.cells.stopRequested) return done;
      stopIfRequested(this.cells, this.onStop);
      this.cells.waitInWorker(seen, WAIT_SLICE_MS);
    }
  }

  writable(): boolean {
    return this.ring.readerClosed || this.ring.free() > 0;
  }

  /** Waits until the main thread has taken every byte (or stopped reading). */
  flush(): void {
    for (;;) {
      const seen = this.cells.workerGeneration();
      if (this.ring.used() === 0 || this.ring.readerClosed || this.cells.stopRequested) return;
      this.cells.waitInWorker(seen, WAIT_SLICE_MS);
    }
  }

  close(): void {
    this.ring.closeWriter();
    this.cells.wakeMain();
  }
}
