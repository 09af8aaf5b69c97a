// The guest's thread during a debug session. It runs the module in our WasiHost with an observer on
// every host call; to stop there, the observer blocks in Atomics.wait while the main thread (the DAP
// session) stays responsive. Guest memory is not shared, so while paused this thread answers the
// session's questions (memory, expressions) itself, from commands drained off a MessagePort.
import { type MessagePort, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { parseWasmModule, type WasmModule } from '../wasm/moduleReader';
import { GoPclntab } from '../wasm/goPclntab';
import { describeImportProblems, listImportProblems } from '../wasi/guestModule';
import { type HostCall, type HostCallObserver, WasiHost } from '../wasi/host';
import { hostModuleImports, loadHostModules, suppliedArities, suppliedSources } from '../wasi/hostModules';
import { plainOutcome } from '../wasi/runner/guestSession';
import { RingSocketListener } from '../wasi/runner/ringSockets';
import { RingInput, RingOutput } from '../wasi/runner/ringStreams';
import { SharedRing, WakeCells, WorkerReadiness } from '../wasi/runner/sharedRing';
import { SocketDescriptor } from '../wasi/sockets';
import { FdFlags } from '../wasi/spec/constants';
import type { OutputStream } from '../wasi/streams';
import {
  type DebugWorkerSetup, type ExceptionFilter, type GoroutineSnapshot, type GuestEnd, MAILBOX, type ProcessSnapshot, type StackFrameInfo,
  type StoppedMessage, type WorkerCommand, type WorkerEvent,
} from './debugWorkerProtocol';
import { STACK_POINTER_EXPORT, withStackPointerExport } from './exportStackPointer';
import { type CompiledBreakpoint, compileBreakpoint, compileExpression, expressionScope } from './functionBreakpoints';
import { panickingGoroutineFrames } from './goPanicTrace';
import { declarationFrame, walkGoStack } from './goStackWalker';
import { type DecodedCall, decodeCallArguments, decodeCallResult, describeDescriptor, formatCall, formatResult } from './hostCallDecoder';
import { HostCallStatistics } from './hostCallStatistics';
import { compileCondition, conditionProbeModule } from './conditionProbes';
import { GoFrameVariables } from './goFrameVariables';
import { GoLineStops, type LineBreakpointSpec, type LineStop, type StepKind } from './goLineStops';
import { parseAssemblyListing } from '../wasm/goAssemblyListing';
import { findStatementSites, isRuntimeFunction, type StatementSites } from '../wasm/goStatementSites';
import { findGoroutineLayout, type GoroutineLayout, readGoroutines } from '../wasm/goGoroutines';
import { instrumentStatementSites, POLL_BUDGET, POLL_SITE, probeTrampoline, PROBE_EXPORTS } from '../wasm/goStatementProbes';

/** What Go prints to stderr on its way to proc_exit(2) after an unrecovered panic or a fatal error. */
const GO_PANIC_START = /(?:^|\n)(panic: |fatal error: )/;
const STDERR_TAIL_BYTES = 64 * 1024;
const wasmFrameIndex = /^\s*at (.*?) \(wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]/;

type StopReason = StoppedMessage['reason'];

/** Keeps the end of what the guest wrote to stderr, to give a panic stop its message. */
class StderrTail implements OutputStream {
  private text = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly inner: OutputStream) {}
  get isTerminal(): boolean | undefined {
    return this.inner.isTerminal;
  }
  write(source: Uint8Array, offset: number, length: number, blocking: boolean): number {
    const count = this.inner.write(source, offset, length, blocking);
    if (count > 0) {
      this.text += this.decoder.decode(source.subarray(offset, offset + count), { stream: true });
      if (this.text.length > STDERR_TAIL_BYTES) this.text = this.text.slice(-STDERR_TAIL_BYTES / 2);
    }
    return count;
  }
  writable(): boolean {
    return this.inner.writable();
  }
  flush(): void {
    this.inner.flush?.();
  }
  close(): void {
    this.inner.close?.();
  }
  /** The panic text from "panic: " on, if the guest printed one. */
  panicText(): string | undefined {
    const match = GO_PANIC_START.exec(this.text);
    return match ? this.text.slice(match.index + (match[0].startsWith('\n') ? 1 : 0)) : undefined;
  }
}

class DebugWorker {
  private readonly control: Int32Array;
  private readonly port: MessagePort;
  private readonly host: WasiHost;
  private readonly module: WasmModule;
  private readonly pclntab: GoPclntab | undefined;
  private readonly stderrTail: StderrTail;
  private readonly statistics: HostCallStatistics | undefined;
  private instance: WebAssembly.Instance | undefined;
  private stackPointer: WebAssembly.Global | undefined;
  private mailboxSeen = 0;
  private breakpoints: CompiledBreakpoint[] = [];
  private exceptionFilters = new Set<ExceptionFilter>();
  private pendingStop: StopReason | undefined;
  /** The frames of the current stop: a step starts from one of them. */
  private stoppedFrames: StackFrameInfo[] = [];
  private paused = false;
  private terminating = false;
  /** The call the guest is stopped at (or stepping over), decoded. */
  private current: { call: HostCall; decoded: DecodedCall } | undefined;
  private stepping = false;
  private previous: DecodedCall | undefined;
  private traced: { decoded: DecodedCall; start: number } | undefined;
  /** Filled by loadHostModules before instantiation: the host holds this very object. */
  private readonly userImports: Record<string, Record<string, (...args: unknown[]) => unknown>> = {};
  private readonly stdout: OutputStream;
  private readonly hostCallObserver: HostCallObserver | undefined;
  /** Line breakpoints and steps, once the module is instrumented (a Go module, not noDebug). */
  private lineStops: GoLineStops | undefined;
  /** Sites of runtime.fatalpanic: where an unrecovered panic's stack is still the panicking goroutine's. */
  private panicSites = new Set<number>();
  private panicFrames: StackFrameInfo[] | undefined;
  /** The probes' table slot and what a probe function there needs. */
  private probeSlot: { table: WebAssembly.Table; slot: number; onProbe: (site: number) => void; memory: WebAssembly.Memory | undefined } | undefined;
  /** The condition probe's filter flag (0 while a step or pause needs every site). */
  private conditionFilter: WebAssembly.Global | undefined;
  /** The Go variables of the stopped frames, once the module is instrumented. */
  private variables: GoFrameVariables | undefined;
  /** Where runtime.allgs and goid are, once found (looked for again at each stop until then). */
  private goroutineLayout: GoroutineLayout | undefined;

  constructor(private readonly setup: DebugWorkerSetup) {
    this.control = new Int32Array(setup.control);
    this.port = setup.commands;
    // A run without the debugger needs only the imports (host modules check them): the whole module
    // and Go's pclntab cost tens of milliseconds before _start.
    this.module = parseWasmModule(setup.wasm, { interfaceOnly: setup.noDebug });
    this.pclntab = setup.noDebug ? undefined : safeCall(() => GoPclntab.fromModule(this.module));
    this.statistics = setup.trace ? new HostCallStatistics() : undefined;
    this.exceptionFilters = new Set(setup.exceptionFilters);
    this.setBreakpoints(setup.breakpoints);
    if (setup.stopOnEntry) this.pendingStop = 'entry';

    const cells = new WakeCells(setup.wake);
    const stop = (): void => this.host.stop();
    this.stderrTail = new StderrTail(new RingOutput(new SharedRing(setup.stderr), cells, stop));
    this.stdout = new RingOutput(new SharedRing(setup.stdout), cells, stop);
    this.hostCallObserver = setup.noDebug ? undefined : this.observer();
    this.host = new WasiHost({
      args: setup.args,
      env: setup.env,
      preopens: setup.preopens,
      stdin: new RingInput(new SharedRing(setup.stdin), cells, stop),
      stdout: this.stdout,
      stderr: this.stderrTail,
      readiness: new WorkerReadiness(cells, stop),
      imports: this.userImports,
      observer: this.hostCallObserver,
    });
    // Listening sockets come after the preopened directories, non-blocking, as the runner's worker adds them.
    setup.listenerPorts.forEach((port, i) => {
      const listener = SocketDescriptor.listening(setup.listenerNames[i] ?? `tcp listener ${i}`, new RingSocketListener(port, cells, stop));
      listener.fdflags = FdFlags.NONBLOCK;
      this.host.fds.add(listener);
    });
  }

  /**
   * Loads the launch's host modules (`imports`) the way the runner's worker does, checks every
   * import against what they supply, and puts them in the host's import object. While debugging,
   * their functions pass the observer too, so `env.*` breakpoints stop there like WASI calls do.
   */
  async loadHostModules(): Promise<void> {
    if (!this.setup.hostModules.length) return;
    const loaded = await loadHostModules(this.setup.hostModules, {
      memory: this.host.memory,
      instance: () => this.instance,
      args: this.setup.args,
      env: this.setup.env,
      stdout: this.stdout,
      stderr: this.stderrTail,
    });
    const problems = listImportProblems(this.module.imports, suppliedArities(loaded), suppliedSources(loaded));
    if (problems.length) throw new Error(describeImportProblems(this.setup.args[0] ?? 'the module', problems));
    const imports = hostModuleImports(loaded, this.module.imports);
    const observer = this.hostCallObserver;
    for (const [module, functions] of Object.entries(imports)) {
      this.userImports[module] = observer
        ? Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, observed(module, name, fn, observer)]))
        : functions;
    }
  }

  run(): GuestEnd {
    const instrumented = this.setup.noDebug ? undefined : this.instrument();
    const bytes = this.setup.noDebug ? this.setup.wasm : instrumented?.bytes ?? withStackPointerExport(this.module) ?? this.setup.wasm;
    const compiled = (this.setup.noDebug && this.setup.module) || new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const instance = this.host.instantiate(compiled);
    this.instance = instance;
    const sp = instance.exports[STACK_POINTER_EXPORT];
    if (sp instanceof WebAssembly.Global) this.stackPointer = sp;
    if (instrumented && this.pclntab) this.attachLineStops(instance, instrumented, this.pclntab);
    post({ kind: 'ready' });
    const outcome = this.host.run(instance);
    if (outcome.kind === 'trap' && this.exceptionFilters.has('trap') && !this.terminating) {
      // Post-mortem: the guest's stack is gone, but its memory and descriptors can still be looked at.
      const frames = outcome.trap.functions.map((name): StackFrameInfo => ({ name, kind: 'wasm' }));
      this.stop('exception', { description: `wasm trap: ${outcome.trap.detail}`, text: outcome.trap.message, exceptionId: 'trap' }, undefined, frames);
    }
    this.flushTrace();
    return plainOutcome(outcome);
  }

  dispose(): void {
    this.host.dispose();
  }

  /** The module with a probe at each Go statement; undefined (host-call stops only) when it is not a Go module. */
  private instrument(): { bytes: Uint8Array; sites: StatementSites; probeSlot: number; siteFlag: Uint32Array; flagCount: number } | undefined {
    if (!this.pclntab) return undefined;
    try {
      const listing = this.setup.listing ? parseAssemblyListing(this.setup.listing) : undefined;
      this.variables = new GoFrameVariables(this.module, this.pclntab, listing, this.setup.listing);
      if (!this.setup.listing) this.variables.setDebugInfo(undefined);
      const sites = findStatementSites(this.module, this.pclntab, {
        listing,
        include: (name) => !isRuntimeFunction(name) || name === 'runtime.fatalpanic',
      });
      return { ...instrumentStatementSites(this.module, sites), sites };
    } catch (error) {
      post({ kind: 'trace', text: `Go line breakpoints are unavailable for this module: ${(error as Error).message}` });
      return undefined;
    }
  }

  private attachLineStops(instance: WebAssembly.Instance, instrumented: { sites: StatementSites; probeSlot: number; siteFlag: Uint32Array; flagCount: number }, pclntab: GoPclntab): void {
    const { sites, probeSlot } = instrumented;
    const table = instance.exports[PROBE_EXPORTS.table] as WebAssembly.Table;
    const onProbe = (site: number): void => this.onProbe(site);
    table.set(probeSlot, probeTrampoline(onProbe) as never);
    this.probeSlot = { table, slot: probeSlot, onProbe, memory: Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined };
    const memory = (): DataView => {
      this.host.memory.refresh();
      const bytes = this.host.memory.bytes;
      return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    };
    const stops = (this.lineStops = new GoLineStops(sites, instrumented.siteFlag, instrumented.flagCount, instance.exports, memory, pclntab));
    const fatalpanic = pclntab.funcIndexByName('runtime.fatalpanic');
    if (fatalpanic >= 0) {
      const defined = pclntab.wasmFunctionIndex(fatalpanic) - this.module.importedFunctionCount;
      for (let s = sites.functionStart[defined]; s < sites.functionStart[defined + 1]; s++) this.panicSites.add(s);
      stops.alwaysArm(defined, this.exceptionFilters.has('panic'));
    }
    const variables = this.variables;
    if (variables) {
      const frame = (site: number): StackFrameInfo => ({
        name: pclntab.funcName(pclntab.funcIndexForPC(sites.pc[site])),
        kind: 'go',
        pc: sites.pc[site],
        sp: stops.stackPointer(),
        line: sites.line[site],
        atStatement: true,
      });
      stops.evaluator = {
        test: (condition, site) => {
          this.waitForDebugInfo(variables);
          return variables.test(condition, frame(site), this.memoryView());
        },
        log: (message, site) => {
          this.waitForDebugInfo(variables);
          post({ kind: 'log', text: variables.interpolate(message, frame(site), this.memoryView()) });
        },
      };
    }
    post({ kind: 'statementLines', files: stops.statementLines() });
    stops.onRearm = () => {
      if (this.conditionFilter) this.conditionFilter.value = stops.filtering ? 1 : 0;
    };
    this.setLineBreakpoints(this.setup.lineBreakpoints);
  }

  private onProbe(site: number): void {
    const stops = this.lineStops;
    if (!stops) return;
    if (site === POLL_SITE) stops.resetBudget(POLL_BUDGET);
    if (Atomics.load(this.control, MAILBOX) !== this.mailboxSeen) this.drain();
    if (site === POLL_SITE || this.terminating) return;
    if (this.panicSites.has(site)) {
      // Recorded now, shown at proc_exit(2) once Go has printed the panic's message.
      this.panicFrames ??= this.goFrames(stops.stackPointer(), stops.sitePC(site), site);
      return;
    }
    const decision = stops.atSite(site);
    if (decision) this.lineStop(decision, site);
  }

  private lineStop(decision: LineStop, site: number): void {
    const stops = this.lineStops as GoLineStops;
    const frames = this.goFrames(stops.stackPointer(), stops.sitePC(site), site);
    const top = frames[0];
    const where = top?.file ? `${top.file.split('/').pop()}:${top.line}` : '';
    const details: Partial<StoppedMessage> = {
      description: decision.reason === 'breakpoint' ? `Breakpoint at ${where}` : decision.reason === 'pause' ? `Paused at ${where}` : `Stepped to ${where}`,
    };
    if (decision.reason === 'breakpoint') {
      details.hitBreakpointIds = decision.hitBreakpointIds;
      if (decision.conditionErrors) details.text = `The condition could not be evaluated: ${decision.conditionErrors.join('; ')}`;
    }
    this.stop(decision.reason, details, undefined, frames);
  }

  /** Go's stack at a probe, its top frame on the site's own line (the pclntab has only each block's last). */
  private goFrames(sp: number, pc: number, site: number): StackFrameInfo[] {
    const stops = this.lineStops as GoLineStops;
    const frames = safeCall(() => walkGoStack(new DataView(this.host.memory.bytes.buffer), sp, stops.table, pc)) ?? [];
    if (frames.length) frames[0] = { ...frames[0], file: stops.sites.files[stops.sites.file[site]], line: stops.sites.line[site], atStatement: true };
    return frames;
  }

  private setLineBreakpoints(specs: readonly LineBreakpointSpec[]): void {
    if (!this.lineStops) return;
    post({ kind: 'lineBreakpoints', breakpoints: this.lineStops.setBreakpoints(specs) });
    this.installConditionProbe();
  }

  /**
   * Puts in the probe slot a function that tests, in wasm, the conditions it can compile, so a false
   * one costs no call into JavaScript; the rest are tested by the debugger as before.
   */
  private installConditionProbe(): void {
    const stops = this.lineStops;
    const probe = this.probeSlot;
    const sp = this.stackPointer;
    if (!stops || !probe?.memory || !sp || !this.variables || !this.pclntab) return;
    const pclntab = this.pclntab;
    const conditions: { site: number; code: number[] }[] = [];
    for (const [site, nodes] of stops.conditionalSites()) {
      const pc = stops.sites.pc[site];
      const frame: StackFrameInfo = { name: pclntab.funcName(pclntab.funcIndexForPC(pc)), kind: 'go', pc, line: stops.sites.line[site], atStatement: true };
      const codes = nodes.map((node) => compileCondition(node, (name) => this.variables?.slot(frame, name)));
      if (codes.some((c) => c === undefined)) continue;
      const code = (codes as number[][]).reduce((all, c, i) => (i === 0 ? c : [...all, ...c, 0x72]), [] as number[]);
      conditions.push({ site, code });
    }
    try {
      const module = new WebAssembly.Module(conditionProbeModule(conditions) as Uint8Array<ArrayBuffer>);
      const instance = new WebAssembly.Instance(module, { d: { p: probe.onProbe, m: probe.memory, sp } });
      this.conditionFilter = instance.exports.f as WebAssembly.Global;
      this.conditionFilter.value = stops.filtering ? 1 : 0;
      probe.table.set(probe.slot, instance.exports.p as never);
    } catch (error) {
      post({ kind: 'trace', text: `Conditions are tested in JavaScript: ${(error as Error).message}` });
    }
  }

  /**
   * Steps by Go line from the innermost frame that has statements (at a host call, the Go caller of
   * the //go:wasmimport wrapper). With no such frame, or no instrumented module, a step goes from host
   * call to host call as before.
   */
  private startStep(kind: StepKind): void {
    const stops = this.lineStops;
    const frames = this.stoppedFrames;
    const originIndex = frames.findIndex((f) => f.kind === 'go' && f.pc !== undefined && f.sp !== undefined && stops?.hasSites(f.pc));
    this.paused = false;
    if (!stops) {
      this.stepping = this.current !== undefined;
      if (!this.stepping) this.pendingStop = 'step';
      return;
    }
    if (originIndex < 0) {
      stops.pause();
      return;
    }
    this.stepping = this.current !== undefined;
    const origin = frames[originIndex];
    stops.startStep(kind, { pc: origin.pc as number, sp: origin.sp as number, line: origin.line ?? 0 }, frames.slice(originIndex).map((f) => ({ pc: f.pc ?? 0 })));
  }

  private observer(): HostCallObserver {
    return {
      before: (call) => {
        if (Atomics.load(this.control, MAILBOX) !== this.mailboxSeen) this.drain();
        if (this.terminating) return;
        if (this.statistics) this.traced = { decoded: this.decode(call), start: performance.now() };
        this.checkStop(call);
      },
      after: (call, result) => {
        if (this.traced && this.statistics) {
          const { decoded, start } = this.traced;
          this.traced = undefined;
          const ms = performance.now() - start;
          decodeCallResult(decoded, result, this.host.memory);
          this.statistics.record(call.name, ms, result);
          post({ kind: 'trace', text: `${formatCall(decoded)} → ${formatResult(decoded) || 'no return'} ${ms.toFixed(3)} ms` });
        }
        if (this.stepping && this.current?.call === call) {
          this.stepping = false;
          decodeCallResult(this.current.decoded, result, this.host.memory);
          this.previous = this.current.decoded;
          // A step by Go line goes on to the next line, which will show this call's result.
          if (!this.lineStops) this.pendingStop ??= 'step';
        }
      },
    };
  }

  private checkStop(call: HostCall): void {
    let reason = this.pendingStop;
    let details: Partial<StoppedMessage> = {};
    let frames: StackFrameInfo[] | undefined;
    this.pendingStop = undefined;
    if (call.name === 'proc_exit' && call.module === 'wasi_snapshot_preview1') {
      const code = Number(call.args[0]) >>> 0;
      const panic = code === 2 ? this.stderrTail.panicText() : undefined;
      if (panic !== undefined && this.exceptionFilters.has('panic')) {
        reason = 'exception';
        details = { description: panic.split('\n')[0], text: panic, exceptionId: 'panic' };
        const goroutine = this.panicFrames ? withoutRuntimeTop(this.panicFrames) : panickingGoroutineFrames(panic);
        if (goroutine.length) frames = [{ name: `${call.module}.${call.name}`, kind: 'host' }, ...goroutine];
      } else if (code !== 0 && this.exceptionFilters.has('nonzeroExit')) {
        reason = 'exception';
        details = { description: `exit status ${code}`, text: `The program called proc_exit(${code}).`, exceptionId: 'nonzeroExit' };
      }
    }
    if (this.breakpoints.length) {
      const hit = this.hitBreakpoints(call);
      if (hit.length && reason !== 'exception') {
        reason = 'function breakpoint';
        details.hitBreakpointIds = hit;
      }
    }
    if (!reason) {
      // A step by line shows the call it stepped over at the line it stops on, after more host calls maybe.
      if (!this.stepping && !this.lineStops?.stepping) this.previous = undefined;
      return;
    }
    this.stop(reason, details, call, frames);
  }

  private hitBreakpoints(call: HostCall): number[] {
    const hit: number[] = [];
    let forCondition: DecodedCall | undefined;
    for (const bp of this.breakpoints) {
      if (!bp.matches(call.module, call.name)) continue;
      if (bp.condition) {
        forCondition ??= decodeCallArguments(call.module, call.name, call.args, this.host.memory, (fd) => this.describeFd(fd), true);
        let passed: unknown;
        try {
          passed = bp.condition(expressionScope(forCondition));
        } catch {
          // A condition naming an argument this function lacks is simply false here.
          passed = false;
        }
        if (!passed) continue;
      }
      bp.hits++;
      if (bp.hitTest && !bp.hitTest(bp.hits)) continue;
      hit.push(bp.spec.id);
    }
    return hit;
  }

  private stop(reason: StopReason, details: Partial<StoppedMessage>, call: HostCall | undefined, frames?: StackFrameInfo[]): void {
    const decoded = call ? this.decode(call) : undefined;
    this.current = call && decoded ? { call, decoded } : undefined;
    const message: StoppedMessage = {
      kind: 'stopped',
      reason,
      description: details.description ?? (decoded ? formatCall(decoded) : reason),
      text: details.text,
      exceptionId: details.exceptionId,
      hitBreakpointIds: details.hitBreakpointIds,
      call: decoded,
      previous: this.previous,
      frames: frames ?? (call ? this.stackAtHostCall(call) : []),
      process: this.snapshot(),
    };
    const goroutines = safeCall(() => this.goroutines(message.frames));
    if (goroutines?.length) {
      message.goroutines = goroutines.list;
      message.threadId = goroutines.current;
    }
    this.previous = undefined;
    this.stoppedFrames = message.frames;
    this.lineStops?.stopped();
    this.pendingStop = undefined;
    post(message);
    this.paused = true;
    while (this.paused) {
      const seen = Atomics.load(this.control, MAILBOX);
      if (seen === this.mailboxSeen) Atomics.wait(this.control, MAILBOX, seen);
      this.drain();
    }
    this.variables?.resume();
  }

  /** Every live goroutine with its stack; the current one keeps the frames of the stop. */
  private goroutines(currentFrames: StackFrameInfo[]): { list: GoroutineSnapshot[]; current?: number; length: number } | undefined {
    const stops = this.lineStops;
    if (!stops || !this.pclntab) return undefined;
    const bytes = this.host.memory.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const current = stops.goroutine();
    if (!this.goroutineLayout) {
      const { from, to } = dataArea(this.module);
      this.goroutineLayout = findGoroutineLayout(view, current, from, to + BSS_SEARCH_BYTES);
    }
    const layout = this.goroutineLayout;
    if (!layout) return undefined;
    let currentId: number | undefined;
    const list = readGoroutines(view, layout).map((info): GoroutineSnapshot => {
      let frames: StackFrameInfo[];
      if (info.g === current) {
        currentId = info.goid;
        frames = currentFrames;
      } else {
        const pclntab = this.pclntab as GoPclntab;
        frames = safeCall(() => walkGoStack(view, info.schedSp, pclntab, info.schedPc)) ?? [];
        if (!frames.length) frames = safeCall(() => walkGoStack(view, info.schedSp, pclntab)) ?? [];
      }
      return { id: info.goid, name: `Goroutine ${info.goid} ${startFunction(frames)}`.trim(), frames };
    });
    return { list, current: currentId, length: list.length };
  }

  private stackAtHostCall(call: HostCall): StackFrameInfo[] {
    const frames: StackFrameInfo[] = [{ name: `${call.module}.${call.name}`, kind: 'host' }];
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 200;
    const stack = new Error().stack ?? '';
    Error.stackTraceLimit = limit;
    const wasmFrames: { name: string; index: number }[] = [];
    for (const line of stack.split('\n')) {
      const match = wasmFrameIndex.exec(line);
      if (match) wasmFrames.push({ name: this.module.functionName(Number(match[2])) ?? match[1], index: Number(match[2]) });
    }
    const sp = this.stackPointer?.value as number | undefined;
    if (this.pclntab && sp !== undefined && wasmFrames.length) {
      const walked = safeCall(() => walkGoStack(new DataView(this.host.memory.bytes.buffer), sp, this.pclntab as GoPclntab));
      if (walked?.length) return [...frames, declarationFrame(wasmFrames[0].name, this.pclntab), ...walked];
    }
    return [...frames, ...wasmFrames.map((f): StackFrameInfo => ({ name: f.name, kind: 'wasm' }))];
  }

  private snapshot(): ProcessSnapshot {
    const fds = [...this.host.fds.open()].map(([fd, descriptor]) => ({ fd, description: describeDescriptor(descriptor) ?? '?' }));
    const globals: ProcessSnapshot['globals'] = [];
    for (const [name, value] of Object.entries(this.instance?.exports ?? {})) {
      if (!(value instanceof WebAssembly.Global)) continue;
      const shown = name === STACK_POINTER_EXPORT ? 'SP (Go stack pointer, global 0)' : name;
      const v = safeCall(() => value.value as unknown);
      globals.push({ name: shown, value: typeof v === 'number' ? `${v} (0x${(v >>> 0).toString(16)})` : String(v) });
    }
    this.host.memory.refresh();
    return { fds, globals, memoryBytes: this.host.memory.size };
  }

  private decode(call: HostCall): DecodedCall {
    return decodeCallArguments(call.module, call.name, call.args, this.host.memory, (fd) => this.describeFd(fd));
  }

  private describeFd(fd: number): string | undefined {
    return describeDescriptor(this.host.fds.peek(fd));
  }

  private drain(): void {
    this.mailboxSeen = Atomics.load(this.control, MAILBOX);
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (!received) return;
      this.handle(received.message as WorkerCommand);
    }
  }

  private handle(command: WorkerCommand): void {
    switch (command.kind) {
      case 'breakpoints': this.setBreakpoints(command.breakpoints); break;
      case 'exceptionFilters':
        this.exceptionFilters = new Set(command.filters);
        this.lineStops?.alwaysArm(undefined, this.exceptionFilters.has('panic'));
        break;
      case 'pause':
        if (!this.paused) {
          this.pendingStop = 'pause';
          this.lineStops?.pause();
        }
        break;
      case 'continue': this.paused = false; break;
      case 'next': this.startStep('over'); break;
      case 'step': this.startStep(command.step); break;
      case 'lineBreakpoints': this.setLineBreakpoints(command.breakpoints); break;
      case 'debugInfo':
        this.variables?.setDebugInfo(command.listing, command.problem);
        this.installConditionProbe();
        break;
      case 'goScopes': this.reply(command.id, () => this.variables?.scopes(this.frameAt(command.frame), this.memoryView())); break;
      case 'goVariables': this.reply(command.id, () => this.variables?.variables(command.reference, command.start, command.count) ?? []); break;
      case 'goEvaluate':
        this.reply(command.id, () => {
          if (!this.variables) throw new Error('this module has no Go variables to evaluate');
          return this.variables.evaluate(command.expression, this.frameAt(command.frame), this.memoryView());
        });
        break;
      case 'goSetVariable':
        this.reply(command.id, () => {
          if (!this.variables) throw new Error('this module has no Go variables to set');
          return this.variables.setVariable(command.reference, command.name, command.value, this.frameAt(command.frame), this.memoryView());
        });
        break;
      case 'terminate':
        this.terminating = true;
        this.paused = false;
        this.host.stop();
        break;
      case 'readMemory': this.reply(command.id, () => this.readMemory(command.address, command.count)); break;
      case 'writeMemory':
        this.reply(command.id, () => {
          this.host.memory.refresh();
          this.host.memory.write(command.address, command.data);
          return { bytesWritten: command.data.length };
        });
        break;
      case 'evaluate': this.reply(command.id, () => this.evaluate(command.expression)); break;
    }
  }

  /**
   * A condition or a logpoint needs the debug information, which is built while the program runs: the
   * first one to need it holds the guest here until it comes (commands are still served meanwhile).
   */
  private waitForDebugInfo(variables: GoFrameVariables): void {
    const deadline = Date.now() + DEBUG_INFO_WAIT_MS;
    while (variables.pending && !this.terminating && Date.now() < deadline) {
      const seen = Atomics.load(this.control, MAILBOX);
      if (seen === this.mailboxSeen) Atomics.wait(this.control, MAILBOX, seen, 200);
      this.drain();
    }
  }

  private frameAt(index: number): StackFrameInfo {
    const frame = this.stoppedFrames[index];
    if (!frame) throw new Error(`no frame ${index} at this stop`);
    return frame;
  }

  private memoryView(): DataView {
    this.host.memory.refresh();
    const bytes = this.host.memory.bytes;
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private readMemory(address: number, count: number): { address: number; data: Uint8Array; unreadableBytes: number } {
    const memory = this.host.memory;
    memory.refresh();
    const start = Math.max(0, Math.min(address, memory.size));
    const end = Math.max(start, Math.min(address + count, memory.size));
    return { address: start, data: memory.bytes.slice(start, end), unreadableBytes: count - (end - start) };
  }

  /** Expressions see the stopped call's arguments plus readers of guest memory. */
  private evaluate(expression: string): { result: string } {
    const memory = this.host.memory;
    memory.refresh();
    const scope: Record<string, unknown> = {
      ...(this.current ? expressionScope(this.current.decoded) : {}),
      sp: this.stackPointer?.value,
      u8: (a: number) => memory.u8(a),
      u32: (a: number) => memory.u32(a),
      u64: (a: number) => memory.u64(a),
      str: (a: number, n: number) => memory.string(a, n),
    };
    const value = compileExpression(expression)(scope);
    return { result: typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value) };
  }

  private reply(id: number, body: () => unknown): void {
    try {
      post({ kind: 'reply', id, ok: true, body: body() });
    } catch (error) {
      post({ kind: 'reply', id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  }

  private setBreakpoints(specs: readonly { id: number; name: string; condition?: string; hitCondition?: string }[]): void {
    const compiled: CompiledBreakpoint[] = [];
    for (const spec of specs) {
      try {
        compiled.push(compileBreakpoint(spec));
      } catch (error) {
        post({ kind: 'breakpointProblem', id: spec.id, message: (error as Error).message });
      }
    }
    this.breakpoints = compiled;
  }

  private flushTrace(): void {
    if (this.statistics) post({ kind: 'trace', text: this.statistics.summary() });
  }
}

/**
 * What a goroutine is known by: its outermost function of the user's (past the wrapper Go makes for a
 * `go f(x)` statement), else the runtime function it started in (forcegchelper, bgsweep…).
 */
function startFunction(frames: readonly StackFrameInfo[]): string {
  const outermostFirst = [...frames].reverse().filter((f) => f.kind === 'go' && f.name !== 'runtime.goexit');
  const user = outermostFirst.find((f) => !isRuntimeFunction(f.name) && !/\.gowrap\d+$/.test(f.name));
  return (user ?? outermostFirst[0])?.name ?? '';
}

/** How long a condition waits for the debug information before it is evaluated without it (and says so). */
const DEBUG_INFO_WAIT_MS = 60_000;

/** How far past the initialized data runtime.allgs may sit (Go's bss and noptrbss). */
const BSS_SEARCH_BYTES = 16 << 20;

/** The address range the module's active data segments cover. */
function dataArea(module: WasmModule): { from: number; to: number } {
  let from = Infinity;
  let to = 0;
  const { memoryOffsets, sizes, count } = module.data;
  for (let i = 0; i < count; i++) {
    const at = memoryOffsets[i];
    if (at < 0) continue;
    from = Math.min(from, at);
    to = Math.max(to, at + sizes[i]);
  }
  return from === Infinity ? { from: 0, to: 0 } : { from, to };
}

/** A panic's frames from where Go's runtime took over (fatalpanic, gopanic, …) down to the line that panicked. */
function withoutRuntimeTop(frames: StackFrameInfo[]): StackFrameInfo[] {
  const first = frames.findIndex((f) => !f.name.startsWith('runtime.'));
  return first > 0 ? frames.slice(first) : frames;
}

/** A user host function seen by the observer; its results are whatever wasm takes, not only an errno. */
function observed(module: string, name: string, fn: (...args: unknown[]) => unknown, observer: HostCallObserver): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const call: HostCall = { module, name, args: args as (number | bigint)[] };
    observer.before?.(call);
    let result: unknown;
    try {
      result = fn(...args);
      return result;
    } finally {
      observer.after?.(call, typeof result === 'number' ? result : undefined);
    }
  };
}

function post(event: WorkerEvent): void {
  parentPort?.postMessage(event);
}

function safeCall<T>(body: () => T): T | undefined {
  try {
    return body();
  } catch {
    return undefined;
  }
}

/** The worker's entry: called by the debug adapter bundle when it finds itself started as a worker. */
export async function runDebugWorker(setup: DebugWorkerSetup): Promise<void> {
  let outcome: GuestEnd;
  let worker: DebugWorker | undefined;
  try {
    worker = new DebugWorker(setup);
    await worker.loadHostModules();
    outcome = worker.run();
  } catch (error) {
    outcome = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  } finally {
    safeCall(() => worker?.dispose());
  }
  post({ kind: 'ended', outcome });
}
