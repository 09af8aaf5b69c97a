// Runs a WASI guest in a worker thread: the API the CLI, the debug adapter and the tests use. The
// guest's WASI calls block its own thread only; this thread moves stdio between Node streams and
// shared rings, so the editor never freezes and a guest stuck in a loop can still be stopped.
import { existsSync, fstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseWasmModule, type WasmModule } from '../../wasm/moduleReader';
import type { Preopen } from '../host';
import type { HostModuleSource } from '../hostModules';
import type { ExportSummary, WasmValue } from '../reactor';
import { SharedRing, WakeCells, DEFAULT_RING_BYTES } from './sharedRing';
import { checkPreopen, signaturesOf } from './guestSession';
import { InputPump, OutputPump, type OutputSink } from './stdioPumps';
import { TcpListeners, type ListeningAddress, type TcpListenAddress } from './tcpListeners';
import { guestModeFor, type GuestMode, type ReactorRequest, type RunResult, type StartMessage, type WorkerMessage, type WorkerSetup } from './workerProtocol';
import { GUEST_STACK_MB } from './runInThisThread';

export type { RunResult } from './workerProtocol';
export type { HostModuleSource } from '../hostModules';
export type { ExportSummary, WasmValue } from '../reactor';
export type { ListeningAddress, TcpListenAddress } from './tcpListeners';

export type StdinOption = 'inherit' | 'ignore' | NodeJS.ReadableStream | Uint8Array | string;
export type OutputOption = 'inherit' | 'ignore' | NodeJS.WritableStream | ((chunk: Uint8Array) => void);

/** A module still being compiled (and parsed) by the caller, e.g. by prepareGuestModule. */
export type PendingModule = Promise<{ module: WebAssembly.Module; parsed?: WasmModule }>;

export interface RunOptions {
  /**
   * A compiled module, its bytes, the path of a .wasm file, or one still being compiled: the worker
   * thread (~20 ms to start) then boots while it compiles. If that promise rejects, done reports an
   * error; the caller, holding the same promise, knows why.
   */
  module: WebAssembly.Module | Uint8Array | string | PendingModule;
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
  /** The worker's stack in MiB. Go's wasm code recurses deeply (Go's own runner gives wasmtime 1 MiB of wasm stack). */
  stackSizeMb?: number;
  /** Bytes per stdio ring (a power of two); default 64 KiB. */
  ringBytes?: number;
  /** Path of the worker entry (hostWorker.js); default: next to this file or bundle. */
  workerScript?: string;
  /**
   * Host module files (ES modules, see types/wasip1-host.d.ts) supplying non-WASI import modules,
   * loaded in the guest's worker. With them, every import is checked there, in one message.
   */
  importModules?: HostModuleSource[];
  /**
   * Instead of running _start: initialise the reactor (_initialize) and call this export with
   * these arguments (strings are parsed by the export's wasm signature); done reports its results.
   */
  invoke?: { name: string; args?: (string | number | bigint)[] };
  /** Listening TCP sockets preopened for the guest, as fds after the preopened directories. */
  tcpListen?: TcpListenAddress[];
  /** The parsed module when `module` is a compiled one: its signatures check imports and --invoke arguments. */
  parsed?: WasmModule;
}

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
  /**
   * Calls an export; strings are parsed by its wasm signature, i64 values are bigints. Rejects
   * before initialize(), for a missing export (naming those there are), for arguments that do not
   * fit, and when the guest ends in the call (proc_exit, a trap): done then says how.
   */
  call(name: string, ...args: (string | number | bigint)[]): Promise<WasmValue[]>;
  /** Ends the reactor; done then settles with exit code 0. */
  close(): Promise<RunResult>;
}

export function runWasi(options: RunOptions): RunningGuest {
  return new GuestRun(options, guestModeFor(options.invoke));
}

/**
 * Starts a reactor (a module built with -buildmode=c-shared) and resolves once it is instantiated,
 * not yet initialised. Rejects when it cannot start (imports, host modules, a bad module).
 */
export async function runReactor(options: Omit<RunOptions, 'invoke'>): Promise<RunningReactor> {
  const run = new GuestRun(options, { kind: 'reactor' });
  const exports = await Promise.race([
    run.ready,
    run.done.then((result) => {
      throw new Error(result.kind === 'error' ? result.message : `the reactor ended before it was ready (${result.kind})`);
    }),
  ]);
  return new ReactorHandle(run, exports);
}

class ReactorHandle implements RunningReactor {
  constructor(private readonly run: GuestRun, readonly exports: readonly ExportSummary[]) {}
  get done(): Promise<RunResult> {
    return this.run.done;
  }
  get listening(): Promise<readonly ListeningAddress[]> {
    return this.run.listening;
  }
  stop(): void {
    this.run.stop();
  }
  writeStdin(data: Uint8Array | string): void {
    this.run.writeStdin(data);
  }
  endStdin(): void {
    this.run.endStdin();
  }
  async initialize(): Promise<void> {
    await this.run.request({ op: 'initialize' });
  }
  call(name: string, ...args: (string | number | bigint)[]): Promise<WasmValue[]> {
    return this.run.request({ op: 'call', name, args });
  }
  async close(): Promise<RunResult> {
    await this.run.request({ op: 'close' }).catch(() => undefined);
    return this.run.done;
  }
}

/**
 * Where hostWorker.js is: bundled, it sits next to the bundle (dist/cli.js, dist/debugAdapter.js,
 * dist/extension.js); compiled by tsc, next to this file. Both are `__dirname`.
 */
export function locateWorkerScript(explicit?: string): string {
  const candidates = explicit ? [path.resolve(explicit)] : [path.join(__dirname, 'hostWorker.js'), path.join(__dirname, 'runner', 'hostWorker.js')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the WASI host worker script was not found (looked for ${candidates.join(', ')})`);
  return found;
}

type RequestBody = ReactorRequest extends infer R ? (R extends ReactorRequest ? Omit<R, 'id'> : never) : never;

class GuestRun implements RunningGuest {
  readonly done: Promise<RunResult>;
  readonly listening: Promise<readonly ListeningAddress[]>;
  /** Reactor mode: resolves with the exports once the worker has instantiated the module. */
  readonly ready: Promise<readonly ExportSummary[]>;
  private resolveReady!: (exports: readonly ExportSummary[]) => void;
  private resolveDone!: (result: RunResult) => void;
  private listeners: TcpListeners | undefined;
  private readonly requests = new Map<number, { resolve: (results: WasmValue[]) => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  private readonly cells = new WakeCells();
  private worker: Worker | undefined;
  private stdin: InputPump | undefined;
  private readonly outputs: OutputPump[] = [];
  private readonly manualStdin: boolean;
  private outcome: RunResult | undefined;
  private stopRequested = false;
  private workerEnded = false;
  private settled = false;

  constructor(options: RunOptions, private readonly mode: GuestMode) {
    this.done = new Promise<RunResult>((resolve) => (this.resolveDone = resolve));
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    let listening: Promise<readonly ListeningAddress[]> = Promise.resolve([]);
    this.manualStdin = options.stdin === undefined;
    try {
      listening = this.start(options);
    } catch (error) {
      this.settle({ kind: 'error', message: messageOf(error) });
    }
    this.listening = listening;
    // Nobody need look at `listening`: a bind failure is reported through done as well.
    this.listening.catch(() => undefined);
  }

  /** Reactor mode: sends a request to the worker and resolves with its answer. */
  request(body: RequestBody): Promise<WasmValue[]> {
    if (this.settled || this.workerEnded) return Promise.reject(new Error('the reactor has ended'));
    const id = this.nextRequest++;
    return new Promise<WasmValue[]>((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.worker?.postMessage({ ...body, id } as ReactorRequest);
    });
  }

  stop(): void {
    this.stopRequested = true;
    this.cells.requestStop();
    if (this.worker && !this.workerEnded) {
      void this.worker.terminate();
    } else {
      // The guest already ended and a sink is holding done back: let it go.
      for (const output of this.outputs) output.abandon();
    }
  }

  writeStdin(data: Uint8Array | string): void {
    if (!this.manualStdin) throw new Error('writeStdin needs RunOptions.stdin to be omitted');
    if (this.settled || this.workerEnded) return;
    this.stdin?.push(typeof data === 'string' ? Buffer.from(data) : data);
  }

  endStdin(): void {
    if (this.manualStdin && !this.workerEnded) this.stdin?.end();
  }

  private start(options: RunOptions): Promise<readonly ListeningAddress[]> {
    for (const preopen of options.preopens ?? []) checkPreopen(preopen);
    const ringBytes = options.ringBytes ?? DEFAULT_RING_BYTES;
    const listeners = options.tcpListen?.length ? new TcpListeners(options.tcpListen, this.cells, ringBytes) : undefined;
    this.listeners = listeners;
    const stdinFd = options.stdin === 'inherit' && workerCanReadStdin() ? 0 : undefined;
    const stdinRing = options.stdin === 'ignore' || stdinFd !== undefined ? undefined : new SharedRing(ringBytes);
    const stdoutSink = resolveSink(options.stdout, process.stdout);
    const stderrSink = resolveSink(options.stderr, process.stderr);
    const stdoutRing = stdoutSink ? new SharedRing(ringBytes) : undefined;
    const stderrRing = stderrSink ? new SharedRing(ringBytes) : undefined;
    const setup: WorkerSetup = {
      wake: this.cells.buffer,
      stdin: stdinRing?.buffer ?? null,
      stdinFd,
      stdout: stdoutRing?.buffer ?? null,
      stderr: stderrRing?.buffer ?? null,
      stdoutIsTerminal: options.stdout === 'inherit' && process.stdout.isTTY === true,
      stderrIsTerminal: options.stderr === 'inherit' && process.stderr.isTTY === true,
      args: options.args ?? ['main.wasm'],
      env: options.env ?? {},
      preopens: options.preopens ?? [],
      importModules: options.importModules?.map((m) => ({ module: m.module, file: path.resolve(m.file) })),
      listenerPorts: listeners?.workerPorts,
      mode: this.mode,
    };

    const script = locateWorkerScript(options.workerScript);
    // The worker starts while the module compiles here; the compiled module is then shared with it.
    const worker = new Worker(script, {
      workerData: setup,
      transferList: listeners?.workerPorts,
      resourceLimits: { stackSizeMb: options.stackSizeMb ?? GUEST_STACK_MB },
    });
    this.worker = worker;
    worker.on('message', (message: WorkerMessage) => this.receive(message));
    worker.on('error', (error) => {
      this.outcome ??= { kind: 'error', message: `the WASI host worker failed: ${messageOf(error)}` };
    });
    worker.on('exit', (code) => void this.finish(code));

    if (stdinRing) {
      const stdin = options.stdin;
      if (stdin === undefined) this.stdin = new InputPump(stdinRing, this.cells);
      else if (stdin === 'inherit') this.stdin = new InputPump(stdinRing, this.cells, process.stdin);
      else if (typeof stdin === 'string' || stdin instanceof Uint8Array) {
        this.stdin = new InputPump(stdinRing, this.cells);
        this.stdin.push(typeof stdin === 'string' ? Buffer.from(stdin) : stdin);
        this.stdin.end();
      } else this.stdin = new InputPump(stdinRing, this.cells, stdin);
    }
    if (stdoutRing && stdoutSink) this.outputs.push(new OutputPump(stdoutRing, this.cells, stdoutSink));
    if (stderrRing && stderrSink) this.outputs.push(new OutputPump(stderrRing, this.cells, stderrSink));

    void this.pumpUntilEnd();
    const listening = listeners ? listeners.listen() : Promise.resolve([]);
    // The guest starts once its sockets are bound: a bind failure ends the run before it begins.
    void Promise.all([loadModule(options.module, options.parsed), listening]).then(
      ([loaded]) => {
        if (!this.workerEnded) worker.postMessage({ ...loaded, listenerNames: listeners?.names } satisfies StartMessage);
      },
      (error: unknown) => {
        this.outcome ??= { kind: 'error', message: messageOf(error), ...(listeners && isListenError(error) ? { reason: 'listen' as const } : {}) };
        void worker.terminate();
      },
    );
    return listening;
  }

  private receive(message: WorkerMessage): void {
    if ('outcome' in message) this.outcome = message.outcome;
    else if ('ready' in message) this.resolveReady(message.ready.exports);
    else {
      const pending = this.requests.get(message.id);
      this.requests.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.results ?? []);
    }
  }

  /** Moves stdio each time the worker signals a change, until the worker has gone. */
  private async pumpUntilEnd(): Promise<void> {
    while (!this.workerEnded) {
      const seen = this.cells.mainGeneration();
      this.pumpAll();
      await this.cells.waitInMain(seen);
    }
  }

  private pumpAll(): void {
    this.stdin?.pump();
    for (const output of this.outputs) output.pump();
    this.listeners?.pump();
  }

  private async finish(exitCode: number): Promise<void> {
    this.workerEnded = true;
    // Releases pumpUntilEnd's wait; the rings still hold whatever the guest wrote last.
    this.cells.wakeMain();
    this.stdin?.detach();
    await Promise.all([...this.outputs.map((output) => output.finish()), this.listeners?.finish()]);
    for (const pending of this.requests.values()) pending.reject(new Error('the reactor has ended'));
    this.requests.clear();
    const result =
      this.outcome ??
      (this.stopRequested ? { kind: 'stopped' as const } : { kind: 'error' as const, message: `the WASI host worker exited with code ${exitCode} before the guest ended` });
    this.settle(this.stopRequested && result.kind === 'error' ? { kind: 'stopped' } : result);
  }

  private settle(result: RunResult): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveDone(result);
  }
}

/**
 * Whether the guest's thread can read this process's stdin itself: a file (never blocks), or a pipe
 * on Linux (read without blocking through /proc/self/fd/0, as the CLI's own thread does). A terminal
 * or a socket stays with the main thread, which reads it as a stream.
 */
function workerCanReadStdin(): boolean {
  try {
    const stats = fstatSync(0);
    return stats.isFile() || stats.isBlockDevice() || (stats.isFIFO() && process.platform === 'linux');
  } catch {
    return false;
  }
}

/** undefined: output is discarded inside the worker. */
function resolveSink(option: OutputOption | undefined, inherited: NodeJS.WritableStream): OutputSink | undefined {
  if (option === undefined || option === 'ignore') return undefined;
  if (option === 'inherit') return inherited;
  return option;
}

type LoadedModule = Pick<StartMessage, 'module' | 'imports' | 'exports'>;

/** Compiles the module; when its bytes are at hand, also reads the signatures of its imports and exports. */
async function loadModule(source: RunOptions['module'], parsed: WasmModule | undefined): Promise<LoadedModule> {
  if (source instanceof WebAssembly.Module) return { module: source, ...signaturesOf(parsed) };
  if (source instanceof Promise) {
    const pending = await source;
    return { module: pending.module, ...signaturesOf(pending.parsed ?? parsed) };
  }
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new Error(`cannot read ${source}: ${messageOf(error)}`, { cause: error });
    }
  } else bytes = source;
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new Error(`not a valid wasm module: ${messageOf(error)}`, { cause: error });
  }
  if (!parsed) {
    try {
      parsed = parseWasmModule(bytes);
    } catch {
      // V8 accepted it; without our reading, the worker checks names only.
    }
  }
  return { module, ...signaturesOf(parsed) };
}

function isListenError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('cannot listen on');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
