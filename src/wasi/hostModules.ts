// User host modules: ES modules that supply the functions of a non-WASI import module (a Go
// program's //go:wasmimport of its own module). They are loaded in the guest's worker, where the
// guest calls them synchronously. Each function is wrapped so that what goes wrong inside it ends
// the guest with one line naming the function and the place in the user's file, never a JS stack
// on the user's terminal.
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import type { HostModule } from '../../types/wasip1-host';
import type { FuncType } from '../wasm/wasmTypes';
import { GuestTrap, wasmFunctionsOnStack } from './guestTrap';
import { createHostApi, type HostModuleSurroundings } from './hostModuleApi';
import type { ImportSummary, SuppliedFunctions } from './guestModule';
import { hostErrorCode } from './spec/errno';
import { syntaxErrorPlace } from './syntaxErrorPlace';
import { ProcExit } from './wasiError';

/** A host module file and the import module it supplies (`--import MODULE=FILE`). */
export interface HostModuleSource {
  readonly module: string;
  readonly file: string;
}

/** A host module file that cannot be used: missing, not an ES module, wrong shape, its setup threw. */
export class HostModuleLoadError extends Error {}

/** What a host module file supplies, before wrapping. */
export interface LoadedHostModule {
  readonly source: HostModuleSource;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly functions: Readonly<Record<string, Function>>;
}

/**
 * A real dynamic import even in CommonJS output: tsc would turn `import()` into `require()`, which
 * cannot load an .mjs file.
 */
export const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

export async function loadHostModules(sources: readonly HostModuleSource[], around: HostModuleSurroundings): Promise<LoadedHostModule[]> {
  const seen = new Set<string>();
  const loaded: LoadedHostModule[] = [];
  for (const source of sources) {
    if (seen.has(source.module)) throw new HostModuleLoadError(`import module "${source.module}" is supplied twice (${source.file})`);
    seen.add(source.module);
    loaded.push({ source, functions: await loadOne(source, around) });
  }
  return loaded;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
async function loadOne(source: HostModuleSource, around: HostModuleSurroundings): Promise<Record<string, Function>> {
  const where = `host module ${source.file} (for "${source.module}")`;
  let namespace: Record<string, unknown>;
  try {
    namespace = await importModule(pathToFileURL(path.resolve(source.file)).href);
  } catch (error) {
    const code = hostErrorCode(error);
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(path.resolve(source.file))) {
      throw new HostModuleLoadError(`${where}: the file does not exist`);
    }
    const place = error instanceof SyntaxError ? syntaxErrorPlace(source.file) : undefined;
    throw new HostModuleLoadError(`${where} cannot be loaded: ${oneLine(error)}${place ? ` (at ${place})` : ''}`);
  }
  const factory = namespace.default;
  if (typeof factory !== 'function') {
    throw new HostModuleLoadError(`${where}: its default export must be a function (host) => ({ name(...) { ... } }), not ${describeValue(factory)}`);
  }
  let functions: unknown;
  try {
    functions = await (factory as HostModule)(createHostApi(source.module, around));
  } catch (error) {
    throw new HostModuleLoadError(`${where}: its default export threw while setting up: ${oneLine(error)}`);
  }
  if (typeof functions !== 'object' || functions === null) {
    throw new HostModuleLoadError(`${where}: its default export must return an object of functions, not ${describeValue(functions)}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const result: Record<string, Function> = {};
  for (const [name, value] of Object.entries(functions)) {
    if (typeof value !== 'function') throw new HostModuleLoadError(`${where}: "${name}" is ${describeValue(value)}, not a function`);
    result[name] = value;
  }
  return result;
}

/** Import module to function name to arity: what listImportProblems checks the guest's imports against. */
export function suppliedArities(modules: readonly LoadedHostModule[]): SuppliedFunctions {
  return Object.fromEntries(
    modules.map((m) => [m.source.module, Object.fromEntries(Object.entries(m.functions).map(([name, fn]) => [name, fn.length]))]),
  );
}

export function suppliedSources(modules: readonly LoadedHostModule[]): Record<string, string> {
  return Object.fromEntries(modules.map((m) => [m.source.module, m.source.file]));
}

/** A host function threw (or returned what wasm cannot take): the guest ends like a trap. */
export class HostFunctionFault extends GuestTrap {}

/**
 * The import object entries for the loaded modules, each function wrapped for the signature the
 * guest imports it with (when known).
 */
export function hostModuleImports(
  modules: readonly LoadedHostModule[],
  imports: readonly ImportSummary[],
): Record<string, Record<string, (...args: unknown[]) => unknown>> {
  const types = new Map(imports.map((entry) => [`${entry.module}\0${entry.name}`, entry.type]));
  const object: Record<string, Record<string, (...args: unknown[]) => unknown>> = {};
  for (const { source, functions } of modules) {
    const entries: Record<string, (...args: unknown[]) => unknown> = {};
    for (const [name, fn] of Object.entries(functions)) {
      entries[name] = wrapHostFunction(`${source.module}.${name}`, source.file, fn, types.get(`${source.module}\0${name}`));
    }
    object[source.module] = entries;
  }
  return object;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function wrapHostFunction(qualified: string, file: string, fn: Function, type: FuncType | undefined): (...args: unknown[]) => unknown {
  const single = type?.results.length === 1 ? type.results[0] : undefined;
  const resultless = type !== undefined && type.results.length === 0;
  return (...args: unknown[]) => {
    let result: unknown;
    try {
      result = fn(...args);
    } catch (error) {
      if (error instanceof ProcExit || error instanceof GuestTrap) throw error;
      throw fault(`${qualified} threw ${oneLine(error)}${locationIn(error, file)}`);
    }
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      throw fault(`${qualified} returned a Promise: host functions are synchronous, the guest waits for their result (make it a plain function)`);
    }
    if (resultless || single === undefined) return result;
    if (result === undefined) throw fault(`${qualified} returned nothing, but the guest expects ${single}`);
    if (single === 'i64' && typeof result === 'number') {
      if (!Number.isInteger(result)) throw fault(`${qualified} returned ${result} for an i64 result: not an integer`);
      return BigInt(result);
    }
    if (single !== 'i64' && typeof result === 'bigint') return Number(result);
    // wasm would turn a string or an object into 0 (i32) or NaN (f64) without a word.
    if (typeof result !== 'number' && typeof result !== 'bigint' && typeof result !== 'boolean') {
      throw fault(`${qualified} returned ${describeValue(result)}, but the guest expects ${single}`);
    }
    if (single === 'i32' && typeof result === 'number' && !Number.isInteger(result)) {
      throw fault(`${qualified} returned ${result} for an i32 result: not an integer`);
    }
    return result;
  };
}

/** A trap raised on the guest's thread, carrying the wasm functions that called the host function. */
function fault(detail: string): HostFunctionFault {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  return new HostFunctionFault('host-function', detail, wasmFunctionsOnStack(stack));
}

/** ` (at greeter.mjs:12:9)`: the first frame of the error that lies in the user's file. */
function locationIn(error: unknown, file: string): string {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return '';
  const url = pathToFileURL(path.resolve(file)).href;
  for (const line of stack.split('\n')) {
    const index = line.indexOf(url);
    if (index >= 0) {
      const position = /^:(\d+):(\d+)/.exec(line.slice(index + url.length));
      if (position) return ` (at ${path.basename(file)}:${position[1]}:${position[2]})`;
    }
  }
  return '';
}

function oneLine(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return `the value ${describeValue(error)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
