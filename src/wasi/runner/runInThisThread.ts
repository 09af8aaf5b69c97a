// Runs a guest on the calling thread, its stdio on this process's descriptors 0-2: what the CLI
// does when nothing needs a second thread, so no worker (~20 ms to boot) sits between the user and
// the program. The guest then needs a deep stack on this thread, which only node's --stack-size
// flag gives (bin/wasip1 passes it); without it, or without a stack limit that holds it, the CLI
// keeps to the worker (runWasi).
import { readFileSync } from 'node:fs';
import { FdInput, FdOutput, FdReadiness } from './fdStreams';
import { GuestSession, type GuestConfig, type GuestModuleInfo } from './guestSession';
import type { RunResult } from './workerProtocol';

/**
 * The stack every runner gives a guest by default: a worker's (runWasi, the debugger) and, through
 * --stack-size, the main thread of `wasip1 run` and of the editor's guest process, so that a Go
 * program recurses as deep whichever runs it.
 */
export const GUEST_STACK_MB = 16;
/** Go's own runner gives wasmtime 1 MiB of wasm stack; V8's frames are larger, so ask for 4. */
export const MIN_STACK_KIB = 4096;
/** Native frames (node's bootstrap, system calls) run past V8's limit: keep this much below the OS limit. */
export const NATIVE_MARGIN_KIB = 512;

/** The --stack-size (KiB) node was started with, if any. */
export function stackSizeFlagKib(execArgv: readonly string[]): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < execArgv.length; i++) {
    const match = /^--stack[-_]size(?:=(\d+))?$/.exec(execArgv[i]);
    if (!match) continue;
    const value = Number(match[1] ?? execArgv[i + 1]);
    if (Number.isFinite(value)) found = value;
  }
  return found;
}

/** The soft stack limit in bytes from /proc/self/limits text; Infinity for unlimited; undefined if absent. */
export function softStackLimitBytes(limits: string): number | undefined {
  const match = /^Max stack size\s+(\S+)/m.exec(limits);
  if (!match) return undefined;
  if (match[1] === 'unlimited') return Infinity;
  const bytes = Number(match[1]);
  return Number.isFinite(bytes) ? bytes : undefined;
}

/**
 * Why this thread cannot hold a guest, or undefined when it can: a V8 stack of at least
 * MIN_STACK_KIB that the OS stack limit really backs (a larger V8 limit than the OS gives would
 * turn deep recursion into a segfault instead of a trap).
 */
export function stackProblem(execArgv: readonly string[], limits: string | undefined): string | undefined {
  const flag = stackSizeFlagKib(execArgv);
  if (flag === undefined) return 'node was started without --stack-size';
  if (flag < MIN_STACK_KIB) return `--stack-size=${flag} is below ${MIN_STACK_KIB}`;
  const soft = limits === undefined ? undefined : softStackLimitBytes(limits);
  if (soft === undefined) return 'the stack limit is unknown';
  if (soft < (flag + NATIVE_MARGIN_KIB) * 1024) return `the stack limit (${Math.floor(soft / 1024)} KiB) does not hold --stack-size=${flag}`;
  return undefined;
}

function readLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

/** What an embedder learns of a run on this thread while it runs (the thread is the guest's, so only by callback). */
export interface ThisThreadRunEvents {
  /** The guest is instantiated and about to run. */
  instantiated?(): void;
  /** The guest read or polled stdin for the first time. */
  stdinFirstUsed?(): void;
}

/** A guest to run on this thread, with this process's stdio; the thread is the guest's until it ends. */
export class ThisThreadRun {
  private constructor(private readonly config: GuestConfig, private readonly stdin: FdInput, private readonly events: ThisThreadRunEvents) {}

  /**
   * The run, or why this thread cannot hold it: the stack (see stackProblem) or a stdin whose
   * readiness cannot be learnt without a second thread (a socket, a pipe outside Linux).
   */
  static prepare(config: GuestConfig, events: ThisThreadRunEvents = {}): ThisThreadRun | { problem: string } {
    if (process.platform !== 'linux') return { problem: 'only on Linux' };
    const problem = stackProblem(process.execArgv, readLimits());
    if (problem) return { problem };
    const stdin = FdInput.open(0);
    if (!stdin) return { problem: 'stdin is neither a file, a pipe nor a terminal' };
    stdin.onFirstUse = events.stdinFirstUsed;
    return new ThisThreadRun(config, stdin, events);
  }

  async run(module: GuestModuleInfo): Promise<RunResult> {
    const session = new GuestSession(this.config, module);
    try {
      const outcome = await session.begin({
        stdin: this.stdin,
        stdout: new FdOutput(1),
        stderr: new FdOutput(2),
        readiness: new FdReadiness(this.stdin),
        instantiated: this.events.instantiated,
        // Ctrl-C ends the process itself: nothing else can interrupt a guest that owns the thread.
        stopRequested: () => false,
      });
      // A reactor serves requests from another thread; runReactor gives it a worker.
      return outcome ?? { kind: 'error', message: 'a reactor cannot be served from the calling thread' };
    } finally {
      session.dispose();
    }
  }
}
