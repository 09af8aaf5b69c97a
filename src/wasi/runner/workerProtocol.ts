// What the main thread and the guest's worker send each other. Only plain, cloneable data:
// SharedArrayBuffers for the stdio rings and wake cells, the compiled module, and the outcome.
import type { Preopen } from '../host';

/** How a guest run ended, as runWasi reports it. */
export type RunResult =
  | { kind: 'exit'; code: number }
  | { kind: 'trap'; trapKind: string; detail: string; functions: string[] }
  | { kind: 'stopped' }
  | { kind: 'error'; message: string };

/** workerData: everything but the module, so the worker can start while the module compiles. */
export interface WorkerSetup {
  readonly wake: SharedArrayBuffer;
  /** null: stdin is at its end from the start. */
  readonly stdin: SharedArrayBuffer | null;
  /** null: output is discarded in the worker, never crossing threads. */
  readonly stdout: SharedArrayBuffer | null;
  readonly stderr: SharedArrayBuffer | null;
  readonly stdoutIsTerminal: boolean;
  readonly stderrIsTerminal: boolean;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly preopens: readonly Preopen[];
}

/** The one message the main thread sends: the compiled module (WebAssembly.Module is cloneable). */
export interface StartMessage {
  readonly module: WebAssembly.Module;
}

/** The one message the worker sends back, after the guest ended and its output was flushed. */
export interface OutcomeMessage {
  readonly outcome: RunResult;
}
