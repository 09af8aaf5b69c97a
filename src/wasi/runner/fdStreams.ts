// The guest's stdio on this process's own descriptors 0, 1 and 2, for a guest run on the thread
// that owns them (the CLI): no rings, no pump, no second thread. A blocking read or write blocks in
// the kernel, as a native program's would; readiness for poll_oneoff comes from a non-blocking
// second open of the same pipe or terminal.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { Errno, errnoFromHostError, hostErrorCode } from '../spec/errno';
import { sleep, SleepOnlySignal, WOULD_BLOCK, type InputStream, type OutputStream, type ReadinessSignal } from '../streams';
import { WasiError } from '../wasiError';

/** Bytes taken from the pipe while looking for readiness, handed to the guest's next read. */
const HELD_BYTES = 64 * 1024;

/** Probing an idle pipe starts fast (an interactive reply) and backs off to this (an idle guest). */
const FIRST_PROBE_MS = 0.1;
const LONGEST_PROBE_MS = 10;

/**
 * stdin. Files and devices such as /dev/null never block: plain reads. Pipes, terminals and
 * sockets: a blocking read is read(2) on descriptor 0 itself; whether input is ready is learnt by
 * reading from a non-blocking open of /proc/self/fd/0 (Linux), keeping what arrives for the guest.
 * Given `waitForInput` (a worker's guest, which must stay stoppable), a read never blocks in the
 * kernel: it reads the non-blocking open and, while the pipe is empty, waits through that function.
 */
export class FdInput implements InputStream {
  /** True once the guest read or polled stdin: only then may probing take input from the pipe. */
  private watched = false;
  private probe: number | undefined;
  private held: Buffer | undefined;
  private heldStart = 0;
  private heldEnd = 0;
  private ended = false;
  private probeDelayMs = FIRST_PROBE_MS;
  /** Called once, at the guest's first read or poll of stdin (an editor tells the user how to end the input). */
  onFirstUse: (() => void) | undefined;

  private constructor(
    private readonly fd: number,
    private readonly streaming: boolean,
    private readonly waitForInput?: (ms: number) => void,
  ) {}

  /**
   * undefined when readiness on this stdin cannot be learnt without a second thread.
   * `waitForInput(ms)`: how a blocking read waits for a pipe; it may throw (a stop request).
   */
  static open(fd = 0, waitForInput?: (ms: number) => void): FdInput | undefined {
    let stats;
    try {
      stats = fstatSync(fd);
    } catch {
      // A closed stdin reads as empty.
      return new FdInput(-1, false);
    }
    if (stats.isFile() || stats.isBlockDevice()) return new FdInput(fd, false);
    // Terminals, pipes, sockets and other devices (/dev/null reads as at its end through the probe too).
    const input = new FdInput(fd, true, waitForInput);
    return input.openProbe() ? input : undefined;
  }

  read(target: Uint8Array, offset: number, length: number, blocking: boolean): number {
    this.watch();
    if (length === 0) return 0;
    if (this.fd < 0) return 0;
    if (!this.streaming) return this.readDirect(target, offset, length);
    if (this.heldEnd > this.heldStart) return this.takeHeld(target, offset, length);
    if (this.ended) return 0;
    if (!blocking || this.waitForInput) {
      for (;;) {
        // Straight into the guest's buffer: no bytes are held when none were probed for.
        const count = this.readProbe(target, offset, length);
        if (count !== WOULD_BLOCK || !blocking) return count;
        this.waitForInput?.(this.nextProbeDelay());
      }
    }
    for (;;) {
      try {
        const count = readSync(this.fd, target, offset, length, null);
        if (count === 0) this.ended = true;
        return count;
      } catch (error) {
        // Descriptor 0 was handed over non-blocking: wait for data by probing instead.
        if (hostErrorCode(error) !== 'EAGAIN') throw new WasiError(errnoFromHostError(error));
        this.fill();
        if (this.heldEnd > this.heldStart) return this.takeHeld(target, offset, length);
        if (this.ended) return 0;
        sleep(this.nextProbeDelay());
      }
    }
  }

  readable(): boolean {
    this.watch();
    if (!this.streaming || this.ended || this.heldEnd > this.heldStart) return true;
    this.fill();
    return this.ended || this.heldEnd > this.heldStart;
  }

  available(): number {
    return this.heldEnd - this.heldStart;
  }

  close(): void {
    if (this.probe !== undefined) closeSync(this.probe);
    this.probe = undefined;
  }

  private watch(): void {
    if (this.watched) return;
    this.watched = true;
    this.onFirstUse?.();
  }

  /** True while the guest waits for input that only probing can notice. */
  awaitingInput(): boolean {
    return this.watched && this.streaming && !this.ended && this.heldEnd === this.heldStart;
  }

  /** How long to sleep before probing again: short at first, longer while nothing comes. */
  nextProbeDelay(): number {
    const delay = this.probeDelayMs;
    this.probeDelayMs = Math.min(delay * 2, LONGEST_PROBE_MS);
    return delay;
  }

  private readDirect(target: Uint8Array, offset: number, length: number): number {
    try {
      return readSync(this.fd, target, offset, length, null);
    } catch (error) {
      throw new WasiError(errnoFromHostError(error));
    }
  }

  private openProbe(): boolean {
    if (process.platform !== 'linux') return false;
    try {
      // A second open file description of the same pipe or terminal: O_NONBLOCK on it leaves
      // descriptor 0, which the parent shares, as it was.
      this.probe = openSync(`/proc/self/fd/${this.fd}`, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
      return true;
    } catch {
      return false;
    }
  }

  /** Moves whatever the pipe holds now into the held buffer, without blocking. */
  private fill(): void {
    if (this.probe === undefined || this.ended || this.heldEnd > this.heldStart) return;
    this.held ??= Buffer.allocUnsafe(HELD_BYTES);
    const count = this.readProbe(this.held, 0, HELD_BYTES);
    if (count === WOULD_BLOCK) return;
    this.heldStart = 0;
    this.heldEnd = count;
  }

  /** One non-blocking read of the pipe: bytes, 0 at its end, or WOULD_BLOCK. */
  private readProbe(target: Uint8Array, offset: number, length: number): number {
    if (this.probe === undefined) return 0;
    try {
      const count = readSync(this.probe, target, offset, length, null);
      if (count === 0) this.ended = true;
      else this.probeDelayMs = FIRST_PROBE_MS;
      return count;
    } catch (error) {
      if (hostErrorCode(error) !== 'EAGAIN') throw new WasiError(errnoFromHostError(error));
      return WOULD_BLOCK;
    }
  }

  private takeHeld(target: Uint8Array, offset: number, length: number): number {
    const count = Math.min(length, this.heldEnd - this.heldStart);
    target.set((this.held as Buffer).subarray(this.heldStart, this.heldStart + count), offset);
    this.heldStart += count;
    return count;
  }
}

/** stdout or stderr: write(2) on the descriptor itself, nothing kept in this process. */
export class FdOutput implements OutputStream {
  /**
   * Any character device, a terminal or /dev/null, is reported as one, as wasmtime reports the
   * descriptor's real type (and node:tty, for isatty, costs a millisecond of start-up).
   */
  readonly isTerminal: boolean;

  constructor(private readonly fd: number) {
    let characterDevice = false;
    try {
      characterDevice = fstatSync(fd).isCharacterDevice();
    } catch {
      // A closed descriptor: writes will fail with its errno.
    }
    this.isTerminal = characterDevice;
  }

  write(source: Uint8Array, offset: number, length: number, blocking: boolean): number {
    let done = 0;
    let delay = FIRST_PROBE_MS;
    while (done < length) {
      try {
        done += writeSync(this.fd, source, offset + done, length - done);
        if (!blocking) return done;
      } catch (error) {
        const code = hostErrorCode(error);
        if (code === 'EPIPE') {
          if (done > 0) return done;
          throw new WasiError(Errno.PIPE);
        }
        if (code !== 'EAGAIN') {
          if (done > 0) return done;
          throw new WasiError(errnoFromHostError(error));
        }
        // A descriptor handed over non-blocking, full for now.
        if (!blocking) return done > 0 ? done : WOULD_BLOCK;
        sleep(delay);
        delay = Math.min(delay * 2, LONGEST_PROBE_MS);
      }
    }
    return done;
  }

  writable(): boolean {
    return true;
  }
}

/**
 * poll_oneoff's wait when stdin is a descriptor: nothing signals its input, so while the guest
 * waits for stdin the wait is cut into growing slices for probing. Otherwise it is `inner`'s wait:
 * a plain sleep on the CLI's thread (nothing else changes behind the guest's back), the wake
 * cells in a worker (sockets and output rings).
 */
export class FdReadiness implements ReadinessSignal {
  constructor(private readonly stdin: FdInput, private readonly inner: ReadinessSignal = new SleepOnlySignal()) {}

  generation(): number {
    return this.inner.generation();
  }

  wait(seen: number, timeoutMs: number): void {
    this.inner.wait(seen, this.stdin.awaitingInput() ? Math.min(timeoutMs, this.stdin.nextProbeDelay()) : timeoutMs);
  }
}
