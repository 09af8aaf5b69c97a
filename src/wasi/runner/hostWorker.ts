// The worker thread a guest runs in (bundled as dist/hostWorker.js). WASI calls are synchronous,
// so the guest may block here, in Atomics.wait, for as long as it likes: the main thread's event
// loop, and with it the editor, keeps running.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { describeImportProblems, listImportProblems, type ImportSummary } from '../guestModule';
import { WasiHost, type GuestOutcome } from '../host';
import { HostModuleLoadError, hostModuleImports, loadHostModules, suppliedArities, suppliedSources } from '../hostModules';
import { convertArguments, findCallableExport, InvokeError, resultList, type ExportSummary, type WasmValue } from '../reactor';
import { SocketDescriptor } from '../sockets';
import { FdFlags } from '../spec/constants';
import { emptyInput, discardOutput, type OutputStream } from '../streams';
import { RingSocketListener } from './ringSockets';
import { RingInput, RingOutput } from './ringStreams';
import { SharedRing, WakeCells, WorkerReadiness } from './sharedRing';
import type { OutcomeMessage, ReactorReady, ReactorRequest, ReactorResponse, RunResult, StartMessage, WorkerSetup } from './workerProtocol';

/** A failure that ends the run before the guest starts, with the reason the embedder sees. */
class SetupFailure extends Error {
  constructor(readonly reason: 'imports' | 'host-module' | 'invoke', message: string) {
    super(message);
  }
}

/** One guest from start message to outcome; in reactor mode it lives across requests. */
class WorkerGuest {
  private readonly cells: WakeCells;
  private readonly rings: (SharedRing | undefined)[];
  private host: WasiHost | undefined;
  private instance: WebAssembly.Instance | undefined;
  private initialized = false;
  private exports: readonly ExportSummary[] = [];

  constructor(private readonly setup: WorkerSetup, private readonly start: StartMessage) {
    this.cells = new WakeCells(setup.wake);
    this.rings = [setup.stdin, setup.stdout, setup.stderr].map((buffer) => (buffer ? new SharedRing(buffer) : undefined));
  }

  /** Builds the host and instantiates; then runs the command or the invocation. undefined: a reactor waits for requests. */
  async begin(): Promise<RunResult | undefined> {
    const [stdinRing, stdoutRing, stderrRing] = this.rings;
    const stop = (): void => this.host?.stop();
    try {
      const stdout: OutputStream = stdoutRing ? new RingOutput(stdoutRing, this.cells, stop, this.setup.stdoutIsTerminal) : discardOutput;
      const stderr: OutputStream = stderrRing ? new RingOutput(stderrRing, this.cells, stop, this.setup.stderrIsTerminal) : discardOutput;
      // Filled once the host modules are loaded: they need the host's memory, the host needs them.
      const userImports: Record<string, Record<string, (...args: unknown[]) => unknown>> = {};
      const host = new WasiHost({
        args: this.setup.args,
        env: this.setup.env,
        preopens: this.setup.preopens,
        stdin: stdinRing ? new RingInput(stdinRing, this.cells, stop) : emptyInput,
        stdout,
        stderr,
        readiness: new WorkerReadiness(this.cells, stop),
        imports: userImports,
      });
      this.host = host;
      // Listening sockets come after the preopened directories, as in wasmtime.
      (this.setup.listenerPorts ?? []).forEach((port: MessagePort, i) => {
        const name = this.start.listenerNames?.[i] ?? `tcp listener ${i}`;
        const listener = SocketDescriptor.listening(name, new RingSocketListener(port, this.cells, stop));
        // Non-blocking from the start: Go's os.NewFile only hands an fd to its poller when
        // F_GETFL says so; a blocking accept would stall every goroutine of the guest.
        listener.fdflags = FdFlags.NONBLOCK;
        host.fds.add(listener);
      });
      if (this.cells.stopRequested) return { kind: 'stopped' };

      const module = this.start.module;
      const imports: readonly ImportSummary[] = this.start.imports ?? WebAssembly.Module.imports(module);
      this.exports = this.start.exports ?? WebAssembly.Module.exports(module);
      const sources = this.setup.importModules ?? [];
      if (sources.length) {
        const loaded = await loadHostModules(sources, {
          memory: host.memory,
          instance: () => this.instance,
          args: this.setup.args,
          env: this.setup.env,
          stdout,
          stderr,
        }).catch((error: unknown) => {
          throw error instanceof HostModuleLoadError ? new SetupFailure('host-module', error.message) : error;
        });
        const problems = listImportProblems(imports, suppliedArities(loaded), suppliedSources(loaded));
        if (problems.length) throw new SetupFailure('imports', describeImportProblems(this.setup.args[0] ?? 'the module', problems));
        Object.assign(userImports, hostModuleImports(loaded, imports));
      }
      this.instance = host.instantiate(module);

      const mode = this.setup.mode ?? { kind: 'command' };
      if (mode.kind === 'command') return describe(host.run(this.instance));
      if (mode.kind === 'reactor') return undefined;
      const initialized = this.initialize();
      if (initialized) return initialized;
      const call = this.call(mode.name, mode.args);
      if ('ended' in call) return call.ended;
      return { kind: 'exit', code: 0, results: call.results };
    } catch (error) {
      if (error instanceof SetupFailure) return { kind: 'error', reason: error.reason, message: error.message };
      if (error instanceof InvokeError) return { kind: 'error', reason: 'invoke', message: error.message };
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Reactor mode: what the module exports, and whether it needs initialising. */
  ready(): ReactorReady {
    return { ready: { exports: this.exports, initialized: this.needsNoInitialize() } };
  }

  /** Serves one reactor request; returns the outcome when the guest has ended. */
  serve(request: ReactorRequest, reply: (response: ReactorResponse) => void): RunResult | undefined {
    try {
      if (request.op === 'close') {
        reply({ id: request.id });
        return { kind: 'exit', code: 0 };
      }
      if (request.op === 'initialize') {
        if (this.initialized) throw new InvokeError('the reactor is already initialised');
        const ended = this.initialize();
        if (ended) {
          reply({ id: request.id, error: `_initialize did not return: ${describeEnd(ended)}` });
          return ended;
        }
        reply({ id: request.id, results: [] });
        return undefined;
      }
      if (!this.initialized && !this.needsNoInitialize()) {
        throw new InvokeError(`call initialize() first: the reactor's _initialize has not run, so "${request.name}" cannot be called yet`);
      }
      const call = this.call(request.name, request.args);
      if ('ended' in call) {
        reply({ id: request.id, error: `${request.name} did not return: ${describeEnd(call.ended)}` });
        return call.ended;
      }
      reply({ id: request.id, results: call.results });
      return undefined;
    } catch (error) {
      reply({ id: request.id, error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  /** Closes every descriptor and ring so the main thread sees the ends. */
  end(): void {
    this.host?.dispose();
    const [stdinRing, stdoutRing, stderrRing] = this.rings;
    // Whatever dispose did not reach (a host that failed to build): the main thread must see the ends.
    stdinRing?.closeReader();
    stdoutRing?.closeWriter();
    stderrRing?.closeWriter();
    this.cells.wakeMain();
  }

  private needsNoInitialize(): boolean {
    return !this.exports.some((e) => e.name === '_initialize');
  }

  /** Runs _initialize if the module has one; returns the outcome only if the guest ended in it. */
  private initialize(): RunResult | undefined {
    this.initialized = true;
    if (this.needsNoInitialize()) {
      if (this.exports.some((e) => e.name === '_start')) {
        throw new InvokeError('the module is a command (it exports _start, not _initialize): build a Go reactor with -buildmode=c-shared to call its //go:wasmexport functions');
      }
      return undefined;
    }
    const { returned, outcome } = this.requireHost().callExport('_initialize', [], this.instance);
    return returned ? undefined : describe(outcome);
  }

  private call(name: string, args: readonly (string | number | bigint)[]): { results: WasmValue[] } | { ended: RunResult } {
    const target = findCallableExport(this.exports, name);
    const values = convertArguments(name, target.type, args);
    const { returned, results, outcome } = this.requireHost().callExport(name, values, this.instance);
    return returned ? { results: resultList(results) } : { ended: describe(outcome) };
  }

  private requireHost(): WasiHost {
    if (!this.host) throw new Error('the host is not built');
    return this.host;
  }
}

function describe(outcome: GuestOutcome): RunResult {
  switch (outcome.kind) {
    case 'exit': return { kind: 'exit', code: outcome.code };
    case 'stopped': return { kind: 'stopped' };
    case 'trap': return { kind: 'trap', trapKind: outcome.trap.kind, detail: outcome.trap.detail, functions: [...outcome.trap.functions] };
  }
}

function describeEnd(result: RunResult): string {
  switch (result.kind) {
    case 'exit': return `the guest exited with code ${result.code}`;
    case 'trap': return `the guest trapped: ${result.detail}${result.functions.length ? ` in ${result.functions[0]}` : ''}`;
    case 'stopped': return 'the guest was stopped';
    case 'error': return result.message;
  }
}

if (parentPort) {
  const port = parentPort;
  const finish = (guest: WorkerGuest, outcome: RunResult): void => {
    guest.end();
    port.postMessage({ outcome } satisfies OutcomeMessage);
  };
  // once, and off for the reactor's handler: with no listener left nothing keeps the thread alive
  // after the guest ended. (removeAllListeners would not let the port go.)
  port.once('message', (start: StartMessage) => {
    const guest = new WorkerGuest(workerData as WorkerSetup, start);
    void guest.begin().then((outcome) => {
      if (outcome) return finish(guest, outcome);
      port.postMessage(guest.ready());
      const serve = (request: ReactorRequest): void => {
        const ended = guest.serve(request, (response) => port.postMessage(response));
        if (!ended) return;
        port.off('message', serve);
        finish(guest, ended);
      };
      port.on('message', serve);
    });
  });
}
