// Who supplies a wasm import when our host runs the module: the host itself (every
// wasi_snapshot_preview1 function of the catalogue), a JavaScript module the user configured in
// `wasip1.hostModules`, or nobody, in which case instantiation fails.
import { WASI_MODULE, wasiFunctionByName, type WasiFunctionSpec } from '../wasi/spec/catalogue';

export type WasmImportResolution =
  | { kind: 'wasi-host'; spec: WasiFunctionSpec }
  /** The module is WASI's, but no such function exists in preview 1. */
  | { kind: 'unknown-wasi-function' }
  /** `hostModule` is the configured .mjs path, as written in the setting. */
  | { kind: 'host-module'; hostModule: string }
  | { kind: 'unresolved' };

/** `wasip1.hostModules`: import module name → .mjs file that implements it. */
export type HostModuleMap = Readonly<Record<string, string>>;

export function resolveWasmImport(module: string, name: string, hostModules: HostModuleMap = {}): WasmImportResolution {
  if (module === WASI_MODULE) {
    const spec = wasiFunctionByName.get(name);
    return spec ? { kind: 'wasi-host', spec } : { kind: 'unknown-wasi-function' };
  }
  const hostModule = Object.prototype.hasOwnProperty.call(hostModules, module) ? hostModules[module] : undefined;
  if (typeof hostModule === 'string' && hostModule !== '') return { kind: 'host-module', hostModule };
  return { kind: 'unresolved' };
}

/** One line for tooltips and hovers. */
export function describeResolution(module: string, name: string, resolution: WasmImportResolution): string {
  switch (resolution.kind) {
    case 'wasi-host':
      return `${module}.${name} is implemented by the wasip1 host.`;
    case 'unknown-wasi-function':
      return `${name} is not a WASI preview 1 function: no WASI host can supply it, so the module fails to instantiate.`;
    case 'host-module':
      return `${module}.${name} is supplied by ${resolution.hostModule} (setting wasip1.hostModules).`;
    case 'unresolved':
      return `Unresolved: no configured host module supplies "${module}" (add it to the wasip1.hostModules setting), so the module fails to instantiate.`;
  }
}

/** Edit distance, for "did you mean fd_write?" on a misspelt WASI name. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest WASI function name, when one is close enough to be a plausible typo. */
export function closestWasiFunctionName(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of wasiFunctionByName.keys()) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}
