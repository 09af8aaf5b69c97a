// One guest from instantiation to outcome, whatever thread it runs on: the worker (hostWorker.ts,
// stdio over shared rings) and the CLI's in-thread run (runInThisThread.ts, stdio on the process's
// own descriptors) differ only in the streams they hand it.
import { statSync } from 'node:fs';
import type { WasmModule } from '../../wasm/moduleReader';
import { describeImportProblems, listImportProblems, type ImportSummary } from '../guestModule';
import { WasiHost, type GuestOutcome, type Preopen } from '../host';
import { HostModuleLoadError, hostModuleImports, loadHostModules, suppliedArities, suppliedSources, type HostModuleSource } from '../hostModules';
import { convertArguments, findCallableExport, InvokeError, resultList, type ExportSummary, type WasmValue } from '../reactor';
import type { InputStream, OutputStream, ReadinessSignal } from '../streams';
import type { GuestMode, ReactorReady, ReactorRequest, ReactorResponse, RunResult } from './workerProtocol';

/** What the guest is and sees, apart from its stdio. */
export interface GuestConfig {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly preopens: readonly Preopen[];
  /** Host module files for non-WASI imports, loaded before instantiation. */
  readonly importModules?: readonly HostModuleSource[];
  readonly mode?: GuestMode;
}

/** The compiled module, with the signatures of its imports and exports when it was parsed. */
export interface GuestModuleInfo {
  readonly module: WebAssembly.Module;
  readonly imports?: readonly ImportSummary[];
  readonly exports?: readonly ExportSummary[];
}

/** The guest's stdio and how the embedder reaches it. */
export interface GuestIo {
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly readiness?: ReadinessSignal;
  /** True once the embedder asked the guest to stop before it started. */
  stopRequested(): boolean;
  /** Descriptors after the preopened directories (listening sockets). */
  addDescriptors?(host: WasiHost): void;
  /** The guest is instantiated (host modules loaded, imports checked) and about to run. */
  instantiated?(): void;
}

/** A failure that ends the run before the guest starts, with the reason the embedder sees. */
class SetupFailure extends Error {
  constructor(readonly reason: 'imports' | 'host-module' | 'invoke', message: string) {
    super(message);
  }
}

export class GuestSession {
  private host: WasiHost | undefined;
  private instance: WebAssembly.Instance | undefined;
  private initialized = false;
  private exports: readonly ExportSummary[] = [];

  constructor(private readonly config: GuestConfig, private readonly start: GuestModuleInfo) {}

  /** Makes a blocked or busy guest unwind at its next host call (streams call this on a stop request). */
  stop(): void {
    this.host?.stop();
  }

  /** Builds the host and instantiates; then runs the command or the invocation. undefined: a reactor waits for requests. */
  async begin(io: GuestIo): Promise<RunResult | undefined> {
    try {
      // Filled once the host modules are loaded: they need the host's memory, the host needs them.
      const userImports: Record<string, Record<string, (...args: unknown[]) => unknown>> = {};
      const host = new WasiHost({
        args: this.config.args,
        env: this.config.env,
        preopens: this.config.preopens,
        stdin: io.stdin,
        stdout: io.stdout,
        stderr: io.stderr,
        readiness: io.readiness,
        imports: userImports,
      });
      this.host = host;
      io.addDescriptors?.(host);
      if (io.stopRequested()) return { kind: 'stopped' };

      const module = this.start.module;
      const imports: readonly ImportSummary[] = this.start.imports ?? WebAssembly.Module.imports(module);
      this.exports = this.start.exports ?? WebAssembly.Module.exports(module);
      const sources = this.config.importModules ?? [];
      if (sources.length) {
        const loaded = await loadHostModules(sources, {
          memory: host.memory,
          instance: () => this.instance,
          args: this.config.args,
          env: this.config.env,
          stdout: io.stdout,
          stderr: io.stderr,
        }).catch((error: unknown) => {
          throw error instanceof HostModuleLoadError ? new SetupFailure('host-module', error.message) : error;
        });
        const problems = listImportProblems(imports, suppliedArities(loaded), suppliedSources(loaded));
        if (problems.length) throw new SetupFailure('imports', describeImportProblems(this.config.args[0] ?? 'the module', problems));
        Object.assign(userImports, hostModuleImports(loaded, imports));
      }
      this.instance = host.instantiate(module);
      io.instantiated?.();

      const mode = this.config.mode ?? { kind: 'command' };
      if (mode.kind === 'command') return plainOutcome(host.run(this.instance));
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

  /** Closes every descriptor (stdio included) the host holds. */
  dispose(): void {
    this.host?.dispose();
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
    return returned ? undefined : plainOutcome(outcome);
  }

  private call(name: string, args: readonly (string | number | bigint)[]): { results: WasmValue[] } | { ended: RunResult } {
    const target = findCallableExport(this.exports, name);
    const values = convertArguments(name, target.type, args);
    const { returned, results, outcome } = this.requireHost().callExport(name, values, this.instance);
    return returned ? { results: resultList(results) } : { ended: plainOutcome(outcome) };
  }

  private requireHost(): WasiHost {
    if (!this.host) throw new Error('the host is not built');
    return this.host;
  }
}

/** How a guest ended, as plain (cloneable) data. */
export function plainOutcome(outcome: GuestOutcome): Extract<RunResult, { kind: 'exit' | 'stopped' | 'trap' }> {
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

/** Checked before the host is built, so the message names the directory rather than a bare ENOENT. */
export function checkPreopen(preopen: Preopen): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(preopen.hostPath).isDirectory();
  } catch (error) {
    throw new Error(`cannot preopen ${preopen.hostPath} as ${preopen.guestPath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!isDirectory) throw new Error(`cannot preopen ${preopen.hostPath} as ${preopen.guestPath}: not a directory`);
}

/** Plain (cloneable) import and export lists with their function signatures. */
export function signaturesOf(parsed: WasmModule | undefined): { imports?: ImportSummary[]; exports?: ExportSummary[] } {
  if (!parsed) return {};
  return {
    imports: parsed.imports.map((i) => ({ module: i.module, name: i.name, kind: i.kind, ...(i.kind === 'func' ? { type: i.type } : {}) })),
    exports: parsed.exports.map((e) => ({ name: e.name, kind: e.kind, ...(e.type ? { type: e.type } : {}) })),
  };
}
