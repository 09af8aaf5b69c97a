// Turns a launch's `program` into wasm bytes: a .wasm is read as is, anything else (a package
// directory, a .go file, an import path) is built for wasip1 with the user's Go first. A failed
// build comes back as located diagnostics, never as an exception with a stack.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findGo, GoDiscoveryError } from '../gotool/goDiscovery';
import type { GoDiagnostic } from '../gotool/goCompilerOutput';
import { debugBuildFlags } from '../gotool/goDebugBuild';
import { buildDebugInfo } from '../gotool/goDebugInfoBuild';
import { buildWasip1, withMergedTags } from '../gotool/wasip1Build';
import { checkGuestModule, GuestModuleError, prepareGuestModule } from '../wasi/guestModule';
import type { HostModuleSource } from '../wasi/hostModules';
import { WASI_MODULE } from '../wasi/spec/catalogue';
import { parseWasmModule } from '../wasm/moduleReader';
import { asList, programDirectory, type Wasip1LaunchArguments, workingDirectoryOf } from './launchConfiguration';
import { hostModuleSources, ImportsAttributeError } from './launchHostModules';

export type PreparedProgram =
  | {
      ok: true;
      wasmPath: string;
      /** The module; only its interface's bytes when prepared with `compile: false` (another process reads the file). */
      bytes: Uint8Array;
      built: boolean;
      hostModules: HostModuleSource[];
      listing?: string;
      module?: WebAssembly.Module;
      /** Builds the program's debug information (DWARF of the user's packages); started once the program runs. */
      debugInfo?: (signal: AbortSignal) => Promise<DebugInformation>;
    }
  | { ok: false; message: string; diagnostics: GoDiagnostic[]; lines: string[] };

/** The debug-information build's listing, or why there is none. */
export interface DebugInformation {
  listing?: string;
  problem?: string;
}

export interface PreparationOptions {
  signal?: AbortSignal;
  /** false: check the module without compiling it (another process compiles it: the editor's Run). */
  compile?: boolean;
  /** Progress lines ("go build …") for the Debug Console. */
  log?: (line: string) => void;
}

export async function prepareProgram(launch: Wasip1LaunchArguments, options: PreparationOptions = {}): Promise<PreparedProgram> {
  let hostModules: HostModuleSource[];
  try {
    hostModules = hostModuleSources(launch.imports, workingDirectoryOf(launch));
  } catch (error) {
    if (!(error instanceof ImportsAttributeError)) throw error;
    return { ok: false, message: error.message, diagnostics: [], lines: [error.message] };
  }
  const program = path.resolve(launch.program);
  const compile = options.compile ?? true;
  if (program.endsWith('.wasm')) {
    let bytes: Uint8Array;
    try {
      bytes = moduleBytes(program, compile);
    } catch (error) {
      return { ok: false, message: `Cannot read ${program}: ${(error as Error).message}`, diagnostics: [], lines: [] };
    }
    return checked({ ok: true, wasmPath: program, bytes, built: false, hostModules }, compile);
  }

  let go;
  try {
    go = await findGo({
      goPath: launch.goPath,
      alternateTool: launch.goAlternateTool,
      goroot: launch.goroot,
      env: { ...process.env, ...launch.goEnv },
      cwd: programDirectory(program),
    });
  } catch (error) {
    const message = error instanceof GoDiscoveryError ? error.message : `Cannot find go: ${(error as Error).message}`;
    return { ok: false, message, diagnostics: [], lines: [message] };
  }
  const output = launch.output ? path.resolve(programDirectory(program), launch.output) : defaultOutput(program);
  const test = launch.mode === 'test';
  const userFlags = withMergedTags(asList(launch.buildFlags), asList(launch.buildTags));
  // Debugging builds the user's code as Delve does (-N -l), after the user's flags so that it wins; Run keeps the optimised build.
  const debugFlags = launch.noDebug ? [] : await debugBuildFlags({ go, packagePath: program, buildFlags: userFlags, env: launch.goEnv, test, scope: launch.debugBuild, signal: options.signal });
  const what = `${test ? 'the tests of ' : ''}${launch.program}${launch.noDebug ? '' : ' for debugging'}`;
  options.log?.(`Building ${what} with ${go.versionString.replace(/^go version /, '')}…`);
  const result = await buildWasip1({
    go,
    packagePath: program,
    output,
    buildFlags: [...userFlags, ...debugFlags],
    env: launch.goEnv,
    signal: options.signal,
    test,
  });
  if (result.cancelled) return { ok: false, message: 'The build was cancelled.', diagnostics: [], lines: [] };
  if (!result.ok) {
    const lines = [
      ...result.diagnostics.map((d) => `${d.file}:${d.line}${d.column ? `:${d.column}` : ''}: ${d.message}`),
      ...result.unlocated,
    ];
    if (!lines.length) lines.push(result.output.trim() || `${result.commandLine} failed with exit code ${result.exitCode}`);
    const count = result.diagnostics.length;
    const message = count
      ? `Build failed: ${count} error${count === 1 ? '' : 's'}${result.tooManyErrors ? ' (and more)' : ''}, first ${lines[0]}`
      : `Build failed: ${lines[0]}`;
    return { ok: false, message, diagnostics: result.diagnostics, lines };
  }
  // With -S, the compiler's listing is the build's output (other lines are skipped by its reader).
  const listing = debugFlags.length ? result.output : undefined;
  const debugInfo = listing
    ? async (signal: AbortSignal): Promise<DebugInformation> => {
        const info = await buildDebugInfo({ go, packagePath: program, buildFlags: userFlags, env: launch.goEnv, test, scope: launch.debugBuild, signal });
        return info.ok ? { listing: info.listing } : { problem: `The debug information did not build: ${info.output.trim().split('\n').slice(-3).join(' ')}` };
      }
    : undefined;
  return checked({ ok: true, wasmPath: result.wasmPath, bytes: moduleBytes(result.wasmPath, compile), built: true, hostModules, listing, debugInfo }, compile);
}

/**
 * Fails the launch, before any thread starts, on what can never run: not wasm, a component, or
 * imports nothing supplies (a custom //go:wasmimport module), each said in one line. With host
 * modules in `imports`, the import check waits for the debug worker, which loads them and so
 * knows what they supply.
 */
async function checked(program: Extract<PreparedProgram, { ok: true }>, compile = true): Promise<PreparedProgram> {
  const checks = { hostModules: program.hostModules.map((m) => m.module), interfaceOnly: true };
  try {
    if (!compile) {
      try {
        checkGuestModule(program.bytes, program.wasmPath, {}, { ...checks, prefix: true });
      } catch (error) {
        // A prefix that did not hold the whole interface: the whole file says what is wrong, if anything.
        if (!(error instanceof GuestModuleError) || error.reason !== 'malformed' || program.bytes.length < INTERFACE_PREFIX_BYTES) throw error;
        program = { ...program, bytes: readFileSync(program.wasmPath) };
        checkGuestModule(program.bytes, program.wasmPath, {}, checks);
      }
      return program;
    }
    // Compiled here, on V8's background threads, once: a run in the debugger's worker reuses it.
    const { module } = await prepareGuestModule(program.bytes, program.wasmPath, {}, checks);
    return { ...program, module };
  } catch (error) {
    if (!(error instanceof GuestModuleError)) throw error;
    const message = error.reason === 'imports' ? error.message.replace(CLI_IMPORT_ADVICE, 'supply "$1" with a host module') + importsHint(program.bytes) : error.message;
    return { ok: false, message, diagnostics: [], lines: message.split('\n') };
  }
}

/** Enough of a module's first bytes to hold its interface (a Go program's is some tens of KiB). */
const INTERFACE_PREFIX_BYTES = 256 * 1024;

/**
 * The module's bytes; when another process runs the module (the editor's Run, `compile` false) only
 * what the checks need: its first INTERFACE_PREFIX_BYTES, or all of a smaller file. Reading and
 * keeping a whole Go program (2 MB and more) in the editor cost ~20 ms of CPU.
 */
function moduleBytes(file: string, compile: boolean): Uint8Array {
  if (compile) return readFileSync(file);
  const fd = openSync(file, 'r');
  try {
    const prefix = Buffer.allocUnsafe(INTERFACE_PREFIX_BYTES);
    return prefix.subarray(0, readSync(fd, prefix, 0, INTERFACE_PREFIX_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** The host's advice for the command line, which means nothing to someone in an editor. */
const CLI_IMPORT_ADVICE = /supply it with --import (\S+?)=FILE\.mjs/g;

/** How an editor supplies host modules: VS Code's setting, and any launch configuration's `imports`. */
function importsHint(bytes: Uint8Array): string {
  const modules = [...new Set(parseWasmModule(bytes, { interfaceOnly: true, prefix: true }).imports.map((i) => i.module).filter((m) => m !== WASI_MODULE))];
  if (!modules.length) return '';
  const example = `{ ${modules.map((m) => `"${m}": "${m}.mjs"`).join(', ')} }`;
  return `\nSupply ${modules.length === 1 ? 'it' : 'them'} in the setting wasip1.hostModules, e.g. ${example} (files relative to the workspace folder), or with "imports" in the launch configuration.`;
}

/** One file per program in the temp directory: rebuilt in place, never littering the workspace. */
function defaultOutput(program: string): string {
  const key = createHash('sha256').update(program).digest('hex').slice(0, 12);
  const name = path.basename(program).replace(/\.go$/, '') || 'main';
  return path.join(os.tmpdir(), 'wasip1-debug', `${name}-${key}.wasm`);
}
