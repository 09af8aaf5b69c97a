// The embedder's entry point: one WasiHost runs one guest module with its args, env, preopens and
// stdio. It builds the wasi_snapshot_preview1 import object from the function families, checks the
// module's imports before start, and reports how the guest ended.
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { argsFunctions, environFunctions } from './args';
import { clockFunctions } from './clock';
import { DIRECTORY_INHERITING, DIRECTORY_RIGHTS, DirectoryDescriptor, FdTable, StreamDescriptor } from './descriptors';
import { fdFunctions } from './fd';
import { GuestMemory, GuestFault } from './guestMemory';
import { classifyGuestFault, GuestTrap } from './guestTrap';
import type { HostContext, HostFunction, HostFunctions } from './hostContext';
import { pathFunctions } from './path';
import { pollFunctions } from './poll';
import { procFunctions, schedFunctions } from './proc';
import { randomFunctions } from './random';
import { sockFunctions } from './sock';
import { Errno, errnoFromHostError } from './spec/errno';
import { discardOutput, emptyInput, SleepOnlySignal, type InputStream, type OutputStream, type ReadinessSignal } from './streams';
import { ProcExit, WasiError } from './wasiError';

export const WASI_PREVIEW1 = 'wasi_snapshot_preview1';

export interface Preopen {
  /** Directory on the host. */
  hostPath: string;
  /** The name the guest sees, e.g. "/" or "/data". */
  guestPath: string;
}

/** One host call, as observers see it. `args` are the raw wasm values. */
export interface HostCall {
  readonly module: string;
  readonly name: string;
  readonly args: readonly (number | bigint)[];
}

/**
 * Watches every host call (debugger, tracer). `before` may block, e.g. while a debugger holds the
 * guest at a breakpoint. With no observer, the import object holds the bare functions: no cost.
 */
export interface HostCallObserver {
  before?(call: HostCall): void;
  after?(call: HostCall, result: number | undefined): void;
}

export interface WasiHostOptions {
  /** argv; args[0] is the program name. */
  args?: readonly string[];
  /** The guest's whole environment: nothing is inherited from the host unless put here. */
  env?: Readonly<Record<string, string>>;
  preopens?: readonly Preopen[];
  stdin?: InputStream;
  stdout?: OutputStream;
  stderr?: OutputStream;
  /** How poll_oneoff sleeps until a stream may be ready; streams fed from another thread supply one. */
  readiness?: ReadinessSignal;
  /** Other import modules (user host modules for custom //go:wasmimport). */
  imports?: Readonly<Record<string, Readonly<Record<string, HostFunction | WebAssembly.ExportValue>>>>;
  observer?: HostCallObserver;
}

export type GuestOutcome =
  | { kind: 'exit'; code: number }
  | { kind: 'trap'; trap: GuestTrap }
  | { kind: 'stopped' };

/** Thrown by a host call once stop() was requested, to unwind a guest that keeps calling the host. */
class HostStopped extends Error {}

/** Imports the module needs that nobody supplies; the message lists each with how to supply it. */
export class UnsatisfiedImports extends Error {
  constructor(readonly missing: readonly { module: string; name: string; kind: string }[]) {
    super(
      `the module needs ${missing.length} import${missing.length === 1 ? '' : 's'} that nothing supplies:\n` +
        missing.map((m) => `  ${m.module}.${m.name} (${m.kind})`).join('\n'),
    );
  }
}

const utf8 = new TextEncoder();

export class WasiHost {
  readonly memory = new GuestMemory();
  readonly fds = new FdTable();
  readonly wasiImport: HostFunctions;
  private readonly options: WasiHostOptions;
  private stopFlag = false;
  private instance: WebAssembly.Instance | undefined;

  constructor(options: WasiHostOptions = {}) {
    this.options = options;
    this.fds.set(0, new StreamDescriptor('stdin', options.stdin ?? emptyInput, undefined));
    this.fds.set(1, new StreamDescriptor('stdout', undefined, options.stdout ?? discardOutput));
    this.fds.set(2, new StreamDescriptor('stderr', undefined, options.stderr ?? discardOutput));
    for (const preopen of options.preopens ?? []) {
      const root = realpathSync(path.resolve(preopen.hostPath));
      this.fds.add(new DirectoryDescriptor(root, preopen.guestPath, root, DIRECTORY_RIGHTS, DIRECTORY_INHERITING, preopen.guestPath));
    }
    const context: HostContext = {
      memory: this.memory,
      fds: this.fds,
      args: (options.args ?? ['main.wasm']).map((a) => utf8.encode(a)),
      env: Object.entries(options.env ?? {}).map(([k, v]) => utf8.encode(`${k}=${v}`)),
      readiness: options.readiness ?? new SleepOnlySignal(),
      stopRequested: () => this.stopFlag,
    };
    const families = [
      argsFunctions, environFunctions, clockFunctions, fdFunctions, pathFunctions, pollFunctions,
      procFunctions, randomFunctions, schedFunctions, sockFunctions,
    ];
    const functions: HostFunctions = {};
    for (const family of families) Object.assign(functions, family(context));
    const observer = options.observer;
    this.wasiImport = {};
    for (const [name, fn] of Object.entries(functions)) {
      const guarded = guard(fn, () => this.stopFlag);
      this.wasiImport[name] = observer ? observe(WASI_PREVIEW1, name, guarded, observer) : guarded;
    }
  }

  /** The import object: our WASI functions plus the embedder's modules. */
  get importObject(): WebAssembly.Imports {
    return { ...this.options.imports, [WASI_PREVIEW1]: this.wasiImport } as WebAssembly.Imports;
  }

  /** Fails with UnsatisfiedImports before anything runs when an import has no supplier. */
  checkImports(module: WebAssembly.Module): void {
    const imports = this.importObject as Record<string, Record<string, unknown>>;
    const missing = WebAssembly.Module.imports(module).filter(
      (entry) => entry.kind !== 'memory' && imports[entry.module]?.[entry.name] === undefined,
    );
    if (missing.length) throw new UnsatisfiedImports(missing);
  }

  /** Checks imports, instantiates and attaches the guest's exported memory. */
  instantiate(module: WebAssembly.Module): WebAssembly.Instance {
    this.checkImports(module);
    const instance = new WebAssembly.Instance(module, this.importObject);
    const memory = instance.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new Error('the module exports no memory named "memory"');
    this.memory.attach(memory);
    this.instance = instance;
    return instance;
  }

  get currentInstance(): WebAssembly.Instance | undefined {
    return this.instance;
  }

  /** Runs a command module's `_start` to the end and says how it ended. Flushes stdout/stderr. */
  run(instance: WebAssembly.Instance = this.requireInstance()): GuestOutcome {
    const start = instance.exports._start;
    if (typeof start !== 'function') throw new Error('the module has no _start export: it is not a WASI command');
    return this.call(() => {
      (start as () => void)();
    });
  }

  /** Runs a reactor's `_initialize`. */
  initialize(instance: WebAssembly.Instance = this.requireInstance()): GuestOutcome {
    const init = instance.exports._initialize;
    if (typeof init !== 'function') return { kind: 'exit', code: 0 };
    return this.call(() => {
      (init as () => void)();
    });
  }

  /**
   * Calls an export (a reactor's //go:wasmexport function, after initialize) and says how it ended;
   * `returned` tells a normal return (the guest lives on, `results` is what it returned) from an
   * end (proc_exit, a trap, a stop), which `outcome` describes.
   */
  callExport(
    name: string,
    args: readonly (number | bigint)[],
    instance: WebAssembly.Instance = this.requireInstance(),
  ): { returned: boolean; results: unknown; outcome: GuestOutcome } {
    const fn = instance.exports[name];
    if (typeof fn !== 'function') throw new Error(`the module has no function export "${name}"`);
    let results: unknown;
    let returned = false;
    const outcome = this.call(() => {
      results = (fn as (...values: (number | bigint)[]) => unknown)(...args);
      returned = true;
    });
    return { returned, results, outcome };
  }

  /** Asks the guest to stop: its next host call unwinds it. A guest that never calls the host needs a worker to be stopped. */
  stop(): void {
    this.stopFlag = true;
  }

  /** Closes every descriptor the guest left open. */
  dispose(): void {
    this.fds.closeAll();
  }

  private call(body: () => void): GuestOutcome {
    let outcome: GuestOutcome;
    try {
      body();
      outcome = { kind: 'exit', code: 0 };
    } catch (error) {
      if (error instanceof ProcExit) outcome = { kind: 'exit', code: error.code };
      else if (error instanceof HostStopped) outcome = { kind: 'stopped' };
      else {
        const trap = classifyGuestFault(error);
        if (!trap) throw error;
        outcome = { kind: 'trap', trap };
      }
    }
    this.flushOutput();
    return outcome;
  }

  private flushOutput(): void {
    for (const fd of [1, 2]) {
      const entry = this.fds.peek(fd);
      if (entry instanceof StreamDescriptor) {
        try {
          entry.output?.flush?.();
        } catch {
          // A reader that went away cannot be flushed to; the exit status still stands.
        }
      }
    }
  }

  private requireInstance(): WebAssembly.Instance {
    if (!this.instance) throw new Error('instantiate the module first');
    return this.instance;
  }
}

/**
 * Wraps a host function so that nothing but proc_exit (and a requested stop) leaves it as an
 * exception: faults become EFAULT, WasiError its errno, host errors their errno. Fixed arities
 * avoid a rest-parameter array on every call.
 */
function guard(fn: HostFunction, stopped: () => boolean): HostFunction {
  const fail = (error: unknown): number => {
    if (error instanceof ProcExit) throw error;
    if (stopped()) throw new HostStopped();
    if (error instanceof WasiError) return error.errno;
    if (error instanceof GuestFault) return Errno.FAULT;
    return errnoFromHostError(error);
  };
  const check = (): void => {
    if (stopped()) throw new HostStopped();
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type A = any;
  switch (fn.length) {
    case 0: return () => { check(); try { return fn(); } catch (e) { return fail(e); } };
    case 1: return (a: A) => { check(); try { return fn(a); } catch (e) { return fail(e); } };
    case 2: return (a: A, b: A) => { check(); try { return fn(a, b); } catch (e) { return fail(e); } };
    case 3: return (a: A, b: A, c: A) => { check(); try { return fn(a, b, c); } catch (e) { return fail(e); } };
    case 4: return (a: A, b: A, c: A, d: A) => { check(); try { return fn(a, b, c, d); } catch (e) { return fail(e); } };
    case 5: return (a: A, b: A, c: A, d: A, e: A) => { check(); try { return fn(a, b, c, d, e); } catch (x) { return fail(x); } };
    case 6: return (a: A, b: A, c: A, d: A, e: A, f: A) => { check(); try { return fn(a, b, c, d, e, f); } catch (x) { return fail(x); } };
    default: return (...args: A[]) => { check(); try { return fn(...args); } catch (x) { return fail(x); } };
  }
}

function observe(module: string, name: string, fn: HostFunction, observer: HostCallObserver): HostFunction {
  return (...args: (number | bigint)[]) => {
    const call: HostCall = { module, name, args };
    observer.before?.(call);
    let result: number | void = undefined;
    try {
      result = fn(...args);
      return result;
    } finally {
      observer.after?.(call, result === undefined ? undefined : result);
    }
  };
}
