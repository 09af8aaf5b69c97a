// The library entry of the package: the WASI preview 1 host, for running wasm guests (Go programs
// built with GOOS=wasip1 GOARCH=wasm) from your own Node.js code.
//
//   import { runWasi } from 'wasip1-vscode';
//   const guest = runWasi({ module: 'hello.wasm', args: ['hello'], stdout: 'inherit', stderr: 'inherit' });
//   const result = await guest.done; // { kind: 'exit', code: 0 }
//
// Each guest runs in its own worker thread; its WASI calls block that thread only. The
// declarations are written for readers; a test holds them to the implementation's types.
/// <reference types="node" />

import type { HostModule } from './wasip1-host';

export type { HostModule };

declare global {
  // Node's types do not name WebAssembly (lib "dom" does): this empty interface merges with it.
  namespace WebAssembly {
    interface Module {}
  }
}

/** A wasm value: i32, f32 and f64 are numbers, i64 is a bigint. */
export type WasmValue = number | bigint;

/** A host directory the guest sees, under its own name; nothing else of the file system is reachable. */
export interface Preopen {
  /** Directory on the host. */
  hostPath: string;
  /** The name the guest sees, e.g. "/" or "/data". */
  guestPath: string;
}

/** A host module file (see types/wasip1-host.d.ts) supplying the non-WASI import module `module`. */
export interface HostModuleSource {
  readonly module: string;
  readonly file: string;
}

/** A listening TCP socket to preopen for the guest. */
export interface TcpListenAddress {
  /** Interface to bind, e.g. "127.0.0.1" or "::1". */
  readonly host: string;
  /** 0 picks a free port; the bound one is reported by `listening`. */
  readonly port: number;
}

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
}

/** A wasm function type, as exports are described. */
export interface FuncType {
  params: ('i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref')[];
  results: ('i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref')[];
}

/** An export of the guest, with its signature when the module's bytes were read. */
export interface ExportSummary {
  readonly name: string;
  readonly kind: string;
  readonly type?: FuncType;
}

export type StdinOption = 'inherit' | 'ignore' | NodeJS.ReadableStream | Uint8Array | string;
export type OutputOption = 'inherit' | 'ignore' | NodeJS.WritableStream | ((chunk: Uint8Array) => void);

export interface RunOptions {
  /** A compiled module, its bytes, or the path of a .wasm file. */
  module: WebAssembly.Module | Uint8Array | string;
  /** argv; args[0] is the program name. */
  args?: string[];
  /** The guest's whole environment; nothing is inherited. */
  env?: Record<string, string>;
  preopens?: Preopen[];
  /**
   * 'inherit': this process's stdin, read only once the guest reads. Omitted: fed by writeStdin()
   * and ended by endStdin(). Bytes or a string: that input, then end of input.
   */
  stdin?: StdinOption;
  /** Omitted: 'ignore'. A stream is never ended: the caller owns it. */
  stdout?: OutputOption;
  stderr?: OutputOption;
  /** The worker's stack in MiB (default 16). Go's wasm code recurses deeply. */
  stackSizeMb?: number;
  /** Bytes per stdio ring (a power of two); default 64 KiB. */
  ringBytes?: number;
  /** Path of the worker entry (hostWorker.js); default: next to this library. */
  workerScript?: string;
  /** Host module files supplying non-WASI import modules (your own `//go:wasmimport` modules). */
  importModules?: HostModuleSource[];
  /**
   * Instead of running _start: initialise the reactor (_initialize) and call this export with
   * these arguments (strings are parsed by the export's wasm signature); done reports its results.
   */
  invoke?: { name: string; args?: (string | number | bigint)[] };
  /** Listening TCP sockets preopened for the guest, as fds after the preopened directories. */
  tcpListen?: TcpListenAddress[];
}

/** How a guest run ended. */
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
      /** Imports nothing supplies, an unusable host module, an --invoke that cannot be made, a socket that cannot be bound. */
      reason?: 'imports' | 'host-module' | 'invoke' | 'listen';
    };

export interface RunningGuest {
  /** Settles when the guest has ended and its output has reached the sinks; never rejects. */
  readonly done: Promise<RunResult>;
  /** Ends the guest at once, even one in a loop that never calls the host; done gives 'stopped'. */
  stop(): void;
  /** Queues input for the guest; only when RunOptions.stdin was omitted. */
  writeStdin(data: Uint8Array | string): void;
  /** End of input for the guest; only meaningful when RunOptions.stdin was omitted. */
  endStdin(): void;
  /** With RunOptions.tcpListen: the bound addresses (port 0 becomes the one picked); rejects if one cannot be bound. */
  readonly listening: Promise<readonly ListeningAddress[]>;
}

/** A reactor kept alive between calls: initialise it, call its exports, close it. */
export interface RunningReactor extends RunningGuest {
  /** What the module exports, with signatures when the module was parsed. */
  readonly exports: readonly ExportSummary[];
  /** Runs _initialize (Go's runtime and package initialisation). Rejects if the guest ends in it. */
  initialize(): Promise<void>;
  /** Calls an export; strings are parsed by its wasm signature, i64 values are bigints. */
  call(name: string, ...args: (string | number | bigint)[]): Promise<WasmValue[]>;
  /** Ends the reactor; done then settles with exit code 0. */
  close(): Promise<RunResult>;
}

/** Runs a command module (its _start), or with `invoke` one export of a reactor. */
export function runWasi(options: RunOptions): RunningGuest;

/**
 * Starts a reactor (a Go package built with -buildmode=c-shared) and resolves once it is
 * instantiated, not yet initialised. Rejects when it cannot start (imports, host modules, a bad module).
 */
export function runReactor(options: Omit<RunOptions, 'invoke'>): Promise<RunningReactor>;
