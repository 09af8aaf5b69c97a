// Problems with a Go file's wasm directives, as the editor shows them while the user types:
// what the compiler would reject (placement, types for the workspace's Go release) and what only
// fails when the module meets a WASI host (a misspelt function, a signature WASI does not have).
import type { GoLanguageVersion as GoVersion } from '../gotool/goVersion';
import type { GoTypeDeclaration } from './goDeclarationParser';
import type { GoSourcePosition, GoSourceRange } from './goTypeSyntax';
import { fileInWasip1Build } from './wasip1FileSelection';
import type { GoScanProblemCode, GoSourceScan, WasmDirective } from './wasmDirectiveScanner';
import { checkWasmSignature, formatWasmSignature, goTypeScopeForFile, type WasmSignatureCheck } from './wasmimportTypes';
import { closestWasiFunctionName } from './wasmimportResolution';
import {
  WASI_MODULE,
  goDeclaration,
  goDeclarationNeedsUnsafe,
  wasiFunctionByName,
  wasmSignature,
  type WasiFunctionSpec,
} from '../wasi/spec/catalogue';

export type WasmimportDiagnosticCode =
  | GoScanProblemCode
  | 'unsupported-type'
  | 'unknown-type'
  | 'directive-unavailable'
  | 'unknown-wasi-function'
  | 'wasi-signature-mismatch';

export interface SourceEdit {
  range: GoSourceRange;
  newText: string;
}

export interface WasmimportQuickFix {
  title: string;
  edits: SourceEdit[];
  /** The fix the user most likely wants (VS Code offers it first, and for auto-fix). */
  preferred: boolean;
}

export interface WasmimportDiagnostic {
  range: GoSourceRange;
  severity: 'error' | 'warning' | 'info';
  message: string;
  code: WasmimportDiagnosticCode;
  fixes: WasmimportQuickFix[];
}

export interface WasmimportDiagnosticsInput {
  fileName: string;
  text: string;
  scan: GoSourceScan;
  goVersion: GoVersion;
  /** Type declarations from the package's other files, so `type Errno uint32` there is understood. */
  packageTypes?: readonly GoTypeDeclaration[];
  buildTags?: readonly string[];
}

export function wasmimportDiagnostics(input: WasmimportDiagnosticsInput): WasmimportDiagnostic[] {
  const { scan, goVersion } = input;
  if (scan.directives.length === 0 && scan.problems.length === 0) return [];
  // Checking a js- or linux-only file against wasip1 rules would flag code that is right for its target.
  if (!fileInWasip1Build(input.fileName, scan.buildConstraint, goVersion.minor, input.buildTags)) return [];

  const diagnostics: WasmimportDiagnostic[] = scan.problems.map((p) => ({
    range: p.range, severity: p.severity, message: p.message, code: p.code, fixes: [],
  }));
  const scope = goTypeScopeForFile(scan, input.packageTypes ?? []);
  for (const directive of scan.directives) {
    if (!directive.func) continue;
    const check = checkWasmSignature(directive, goVersion, scope);
    for (const p of check.problems) diagnostics.push({ range: p.range, severity: p.severity, message: p.message, code: p.code, fixes: [] });
    if (directive.kind !== 'wasmimport' || directive.module?.value !== WASI_MODULE || !directive.name) continue;

    const spec = wasiFunctionByName.get(directive.name.value);
    if (!spec) {
      const suggestion = closestWasiFunctionName(directive.name.value);
      diagnostics.push({
        range: directive.name.range,
        severity: 'error',
        message: `${directive.name.value} is not a WASI preview 1 function: no WASI host supplies it, so the module fails to instantiate` +
          (suggestion ? `. Did you mean ${suggestion}?` : ''),
        code: 'unknown-wasi-function',
        fixes: suggestion
          ? [{ title: `Change to ${suggestion}`, edits: [{ range: directive.name.range, newText: suggestion }], preferred: true }]
          : [],
      });
      continue;
    }
    const mismatch = wasiSignatureMismatch(spec, check);
    if (!mismatch) continue;
    diagnostics.push({
      range: directive.func.signatureRange,
      severity: 'error',
      message: mismatch,
      code: 'wasi-signature-mismatch',
      fixes: directive.func.receiver ? [] : [signatureFix(directive, spec, input)],
    });
  }
  return diagnostics;
}

/**
 * Why a func declared for a WASI function cannot be linked to it, or undefined when its lowered
 * signature is WASI's (or not known). The one verdict diagnostics, hovers and the imports view give.
 */
export function wasiSignatureMismatch(spec: WasiFunctionSpec, check: WasmSignatureCheck): string | undefined {
  if (!check.wasmSignature) return undefined;
  const expected = wasmSignature(spec);
  const actual = check.wasmSignature;
  if (sameSignature(expected, actual)) return undefined;
  return `${spec.name} does not match WASI: WASI declares ${describeWasm(expected)}, this func lowers to ${describeWasm(actual)}. ` +
    'The module then fails to instantiate (incompatible import type).';
}

function sameSignature(a: { params: readonly string[]; results: readonly string[] }, b: { params: readonly string[]; results: readonly string[] }): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}

function describeWasm(signature: { params: readonly ('i32' | 'i64' | 'f32' | 'f64')[]; results: readonly ('i32' | 'i64' | 'f32' | 'f64')[] }): string {
  return formatWasmSignature(signature) || '(no params, no result)';
}

/** Replaces the func's signature with the catalogue's declaration, keeping the user's func name. */
function signatureFix(directive: WasmDirective, spec: WasiFunctionSpec, input: WasmimportDiagnosticsInput): WasmimportQuickFix {
  const func = directive.func!;
  const declared = goDeclaration(spec, input.goVersion).split('\n').find((line) => line.startsWith('func '))!;
  const edits: SourceEdit[] = [];
  let signature = declared.replace(/^func [A-Za-z0-9_]+\(/, `func ${func.name}(`);
  if (goDeclarationNeedsUnsafe(spec)) {
    const unsafeImport = input.scan.imports.find((imp) => imp.path === 'unsafe' && imp.name !== '_');
    if (unsafeImport?.name === '.') signature = signature.replace(/unsafe\./g, '');
    else if (unsafeImport?.name) signature = signature.replace(/unsafe\./g, `${unsafeImport.name}.`);
    if (!unsafeImport) {
      const edit = addImportEdit(input.text, 'unsafe');
      if (edit) edits.push(edit);
    }
  }
  edits.push({ range: func.signatureRange, newText: signature });
  return { title: `Use the WASI signature of ${spec.name}`, edits, preferred: true };
}

/**
 * Where `import "path"` goes: into the first import group, else before the first single import,
 * else after the package clause.
 */
export function addImportEdit(text: string, importPath: string): SourceEdit | undefined {
  const lines = text.split('\n');
  const at = (line: number, character = 0): GoSourcePosition => ({ line, character });
  const code = stripCommentsKeepingLines(text).split('\n');
  let packageLine = -1;
  for (let i = 0; i < code.length; i++) {
    const line = code[i];
    if (packageLine < 0) {
      if (/^\s*package\s+\w+/.test(line)) packageLine = i;
      continue;
    }
    if (/^\s*import\s*\(\s*$/.test(line)) return { range: { start: at(i + 1), end: at(i + 1) }, newText: `\t"${importPath}"\n` };
    if (/^\s*import\s*\(/.test(line)) {
      // `import ("fmt")` on one line: put ours just inside the parenthesis.
      const open = lines[i].indexOf('(') + 1;
      return { range: { start: at(i, open), end: at(i, open) }, newText: `"${importPath}"; ` };
    }
    if (/^\s*import\b/.test(line)) return { range: { start: at(i), end: at(i) }, newText: `import "${importPath}"\n` };
    if (/^\s*(func|type|var|const)\b/.test(line)) break;
  }
  if (packageLine < 0) return undefined;
  return { range: { start: at(packageLine + 1), end: at(packageLine + 1) }, newText: `\nimport "${importPath}"\n` };
}

/** Blanks comments (and the text of strings) so `// import (` in a comment is not taken for code. */
function stripCommentsKeepingLines(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|`[^`]*`|"(?:[^"\\\n]|\\.)*"/g, (m) => (m.startsWith('"') ? '""' : m.replace(/[^\n]/g, ' ')));
}
