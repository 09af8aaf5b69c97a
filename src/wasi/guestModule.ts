// Loads a guest module before anything runs, so that every reason it cannot run is one clear
// line: not wasm, a truncated or malformed module, another WASI version, or imports nobody supplies.
import { parseWasmModule, type WasmModule } from '../wasm/moduleReader';
import { formatFuncType, type FuncType } from '../wasm/wasmTypes';
import { WasmFormatError } from '../wasm/wasmFormatError';
import { describeCallableExports, type ExportSummary } from './reactor';
import { wasiFunctionByName, wasmSignature, WASI_MODULE } from './spec/catalogue';

/** 'reactor': a reactor given to something that runs commands (the fix is on the command line). */
export type GuestModuleProblem = 'not-wasm' | 'component' | 'malformed' | 'imports' | 'not-command' | 'reactor';

export class GuestModuleError extends Error {
  constructor(readonly reason: GuestModuleProblem, message: string) {
    super(message);
  }
}

export interface PreparedGuest {
  module: WebAssembly.Module;
  /**
   * The parsed binary: names for traps, imports, and (for Go) the pclntab; with
   * PrepareOptions.interfaceOnly only its types, imports and exports.
   */
  parsed: WasmModule;
}

/** One import as the check needs it; `type` is unknown when only a compiled module was given. */
export interface ImportSummary {
  readonly module: string;
  readonly name: string;
  readonly kind: string;
  readonly type?: FuncType;
}

/** What the embedder supplies beyond WASI: import module to function name to arity. */
export type SuppliedFunctions = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface PrepareOptions {
  /**
   * Import modules whose functions come from host module files (`--import MODULE=FILE.mjs`). Those
   * files are loaded in the guest's worker, so the whole import check then happens there, once
   * they are loaded, and reports every problem in one message: here only the module is read.
   */
  hostModules?: readonly string[];
  /**
   * Parse only the module's interface (types, imports, exports: what the import check and runWasi
   * use), not its code, data and names. It saves 5-15 ms of start-up CPU, which the worker thread
   * booting meanwhile needs. Malformed code still gets our reader's precise message, read only
   * once V8 has rejected the module.
   */
  interfaceOnly?: boolean;
  /**
   * How the module will be entered: 'command' needs `_start`, 'export' (--invoke, a reactor) only
   * memory. Checked here so that a module that cannot be entered is refused with its file's name
   * before anything runs. Omitted: not checked.
   */
  entry?: 'command' | 'export';
}

/**
 * Parses, compiles and checks a module's imports. `supplied` maps each extra import module the
 * embedder provides (user host modules) to the functions it exports, with their arity.
 */
export async function prepareGuestModule(
  bytes: Uint8Array,
  displayName: string,
  supplied: SuppliedFunctions = {},
  options: PrepareOptions = {},
): Promise<PreparedGuest> {
  // V8 compiles on its own threads while ours parses: the two took ~7 and ~10 ms one after the
  // other at start-up. Our parser's message, being the more precise one, still wins.
  const compiling = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  let parsed: WasmModule;
  try {
    parsed = parseWasmModule(bytes, { interfaceOnly: options.interfaceOnly });
  } catch (error) {
    compiling.catch(() => undefined);
    throw formatProblem(error, displayName);
  }
  let module: WebAssembly.Module;
  try {
    module = await compiling;
  } catch (error) {
    if (options.interfaceOnly) {
      try {
        parseWasmModule(bytes);
      } catch (readerError) {
        throw formatProblem(readerError, displayName);
      }
    }
    throw new GuestModuleError('malformed', `${displayName} is not a valid wasm module: ${(error as Error).message}`);
  }
  checkInterface(parsed, displayName, supplied, options);
  return { module, parsed };
}

/**
 * prepareGuestModule's checks without compiling: for a process that hands the module to another
 * one (the editor's Run, whose guest process compiles it) and still fails fast on what cannot run.
 */
export function checkGuestModule(bytes: Uint8Array, displayName: string, supplied: SuppliedFunctions = {}, options: PrepareOptions & { prefix?: boolean } = {}): WasmModule {
  let parsed: WasmModule;
  try {
    parsed = parseWasmModule(bytes, { interfaceOnly: options.interfaceOnly, prefix: options.prefix });
  } catch (error) {
    throw formatProblem(error, displayName);
  }
  checkInterface(parsed, displayName, supplied, options);
  return parsed;
}

function checkInterface(parsed: WasmModule, displayName: string, supplied: SuppliedFunctions, options: PrepareOptions): void {
  if (options.entry) checkEntryPoints(parsed.exports, displayName, options.entry);
  if (!options.hostModules?.length) {
    const problems = listImportProblems(parsed.imports, supplied);
    if (problems.length) throw new GuestModuleError('imports', describeImportProblems(displayName, problems));
  }
}

/**
 * A WASI module exports its memory (the host reads and writes the guest's buffers there) and, to be
 * run, `_start`; a reactor exports `_initialize` and is entered through its other exports.
 */
function checkEntryPoints(exports: readonly ExportSummary[], displayName: string, entry: 'command' | 'export'): void {
  const exported = (name: string, kind: string) => exports.some((e) => e.name === name && e.kind === kind);
  const lacksStart = entry === 'command' && !exported('_start', 'func');
  if (lacksStart && exported('_initialize', 'func') && exported('memory', 'memory')) {
    throw new GuestModuleError(
      'reactor',
      `${displayName} is a reactor (it exports _initialize, not _start): call one of its exports with --invoke NAME [ARGS...]; ${describeCallableExports(exports)}`,
    );
  }
  const missing = [...(lacksStart ? ['a _start function'] : []), ...(exported('memory', 'memory') ? [] : ['its memory (as "memory")'])];
  if (missing.length) {
    const what = entry === 'command' ? 'a WASI command' : 'a WASI module';
    throw new GuestModuleError('not-command', `${displayName} is not ${what}: it does not export ${missing.join(' or ')}`);
  }
}

/** Our reader's complaint as the GuestModuleError that says what the file is; anything else is rethrown. */
function formatProblem(error: unknown, displayName: string): GuestModuleError {
  if (!(error instanceof WasmFormatError)) throw error;
  const reason = error.reason === 'not-wasm' ? 'not-wasm' : error.reason === 'component' ? 'component' : 'malformed';
  return new GuestModuleError(reason, `${displayName}: ${error.message}`);
}

/**
 * One line per import nothing supplies correctly: unknown or mistyped WASI functions, modules
 * nobody supplies (with how to supply them), functions a host module lacks, wrong arities.
 * `sources` names the host module file of each supplied module, for the messages.
 */
export function listImportProblems(
  imports: readonly ImportSummary[],
  supplied: SuppliedFunctions,
  sources: Readonly<Record<string, string>> = {},
): string[] {
  const problems: string[] = [];
  for (const entry of imports) {
    const qualified = `${entry.module}.${entry.name}`;
    if (entry.kind !== 'func' && entry.kind !== 'function') {
      if (entry.kind !== 'memory') problems.push(`${qualified} (${entry.kind}): only functions and memory can be imported`);
      continue;
    }
    const signature = entry.type ? formatFuncType(entry.type) : '(signature unknown)';
    if (entry.module === WASI_MODULE) {
      const spec = wasiFunctionByName.get(entry.name);
      if (!spec) {
        problems.push(`${qualified} ${signature}: not a WASI preview 1 function`);
      } else if (entry.type) {
        const expected = wasmSignature(spec);
        if (formatFuncType(expected) !== signature) problems.push(`${qualified} ${signature}: WASI defines it as ${formatFuncType(expected)}`);
      }
      continue;
    }
    const functions = supplied[entry.module];
    const arity = functions?.[entry.name];
    const source = sources[entry.module] ?? `the host module for "${entry.module}"`;
    if (!functions) {
      problems.push(`${qualified} ${signature}: supply it with --import ${entry.module}=FILE.mjs (a host module whose default export returns { ${entry.name}(${parameterList(entry.type)}) { ... } })`);
    } else if (arity === undefined) {
      const offered = Object.keys(functions);
      problems.push(
        `${qualified} ${signature}: ${source} supplies no function "${entry.name}"` +
          ` (add ${entry.name}(${parameterList(entry.type)}) to the object its default export returns${offered.length ? `; it supplies ${offered.join(', ')}` : ''})`,
      );
    } else if (entry.type && arity !== entry.type.params.length) {
      const wanted = entry.type.params.length;
      problems.push(
        `${qualified} ${signature}: ${entry.name} in ${source} takes ${arity} parameter${arity === 1 ? '' : 's'}, the module passes ${wanted}` +
          ` (declare one JavaScript parameter per wasm parameter)`,
      );
    }
  }
  return problems;
}

export function describeImportProblems(displayName: string, problems: readonly string[]): string {
  return `${displayName} has ${problems.length} import${problems.length === 1 ? '' : 's'} that nothing supplies:\n  ${problems.join('\n  ')}`;
}

/** `a0, a1` for a signature's parameters, as a hint of what to write. */
function parameterList(type: FuncType | undefined): string {
  return type ? type.params.map((_, i) => `a${i}`).join(', ') : '...';
}
