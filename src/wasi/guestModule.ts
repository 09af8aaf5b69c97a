// Loads a guest module before anything runs, so that every reason it cannot run is one clear
// line: not wasm, a truncated or malformed module, another WASI version, or imports nobody supplies.
import { parseWasmModule, type WasmModule } from '../wasm/moduleReader';
import { formatFuncType } from '../wasm/wasmTypes';
import { WasmFormatError } from '../wasm/wasmFormatError';
import { wasiFunctionByName, wasmSignature, WASI_MODULE } from './spec/catalogue';

export type GuestModuleProblem = 'not-wasm' | 'component' | 'malformed' | 'imports';

export class GuestModuleError extends Error {
  constructor(readonly reason: GuestModuleProblem, message: string) {
    super(message);
  }
}

export interface PreparedGuest {
  module: WebAssembly.Module;
  /** The parsed binary: names for traps, imports, and (for Go) the pclntab. */
  parsed: WasmModule;
}

/**
 * Parses, compiles and checks a module's imports. `supplied` maps each extra import module the
 * embedder provides (user host modules) to the functions it exports, with their arity.
 */
export async function prepareGuestModule(
  bytes: Uint8Array,
  displayName: string,
  supplied: Readonly<Record<string, Readonly<Record<string, number>>>> = {},
): Promise<PreparedGuest> {
  let parsed: WasmModule;
  try {
    parsed = parseWasmModule(bytes);
  } catch (error) {
    if (!(error instanceof WasmFormatError)) throw error;
    const reason = error.reason === 'not-wasm' ? 'not-wasm' : error.reason === 'component' ? 'component' : 'malformed';
    throw new GuestModuleError(reason, `${displayName}: ${error.message}`);
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new GuestModuleError('malformed', `${displayName} is not a valid wasm module: ${(error as Error).message}`);
  }
  checkImports(parsed, displayName, supplied);
  return { module, parsed };
}

function checkImports(parsed: WasmModule, displayName: string, supplied: Readonly<Record<string, Readonly<Record<string, number>>>>): void {
  const problems: string[] = [];
  for (const entry of parsed.imports) {
    const qualified = `${entry.module}.${entry.name}`;
    if (entry.kind !== 'func') {
      if (entry.kind !== 'memory') problems.push(`${qualified} (${entry.kind}): only functions and memory can be imported`);
      continue;
    }
    const signature = formatFuncType(entry.type);
    if (entry.module === WASI_MODULE) {
      const spec = wasiFunctionByName.get(entry.name);
      if (!spec) {
        problems.push(`${qualified} ${signature}: not a WASI preview 1 function`);
      } else {
        const expected = wasmSignature(spec);
        if (formatFuncType(expected) !== signature) problems.push(`${qualified} ${signature}: WASI defines it as ${formatFuncType(expected)}`);
      }
      continue;
    }
    const arity = supplied[entry.module]?.[entry.name];
    if (arity === undefined) {
      const hint = supplied[entry.module]
        ? `the host module for "${entry.module}" has no function "${entry.name}"`
        : `supply it with --import ${entry.module}=FILE.mjs`;
      problems.push(`${qualified} ${signature}: ${hint}`);
    } else if (arity !== entry.type.params.length) {
      problems.push(`${qualified} ${signature}: the host module's function takes ${arity} argument${arity === 1 ? '' : 's'}, the module passes ${entry.type.params.length}`);
    }
  }
  if (problems.length) {
    throw new GuestModuleError(
      'imports',
      `${displayName} has ${problems.length} import${problems.length === 1 ? '' : 's'} that nothing supplies:\n  ${problems.join('\n  ')}`,
    );
  }
}
