// The debugger's guest thread, started before its guest is known: a worker takes tens of
// milliseconds to boot, and booting it while the program is built and compiled takes that time
// off every Run and Debug. The guest's setup follows in one message (debugWorkerThread.ts).
import { type TransferListItem, Worker } from 'node:worker_threads';
import { GUEST_STACK_MB } from '../wasi/runner/runInThisThread';
import { DEBUG_WORKER_MARK, type DebugWorkerSetup } from './debugWorkerProtocol';


export class GuestThread {
  readonly worker: Worker;
  /** Why the thread ended while it waited for its guest (a missing script), if it did. */
  private failure: Error | undefined;

  constructor(script: string) {
    this.worker = new Worker(script, {
      workerData: { mark: DEBUG_WORKER_MARK },
      resourceLimits: { stackSizeMb: GUEST_STACK_MB },
      stdout: false,
      stderr: false,
    });
    this.worker.on('error', (error) => (this.failure ??= error));
    this.worker.on('exit', (code) => (this.failure ??= new Error(`the guest's thread exited with code ${code} before it got its guest`)));
    // A thread still waiting for its guest keeps nobody's process alive.
    this.worker.unref();
  }

  /** Hands the thread its guest; returns why it cannot take it, when the thread already ended. */
  begin(setup: DebugWorkerSetup, transferList: readonly TransferListItem[]): Error | undefined {
    if (this.failure) return this.failure;
    this.worker.ref();
    this.worker.postMessage(setup, [...transferList]);
    return undefined;
  }

  /** Ends a thread that will get no guest. */
  dispose(): void {
    void this.worker.terminate();
  }
}
