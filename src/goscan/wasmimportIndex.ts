// Every //go:wasmimport and //go:wasmexport of a set of Go files, kept up to date one file at a
// time: the tree view, hovers on calls and the built-module comparison all read from it, so a
// keystroke rescans one file, never the workspace.
import * as path from 'node:path';
import type { GoTypeDeclaration } from './goDeclarationParser';
import { formatGoType, formatParams } from './goTypeSyntax';
import { fileInWasip1Build } from './wasip1FileSelection';
import {
  mayContainWasmDirectives,
  scanGoSource,
  type GoBuildConstraint,
  type GoFuncDeclaration,
  type GoSourceScan,
  type WasmDirective,
  type WasmDirectiveKind,
} from './wasmDirectiveScanner';
import type { GoSourceRange } from './goTypeSyntax';

export interface IndexedDirective {
  /** Absolute path of the Go file. */
  file: string;
  kind: WasmDirectiveKind;
  /** wasmimport only. */
  module?: string;
  /** The import or export name; undefined when the directive is malformed. */
  name?: string;
  /** The annotated func; undefined when the directive attaches to none. */
  funcName?: string;
  /** Where to reveal the declaration: the func name, else the directive. */
  location: GoSourceRange;
  /** `func hostLog(ptr unsafe.Pointer, size uint32)`, or the directive text when no func follows. */
  goSignature: string;
  inWasip1Build: boolean;
  directive: WasmDirective;
}

export interface IndexedGoFile {
  file: string;
  dir: string;
  packageName?: string;
  buildConstraint?: GoBuildConstraint;
  inWasip1Build: boolean;
  scan: GoSourceScan;
  directives: IndexedDirective[];
}

/** How a func declaration reads in Go, without its body. */
export function formatGoFuncSignature(func: GoFuncDeclaration): string {
  const receiver = func.receiver ? `(${formatParams([func.receiver])}) ` : '';
  let results = '';
  if (func.results.length === 1 && !func.results[0].name) results = ' ' + formatGoType(func.results[0].type);
  else if (func.results.length > 0) results = ` (${formatParams(func.results)})`;
  return `func ${receiver}${func.name}(${formatParams(func.params)})${results}`;
}

export interface WasmimportIndexOptions {
  /** The Go release's minor number, for go1.N build tags. */
  goMinor: number;
  /** go.buildTags and friends, which decide build constraints as well. */
  buildTags?: readonly string[];
}

export class WasmimportIndex {
  private readonly files = new Map<string, IndexedGoFile>();
  private options: WasmimportIndexOptions;

  constructor(options: WasmimportIndexOptions) {
    this.options = options;
  }

  /** Changing the Go release or tags re-decides which indexed files are in the wasip1 build. */
  setOptions(options: WasmimportIndexOptions): void {
    this.options = options;
    for (const entry of this.files.values()) {
      entry.inWasip1Build = this.inBuild(entry.file, entry.buildConstraint);
      for (const d of entry.directives) d.inWasip1Build = entry.inWasip1Build;
    }
  }

  /**
   * Rescans one file. Returns false when neither the old nor the new text has a directive, so
   * callers can skip refreshing views for the edits that matter to nobody.
   */
  update(file: string, text: string): boolean {
    if (!mayContainWasmDirectives(text)) return this.files.delete(file);
    const scan = scanGoSource(text);
    if (scan.directives.length === 0) return this.files.delete(file);
    const inWasip1Build = this.inBuild(file, scan.buildConstraint);
    const directives = scan.directives.map((directive): IndexedDirective => ({
      file,
      kind: directive.kind,
      module: directive.module?.value,
      name: directive.name?.value,
      funcName: directive.func?.name,
      location: directive.func?.nameRange ?? directive.range,
      goSignature: directive.func ? formatGoFuncSignature(directive.func) : directive.text,
      inWasip1Build,
      directive,
    }));
    this.files.set(file, {
      file,
      dir: path.dirname(file),
      packageName: scan.packageName,
      buildConstraint: scan.buildConstraint,
      inWasip1Build,
      scan,
      directives,
    });
    return true;
  }

  remove(file: string): boolean {
    return this.files.delete(file);
  }

  /** Forgets every file under a folder (a deleted directory, a removed workspace folder). */
  removeUnder(dir: string): boolean {
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    let removed = false;
    for (const file of [...this.files.keys()]) {
      if (file.startsWith(prefix)) removed = this.files.delete(file) || removed;
    }
    return removed;
  }

  clear(): void {
    this.files.clear();
  }

  get fileCount(): number {
    return this.files.size;
  }

  file(file: string): IndexedGoFile | undefined {
    return this.files.get(file);
  }

  indexedFiles(): IndexedGoFile[] {
    return [...this.files.values()].sort((a, b) => a.file.localeCompare(b.file));
  }

  /** Every directive, in file then line order. */
  directives(): IndexedDirective[] {
    return this.indexedFiles().flatMap((entry) => entry.directives);
  }

  /** wasmimports grouped by module, then by import name (several funcs may import the same function). */
  importsByModule(): Map<string, Map<string, IndexedDirective[]>> {
    const modules = new Map<string, Map<string, IndexedDirective[]>>();
    for (const d of this.directives()) {
      if (d.kind !== 'wasmimport' || d.module === undefined || d.name === undefined) continue;
      let names = modules.get(d.module);
      if (!names) modules.set(d.module, (names = new Map()));
      const list = names.get(d.name);
      if (list) list.push(d);
      else names.set(d.name, [d]);
    }
    return new Map([...modules.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([module, names]) => [module, new Map([...names.entries()].sort(([a], [b]) => a.localeCompare(b)))]));
  }

  exports(): IndexedDirective[] {
    return this.directives().filter((d) => d.kind === 'wasmexport' && d.name !== undefined);
  }

  /** The directive on func `funcName` declared in a file of `dir` (the same package). */
  findByFunc(dir: string, funcName: string): IndexedDirective | undefined {
    for (const entry of this.files.values()) {
      if (entry.dir !== dir) continue;
      const found = entry.directives.find((d) => d.funcName === funcName);
      if (found) return found;
    }
    return undefined;
  }

  /** Type declarations of the package's other indexed files (files without directives are not indexed). */
  packageTypes(dir: string, exceptFile?: string): GoTypeDeclaration[] {
    const types: GoTypeDeclaration[] = [];
    for (const entry of this.files.values()) {
      if (entry.dir === dir && entry.file !== exceptFile) types.push(...entry.scan.typeDeclarations);
    }
    return types;
  }

  private inBuild(file: string, constraint: GoBuildConstraint | undefined): boolean {
    return fileInWasip1Build(file, constraint, this.options.goMinor, this.options.buildTags);
  }
}
