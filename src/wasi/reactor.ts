// Calling a module's exports from outside, as `wasip1 run --invoke NAME ARGS...` and embedders do:
// a reactor (Go's -buildmode=c-shared, exporting _initialize and its //go:wasmexport functions)
// is initialised once, then its exports are called with values that fit their wasm signatures.
import { formatFuncType, type FuncType, type ValueType } from '../wasm/wasmTypes';

/** An export as the caller needs to know it; `type` is known for functions of a parsed module. */
export interface ExportSummary {
  readonly name: string;
  readonly kind: string;
  readonly type?: FuncType;
}

export type WasmValue = number | bigint;

/** A call that cannot be made: no such export, wrong argument count, an argument that does not parse. */
export class InvokeError extends Error {}

/** Exports the ABI reserves: they are not the module's API. */
const reserved = new Set(['_start', '_initialize', 'memory']);

/** `  add (i32, i32) -> i32` lines for every callable export, for messages. */
export function describeCallableExports(exports: readonly ExportSummary[]): string {
  const callable = exports.filter((e) => isFunction(e) && !reserved.has(e.name));
  if (!callable.length) return 'it exports no functions besides the WASI entry points';
  return `its exports are:\n${callable.map((e) => `  ${e.name} ${e.type ? formatFuncType(e.type) : '(signature unknown)'}`).join('\n')}`;
}

/** The function export called `name`, or an InvokeError listing the exports there are. */
export function findCallableExport(exports: readonly ExportSummary[], name: string): ExportSummary {
  // Calling _initialize again re-runs Go's runtime set-up on a live runtime, which then dies.
  if (name === '_initialize') throw new InvokeError(`"_initialize" is not called by name: it runs once, before the first call; ${describeCallableExports(exports)}`);
  if (name === '_start') throw new InvokeError(`"_start" is a command's entry point, run without --invoke; ${describeCallableExports(exports)}`);
  const found = exports.find((e) => e.name === name);
  if (!found) throw new InvokeError(`the module has no export "${name}"; ${describeCallableExports(exports)}`);
  if (!isFunction(found)) throw new InvokeError(`the export "${name}" is a ${found.kind}, not a function; ${describeCallableExports(exports)}`);
  return found;
}

/**
 * Converts arguments to the export's parameter types. Strings are parsed (as the CLI passes them);
 * numbers and bigints are range-checked. i32 accepts -2**31 .. 2**32-1 (unsigned values wrap, as
 * in wasm), i64 likewise in 64 bits; floats accept decimals, inf, -inf and nan.
 */
export function convertArguments(name: string, type: FuncType | undefined, args: readonly (string | number | bigint)[]): WasmValue[] {
  if (!type) return args.map((a) => (typeof a === 'string' ? Number(a) : a));
  const signature = `${name} ${formatFuncType(type)}`;
  if (args.length !== type.params.length) {
    throw new InvokeError(`${signature} takes ${type.params.length} argument${type.params.length === 1 ? '' : 's'}, ${args.length} given`);
  }
  return type.params.map((param, i) => {
    const value = convertOne(param, args[i]);
    if (value === undefined) throw new InvokeError(`${signature}: argument ${i + 1} (${JSON.stringify(String(args[i]))}) is not ${describeType(param)}`);
    return value;
  });
}

/** Results of a call as a list: nothing, one value, or several (multi-value). */
export function resultList(returned: unknown): WasmValue[] {
  if (returned === undefined) return [];
  if (Array.isArray(returned)) return returned as WasmValue[];
  return [returned as WasmValue];
}

/** How --invoke prints a result: integers in decimal, floats as JavaScript prints them (NaN as nan). */
export function formatWasmValue(value: WasmValue): string {
  if (typeof value === 'bigint') return value.toString();
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

function isFunction(entry: ExportSummary): boolean {
  return entry.kind === 'func' || entry.kind === 'function';
}

const INTEGER = /^[+-]?(0x[0-9a-f]+|\d+)$/i;

function convertOne(type: ValueType, arg: string | number | bigint): WasmValue | undefined {
  switch (type) {
    case 'i32': {
      const value = toBigInt(arg);
      if (value === undefined || value < -(2n ** 31n) || value >= 2n ** 32n) return undefined;
      return Number(BigInt.asIntN(32, value));
    }
    case 'i64': {
      const value = toBigInt(arg);
      if (value === undefined || value < -(2n ** 63n) || value >= 2n ** 64n) return undefined;
      return BigInt.asIntN(64, value);
    }
    case 'f32':
    case 'f64': {
      if (typeof arg === 'number') return arg;
      if (typeof arg === 'bigint') return Number(arg);
      const text = arg.trim().toLowerCase();
      if (text === 'nan') return NaN;
      if (text === 'inf' || text === '+inf' || text === 'infinity') return Infinity;
      if (text === '-inf' || text === '-infinity') return -Infinity;
      const value = Number(text);
      return text !== '' && !Number.isNaN(value) ? value : undefined;
    }
    default:
      return undefined;
  }
}

function toBigInt(arg: string | number | bigint): bigint | undefined {
  if (typeof arg === 'bigint') return arg;
  if (typeof arg === 'number') return Number.isInteger(arg) ? BigInt(arg) : undefined;
  const text = arg.trim();
  if (!INTEGER.test(text)) return undefined;
  const negative = text.startsWith('-');
  const magnitude = BigInt(text.replace(/^[+-]/, ''));
  return negative ? -magnitude : magnitude;
}

function describeType(type: ValueType): string {
  switch (type) {
    case 'i32': return 'an i32 (an integer from -2147483648 to 4294967295)';
    case 'i64': return 'an i64 (an integer from -2**63 to 2**64-1)';
    case 'f32': return 'an f32 (a number, inf, -inf or nan)';
    case 'f64': return 'an f64 (a number, inf, -inf or nan)';
    default: return `a value --invoke can pass (${type} is not supported)`;
  }
}
