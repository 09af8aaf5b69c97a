// Runs a WASI guest in a worker thread: the API the CLI, the debug adapter and the tests use. The
// guest's WASI calls block its own thread only; this thread moves stdio between Node streams and
// shared rings, so the editor never freezes and a guest stuck in a loop can still be stopped.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Preopen } from '../host';
import { SharedRing, WakeCells, DEFAULT_RING_BYTES } from './sharedRing';
import { InputPump, OutputPump, type OutputSink } from './stdioPumps';
import type { OutcomeMessage, RunResult, StartMessage, WorkerSetup } from './workerProtocol';

export type { RunResult } from './workerProtocol';

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
  /** The worker's stack in MiB. Go's wasm code recurses deeply (Go's own runner gives wasmtime 1 MiB of wasm stack). */
  stackSizeMb?: number;
  /** Bytes per stdio ring (a power of two); default 64 KiB. */
  ringBytes?: number;
  /** Path of the worker entry (hostWorker.js); default: next to this file or bundle. */
  workerScript?: string;
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
}

const DEFAULT_STACK_MB = 16;

export function runWasi(options: RunOptions): RunningGuest {
  return new GuestRun(options);
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

class GuestRun implements RunningGuest {
  readonly done: Promise<RunResult>;
  private resolveDone!: (result: RunResult) => void;
  private readonly cells = new WakeCells();
  private worker: Worker | undefined;
  private stdin: InputPump | undefined;
  private readonly outputs: OutputPump[] = [];
  private readonly manualStdin: boolean;
  private outcome: RunResult | undefined;
  private stopRequested = false;
  private workerEnded = false;
  private settled = false;

  constructor(options: RunOptions) {
    this.done = new Promise<RunResult>((resolve) => (this.resolveDone = resolve));
    this.manualStdin = options.stdin === undefined;
    try {
      this.start(options);
    } catch (error) {
      this.settle({ kind: 'error', message: messageOf(error) });
    }
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

  private start(options: RunOptions): void {
    for (const preopen of options.preopens ?? []) checkPreopen(preopen);
    const ringBytes = options.ringBytes ?? DEFAULT_RING_BYTES;
    const stdinRing = options.stdin === 'ignore' ? undefined : new SharedRing(ringBytes);
    const stdoutSink = resolveSink(options.stdout, process.stdout);
    const stderrSink = resolveSink(options.stderr, process.stderr);
    const stdoutRing = stdoutSink ? new SharedRing(ringBytes) : undefined;
    const stderrRing = stderrSink ? new SharedRing(ringBytes) : undefined;
    const setup: WorkerSetup = {
      wake: this.cells.buffer,
      stdin: stdinRing?.buffer ?? null,
      stdout: stdoutRing?.buffer ?? null,
      stderr: stderrRing?.buffer ?? null,
      stdoutIsTerminal: options.stdout === 'inherit' && process.stdout.isTTY === true,
      stderrIsTerminal: options.stderr === 'inherit' && process.stderr.isTTY === true,
      args: options.args ?? ['main.wasm'],
      env: options.env ?? {},
      preopens: options.preopens ?? [],
    };

    const script = locateWorkerScript(options.workerScript);
    // The worker starts while the module compiles here; the compiled module is then shared with it.
    const worker = new Worker(script, {
      workerData: setup,
      resourceLimits: { stackSizeMb: options.stackSizeMb ?? DEFAULT_STACK_MB },
    });
    this.worker = worker;
    worker.on('message', (message: OutcomeMessage) => (this.outcome = message.outcome));
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
    void loadModule(options.module).then(
      (module) => {
        if (!this.workerEnded) worker.postMessage({ module } satisfies StartMessage);
      },
      (error: unknown) => {
        this.outcome ??= { kind: 'error', message: messageOf(error) };
        void worker.terminate();
      },
    );
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
  }

  private async finish(exitCode: number): Promise<void> {
    this.workerEnded = true;
    // Releases pumpUntilEnd's wait; the rings still hold whatever the guest wrote last.
    this.cells.wakeMain();
    this.stdin?.detach();
    await Promise.all(this.outputs.map((output) => output.finish()));
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

/** Caught here, the message names the directory; inside the worker it would be a bare ENOENT. */
function checkPreopen(preopen: Preopen): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(preopen.hostPath).isDirectory();
  } catch (error) {
    throw new Error(`cannot preopen ${preopen.hostPath} as ${preopen.guestPath}: ${messageOf(error)}`, { cause: error });
  }
  if (!isDirectory) throw new Error(`cannot preopen ${preopen.hostPath} as ${preopen.guestPath}: not a directory`);
}

/** undefined: output is discarded inside the worker. */
function resolveSink(option: OutputOption | undefined, inherited: NodeJS.WritableStream): OutputSink | undefined {
  if (option === undefined || option === 'ignore') return undefined;
  if (option === 'inherit') return inherited;
  return option;
}

async function loadModule(source: RunOptions['module']): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new Error(`cannot read ${source}: ${messageOf(error)}`, { cause: error });
    }
  } else bytes = source;
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new Error(`not a valid wasm module: ${messageOf(error)}`, { cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
