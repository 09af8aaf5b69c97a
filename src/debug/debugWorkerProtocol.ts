// What the debug session's main thread and the guest's debug worker say to each other. The worker
// spends its life inside synchronous guest code, so commands reach it through a MessagePort it
// drains with receiveMessageOnPort, announced by bumping a shared mailbox cell it checks at every
// host call and sleeps on while paused. Everything here is plain cloneable data.
import type { MessagePort } from 'node:worker_threads';
import type { Preopen } from '../wasi/host';
import type { HostModuleSource } from '../wasi/hostModules';
import type { DecodedCall } from './hostCallDecoder';
import type { LineBreakpointSpec, ResolvedLineBreakpoint, StepKind } from './goLineStops';

export interface FunctionBreakpointSpec {
  id: number;
  /** `fd_write`, `wasi_snapshot_preview1.path_open`, `env.*`, `*`, `path_*`. */
  name: string;
  /** JavaScript expression over the decoded arguments, e.g. `path.includes("config")`. */
  condition?: string;
  /** Stop only on the Nth hit (`3`), from the Nth on (`>= 3`), or every Nth (`% 3`). */
  hitCondition?: string;
}

export type ExceptionFilter = 'panic' | 'trap' | 'nonzeroExit';

export interface DebugWorkerSetup {
  /** The module as built; the worker adds the stack-pointer export and compiles it. */
  readonly wasm: Uint8Array;
  /** The module as built, compiled once on the main thread: a run without the debugger instantiates it as is. */
  readonly module?: WebAssembly.Module;
  /** Int32 cells: see MAILBOX. */
  readonly control: SharedArrayBuffer;
  /** The runner's wake cells and stdio rings (src/wasi/runner/sharedRing.ts). */
  readonly wake: SharedArrayBuffer;
  readonly stdin: SharedArrayBuffer;
  readonly stdout: SharedArrayBuffer;
  readonly stderr: SharedArrayBuffer;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly preopens: readonly Preopen[];
  /** Host module files for the guest's non-WASI imports, loaded in the worker (`imports`). */
  readonly hostModules: readonly HostModuleSource[];
  /** No observer at all: the guest runs at full speed, breakpoints and pause do nothing. */
  readonly noDebug: boolean;
  readonly stopOnEntry: boolean;
  readonly trace: boolean;
  readonly breakpoints: readonly FunctionBreakpointSpec[];
  /** Breakpoints on Go source lines, armed once the module is instrumented. */
  readonly lineBreakpoints: readonly LineBreakpointSpec[];
  /** gc's assembly listing (-gcflags=-S) of the packages built for debugging: exact lines inside PC_B blocks. */
  readonly listing?: string;
  readonly exceptionFilters: readonly ExceptionFilter[];
  /** The port the worker drains commands from. */
  readonly commands: MessagePort;
  /** One port per `tcplisten` address (src/wasi/runner/tcpListeners.ts), with the listeners' names. */
  readonly listenerPorts: readonly MessagePort[];
  readonly listenerNames: readonly string[];
}

/** Index of the Int32 cell the main thread bumps after posting a command. */
export const MAILBOX = 0;
export const CONTROL_BYTES = 16;

/** Commands that expect a reply, without the id the runtime assigns. */
export type WorkerRequest =
  | { kind: 'readMemory'; address: number; count: number }
  | { kind: 'writeMemory'; address: number; data: Uint8Array }
  | { kind: 'evaluate'; expression: string }
  /** The Go scopes of frame `frame` of the stop (an index into its frames). */
  | { kind: 'goScopes'; frame: number }
  | { kind: 'goVariables'; reference: number; start?: number; count?: number }
  | { kind: 'goEvaluate'; expression: string; frame: number }
  | { kind: 'goSetVariable'; reference: number; name: string; value: string; frame: number };

export type WorkerCommand =
  | { kind: 'breakpoints'; breakpoints: FunctionBreakpointSpec[] }
  | { kind: 'exceptionFilters'; filters: ExceptionFilter[] }
  | { kind: 'pause' }
  | { kind: 'continue' }
  | { kind: 'next' }
  | { kind: 'step'; step: StepKind }
  | { kind: 'lineBreakpoints'; breakpoints: LineBreakpointSpec[] }
  /** The debug-information build's listing (DWARF of the user's packages), or why there is none. */
  | { kind: 'debugInfo'; listing?: string; problem?: string }
  | { kind: 'terminate' }
  | (WorkerRequest & { id: number });

export interface StackFrameInfo {
  name: string;
  /** Absolute path as recorded in the pclntab. */
  file?: string;
  line?: number;
  /** `syscall.fd_write` etc.: Go's generated wrapper for a //go:wasmimport, or the host call itself. */
  kind: 'host' | 'go' | 'wasm';
  /** Go PC (PC_F<<16 | PC_B) of the frame, when known. */
  pc?: number;
  /** The frame's Go SP, when walked from Go's stack: where a step from this frame starts. */
  sp?: number;
  /** Stopped at a statement probe: `pc` is the statement's own, not a return address. */
  atStatement?: boolean;
}

export interface ProcessSnapshot {
  fds: { fd: number; description: string }[];
  /** Exported wasm globals plus Go's SP, by name. */
  globals: { name: string; value: string }[];
  memoryBytes: number;
}

export interface StoppedMessage {
  kind: 'stopped';
  reason: 'entry' | 'breakpoint' | 'function breakpoint' | 'step' | 'pause' | 'exception';
  description: string;
  /** For exceptions: the panic text or trap detail shown in the exception widget. */
  text?: string;
  exceptionId?: ExceptionFilter;
  hitBreakpointIds?: number[];
  /** The host call about to run; absent at a post-mortem stop (trap). */
  call?: DecodedCall;
  /** The call before it with its result, after a step. */
  previous?: DecodedCall;
  frames: StackFrameInfo[];
  process: ProcessSnapshot;
  /** The goroutine that stopped (its goid): the thread the client shows first. */
  threadId?: number;
  /** Every live goroutine with its own stack, when the runtime's list could be read. */
  goroutines?: GoroutineSnapshot[];
}

export interface GoroutineSnapshot {
  id: number;
  /** Its start function (the outermost frame that is not the runtime's). */
  name: string;
  frames: StackFrameInfo[];
}

export type WorkerEvent =
  | { kind: 'ready' }
  | StoppedMessage
  | { kind: 'breakpointProblem'; id: number; message: string }
  /** The statement lines of each source file of the program: where line breakpoints can go. */
  | { kind: 'statementLines'; files: Record<string, number[]> }
  | { kind: 'lineBreakpoints'; breakpoints: ResolvedLineBreakpoint[] }
  | { kind: 'trace'; text: string }
  /** A logpoint's message, for the Debug Console. */
  | { kind: 'log'; text: string }
  | { kind: 'reply'; id: number; ok: true; body: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string }
  | { kind: 'ended'; outcome: GuestEnd };

export type GuestEnd =
  | { kind: 'exit'; code: number }
  | { kind: 'trap'; trapKind: string; detail: string; functions: string[] }
  | { kind: 'stopped' }
  | { kind: 'error'; message: string };

/** Marks a worker started on the debug adapter bundle as the guest's debug worker. */
export const DEBUG_WORKER_MARK = 'wasip1-debug-worker';
