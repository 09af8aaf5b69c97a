// What the main thread and the guest's worker send each other. Only plain, cloneable data:
// SharedArrayBuffers for the stdio rings and wake cells, the compiled module, and the outcome.
import type { Preopen } from '../host';
import type { ImportSummary } from '../guestModule';
import type { HostModuleSource } from '../hostModules';
import type { ExportSummary, WasmValue } from '../reactor';
import type { MessagePort } from 'node:worker_threads';

/** How a guest run ended, as runWasi reports it. */
export type RunResult =
  | {
      kind: 'exit';
      code: number;
      /** With RunOptions.invoke: what the invoked export returned (absent if the guest exited instead). */
      results?: WasmValue[];
    }
  | { kind: 'trap'; trapKind: string; detail: string; functions: string[] }
  | { kind: 'stopped' }
  | {
      kind: 'error';
      message: string;
      /**
       * What kind of problem: imports nothing supplies, a host module file that cannot be used,
       * an --invoke that cannot be made, a listening socket that cannot be bound; absent for the rest.
       */
      reason?: 'imports' | 'host-module' | 'invoke' | 'listen';
    };

/** What the worker does once the module is instantiated. */
export type GuestMode =
  | { kind: 'command' }
  /** Initialise (a reactor's _initialize), call one export, report its results. */
  | { kind: 'invoke'; name: string; args: (string | number | bigint)[] }
  /** Stay alive and serve ReactorRequests until closed. */
  | { kind: 'reactor' };

/** The mode for a run that either calls one export (--invoke) or runs the command's _start. */
export function guestModeFor(invoke: { name: string; args?: (string | number | bigint)[] } | undefined): GuestMode {
  return invoke ? { kind: 'invoke', name: invoke.name, args: invoke.args ?? [] } : { kind: 'command' };
}

/** workerData: everything but the module, so the worker can start while the module compiles. */
export interface WorkerSetup {
  readonly wake: SharedArrayBuffer;
  /** null: stdin is at its end from the start, unless stdinFd is set. */
  readonly stdin: SharedArrayBuffer | null;
  /** A descriptor (a file or a pipe) the worker reads stdin from itself, with no ring and no main-thread hop. */
  readonly stdinFd?: number;
  /** null: output is discarded in the worker, never crossing threads. */
  readonly stdout: SharedArrayBuffer | null;
  readonly stderr: SharedArrayBuffer | null;
  readonly stdoutIsTerminal: boolean;
  readonly stderrIsTerminal: boolean;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly preopens: readonly Preopen[];
  /** Host module files for non-WASI imports, loaded in the worker before instantiation. */
  readonly importModules?: readonly HostModuleSource[];
  /** One port per preopened listening socket (fds after the preopened directories). */
  readonly listenerPorts?: readonly MessagePort[];
  readonly mode?: GuestMode;
}

/** The one message the main thread sends first: the compiled module (WebAssembly.Module is cloneable). */
export interface StartMessage {
  readonly module: WebAssembly.Module;
  /** The module's imports with their signatures, when the module was parsed: the full import check runs in the worker. */
  readonly imports?: readonly ImportSummary[];
  readonly exports?: readonly ExportSummary[];
  /** Names of the listening sockets, once bound ("tcp 127.0.0.1:8080"). */
  readonly listenerNames?: readonly string[];
}

/** The message the worker sends last, after the guest ended and its output was flushed. */
export interface OutcomeMessage {
  readonly outcome: RunResult;
}

/** Reactor mode, main → worker. */
export type ReactorRequest =
  | { readonly id: number; readonly op: 'initialize' }
  | { readonly id: number; readonly op: 'call'; readonly name: string; readonly args: (string | number | bigint)[] }
  | { readonly id: number; readonly op: 'close' };

/** Reactor mode, worker → main: sent once the module is instantiated, with what it exports. */
export interface ReactorReady {
  readonly ready: { readonly exports: readonly ExportSummary[]; readonly initialized: boolean };
}

/** Reactor mode, worker → main: the answer to one request. */
export interface ReactorResponse {
  readonly id: number;
  readonly results?: WasmValue[];
  /** Set when the request failed; the guest may have ended (then an OutcomeMessage follows). */
  readonly error?: string;
}

export type WorkerMessage = OutcomeMessage | ReactorReady | ReactorResponse;
