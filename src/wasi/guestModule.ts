// Loads a guest module before anything runs, so that every reason it cannot run is one clear
// line: not wasm, a truncated or malformed module, another WASI version, or imports nobody supplies.
import { wasiFunctionByName, WASI_MODULE } from './spec/catalogue';

export type GuestModuleProblem = 'not-wasm' | 'component' | 'malformed' | 'imports';

export class GuestModuleError extends Error {
  constructor(readonly reason: GuestModuleProblem, message: string) {
    super(message);
  }
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Compiles `bytes` and checks its imports. `supplied` lists the functions of other import
 * modules the embedder provides (user host modules), by module name.
 */
export async function prepareGuestModule(
  bytes: Uint8Array,
  displayName: string,
  supplied: Readonly<Record<string, readonly string[]>> = {},
): Promise<WebAssembly.Module> {
  checkHeader(bytes, displayName);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (error) {
    throw new GuestModuleError('malformed', `${displayName} is not a valid wasm module: ${(error as Error).message}`);
  }
  checkImports(module, displayName, supplied);
  return module;
}

function checkHeader(bytes: Uint8Array, displayName: string): void {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    const what =
      bytes.length === 0 ? 'an empty file'
      : bytes[0] === 0x7f && bytes[1] === 0x45 ? 'a native executable (ELF), not wasm: build with GOOS=wasip1 GOARCH=wasm'
      : bytes.length < 8 && MAGIC.every((b, i) => i >= bytes.length || bytes[i] === b) ? 'truncated: it ends inside the wasm header'
      : 'not a wasm file (no \\0asm header)';
    throw new GuestModuleError('not-wasm', `${displayName} is ${what}`);
  }
  const version = bytes[4] | (bytes[5] << 8);
  const layer = bytes[6] | (bytes[7] << 8);
  if (layer === 1) {
    throw new GuestModuleError('component', `${displayName} is a WebAssembly component (WASI preview 2), not a preview 1 module`);
  }
  if (version !== 1) {
    throw new GuestModuleError('malformed', `${displayName} has wasm binary version ${version}; only version 1 modules run here`);
  }
}

function checkImports(module: WebAssembly.Module, displayName: string, supplied: Readonly<Record<string, readonly string[]>>): void {
  const missing: string[] = [];
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind !== 'function') {
      missing.push(`${entry.module}.${entry.name} (${entry.kind}): only functions can be imported`);
    } else if (entry.module === WASI_MODULE) {
      if (!wasiFunctionByName.has(entry.name)) missing.push(`${entry.module}.${entry.name}: not a WASI preview 1 function`);
    } else if (!supplied[entry.module]?.includes(entry.name)) {
      missing.push(`${entry.module}.${entry.name}: no host module supplies "${entry.module}" (supply one with --import ${entry.module}=FILE.mjs)`);
    }
  }
  if (missing.length) {
    throw new GuestModuleError(
      'imports',
      `${displayName} imports ${missing.length} function${missing.length === 1 ? '' : 's'} that nothing supplies:\n  ${missing.join('\n  ')}`,
    );
  }
}
