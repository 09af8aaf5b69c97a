// A guest in a process of its own, run as the CLI runs it (on that process's main thread, stdio on
// its own descriptors): the editor's Run path. A worker in the extension host cost a thread boot and
// two copies per byte through the shared rings; a child costs node's start-up, which it pays while
// the program is built, since the process starts before its guest is known. Linux only: the child
// runs the guest on its thread only where the in-thread runner can (runInThisThread.ts).
//
// The child (childProcessGuest.ts, dist/guestProcess.js) gets:
//   fd 0  a pipe (a FIFO, so the guest reads a real pipe, as from a shell), fed by writeStdin/endStdin
//   fd 1, 2  the guest's stdout and stderr, read here as bytes
//   fd 3  the control socket: the setup as one JSON line in, events as JSON lines out
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Preopen } from '../host';
import type { HostModuleSource } from '../hostModules';
import type { ListeningAddress, TcpListenAddress } from './tcpListeners';
import { wasmTuningArguments } from './engineTuning';
import type { RunResult } from './workerProtocol';

/** What the child needs to run its guest: everything the CLI's flags would say. */
export interface ChildGuestSetup {
  readonly wasmPath: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly preopens: readonly Preopen[];
  readonly importModules: readonly HostModuleSource[];
  readonly tcpListen: readonly TcpListenAddress[];
}

/** What the child reports on its control socket, one JSON line each. */
export type ChildGuestEvent =
  | { kind: 'ready' }
  | { kind: 'readsStdin' }
  | { kind: 'listening'; addresses: ListeningAddress[] }
  | { kind: 'listenFailed'; message: string }
  | { kind: 'ended'; outcome: RunResult };

export const CONTROL_FD = 3;

/** The worker's 16 MiB: a Go program recurses as deep in the editor as under `wasip1 run`. */
const STACK_KIB = 16384;
/** What runInThisThread.ts keeps below the OS limit for native frames. */
const NATIVE_MARGIN_KIB = 512;

/**
 * The shell line bin/wasip1 runs before node: raises the soft stack limit to hold V8's stack (where
 * the hard limit allows), else gives V8 what the limit holds. $0 is node, "$@" its arguments.
 */
const DEEP_STACK_SHELL =
  `k=${STACK_KIB} s=$(ulimit -s); [ "$s" = unlimited ] || [ "$s" -ge $((k + ${NATIVE_MARGIN_KIB})) ] || ` +
  `ulimit -s $((k + ${NATIVE_MARGIN_KIB})) 2>/dev/null || k=$((s > 1496 ? s - ${NATIVE_MARGIN_KIB} : 984)); ` +
  'exec "$0" --stack-size=$k "$@"';

export interface ChildProcessRunEvents {
  event: [event: ChildGuestEvent];
  stdout: [bytes: Buffer];
  stderr: [bytes: Buffer];
  /** The process is gone and its output delivered; the outcome it reported, if it got that far. */
  closed: [outcome: RunResult | undefined, status: { code: number | null; signal: NodeJS.Signals | null }];
}

/** True where a guest can run in a child process on its main thread. */
export function childProcessRunAvailable(): boolean {
  return process.platform === 'linux';
}

export class ChildProcessRun extends EventEmitter<ChildProcessRunEvents> {
  private readonly child: ChildProcess;
  private readonly control: Socket;
  private stdinWriter: Socket | undefined;
  private outcome: RunResult | undefined;
  private begun = false;
  private controlText = '';

  /**
   * Starts the process now; it waits for begin(). `script`: dist/guestProcess.js. `stdinFd`: a
   * descriptor the guest reads as its stdin directly (an embedder's file or pipe: no copy passes
   * through this process); without it, stdin is a pipe fed by writeStdin.
   */
  constructor(script: string, stdinFd?: number) {
    super();
    const stdin = stdinFd === undefined ? fifoPair() : undefined;
    this.child = spawn('/bin/sh', ['-c', DEEP_STACK_SHELL, process.execPath, ...wasmTuningArguments(), script], {
      // The extension host may be Electron: run it as plain node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: [stdin?.reader ?? stdinFd, 'pipe', 'pipe', 'pipe'],
    });
    if (stdin) {
      closeSync(stdin.reader);
      this.stdinWriter = new Socket({ fd: stdin.writer, readable: false, writable: true });
      // A guest that exits without reading its input makes the pending bytes fail with EPIPE: nobody reads them.
      this.stdinWriter.on('error', () => undefined);
    }
    this.control = this.child.stdio[CONTROL_FD] as Socket;
    this.control.setEncoding('utf8');
    this.control.on('data', (text: string) => this.onControl(text));
    this.control.on('error', () => undefined);
    this.child.stdout?.on('data', (bytes: Buffer) => this.emit('stdout', bytes));
    this.child.stderr?.on('data', (bytes: Buffer) => this.emit('stderr', bytes));
    this.child.on('error', () => undefined);
    this.child.on('close', (code, signal) => {
      this.stdinWriter?.destroy();
      this.emit('closed', this.outcome, { code, signal });
    });
    // A process still waiting for its guest keeps nobody's process alive.
    this.unref();
  }

  /** Hands the process its guest. */
  begin(setup: ChildGuestSetup): void {
    this.begun = true;
    this.child.ref();
    (this.child.stdout as Socket).ref();
    (this.child.stderr as Socket).ref();
    this.control.ref();
    this.control.write(JSON.stringify(setup) + '\n');
  }

  writeStdin(bytes: Uint8Array): void {
    this.stdinWriter?.write(bytes);
  }

  /** Pipes `input` to the guest's stdin, ending it at the stream's end. */
  pipeStdin(input: NodeJS.ReadableStream): void {
    if (this.stdinWriter) input.pipe(this.stdinWriter);
  }

  endStdin(): void {
    this.stdinWriter?.end();
    this.stdinWriter = undefined;
  }

  /** Ends the process at once (a guest spinning without host calls too). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Ends a process that will get no guest (it exits when its control socket closes). */
  dispose(): void {
    if (this.begun) return;
    this.control.destroy();
    this.stdinWriter?.destroy();
    this.stdinWriter = undefined;
  }

  private unref(): void {
    this.child.unref();
    (this.child.stdout as Socket | null)?.unref();
    (this.child.stderr as Socket | null)?.unref();
    this.control.unref();
  }

  private onControl(text: string): void {
    this.controlText += text;
    for (let newline = this.controlText.indexOf('\n'); newline >= 0; newline = this.controlText.indexOf('\n')) {
      const line = this.controlText.slice(0, newline);
      this.controlText = this.controlText.slice(newline + 1);
      let event: ChildGuestEvent;
      try {
        event = JSON.parse(line) as ChildGuestEvent;
      } catch {
        continue;
      }
      if (event.kind === 'ended') this.outcome = event.outcome;
      this.emit('event', event);
    }
  }
}

/**
 * Both ends of a new FIFO, opened blocking: the child reads a pipe as it would from a shell (node's
 * own 'pipe' is a socket pair, which the in-thread runner cannot wait on). Opening the read end
 * needs a writer first (or it blocks): a read-write open holds the FIFO meanwhile. The FIFO's name
 * is gone before this returns.
 */
function fifoPair(): { reader: number; writer: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wasip1-stdin-'));
  const fifo = path.join(dir, 'stdin');
  try {
    const made = spawnSync('mkfifo', ['-m', '600', fifo]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr?.toString().trim() || made.error?.message}`);
    const holder = openSync(fifo, constants.O_RDWR);
    try {
      const reader = openSync(fifo, constants.O_RDONLY);
      const writer = openSync(fifo, constants.O_WRONLY);
      return { reader, writer };
    } finally {
      closeSync(holder);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
