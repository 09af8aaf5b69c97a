// The Debug Adapter Protocol face of Wasip1Runtime. Breakpoints are function breakpoints on host
// calls (the only places a wasm guest can be stopped from the outside without rewriting its code);
// a stop shows the call's decoded arguments, Go's stack with source positions from the pclntab, and
// the process (args, env, preopens, descriptors). Debug Console input is the program's stdin.
import {
  Breakpoint, ExitedEvent, Handles, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame,
  StoppedEvent, TerminatedEvent, Thread, BreakpointEvent, Event,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ExceptionFilter, FunctionBreakpointSpec, GuestEnd, StoppedMessage } from './debugWorkerProtocol';

/** Custom DAP event with the build's diagnostics ({ program, diagnostics: GoDiagnostic[] }), sent before every run. */
export const BUILD_DIAGNOSTICS_EVENT = 'wasip1.buildDiagnostics';
import { compileBreakpoint } from './functionBreakpoints';
import { parseGoExpression } from './goExpression';
import type { ShownVariable } from './goFrameVariables';
import { type LineBreakpointSpec, nearestStatementLine, type ResolvedLineBreakpoint } from './goLineStops';
import type { DecodedArgument, DecodedCall } from './hostCallDecoder';
import { programDirectory, type Wasip1LaunchArguments } from './launchConfiguration';
import type { TerminalExit } from './terminalBridgeProtocol';
import { type TerminalBridge, TerminalBridgeServer } from './terminalBridgeServer';
import { Wasip1Runtime } from './wasip1Runtime';

const THREAD_ID = 1;
/** The whole linear memory is one memory reference; readMemory offsets are guest addresses. */
const LINEAR_MEMORY = 'memory';
/** How long launch waits for configurationDone from a client that never sends it. */
const CONFIGURATION_TIMEOUT_MS = 5000;
/** How long the client may take to open a terminal and start the bridge in it (a slow shell profile). */
const TERMINAL_TIMEOUT_MS = 30_000;

const exceptionFilters: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'panic', label: 'Go panic', description: 'Stop when an unrecovered panic (or fatal error) is about to end the program.', default: true },
  { filter: 'trap', label: 'Wasm trap', description: 'Stop after the guest trapped, to inspect its memory.', default: true },
  { filter: 'nonzeroExit', label: 'Non-zero exit', description: 'Stop at proc_exit with an exit code other than 0.', default: false },
];

/** Custom request: `{ text?: string, end?: boolean }` — text goes to the program's stdin, end closes it. */
export const STDIN_REQUEST = 'wasip1.stdin';
/** Said when the program first reads stdin from the Debug Console: how to send input, and how to end it. */
const STDIN_HINT = 'The program reads stdin: type a line in the Debug Console to send it; Ctrl+D there (or "wasip1: Send end of input") ends the input.\n';

interface LaunchRequestArguments extends DebugProtocol.LaunchRequestArguments, Wasip1LaunchArguments {}

type VariableSource = (args: DebugProtocol.VariablesArguments) => DebugProtocol.Variable[] | Promise<DebugProtocol.Variable[]>;

/** Frame ids of goroutines other than the stopped one start here: their frames show no Go variables. */
const OTHER_GOROUTINE_FRAMES = 1_000_000;

export class Wasip1DebugSession extends LoggingDebugSession {
  private runtime: Wasip1Runtime;
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));
  private functionBreakpoints: FunctionBreakpointSpec[] = [];
  /** The build under way for a launch or restart, until the program starts. */
  private preparing: AbortController | undefined;
  /** Go source line breakpoints by file (the debugger's path). */
  private lineBreakpoints = new Map<string, LineBreakpointSpec[]>();
  /** Each source file's statement lines, once the running module is instrumented. */
  private statementLines: Map<string, number[]> | undefined;
  private filters: ExceptionFilter[] = ['panic', 'trap'];
  private nextBreakpointId = 1;
  private stopped: StoppedMessage | undefined;
  /** The goroutines of the last stop, listed as threads while the program runs on. */
  private lastGoroutines: { id: number; name: string }[] | undefined;
  private variables = new Handles<VariableSource>();
  /** The client references of Go variable containers: the worker reference and frame behind each. */
  private readonly goContainers = new Map<number, { reference: number; frame: number }>();
  private launchArgs: LaunchRequestArguments | undefined;
  private clientRunsInTerminal = false;
  /** The guest's stdio when `console` is a terminal and the client opened one. */
  private terminal: TerminalBridge | undefined;
  private interrupted = false;
  /** Until the guest is instantiated, a failure (a host module, an import) is the launch's error. */
  private starting = false;
  /** Decoders for output that falls back to the Debug Console once the terminal is gone. */
  private readonly fallbackDecoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.runtime = this.createRuntime();
  }

  /** One runtime per run of the program: a restart replaces it, the session stays. */
  private createRuntime(): Wasip1Runtime {
    const runtime = new Wasip1Runtime();
    runtime.on('output', (category, text) => this.sendEvent(new OutputEvent(text, category)));
    runtime.on('stopped', (stop) => this.onStopped(stop));
    runtime.on('breakpointProblem', (id, message) => {
      const bp = new Breakpoint(false) as DebugProtocol.Breakpoint;
      bp.id = id;
      bp.message = message;
      this.sendEvent(new BreakpointEvent('changed', bp));
    });
    runtime.on('ended', (end) => this.onEnded(end));
    runtime.on('statementLines', (files) => (this.statementLines = new Map(Object.entries(files))));
    runtime.on('lineBreakpoints', (resolved) => {
      for (const r of resolved) this.sendEvent(new BreakpointEvent('changed', lineBreakpoint(r)));
    });
    runtime.on('readsStdin', () => {
      // In a terminal, typing and Ctrl+D already work as in any shell.
      if (!this.terminal) this.sendEvent(new OutputEvent(STDIN_HINT, 'console'));
    });
    return runtime;
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientRunsInTerminal = args.supportsRunInTerminalRequest === true;
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsTerminateRequest: true,
      supportsRestartRequest: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsExceptionInfoRequest: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      exceptionBreakpointFilters: exceptionFilters,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configurationDone();
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchRequestArguments): Promise<void> {
    this.launchArgs = args;
    if (!args.program) {
      this.sendErrorResponse(response, { id: 1001, format: 'The launch configuration needs "program": a Go package directory, a .go file or a .wasm module.', showUser: true });
      return;
    }
    const failure = await this.startProgram(args, this.configured);
    if (failure) {
      this.sendErrorResponse(response, { showUser: true, ...failure });
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.sendResponse(response);
  }

  /**
   * Ends the running program without ending the session, then builds and starts the (possibly
   * edited) configuration again; breakpoints and filters carry over, hit counts start afresh.
   */
  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    const launch = (args?.arguments as LaunchRequestArguments | undefined) ?? this.launchArgs;
    if (!launch?.program) {
      this.sendErrorResponse(response, { id: 1005, format: 'Nothing to restart: the session has no launch configuration with a "program".', showUser: true });
      return;
    }
    this.launchArgs = launch;
    const previous = this.runtime;
    // Its end is not the session's end: nothing of it may reach the client any more.
    previous.removeAllListeners();
    await previous.terminate();
    this.terminal?.exit({ code: 143, message: 'Restarting…' });
    this.terminal = undefined;
    this.interrupted = false;
    this.resumed();
    this.statementLines = undefined;
    this.runtime = this.createRuntime();
    const failure = await this.startProgram(launch, Promise.resolve());
    if (failure) {
      this.sendErrorResponse(response, { showUser: true, ...failure });
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.sendResponse(response);
  }

  /** Builds, opens the terminal if asked, starts; resolves once the guest runs, or with why it cannot. */
  private async startProgram(args: LaunchRequestArguments, configured: Promise<void>): Promise<{ id: number; format: string; showUser?: boolean } | undefined> {
    let prepared;
    // Stop (or the editor's Cancel on the build's progress) ends the build too, not just the session.
    const preparing = (this.preparing = new AbortController());
    try {
      prepared = await this.runtime.prepare(args, preparing.signal);
    } catch (error) {
      // Failures with data (compile errors) come back as values; anything thrown is the host's own trouble.
      prepared = { ok: false as const, message: `Cannot prepare ${args.program}: ${(error as Error).message}`, lines: [] as string[] };
    }
    this.preparing = undefined;
    // The editor puts a build's located errors in the Problems view; an empty list clears them.
    const diagnostics = prepared.ok ? [] : ('diagnostics' in prepared ? prepared.diagnostics : []);
    this.sendEvent(new Event(BUILD_DIAGNOSTICS_EVENT, { program: args.program, diagnostics }));
    if (!prepared.ok) {
      for (const line of prepared.lines) this.sendEvent(new OutputEvent(line + '\n', 'stderr'));
      // Compile errors are in Problems and the Debug Console already: no dialog on top of them.
      return { id: 1002, format: prepared.message, ...(diagnostics.length ? { showUser: false } : {}) };
    }
    await Promise.race([configured, new Promise((resolve) => setTimeout(resolve, CONFIGURATION_TIMEOUT_MS))]);
    const terminal = args.console === 'integratedTerminal' || args.console === 'externalTerminal' ? await this.openTerminal(args, args.console) : undefined;
    try {
      this.runtime.start(args, prepared, {
        noDebug: args.noDebug,
        stopOnEntry: args.stopOnEntry,
        trace: args.trace,
        breakpoints: this.functionBreakpoints,
        lineBreakpoints: this.allLineBreakpoints(),
        exceptionFilters: this.filters,
        stdio: terminal ? (stream, bytes) => this.toTerminal(stream, bytes) : undefined,
      });
    } catch (error) {
      terminal?.dispose();
      return { id: 1003, format: `Cannot start the program: ${(error as Error).message}` };
    }
    if (terminal) this.connectTerminal(terminal);
    this.starting = true;
    const early = await this.runtime.started();
    this.starting = false;
    if (early?.kind === 'error') {
      for (const line of early.message.split('\n')) this.sendEvent(new OutputEvent(line + '\n', 'stderr'));
      return { id: 1004, format: early.message };
    }
    return undefined;
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const result: DebugProtocol.Breakpoint[] = [];
    const specs: FunctionBreakpointSpec[] = [];
    for (const requested of args.breakpoints) {
      const spec: FunctionBreakpointSpec = { id: this.nextBreakpointId++, name: requested.name, condition: requested.condition, hitCondition: requested.hitCondition };
      const bp = new Breakpoint(true) as DebugProtocol.Breakpoint;
      bp.id = spec.id;
      try {
        compileBreakpoint(spec);
        specs.push(spec);
      } catch (error) {
        bp.verified = false;
        bp.message = (error as Error).message;
      }
      result.push(bp);
    }
    this.functionBreakpoints = specs;
    this.runtime.setBreakpoints(specs);
    response.body = { breakpoints: result };
    this.sendResponse(response);
  }

  /**
   * Go source line breakpoints. Each is verified at the first line at or after the requested one where
   * the program can stop, once the module is instrumented (until then it waits, unverified, and a
   * `breakpoint` event reports where it landed); breakpoints set while the program runs act at once.
   */
  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path ? this.convertClientPathToDebugger(args.source.path) : undefined;
    const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }) as DebugProtocol.SourceBreakpoint);
    const specs: LineBreakpointSpec[] = [];
    const result = requested.map((b): DebugProtocol.Breakpoint => {
      const id = this.nextBreakpointId++;
      if (!file) return lineBreakpoint({ id, verified: false, message: 'Breakpoints need a source file on disk.' });
      if (b.condition?.trim()) {
        try {
          parseGoExpression(b.condition);
        } catch (error) {
          return lineBreakpoint({ id, verified: false, line: b.line, message: `The condition is not a Go expression: ${(error as Error).message}` });
        }
      }
      specs.push({ id, file, line: b.line, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage });
      const at = this.statementLines ? nearestStatementLine(this.statementLines, file, b.line) : undefined;
      if (this.statementLines && !at) return lineBreakpoint({ id, verified: false, line: b.line, message: `No Go code at or after line ${b.line} in this program.` });
      return lineBreakpoint({ id, verified: at !== undefined, line: at?.line ?? b.line });
    });
    if (file) {
      if (specs.length) this.lineBreakpoints.set(file, specs);
      else this.lineBreakpoints.delete(file);
      this.runtime.setLineBreakpoints(this.allLineBreakpoints());
    }
    response.body = { breakpoints: result };
    this.sendResponse(response);
  }

  private allLineBreakpoints(): LineBreakpointSpec[] {
    return [...this.lineBreakpoints.values()].flat();
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const known = new Set(exceptionFilters.map((f) => f.filter));
    this.filters = args.filters.filter((f): f is ExceptionFilter => known.has(f));
    this.runtime.setExceptionFilters(this.filters);
    this.sendResponse(response);
  }

  /** Goroutines are the threads (their goid the thread id), as Delve shows them; one thread until a stop lists them. */
  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const goroutines = this.stopped?.goroutines ?? this.lastGoroutines;
    response.body = { threads: goroutines?.length ? goroutines.map((g) => new Thread(g.id, g.name)) : [new Thread(THREAD_ID, 'main goroutine')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const stop = this.stopped;
    const goroutine = stop?.goroutines?.find((g) => g.id === args.threadId);
    const other = goroutine !== undefined && goroutine.id !== stop?.threadId;
    const frames = (other ? goroutine.frames : stop?.frames) ?? [];
    const base = other ? OTHER_GOROUTINE_FRAMES : 0;
    const start = args.startFrame ?? 0;
    const count = args.levels ? args.levels : frames.length;
    response.body = {
      stackFrames: frames.slice(start, start + count).map((frame, i) => {
        const source = frame.file && existsSync(frame.file) ? new Source(path.basename(frame.file), this.convertDebuggerPathToClient(frame.file)) : undefined;
        const sf = new StackFrame(base + start + i, frame.name, source, frame.line ?? 0, 1) as DebugProtocol.StackFrame;
        if (frame.pc !== undefined) sf.instructionPointerReference = '0x' + frame.pc.toString(16);
        if (frame.kind === 'host') sf.presentationHint = 'label';
        else if (!source || /^(runtime|syscall|internal)[./]/.test(frame.name)) sf.presentationHint = 'subtle';
        return sf;
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  /**
   * A Go frame's Arguments, Locals and its package's Globals (read from linear memory with the
   * compiler's debug information), then what the host knows: the host call, the process, wasm globals.
   */
  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    const stop = this.stopped;
    const scopes: DebugProtocol.Scope[] = [];
    const frame = stop?.frames[args.frameId];
    if (stop && frame?.kind === 'go' && args.frameId < OTHER_GOROUTINE_FRAMES) {
      try {
        const go = await this.runtime.goScopes(args.frameId);
        if (go && this.stopped === stop) {
          scopes.push(new Scope('Arguments', this.goContainer(go.arguments, args.frameId), false));
          scopes.push(new Scope('Locals', this.goContainer(go.locals, args.frameId), false));
          scopes.push(new Scope('Globals', this.goContainer(go.globals, args.frameId), true));
        }
      } catch {
        // The program ended or cannot answer: the host's scopes still say something.
      }
    }
    if (stop?.call) scopes.push(new Scope(`Host call: ${stop.call.name}`, this.variables.create(() => this.callVariables(stop.call as DecodedCall)), false));
    if (stop?.previous) scopes.push(new Scope(`Previous call: ${stop.previous.name}`, this.variables.create(() => this.callVariables(stop.previous as DecodedCall)), false));
    if (stop) {
      scopes.push(new Scope('Process', this.variables.create(() => this.processVariables(stop)), true));
      scopes.push(new Scope('Wasm globals', this.variables.create(() => stop.process.globals.map((g) => variable(g.name, g.value))), true));
    }
    response.body = { scopes };
    this.sendResponse(response);
  }

  /** A bool or number of a Go frame (a local, an argument, a global, a field, an element) set to a Go expression's value. */
  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    const container = this.goContainers.get(args.variablesReference);
    if (!container || !this.stopped) {
      this.sendErrorResponse(response, { id: 2010, format: 'Only Go variables can be set, while the program is stopped.', showUser: true });
      return;
    }
    try {
      const v = this.goVariable(await this.runtime.goSetVariable(container.reference, args.name, args.value, container.frame), container.frame);
      response.body = { value: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, namedVariables: v.namedVariables };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 2011, format: `Cannot set ${args.name}: ${(error as Error).message}`, showUser: true });
    }
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    const source = this.variables.get(args.variablesReference);
    try {
      response.body = { variables: source ? await source(args) : [] };
    } catch (error) {
      response.body = { variables: [variable('(unreadable)', (error as Error).message)] };
    }
    this.sendResponse(response);
  }

  /** A client reference for a worker reference's children, remembered with the frame they belong to (for setVariable). */
  private goContainer(reference: number, frame: number): number {
    const handle = this.variables.create((args) => this.goVariables(reference, frame, args));
    this.goContainers.set(handle, { reference, frame });
    return handle;
  }

  /** A worker reference's children as DAP variables; each that expands gets its own reference. */
  private async goVariables(reference: number, frame: number, args?: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
    const shown = await this.runtime.goVariables(reference, args?.start, args?.count);
    return shown.map((v) => this.goVariable(v, frame));
  }

  private goVariable(v: ShownVariable, frame: number): DebugProtocol.Variable {
    const result: DebugProtocol.Variable = {
      name: v.name,
      value: v.value,
      type: v.type,
      variablesReference: v.reference ? this.goContainer(v.reference, frame) : 0,
    };
    if (v.indexedCount) result.indexedVariables = v.indexedCount;
    if (v.namedCount) result.namedVariables = v.namedCount;
    if (v.address !== undefined) result.memoryReference = '0x' + v.address.toString(16);
    return result;
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.resumed();
    this.runtime.continue();
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.resumed();
    this.runtime.step('over');
    this.sendResponse(response);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.resumed();
    this.runtime.step('into');
    this.sendResponse(response);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.resumed();
    this.runtime.step('out');
    this.sendResponse(response);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.runtime.pause();
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const stop = this.stopped;
    response.body = {
      exceptionId: stop?.exceptionId ?? 'unknown',
      description: stop?.description,
      breakMode: 'always',
      details: { message: stop?.text ?? stop?.description },
    };
    this.sendResponse(response);
  }

  /**
   * While the program runs, Debug Console (repl) input is its stdin, a line at a time; while it is
   * stopped in Go code, the console evaluates Go expressions as Delve's does. Watches and hovers
   * evaluate Go over the frame's variables, and at a host call also JavaScript over the call's
   * arguments (`path`, `fd`, `iovs`…) with `u8/u32/u64(addr)`, `str(addr, len)`, `sp`.
   */
  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const stoppedInGo = this.stopped?.frames.some((f) => f.kind === 'go') === true;
    if (args.context === 'repl' && !stoppedInGo) {
      try {
        this.runtime.writeStdin(args.expression + '\n');
        response.body = { result: '', variablesReference: 0 };
        this.sendResponse(response);
      } catch (error) {
        this.sendErrorResponse(response, { id: 2001, format: `Cannot send to stdin: ${(error as Error).message}` });
      }
      return;
    }
    // Go first, over the variables of the frame (hover, watch); then the host call's JavaScript scope.
    const stop = this.stopped;
    const frameId = args.frameId ?? stop?.frames.findIndex((f) => f.kind === 'go') ?? -1;
    let goProblem: string | undefined;
    if (stop && frameId >= 0 && frameId < OTHER_GOROUTINE_FRAMES && stop.frames[frameId]?.kind === 'go') {
      try {
        const v = this.goVariable(await this.runtime.goEvaluate(args.expression, frameId), frameId);
        response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, namedVariables: v.namedVariables, memoryReference: v.memoryReference };
        this.sendResponse(response);
        return;
      } catch (error) {
        goProblem = (error as Error).message;
      }
    }
    try {
      const { result } = await this.runtime.evaluate(args.expression);
      response.body = { result, variablesReference: 0 };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 2002, format: goProblem ?? (error as Error).message });
    }
  }

  protected override async readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): Promise<void> {
    try {
      const address = memoryAddress(args.memoryReference) + (args.offset ?? 0);
      const read = await this.runtime.readMemory(address, args.count);
      response.body = { address: '0x' + read.address.toString(16), data: Buffer.from(read.data).toString('base64'), unreadableBytes: read.unreadableBytes };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 3001, format: (error as Error).message });
    }
  }

  protected override async writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): Promise<void> {
    try {
      const address = memoryAddress(args.memoryReference) + (args.offset ?? 0);
      const written = await this.runtime.writeMemory(address, Buffer.from(args.data, 'base64'));
      response.body = { bytesWritten: written.bytesWritten };
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 3002, format: (error as Error).message });
    }
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: { text?: string; end?: boolean }): void {
    if (command !== STDIN_REQUEST) {
      super.customRequest(command, response, args);
      return;
    }
    try {
      if (args?.text) this.runtime.writeStdin(args.text);
      if (args?.end) this.runtime.endStdin();
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, { id: 2003, format: `Cannot send to stdin: ${(error as Error).message}` });
    }
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    this.preparing?.abort();
    await this.runtime.terminate();
    this.sendResponse(response);
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    this.preparing?.abort();
    await this.runtime.terminate();
    this.sendResponse(response);
    // The base class ends a standalone adapter process here (and leaves an inline one alone).
    this.shutdown();
  }

  /**
   * Asks the client (runInTerminal) to start the terminal bridge in a terminal and waits for it to
   * connect back. Any failure leaves the program on the Debug Console, saying why.
   */
  private async openTerminal(args: LaunchRequestArguments, console: 'integratedTerminal' | 'externalTerminal'): Promise<TerminalBridge | undefined> {
    const fallback = (why: string): undefined => {
      this.sendEvent(new OutputEvent(`console "${console}": ${why}; using the Debug Console instead (type a line there to send it to stdin).\n`, 'console'));
      return undefined;
    };
    if (!this.clientRunsInTerminal) return fallback('this client cannot run a command in a terminal (no runInTerminal support)');
    let server: TerminalBridgeServer;
    try {
      server = await TerminalBridgeServer.listen();
    } catch (error) {
      return fallback(`cannot listen on 127.0.0.1: ${(error as Error).message}`);
    }
    const connected = server.accept(TERMINAL_TIMEOUT_MS);
    connected.catch(() => undefined);
    const request: DebugProtocol.RunInTerminalRequestArguments = {
      kind: console === 'externalTerminal' ? 'external' : 'integrated',
      title: `wasip1: ${path.basename(args.program)}`,
      cwd: path.resolve(args.cwd ?? programDirectory(args.program)),
      args: server.command(path.join(__dirname, 'debugAdapter.js')),
      env: server.commandEnvironment(),
    };
    const answer = await new Promise<DebugProtocol.RunInTerminalResponse>((resolve) => this.runInTerminalRequest(request, TERMINAL_TIMEOUT_MS, resolve));
    if (!answer.success) {
      server.close();
      return fallback(`the client could not open a terminal (${answer.message ?? 'no reason given'})`);
    }
    try {
      return await connected;
    } catch (error) {
      return fallback((error as Error).message);
    }
  }

  private connectTerminal(terminal: TerminalBridge): void {
    this.terminal = terminal;
    terminal.on('stdin', (bytes) => {
      if (this.runtime.running) this.runtime.writeStdin(bytes);
    });
    terminal.on('stdinEnd', () => this.runtime.endStdin());
    terminal.on('interrupt', () => {
      this.interrupted = true;
      void this.runtime.terminate();
    });
    terminal.on('closed', () => {
      if (this.runtime.running) {
        this.sendEvent(new OutputEvent('The terminal was closed: the program\'s stdin is at its end, its output now comes here.\n', 'console'));
      }
    });
    terminal.attach();
  }

  private toTerminal(stream: 'stdout' | 'stderr', bytes: Uint8Array): void {
    if (this.terminal?.connected) {
      if (stream === 'stdout') this.terminal.stdout(bytes);
      else this.terminal.stderr(bytes);
      return;
    }
    const text = this.fallbackDecoders[stream].decode(bytes, { stream: true });
    if (text) this.sendEvent(new OutputEvent(text, stream));
  }

  /** What the terminal shows when the guest ends: nothing for a plain exit, like a native program. */
  private terminalExit(end: GuestEnd): TerminalExit {
    switch (end.kind) {
      case 'exit': return { code: end.code };
      case 'trap': return { code: 134, message: `wasm trap (${end.trapKind}): ${end.detail}` };
      case 'error': return { code: 1, message: `Cannot run ${this.launchArgs?.program ?? 'the program'}: ${end.message}` };
      case 'stopped': return this.interrupted ? { code: 130 } : { code: 143, message: 'Terminated by the debugger.' };
    }
  }

  private onStopped(stop: StoppedMessage): void {
    this.stopped = stop;
    this.variables.reset();
    this.goContainers.clear();
    if (stop.goroutines) this.lastGoroutines = stop.goroutines.map((g) => ({ id: g.id, name: g.name }));
    const event = new StoppedEvent(stop.reason, stop.threadId ?? THREAD_ID, stop.text) as DebugProtocol.StoppedEvent;
    event.body.description = stop.description;
    event.body.allThreadsStopped = true;
    if (stop.hitBreakpointIds?.length) event.body.hitBreakpointIds = stop.hitBreakpointIds;
    this.sendEvent(event);
  }

  private resumed(): void {
    this.stopped = undefined;
    this.variables.reset();
    this.goContainers.clear();
  }

  private onEnded(end: GuestEnd): void {
    this.terminal?.exit(this.terminalExit(end));
    // The launch request reports it, as it reports a failed build.
    if (this.starting && end.kind === 'error') return;
    switch (end.kind) {
      case 'exit':
        this.sendEvent(new OutputEvent(`Process exited with status ${end.code}\n`, 'console'));
        this.sendEvent(new ExitedEvent(end.code));
        break;
      case 'trap':
        this.sendEvent(new OutputEvent(`wasm trap (${end.trapKind}): ${end.detail}${end.functions.length ? ` in ${end.functions[0]}` : ''}\n`, 'stderr'));
        this.sendEvent(new ExitedEvent(134));
        break;
      case 'error':
        this.sendEvent(new OutputEvent(`Cannot run ${this.launchArgs?.program ?? 'the program'}: ${end.message}\n`, 'stderr'));
        break;
      case 'stopped': {
        // The status a shell would show for the signal that ended it: 143 (SIGTERM) from Stop, 130 (SIGINT) from Ctrl+C.
        const { code } = this.terminalExit(end);
        this.sendEvent(new OutputEvent(`Process terminated ${this.interrupted ? 'by Ctrl+C' : 'by the debugger'} (exit status ${code})\n`, 'console'));
        break;
      }
    }
    this.sendEvent(new TerminatedEvent());
  }

  private callVariables(call: DecodedCall): DebugProtocol.Variable[] {
    const vars = call.arguments.map((a) => argumentVariable(a));
    if (call.result) {
      vars.push(variable('errno', call.result.errnoName));
      for (const out of call.result.outputs) vars.push(argumentVariable({ ...out, name: `${out.name} (out)` }));
    }
    return vars;
  }

  private processVariables(stop: StoppedMessage): DebugProtocol.Variable[] {
    const setup = this.runtime.setup;
    const list = (items: [string, string][]): number => this.variables.create(() => items.map(([n, v]) => variable(n, v)));
    const vars: DebugProtocol.Variable[] = [];
    if (setup) {
      vars.push(variable('args', `[${setup.argv.length}]`, list(setup.argv.map((a, i) => [`[${i}]`, JSON.stringify(a)]))));
      vars.push(variable('env', `{${Object.keys(setup.env).length}}`, list(Object.entries(setup.env).map(([k, v]) => [k, JSON.stringify(v)]))));
      vars.push(variable('preopens', `[${setup.preopens.length}]`, list(setup.preopens.map((p) => [p.guestPath, p.hostPath]))));
    }
    vars.push(variable('fds', `[${stop.process.fds.length}]`, list(stop.process.fds.map((f) => [String(f.fd), f.description]))));
    const memory = variable('memory', `${stop.process.memoryBytes} bytes`);
    memory.memoryReference = LINEAR_MEMORY;
    vars.push(memory);
    return vars;
  }
}

function lineBreakpoint(resolved: ResolvedLineBreakpoint): DebugProtocol.Breakpoint {
  const bp = new Breakpoint(resolved.verified, resolved.line) as DebugProtocol.Breakpoint;
  bp.id = resolved.id;
  if (resolved.message) bp.message = resolved.message;
  return bp;
}

function variable(name: string, value: string, variablesReference = 0): DebugProtocol.Variable {
  return { name, value, variablesReference };
}

function argumentVariable(arg: DecodedArgument): DebugProtocol.Variable {
  const v = variable(arg.name, arg.display);
  if (arg.pointer !== undefined) v.memoryReference = '0x' + arg.pointer.toString(16);
  return v;
}

/** "memory" is address 0 of linear memory; a pointer argument's reference is its address in hex. */
function memoryAddress(reference: string): number {
  if (reference === LINEAR_MEMORY) return 0;
  const address = Number(reference);
  if (!Number.isInteger(address) || address < 0) throw new Error(`unknown memory reference "${reference}"`);
  return address;
}
