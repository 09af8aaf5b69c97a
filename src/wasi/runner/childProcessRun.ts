// A guest in a process of its own, run as the CLI runs it (on that process's main thread, stdio on
// its own descriptors): the editor's Run path. A worker in the extension host cost a thread boot and
// two copies per byte through the shared rings; a child costs node's start-up, which it pays while
// the program is built, since the process starts before its guest is known. Linux only: the child
// runs the guest on its thread only where the in-thread runner can (runInThisThread.ts).
//
// The child (childProcessGuest.ts, dist/guestProcess.js) gets:
//   fd 0  a pipe fed by writeStdin/endStdin, or the embedder's own descriptor
//   fd 1, 2  pipes whose bytes come out here as 'stdout' and 'stderr' events
//   fd 3  the control socket: the setup as one JSON line in, events as JSON lines out
// The pipes are FIFOs, real pipes as a shell gives them: node's own 'pipe' is a socket pair, which
// the in-thread runner cannot wait on for stdin, and whose reads here could not be paced (below).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Preopen } from '../host';
import type { HostModuleSource } from '../hostModules';
import type { ListeningAddress, TcpListenAddress } from './tcpListeners';
import { wasmTuningArguments } from './engineTuning';
import { GUEST_STACK_MB, NATIVE_MARGIN_KIB } from './runInThisThread';
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

const STACK_KIB = GUEST_STACK_MB * 1024;

/**
 * The shell line bin/wasip1 runs before node: raises the soft stack limit to hold V8's stack (where
 * the hard limit allows), else gives V8 what the limit holds. $0 is node, "$@" its arguments.
 */
const DEEP_STACK_SHELL =
  `k=${STACK_KIB} s=$(ulimit -s); [ "$s" = unlimited ] || [ "$s" -ge $((k + ${NATIVE_MARGIN_KIB})) ] || ` +
  `ulimit -s $((k + ${NATIVE_MARGIN_KIB})) 2>/dev/null || k=$((s > 1496 ? s - ${NATIVE_MARGIN_KIB} : 984)); ` +
  'exec "$0" --stack-size=$k "$@"';

/** One read of the guest's output at most; a full read is followed by the next at once. */
const OUTPUT_READ_BYTES = 64 * 1024;
/**
 * After a short read, how long the next waits: the kernel gathers what the guest writes meanwhile.
 * A guest writing 16 bytes a call made one read and one delivery per call (200,000 of them for
 * bench/programs/smallwrites, doubling its CPU time); paced, a few hundred. The first bytes after a
 * quiet spell are read at once, so a prompt is never late.
 */
const OUTPUT_PACE_MS = 1;

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
    const fifos = makeFifos(stdinFd === undefined ? 3 : 2);
    const [stdout, stderr] = fifos;
    const stdin = fifos[2];
    try {
      // Under Electron (desktop VS Code) the flag is set from code instead: an option its node does
      // not take would end the process before it starts (tuneWasmEngine only prints a warning).
      const tuning = process.versions.electron ? [] : wasmTuningArguments();
      this.child = spawn('/bin/sh', ['-c', DEEP_STACK_SHELL, process.execPath, ...tuning, script], {
        // The extension host may be Electron: run it as plain node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: [stdin?.reader ?? stdinFd, stdout.writer, stderr.writer, 'pipe'],
      });
    } finally {
      // The child has its ends; ours would hold the pipes open (no end of file for either side).
      for (const fd of [stdout.writer, stderr.writer, stdin?.reader]) if (fd !== undefined) closeSync(fd);
    }
    if (stdin) {
      this.stdinWriter = new Socket({ fd: stdin.writer, readable: false, writable: true });
      // A guest that exits without reading its input makes the pending bytes fail with EPIPE: nobody reads them.
      this.stdinWriter.on('error', () => undefined);
    }
    this.outputs = [this.pacedReader(stdout.reader, 'stdout'), this.pacedReader(stderr.reader, 'stderr')];
    this.control = this.child.stdio[CONTROL_FD] as Socket;
    this.control.setEncoding('utf8');
    this.control.on('data', (text: string) => this.onControl(text));
    this.control.on('error', () => undefined);
    this.child.on('error', () => undefined);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
    // Closed once the process is gone and all it wrote has been delivered.
    void Promise.all([exited, ...this.outputs.map((output) => output.drained)]).then(([status]) => {
      this.stdinWriter?.destroy();
      this.emit('closed', this.outcome, status);
    });
    // A process still waiting for its guest keeps nobody's process alive.
    this.unref();
  }

  private readonly outputs: { socket: Socket; drained: Promise<void> }[];

  /** Reads one of the guest's output pipes into one reused buffer, pacing reads after short ones. */
  private pacedReader(fd: number, stream: 'stdout' | 'stderr'): { socket: Socket; drained: Promise<void> } {
    let resumeTimer: NodeJS.Timeout | undefined;
    // `onread` (one buffer, reads handed to a callback, pause() stopping reads at once) is the
    // constructor's as well as connect()'s in node, though @types/node names it for connect only.
    const options: SocketConstructorOpts & { onread: OnReadOpts } = {
      fd,
      readable: true,
      writable: false,
      onread: {
        buffer: Buffer.allocUnsafe(OUTPUT_READ_BYTES),
        callback: (length: number, buffer: Uint8Array) => {
          this.emit(stream, Buffer.from(buffer.subarray(0, length)));
          if (length < OUTPUT_READ_BYTES && !resumeTimer) {
            socket.pause();
            resumeTimer = setTimeout(() => {
              resumeTimer = undefined;
              socket.resume();
            }, OUTPUT_PACE_MS);
          }
          return true;
        },
      },
    };
    const socket = new Socket(options);
    socket.on('error', () => undefined);
    const drained = new Promise<void>((resolve) => socket.once('close', () => {
      clearTimeout(resumeTimer);
      resolve();
    }));
    return { socket, drained };
  }

  /** Hands the process its guest. */
  begin(setup: ChildGuestSetup): void {
    this.begun = true;
    this.child.ref();
    for (const output of this.outputs) output.socket.ref();
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
    for (const output of this.outputs) output.socket.unref();
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
 * `count` new FIFOs, both ends of each opened blocking (node makes its own ends non-blocking).
 * Opening one end needs the other open first (or it blocks): a read-write open holds each FIFO
 * meanwhile. Their names are gone before this returns.
 */
function makeFifos(count: number): { reader: number; writer: number }[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wasip1-stdio-'));
  const opened: { reader: number; writer: number }[] = [];
  try {
    const names = Array.from({ length: count }, (_, i) => path.join(dir, String(i)));
    const made = spawnSync('mkfifo', ['-m', '600', ...names]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr?.toString().trim() || made.error?.message}`);
    for (const name of names) {
      const holder = openSync(name, constants.O_RDWR);
      try {
        const reader = openSync(name, constants.O_RDONLY);
        opened.push({ reader, writer: openSync(name, constants.O_WRONLY) });
      } finally {
        closeSync(holder);
      }
    }
    return opened;
  } catch (error) {
    for (const { reader, writer } of opened) {
      closeSync(reader);
      closeSync(writer);
    }
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
