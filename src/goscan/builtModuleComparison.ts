// What a built .wasm really imports and exports, set against the directives in the source: the
// linker drops imports no reachable code calls, and the runtime brings imports no workspace file
// declares, so neither list alone says what the host must supply.
import type { IndexedDirective } from './wasmimportIndex';
import { resolveWasmImport, type HostModuleMap, type WasmImportResolution } from './wasmimportResolution';

/** The parts of a parsed module (src/wasm/moduleReader's WasmModule) the comparison reads. */
export interface BuiltModuleShape {
  imports: readonly { module: string; name: string; kind: string; type?: { params: readonly string[]; results: readonly string[] } }[];
  exports: readonly { name: string; kind: string; type?: { params: readonly string[]; results: readonly string[] } }[];
}

export interface BuiltImport {
  module: string;
  name: string;
  kind: string;
  /** `(i32, i32) -> i32` for functions. */
  type?: string;
  resolution: WasmImportResolution;
  /** Workspace directives declaring it; empty when only the standard library (or nothing) does. */
  declaredBy: IndexedDirective[];
  /** Standard-library directives declaring it, when the standard library was scanned. */
  declaredByStandardLibrary: IndexedDirective[];
}

export interface BuiltExport {
  name: string;
  kind: string;
  type?: string;
  declaredBy: IndexedDirective[];
}

export interface BuiltModuleComparison {
  imports: BuiltImport[];
  exports: BuiltExport[];
  /** wasmimports of the wasip1 build that the module does not import (dead code the linker removed, or another package). */
  declaredButUnused: IndexedDirective[];
  /** Imports no workspace directive declares (the runtime's own, or a dependency's). */
  usedButUndeclared: BuiltImport[];
}

function formatType(type: { params: readonly string[]; results: readonly string[] } | undefined): string | undefined {
  if (!type) return undefined;
  const results = type.results.length === 1 ? type.results[0] : `(${type.results.join(', ')})`;
  return `(${type.params.join(', ')}) -> ${results}`;
}

export function compareBuiltModule(
  module: BuiltModuleShape,
  workspace: readonly IndexedDirective[],
  standardLibrary: readonly IndexedDirective[] = [],
  hostModules: HostModuleMap = {},
): BuiltModuleComparison {
  const key = (m: string, n: string): string => `${m}\u0000${n}`;
  const byImport = (list: readonly IndexedDirective[]): Map<string, IndexedDirective[]> => {
    const map = new Map<string, IndexedDirective[]>();
    for (const d of list) {
      if (d.kind !== 'wasmimport' || d.module === undefined || d.name === undefined || !d.inWasip1Build) continue;
      const k = key(d.module, d.name);
      map.set(k, [...(map.get(k) ?? []), d]);
    }
    return map;
  };
  const workspaceImports = byImport(workspace);
  const standardImports = byImport(standardLibrary);

  const imports: BuiltImport[] = module.imports.map((imp) => ({
    module: imp.module,
    name: imp.name,
    kind: imp.kind,
    type: formatType(imp.type),
    resolution: imp.kind === 'func' ? resolveWasmImport(imp.module, imp.name, hostModules) : { kind: 'unresolved' },
    declaredBy: workspaceImports.get(key(imp.module, imp.name)) ?? [],
    declaredByStandardLibrary: standardImports.get(key(imp.module, imp.name)) ?? [],
  }));
  const imported = new Set(module.imports.map((imp) => key(imp.module, imp.name)));
  const declaredButUnused = [...workspaceImports.entries()]
    .filter(([k]) => !imported.has(k))
    .flatMap(([, list]) => list);

  const exportDirectives = new Map<string, IndexedDirective[]>();
  for (const d of workspace) {
    if (d.kind === 'wasmexport' && d.name !== undefined && d.inWasip1Build) exportDirectives.set(d.name, [...(exportDirectives.get(d.name) ?? []), d]);
  }
  const exports: BuiltExport[] = module.exports.map((exp) => ({
    name: exp.name,
    kind: exp.kind,
    type: formatType(exp.type),
    declaredBy: exportDirectives.get(exp.name) ?? [],
  }));

  return {
    imports,
    exports,
    declaredButUnused,
    usedButUndeclared: imports.filter((imp) => imp.declaredBy.length === 0),
  };
}
