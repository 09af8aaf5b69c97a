// The debugger's runtime: knows how to build, run, stop and inspect a wasip1 guest, and nothing of
// the Debug Adapter Protocol (the session translates). Debugged, the guest runs in a worker thread
// (debugWorkerThread.js); its stdio crosses over the runner's shared rings, and commands over a
// MessagePort plus a mailbox cell the worker checks at each host call. Run without the debugger
// (on Linux), it runs as `wasip1 run` runs it, in a process of its own (childProcessRun.ts).
import { EventEmitter } from 'node:events';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { HostModuleSource } from '../wasi/hostModules';
import { DEFAULT_RING_BYTES, SharedRing, WakeCells } from '../wasi/runner/sharedRing';
import { ChildProcessRun, childProcessRunAvailable, type ChildGuestEvent } from '../wasi/runner/childProcessRun';
import { InputPump, OutputPump } from '../wasi/runner/stdioPumps';
import { parseTcpListenAddress, TcpListeners } from '../wasi/runner/tcpListeners';
import {
  CONTROL_BYTES, type DebugWorkerSetup, type ExceptionFilter, type FunctionBreakpointSpec, type GuestEnd,
  MAILBOX, type StoppedMessage, type WorkerCommand, type WorkerEvent, type WorkerRequest,
} from './debugWorkerProtocol';
import type { FrameScopes, ShownVariable } from './goFrameVariables';
import type { LineBreakpointSpec, ResolvedLineBreakpoint, StepKind } from './goLineStops';
import { GuestThread } from './guestThread';
import { guestSetup, type GuestSetup, type Wasip1LaunchArguments, workingDirectoryOf } from './launchConfiguration';
import { type DebugInformation, type PreparedProgram, prepareProgram } from './programPreparation';

export type OutputCategory = 'stdout' | 'stderr' | 'console';

/** How long a first look at a frame's variables waits for the debug-information build. */
const DEBUG_INFO_WAIT_MS = 30_000;
/** How long a request to the worker may wait: it is answered at the next host call or while paused. */
const WORKER_REPLY_TIMEOUT_MS = 2000;

export interface Wasip1RuntimeEvents {
  /** The guest is instantiated (host modules loaded, imports checked) and about to run. */
  ready: [];
  output: [category: OutputCategory, text: string];
  stopped: [stop: StoppedMessage];
  breakpointProblem: [id: number, message: string];
  /** Where Go line breakpoints can go, per source file: known once the module is instrumented. */
  statementLines: [files: Record<string, number[]>];
  lineBreakpoints: [resolved: ResolvedLineBreakpoint[]];
  /** The guest ended; `exited` carries its exit code when it had one. */
  ended: [end: GuestEnd];
  /** The guest read stdin for the first time (said once per run, so the user learns how to end the input). */
  readsStdin: [];
}

export interface StartOptions {
  noDebug?: boolean;
  stopOnEntry?: boolean;
  /** true: trace lines in the Debug Console; a path: appended to that file instead. */
  trace?: boolean | string;
  breakpoints?: readonly FunctionBreakpointSpec[];
  lineBreakpoints?: readonly LineBreakpointSpec[];
  exceptionFilters?: readonly ExceptionFilter[];
  /** Takes the guest's stdout and stderr bytes as they come (a terminal) instead of `output` events. */
  stdio?: (stream: 'stdout' | 'stderr', bytes: Uint8Array) => void;
  /**
   * Where stdin comes from instead of writeStdin(): read once the guest reads, paused while the
   * ring is full (an embedder's pipe or file; the terminal and the Debug Console use writeStdin).
   */
  stdin?: NodeJS.ReadableStream;
}

export interface RuntimeOptions {
  /** The guest thread's script; default: debugWorkerThread.js beside this bundle. */
  workerScript?: string;
  /** The guest process's script (a run without the debugger); default: guestProcess.js beside the worker's. */
  processScript?: string;
  /**
   * A descriptor (an embedder's file or pipe) the guest reads as its stdin: itself, without copies
   * through this process, when it runs in a process of its own; through the rings in a worker.
   */
  stdinFd?: number;
}

export class Wasip1Runtime extends EventEmitter<Wasip1RuntimeEvents> {
  private worker: Worker | undefined;
  private commands: MessagePort | undefined;
  private control: Int32Array | undefined;
  private cells: WakeCells | undefined;
  private pumps: OutputPump[] = [];
  private stdin: InputPump | undefined;
  /** Set until the guest first asks for stdin. */
  private stdinNotYetWanted: SharedRing | undefined;
  private nextRequestId = 1;
  private readonly pending = new Map<number, { resolve: (body: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private ended = false;
  private tcpListeners: TcpListeners | undefined;
  /** The fd trace lines go to when `trace` names a file; written synchronously so the file is complete when the session ends. */
  private traceFd: number | undefined;
  private endedPromise: Promise<void> | undefined;
  /** Settles once the debug information (or why there is none) is with the guest's thread. */
  private debugInfoSent: Promise<void> = Promise.resolve();
  private readonly debugInfoBuild = new AbortController();
  setup: GuestSetup | undefined;

  /** The guest's thread while it boots, before start() hands it the guest. */
  private thread: GuestThread | undefined;
  /** A run without the debugger: the guest's process, booting from prepare() on. */
  private process: ChildProcessRun | undefined;
  /** The guest's process once it has its guest. */
  private processChild: ChildProcessRun | undefined;
  private processStopped = false;
  private processClosed: Promise<void> | undefined;

  private readonly workerScript: string;
  private readonly processScript: string;
  private readonly stdinFd: number | undefined;

  constructor(options: RuntimeOptions = {}) {
    super();
    this.workerScript = options.workerScript ?? path.join(__dirname, 'debugWorkerThread.js');
    this.processScript = options.processScript ?? path.join(path.dirname(this.workerScript), 'guestProcess.js');
    this.stdinFd = options.stdinFd;
  }

  /**
   * A run without the debugger goes to a process of its own where one can hold the guest on its
   * thread (as `wasip1 run` does); tracing host calls needs the debugger's worker, and
   * WASIP1_RUN_IN_WORKER=1 keeps every run there.
   */
  static runsInProcess(launch: Pick<Wasip1LaunchArguments, 'noDebug' | 'trace'>): boolean {
    return Boolean(launch.noDebug) && !launch.trace && childProcessRunAvailable() && process.env.WASIP1_RUN_IN_WORKER !== '1';
  }

  /** Builds the program if it is Go source; compile errors come back as data. The guest's thread or process boots meanwhile. */
  async prepare(launch: Wasip1LaunchArguments, signal?: AbortSignal): Promise<PreparedProgram> {
    let inProcess = Wasip1Runtime.runsInProcess(launch);
    if (inProcess) {
      try {
        this.process ??= new ChildProcessRun(this.processScript, this.stdinFd);
      } catch (error) {
        // No FIFO to be had (no mkfifo, an unwritable temp directory): the worker runs it instead.
        this.emit('output', 'console', `Running in the debugger's worker: no process of its own (${(error as Error).message})\n`);
        inProcess = false;
      }
    }
    if (!inProcess) this.thread ??= new GuestThread(this.workerScript);
    let prepared: PreparedProgram | undefined;
    try {
      // The guest's process compiles the module itself: here it is only checked.
      prepared = await prepareProgram(launch, { signal, compile: !inProcess, log: (line) => this.emit('output', 'console', line + '\n') });
      return prepared;
    } finally {
      if (!prepared?.ok) this.dropThread();
    }
  }

  start(launch: Wasip1LaunchArguments, program: { wasmPath: string; bytes: Uint8Array; hostModules?: HostModuleSource[]; listing?: string; module?: WebAssembly.Module; debugInfo?: (signal: AbortSignal) => Promise<DebugInformation> }, options: StartOptions = {}): void {
    const setup = (this.setup = guestSetup(launch, program.wasmPath));
    // prepare() chose: a run without the debugger has its process by now.
    if (this.process) {
      this.startProcess(launch, program, options);
      return;
    }
    if (typeof options.trace === 'string') {
      const file = path.resolve(workingDirectoryOf(launch), options.trace);
      try {
        this.traceFd = openSync(file, 'a');
        this.emit('output', 'console', `Tracing host calls to ${file}\n`);
      } catch (error) {
        this.emit('output', 'stderr', `Cannot write the trace to ${file}: ${(error as Error).message}; tracing to the Debug Console\n`);
      }
    }
    const cells = (this.cells = new WakeCells());
    const rings = [0, 1, 2].map(() => new SharedRing(DEFAULT_RING_BYTES));
    const [stdinRing, stdoutRing, stderrRing] = rings;
    const stdio = options.stdio;
    this.pumps = [
      new OutputPump(stdoutRing, cells, stdio ? (bytes) => stdio('stdout', bytes) : textSink((text) => this.emit('output', 'stdout', text))),
      new OutputPump(stderrRing, cells, stdio ? (bytes) => stdio('stderr', bytes) : textSink((text) => this.emit('output', 'stderr', text))),
    ];
    this.stdin = new InputPump(stdinRing, cells, options.stdin ?? (this.stdinFd !== undefined ? createReadStream('', { fd: this.stdinFd, autoClose: false }) : undefined));
    this.stdinNotYetWanted = stdinRing;
    const listeners = launch.tcplisten?.length
      ? (this.tcpListeners = new TcpListeners(launch.tcplisten.map(parseTcpListenAddress), cells, DEFAULT_RING_BYTES))
      : undefined;
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.control = new Int32Array(control);
    const channel = new MessageChannel();
    this.commands = channel.port1;
    const workerSetup: DebugWorkerSetup = {
      wasm: program.bytes,
      // The debugger instruments the bytes and compiles its own; a plain run reuses prepare's compilation.
      module: options.noDebug ? program.module : undefined,
      control,
      wake: cells.buffer,
      stdin: stdinRing.buffer,
      stdout: stdoutRing.buffer,
      stderr: stderrRing.buffer,
      args: setup.argv,
      env: setup.env,
      preopens: setup.preopens,
      hostModules: program.hostModules ?? [],
      noDebug: options.noDebug ?? false,
      stopOnEntry: options.stopOnEntry ?? false,
      trace: Boolean(options.trace),
      breakpoints: options.breakpoints ?? [],
      lineBreakpoints: options.lineBreakpoints ?? [],
      listing: program.listing,
      exceptionFilters: options.exceptionFilters ?? [],
      commands: channel.port2,
      listenerPorts: listeners?.workerPorts ?? [],
      listenerNames: listeners?.names ?? [],
    };
    // Booted by prepare() while the program was built; booted now when start() comes alone.
    const thread = this.thread ?? new GuestThread(this.workerScript);
    this.thread = undefined;
    const worker = (this.worker = thread.worker);
    let resolveEnded: () => void = () => undefined;
    this.endedPromise = new Promise((resolve) => (resolveEnded = resolve));
    worker.on('message', (event: WorkerEvent) => this.onWorkerEvent(event));
    worker.on('error', (error) => this.finish({ kind: 'error', message: error.message }));
    worker.on('exit', () => {
      this.finish({ kind: 'stopped' });
      resolveEnded();
    });
    const failure = thread.begin(workerSetup, [channel.port2, ...(listeners?.workerPorts ?? [])]);
    if (failure) {
      this.finish({ kind: 'error', message: failure.message });
      resolveEnded();
    }
    void this.pumpLoop();
    const debugInfo = program.debugInfo;
    if (debugInfo && !options.noDebug) {
      // Built beside the running program, so that F5 does not wait for it; the first look at variables may.
      this.debugInfoSent = debugInfo(this.debugInfoBuild.signal).then(
        (info) => this.send({ kind: 'debugInfo', ...info }),
        (error: Error) => this.send({ kind: 'debugInfo', problem: `The debug information did not build: ${error.message}` }),
      );
    }
    listeners?.listen().then(
      (bound) => this.announceListening(bound),
      (error: Error) => {
        this.emit('output', 'stderr', `${error.message}\n`);
        void this.terminate();
      },
    );
  }

  get running(): boolean {
    return (this.worker !== undefined || this.processChild !== undefined) && !this.ended;
  }

  /** A run without the debugger, in the guest's own process: output as bytes from its pipes, events from its control socket. */
  private startProcess(launch: Wasip1LaunchArguments, program: { wasmPath: string; hostModules?: HostModuleSource[] }, options: StartOptions): void {
    const setup = this.setup as GuestSetup;
    const child = this.process as ChildProcessRun;
    this.process = undefined;
    this.processChild = child;
    const deliver = (stream: 'stdout' | 'stderr'): ((bytes: Uint8Array) => void) =>
      options.stdio ? (bytes) => options.stdio?.(stream, bytes) : textSink((text) => this.emit('output', stream, text));
    child.on('stdout', deliver('stdout'));
    child.on('stderr', deliver('stderr'));
    child.on('event', (event: ChildGuestEvent) => {
      switch (event.kind) {
        case 'ready': this.emit('ready'); break;
        case 'readsStdin': this.emit('readsStdin'); break;
        case 'listening': this.announceListening(event.addresses); break;
        case 'listenFailed': this.emit('output', 'stderr', `${event.message}\n`); break;
        case 'ended': break; // with the process's close, once its output is all delivered
      }
    });
    this.processClosed = new Promise((resolve) => {
      child.on('closed', (outcome, status) => {
        const stopped = this.processStopped;
        this.finish(outcome ?? (stopped ? { kind: 'stopped' } : { kind: 'error', message: `the guest's process ended ${status.signal ? `by ${status.signal}` : `with status ${status.code}`} before it reported how the guest ended` }));
        resolve();
      });
    });
    if (options.stdin) child.pipeStdin(options.stdin);
    child.begin({
      wasmPath: program.wasmPath,
      args: setup.argv,
      env: setup.env,
      preopens: setup.preopens,
      importModules: program.hostModules ?? [],
      tcpListen: (launch.tcplisten ?? []).map(parseTcpListenAddress),
    });
  }

  /** The addresses the guest's listening sockets were bound to, whichever runner bound them. */
  private announceListening(addresses: readonly { host: string; port: number }[]): void {
    this.emit('output', 'console', addresses.map((a) => `Listening on ${a.host}:${a.port}\n`).join(''));
  }

  setBreakpoints(breakpoints: FunctionBreakpointSpec[]): void {
    this.send({ kind: 'breakpoints', breakpoints });
  }

  /** The Go scopes (Arguments, Locals, Globals) of a frame of the stop; waits for the debug information a while. */
  async goScopes(frame: number): Promise<FrameScopes | undefined> {
    await Promise.race([this.debugInfoSent, new Promise((resolve) => setTimeout(resolve, DEBUG_INFO_WAIT_MS))]);
    return this.request({ kind: 'goScopes', frame });
  }

  goVariables(reference: number, start?: number, count?: number): Promise<ShownVariable[]> {
    return this.request({ kind: 'goVariables', reference, start, count });
  }

  goEvaluate(expression: string, frame: number): Promise<ShownVariable> {
    return this.request({ kind: 'goEvaluate', expression, frame });
  }

  /** Sets a bool or number variable shown under `reference` to a Go expression's value (over `frame`'s variables). */
  goSetVariable(reference: number, name: string, value: string, frame: number): Promise<ShownVariable> {
    return this.request({ kind: 'goSetVariable', reference, name, value, frame });
  }

  setLineBreakpoints(breakpoints: LineBreakpointSpec[]): void {
    this.send({ kind: 'lineBreakpoints', breakpoints });
  }

  /** A step by Go source line (by host call when the module has no Go line information). */
  step(kind: StepKind): void {
    this.send({ kind: 'step', step: kind });
  }

  setExceptionFilters(filters: ExceptionFilter[]): void {
    this.send({ kind: 'exceptionFilters', filters });
  }

  /** The guest stops at its next host call: a loop that never calls the host cannot be paused. */
  pause(): void {
    this.send({ kind: 'pause' });
  }

  continue(): void {
    this.send({ kind: 'continue' });
  }

  /** Lets the host call the guest is stopped at run, and stops at the next one, showing the result. */
  next(): void {
    this.send({ kind: 'next' });
  }

  readMemory(address: number, count: number): Promise<{ address: number; data: Uint8Array; unreadableBytes: number }> {
    return this.request({ kind: 'readMemory', address, count });
  }

  writeMemory(address: number, data: Uint8Array): Promise<{ bytesWritten: number }> {
    return this.request({ kind: 'writeMemory', address, data });
  }

  evaluate(expression: string): Promise<{ result: string }> {
    return this.request({ kind: 'evaluate', expression });
  }

  writeStdin(data: string | Uint8Array): void {
    if (!this.running) throw new Error('the program is not running');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.processChild) this.processChild.writeStdin(bytes);
    else this.stdin?.push(bytes);
  }

  endStdin(): void {
    if (!this.running) return;
    if (this.processChild) this.processChild.endStdin();
    else this.stdin?.end();
  }

  /** Resolves when the guest is about to run, or with how it ended if it never got that far. */
  started(): Promise<GuestEnd | undefined> {
    return new Promise((resolve) => {
      const ready = (): void => settle(undefined);
      const ended = (end: GuestEnd): void => settle(end);
      const settle = (end: GuestEnd | undefined): void => {
        this.off('ready', ready);
        this.off('ended', ended);
        resolve(end);
      };
      this.on('ready', ready);
      this.on('ended', ended);
    });
  }

  /** Ends the guest at once, even one spinning without host calls (the worker is terminated). */
  async terminate(): Promise<void> {
    this.dropThread();
    if (this.processChild) {
      if (!this.ended) {
        this.processStopped = true;
        this.processChild.kill();
      }
      await this.processClosed;
      return;
    }
    if (!this.worker) return;
    if (!this.ended) {
      this.send({ kind: 'terminate' });
      await this.worker.terminate();
    }
    await this.endedPromise;
  }

  private dropThread(): void {
    this.thread?.dispose();
    this.thread = undefined;
    this.process?.dispose();
    this.process = undefined;
  }

  private onWorkerEvent(event: WorkerEvent): void {
    // Output the guest wrote before this event is already in the rings: deliver it first, so a stop
    // or a trace line never overtakes the program's own output.
    this.pumpOutput();
    switch (event.kind) {
      case 'ready': this.emit('ready'); break;
      case 'stopped': this.emit('stopped', event); break;
      case 'breakpointProblem': this.emit('breakpointProblem', event.id, event.message); break;
      case 'statementLines': this.emit('statementLines', event.files); break;
      case 'log': this.emit('output', 'console', event.text + '\n'); break;
      case 'lineBreakpoints': this.emit('lineBreakpoints', event.breakpoints); break;
      case 'trace':
        if (this.traceFd !== undefined) writeSync(this.traceFd, event.text + '\n');
        else this.emit('output', 'console', event.text + '\n');
        break;
      case 'reply': {
        const waiting = this.pending.get(event.id);
        if (!waiting) break;
        this.pending.delete(event.id);
        clearTimeout(waiting.timer);
        if (event.ok) waiting.resolve(event.body);
        else waiting.reject(new Error(event.message));
        break;
      }
      case 'ended': this.finish(event.outcome); break;
    }
  }

  private finish(end: GuestEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.debugInfoBuild.abort();
    if (this.traceFd !== undefined) closeSync(this.traceFd);
    this.traceFd = undefined;
    this.pumpOutput();
    void this.tcpListeners?.finish();
    for (const pump of this.pumps) pump.abandon();
    this.stdin?.detach();
    for (const [, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('the program has ended'));
    }
    this.pending.clear();
    this.cells?.wakeMain();
    this.commands?.close();
    this.emit('ended', end);
  }

  private pumpOutput(): void {
    for (const pump of this.pumps) pump.pump();
    this.tcpListeners?.pump();
  }

  private async pumpLoop(): Promise<void> {
    const cells = this.cells as WakeCells;
    while (!this.ended) {
      const seen = cells.mainGeneration();
      this.pumpOutput();
      this.stdin?.pump();
      // The ring's first read wakes this loop (markWanted).
      if (this.stdinNotYetWanted?.wanted) {
        this.stdinNotYetWanted = undefined;
        this.emit('readsStdin');
      }
      await cells.waitInMain(seen);
    }
  }

  private send(command: WorkerCommand): void {
    if (!this.commands || !this.control || this.ended) return;
    this.commands.postMessage(command);
    Atomics.add(this.control, MAILBOX, 1);
    Atomics.notify(this.control, MAILBOX);
  }

  private request<T>(command: WorkerRequest): Promise<T> {
    if (!this.running) return Promise.reject(new Error('the program is not running'));
    const id = this.nextRequestId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the program did not answer: it is running and not calling the host; pause it first'));
      }, WORKER_REPLY_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (body: unknown) => void, reject, timer });
      this.send({ ...command, id });
    });
  }
}

/** Decodes a byte stream to text without splitting a UTF-8 sequence across chunks. */
function textSink(deliver: (text: string) => void): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder();
  return (chunk) => {
    const text = decoder.decode(chunk, { stream: true });
    if (text) deliver(text);
  };
}
