// The main thread's half of the guest's stdio: moves bytes between Node streams and the shared
// rings without ever blocking the event loop. Backpressure is passed on in both directions, so
// memory stays bounded by the rings plus one chunk: a slow sink makes the guest wait (or see
// EAGAIN), a slow guest pauses the source.
import type { SharedRing, WakeCells } from './sharedRing';

export type OutputSink = NodeJS.WritableStream | ((chunk: Uint8Array) => void);
export type InputSource = NodeJS.ReadableStream;

/** Moves a guest's output ring into a sink. */
export class OutputPump {
  private paused = false;
  private broken = false;
  private pendingWrites = 0;
  /** Resolves whoever waits in finish() when something changed (drain, a write completed, the sink broke). */
  private progress: (() => void) | undefined;
  private detached = false;
  private readonly listeners: [string, (...args: unknown[]) => void][] = [];

  constructor(
    private readonly ring: SharedRing,
    private readonly cells: WakeCells,
    private readonly sink: OutputSink,
  ) {
    if (typeof sink !== 'function') {
      this.listen('drain', () => {
        this.paused = false;
        this.pump();
        this.notify();
      });
      // A sink that errors (EPIPE from `| head`) or closes is a reader gone: the guest gets EPIPE.
      this.listen('error', () => this.breakPipe());
      this.listen('close', () => this.breakPipe());
    }
  }

  /** Moves what the ring holds into the sink until it is empty or the sink asks to wait. */
  pump(): void {
    while (!this.paused && !this.broken) {
      const used = this.ring.used();
      if (used === 0) return;
      const chunk = Buffer.allocUnsafe(used);
      this.ring.read(chunk, 0, used);
      this.cells.wakeWorker();
      this.deliver(chunk);
    }
  }

  /** After the guest ended: everything left in the ring reaches the sink, and the sink has taken it. */
  async finish(): Promise<void> {
    for (;;) {
      this.pump();
      const drained = this.broken || (this.ring.used() === 0 && this.pendingWrites === 0);
      if (drained) break;
      await new Promise<void>((resolve) => (this.progress = resolve));
    }
    this.detach();
  }

  /** Gives up on a sink that never drains (stop() after the guest ended). */
  abandon(): void {
    this.breakPipe();
  }

  private deliver(chunk: Buffer): void {
    const sink = this.sink;
    if (typeof sink === 'function') {
      try {
        sink(chunk);
      } catch {
        this.breakPipe();
      }
      return;
    }
    this.pendingWrites++;
    let accepted: boolean;
    try {
      accepted = sink.write(chunk, (error?: Error | null) => {
        this.pendingWrites--;
        if (error) this.breakPipe();
        if (this.detached && this.pendingWrites === 0) this.removeListeners();
        this.notify();
      });
    } catch {
      this.pendingWrites--;
      this.breakPipe();
      return;
    }
    if (!accepted) this.paused = true;
  }

  private breakPipe(): void {
    if (!this.broken) {
      this.broken = true;
      this.ring.closeReader();
      this.cells.wakeWorker();
    }
    this.notify();
  }

  private notify(): void {
    const progress = this.progress;
    this.progress = undefined;
    progress?.();
  }

  private listen(event: string, handler: (...args: unknown[]) => void): void {
    (this.sink as NodeJS.WritableStream).on(event, handler);
    this.listeners.push([event, handler]);
  }

  private detach(): void {
    this.detached = true;
    // With writes still pending (a sink that broke), the listeners stay until their callbacks ran:
    // an EPIPE arriving later must not become an uncaught exception.
    if (this.pendingWrites === 0) this.removeListeners();
  }

  private removeListeners(): void {
    for (const [event, handler] of this.listeners.splice(0)) (this.sink as NodeJS.WritableStream).removeListener(event, handler);
  }
}

/** Feeds a guest's stdin ring from a Node stream, from bytes, or from writeStdin calls. */
export class InputPump {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private started = false;
  private detached = false;
  private pausedSource = false;
  private readonly onData = (chunk: unknown): void => {
    this.queue.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    this.pump();
    if (this.queue.length > 0 && this.source) {
      this.source.pause();
      this.pausedSource = true;
    }
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.pump();
  };

  /** With no source, input comes only from push() and end(). */
  constructor(
    private readonly ring: SharedRing,
    private readonly cells: WakeCells,
    private readonly source?: InputSource,
  ) {}

  push(data: Uint8Array): void {
    if (this.ended) throw new Error('stdin was already ended');
    if (data.length) this.queue.push(data);
    this.pump();
  }

  end(): void {
    this.ended = true;
    this.pump();
  }

  /** Moves queued bytes into the ring as space allows; starts the source once the guest wants input. */
  pump(): void {
    if (this.ring.readerClosed) {
      // The guest closed stdin or ended: nothing more is wanted.
      this.queue.length = 0;
      this.detach();
      return;
    }
    if (!this.started && this.source && this.ring.wanted) this.start();
    let moved = false;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const count = this.ring.write(head, 0, head.length);
      if (count > 0) moved = true;
      if (count < head.length) {
        this.queue[0] = head.subarray(count);
        break;
      }
      this.queue.shift();
    }
    if (this.queue.length === 0) {
      if (this.ended && !this.ring.writerClosed) {
        this.ring.closeWriter();
        moved = true;
      } else if (this.pausedSource && this.source) {
        this.pausedSource = false;
        this.source.resume();
      }
    }
    if (moved) this.cells.wakeWorker();
  }

  /** Stops reading the source: a paused process.stdin no longer keeps the process alive. */
  detach(): void {
    this.detached = true;
    if (!this.started || !this.source) return;
    this.started = false;
    this.source.removeListener('data', this.onData);
    this.source.removeListener('end', this.onEnd);
    this.source.removeListener('error', this.onEnd);
    this.source.pause();
  }

  private start(): void {
    const source = this.source;
    if (!source || this.detached) return;
    this.started = true;
    source.on('data', this.onData);
    source.on('end', this.onEnd);
    source.on('error', this.onEnd);
    source.resume();
  }
}
