// Which Go types a //go:wasmimport or //go:wasmexport func may take and return, per Go release,
// and the wasm value types they lower to. Mirrors cmd/compile/internal/ssagen
// (paramsToWasmFields, resultsToWasmFields, wasmElemTypeAllowed):
//
//  - Go 1.21–1.23: params int32 uint32 int64 uint64 float32 float64 unsafe.Pointer;
//    results the same minus unsafe.Pointer. wasmexport does not exist yet.
//  - Go 1.24+: also bool, uintptr, string (params only, as ptr+len), and pointers to
//    int8…uint64, float32/64, bool, arrays of those, and structs whose fields are those and
//    that have a structs.HostLayout field (or no fields at all).
//
// The compiler checks a type's kind, i.e. its underlying type, so `type Errno uint32` passes.
// The scanner sees only source, so a name it cannot resolve is "unknown", never "rejected".

import type { GoTypeDeclaration } from './goDeclarationParser';
import { formatGoLanguageVersion, goAtLeast, type GoLanguageVersion as GoVersion } from '../gotool/goVersion';
import { formatGoType, type GoParam, type GoSourceRange, type GoStructField, type GoTypeExpr } from './goTypeSyntax';
import type { GoSourceScan, WasmDirective, WasmDirectiveKind } from './wasmDirectiveScanner';

export type WasmValueType = 'i32' | 'i64' | 'f32' | 'f64';

export type GoTypeVerdict =
  | { status: 'allowed'; wasm: WasmValueType[] }
  | { status: 'rejected'; reason: string }
  | { status: 'unknown'; reason: string };

/** What a signature's names refer to: the package's type declarations and the file's imports. */
export interface GoTypeScope {
  lookupType(name: string): GoTypeDeclaration | undefined;
  /** The import path a qualifier (`unsafe` in `unsafe.Pointer`) stands for in this file. */
  importPath(qualifier: string): string | undefined;
}

/**
 * A scope from one scanned file, plus type declarations of the package's other files when the
 * caller has scanned them (they make more named types checkable).
 */
export function goTypeScopeForFile(scan: GoSourceScan, packageTypes: readonly GoTypeDeclaration[] = []): GoTypeScope {
  const types = new Map<string, GoTypeDeclaration>();
  for (const decl of [...packageTypes, ...scan.typeDeclarations]) types.set(decl.name, decl);
  const imports = new Map<string, string>();
  for (const imp of scan.imports) {
    if (imp.name === '_' || imp.name === '.') continue;
    imports.set(imp.name ?? imp.path.slice(imp.path.lastIndexOf('/') + 1), imp.path);
  }
  return {
    lookupType: (name) => types.get(name),
    importPath: (qualifier) => imports.get(qualifier),
  };
}

type RuleSet = 'go1.21' | 'go1.24';

/** The GOOS=js runtime's import module, which uses its own calling convention. */
const GOJS_MODULE = 'gojs';

function ruleSetFor(version: GoVersion): RuleSet | undefined {
  if (goAtLeast(version, 1, 24)) return 'go1.24';
  if (goAtLeast(version, 1, 21)) return 'go1.21';
  return undefined; // no wasip1 port before Go 1.21
}

/** Whether the given release knows the directive at all (wasip1 arrived in 1.21, wasmexport in 1.24). */
export function wasmDirectiveAvailable(kind: WasmDirectiveKind, version: GoVersion): boolean {
  return goAtLeast(version, 1, kind === 'wasmexport' ? 24 : 21);
}

type Underlying =
  | { kind: 'basic'; name: string }
  | { kind: 'unsafePointer' }
  | { kind: 'pointer'; elem: GoTypeExpr }
  | { kind: 'array'; elem: GoTypeExpr }
  | { kind: 'struct'; fields: GoStructField[] }
  | { kind: 'other'; what: string }
  | { kind: 'unknown'; reason: string };

const BASIC_TYPES = new Set([
  'bool', 'string', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
  'float32', 'float64', 'complex64', 'complex128',
]);
const BASIC_ALIASES: Record<string, string> = { byte: 'uint8', rune: 'int32' };
/** Type-name chains longer than this are treated as cycles. */
const MAX_NAME_DEPTH = 32;

function underlying(type: GoTypeExpr, scope: GoTypeScope, depth = 0): Underlying {
  if (depth > MAX_NAME_DEPTH) return { kind: 'unknown', reason: 'type declarations refer to each other in a cycle' };
  switch (type.kind) {
    case 'name': {
      // A package-level declaration shadows a predeclared name of the same spelling.
      const decl = scope.lookupType(type.name);
      if (decl) {
        if (decl.generic || type.typeArgs) return { kind: 'unknown', reason: `${type.name} is generic; its underlying type depends on type arguments` };
        return underlying(decl.type, scope, depth + 1);
      }
      const basic = BASIC_ALIASES[type.name] ?? type.name;
      if (BASIC_TYPES.has(basic)) return { kind: 'basic', name: basic };
      if (type.name === 'any' || type.name === 'error') return { kind: 'other', what: 'an interface' };
      return { kind: 'unknown', reason: `${type.name} is declared in a file that was not scanned` };
    }
    case 'qualified':
      if (type.name === 'Pointer' && scope.importPath(type.package) === 'unsafe') return { kind: 'unsafePointer' };
      return { kind: 'unknown', reason: `${type.package}.${type.name} is declared in another package` };
    case 'pointer':
      return { kind: 'pointer', elem: type.elem };
    case 'array':
      return { kind: 'array', elem: type.elem };
    case 'struct':
      return { kind: 'struct', fields: type.fields };
    case 'slice':
      return { kind: 'other', what: 'a slice' };
    case 'map':
      return { kind: 'other', what: 'a map' };
    case 'chan':
      return { kind: 'other', what: 'a channel' };
    case 'func':
      return { kind: 'other', what: 'a func' };
    case 'interface':
      return { kind: 'other', what: 'an interface' };
    case 'unparsed':
      return { kind: 'unknown', reason: `could not read the type ${type.text}` };
  }
}

/** structs.HostLayout itself, directly or through aliases; a defined type based on it does not count. */
function isHostLayout(type: GoTypeExpr, scope: GoTypeScope, depth = 0): boolean {
  if (depth > MAX_NAME_DEPTH) return false;
  if (type.kind === 'qualified') return type.name === 'HostLayout' && scope.importPath(type.package) === 'structs';
  if (type.kind !== 'name') return false;
  const decl = scope.lookupType(type.name);
  return decl !== undefined && decl.alias && isHostLayout(decl.type, scope, depth + 1);
}

const MEMORY_SAFE_BASICS = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'bool']);

type Tristate = 'yes' | 'no' | 'unknown';

/** Whether a pointer to this type may cross to the host: its memory layout must be one both sides agree on. */
function pointeeAllowed(type: GoTypeExpr, scope: GoTypeScope, depth = 0): Tristate {
  if (depth > MAX_NAME_DEPTH) return 'unknown';
  const u = underlying(type, scope);
  switch (u.kind) {
    case 'basic':
      return MEMORY_SAFE_BASICS.has(u.name) ? 'yes' : 'no';
    case 'array':
      return pointeeAllowed(u.elem, scope, depth + 1);
    case 'struct': {
      if (u.fields.length === 0) return 'yes';
      let sawHostLayout = false;
      let result: Tristate = 'yes';
      for (const field of u.fields) {
        if (isHostLayout(field.type, scope)) {
          sawHostLayout = true;
          continue;
        }
        const verdict = pointeeAllowed(field.type, scope, depth + 1);
        if (verdict === 'no') return 'no';
        if (verdict === 'unknown') result = 'unknown';
      }
      return sawHostLayout ? result : 'no';
    }
    case 'unknown':
      return 'unknown';
    default:
      return 'no';
  }
}

const SCALAR_WASM: Record<string, WasmValueType> = {
  int32: 'i32', uint32: 'i32', int64: 'i64', uint64: 'i64', float32: 'f32', float64: 'f64',
};

/**
 * Checks one parameter or result type. `position` matters: string is a param only, and before
 * Go 1.24 unsafe.Pointer was a param only.
 */
export function checkWasmType(
  type: GoTypeExpr,
  position: 'param' | 'result',
  version: GoVersion,
  scope: GoTypeScope,
): GoTypeVerdict {
  const rules = ruleSetFor(version);
  const shown = formatGoType(type);
  if (!rules) return { status: 'rejected', reason: `${formatGoLanguageVersion(version)} has no wasip1 port (it arrived in Go 1.21)` };
  const rejected = (hint: string): GoTypeVerdict => ({ status: 'rejected', reason: `unsupported ${position === 'param' ? 'parameter' : 'result'} type ${shown}: ${hint}` });
  const u = underlying(type, scope);
  switch (u.kind) {
    case 'unknown':
      return { status: 'unknown', reason: `can't check ${shown}: ${u.reason}` };
    case 'basic': {
      const scalar = SCALAR_WASM[u.name];
      if (scalar) return { status: 'allowed', wasm: [scalar] };
      if (rules === 'go1.24') {
        if (u.name === 'bool' || u.name === 'uintptr') return { status: 'allowed', wasm: ['i32'] };
        if (u.name === 'string') {
          return position === 'param'
            ? { status: 'allowed', wasm: ['i32', 'i32'] } // pointer and length
            : rejected('a string can be passed in, not returned');
        }
      }
      if (u.name === 'int' || u.name === 'uint') return rejected(`use ${u.name}32 or ${u.name}64: the width must be explicit`);
      return rejected(rules === 'go1.24'
        ? 'allowed are int32, uint32, int64, uint64, float32, float64, bool, uintptr, unsafe.Pointer, string (params) and pointers'
        : `${formatGoLanguageVersion(version)} allows only int32, uint32, int64, uint64, float32, float64 and unsafe.Pointer (params)`);
    }
    case 'unsafePointer':
      if (position === 'result' && rules === 'go1.21') return rejected(`${formatGoLanguageVersion(version)} cannot return unsafe.Pointer (Go 1.24 can)`);
      return { status: 'allowed', wasm: ['i32'] };
    case 'pointer': {
      if (rules === 'go1.21') return rejected(`${formatGoLanguageVersion(version)} has no pointer params; use unsafe.Pointer, or Go 1.24+`);
      const pointee = pointeeAllowed(u.elem, scope);
      if (pointee === 'yes') return { status: 'allowed', wasm: ['i32'] };
      if (pointee === 'unknown') return { status: 'unknown', reason: `can't check ${shown}: the pointed-to type is declared elsewhere` };
      return rejected('a pointer may only point to sized numbers, bool, arrays of them, or structs of them with a structs.HostLayout field');
    }
    case 'array':
    case 'struct':
      return rejected(`pass a pointer to it instead`);
    case 'other':
      return rejected(`${u.what} cannot cross the wasm boundary`);
  }
}

export interface WasmTypeProblem {
  code: 'unsupported-type' | 'unknown-type' | 'directive-unavailable';
  /** info: not checkable without type information; never a sign the code is wrong. */
  severity: 'error' | 'warning' | 'info';
  message: string;
  range: GoSourceRange;
}

export interface CheckedParam {
  param: GoParam;
  /** The receiver of a method counts as the first wasm parameter. */
  isReceiver: boolean;
  verdict: GoTypeVerdict;
}

export interface WasmSignatureCheck {
  params: CheckedParam[];
  results: CheckedParam[];
  /** The wasm function type, when every Go type was checkable and allowed. */
  wasmSignature?: { params: WasmValueType[]; results: WasmValueType[] };
  problems: WasmTypeProblem[];
}

/**
 * Checks the func a directive annotates against the rules of a Go release. Result-count and
 * placement problems come from the scanner; this reports types only.
 */
export function checkWasmSignature(directive: WasmDirective, version: GoVersion, scope: GoTypeScope): WasmSignatureCheck {
  const check: WasmSignatureCheck = { params: [], results: [], problems: [] };
  const func = directive.func;
  if (!func) return check;
  if (!wasmDirectiveAvailable(directive.kind, version)) {
    check.problems.push({
      code: 'directive-unavailable',
      severity: 'error',
      message: directive.kind === 'wasmexport'
        ? `//go:wasmexport needs Go 1.24 or later; ${formatGoLanguageVersion(version)} ignores it`
        : `//go:wasmimport for wasip1 needs Go 1.21 or later, not ${formatGoLanguageVersion(version)}`,
      range: directive.keywordRange,
    });
    return check;
  }

  if (directive.kind === 'wasmimport' && directive.module?.value === GOJS_MODULE) {
    // cmd/compile passes gojs imports just the Go stack pointer, whatever the Go signature says.
    check.wasmSignature = { params: ['i32'], results: [] };
    return check;
  }

  const inputs = func.receiver ? [{ param: func.receiver, isReceiver: true }] : [];
  inputs.push(...func.params.map((param) => ({ param, isReceiver: false })));
  for (const input of inputs) {
    check.params.push({ ...input, verdict: checkWasmType(declaredType(input.param), 'param', version, scope) });
  }
  if (func.results.length <= 1) {
    for (const param of func.results) {
      check.results.push({ param, isReceiver: false, verdict: checkWasmType(param.type, 'result', version, scope) });
    }
  }

  for (const checked of [...check.params, ...check.results]) {
    const { verdict } = checked;
    if (verdict.status === 'rejected') {
      check.problems.push({ code: 'unsupported-type', severity: 'error', message: `go:${directive.kind}: ${verdict.reason}`, range: checked.param.typeRange });
    } else if (verdict.status === 'unknown') {
      check.problems.push({ code: 'unknown-type', severity: 'info', message: `go:${directive.kind}: ${verdict.reason}`, range: checked.param.typeRange });
    }
  }
  const allAllowed = [...check.params, ...check.results].every((c) => c.verdict.status === 'allowed');
  if (allAllowed && func.results.length <= 1) {
    const lower = (list: CheckedParam[]): WasmValueType[] => list.flatMap((c) => (c.verdict.status === 'allowed' ? c.verdict.wasm : []));
    check.wasmSignature = { params: lower(check.params), results: lower(check.results) };
  }
  return check;
}

/** `...T` is a []T inside the func, and that is what crosses the boundary. */
function declaredType(param: GoParam): GoTypeExpr {
  return param.variadic ? { kind: 'slice', elem: param.type } : param.type;
}

/** Prints a wasm function type the way WAT does: `(param i32 i64) (result i32)`; empty for `() -> ()`. */
export function formatWasmSignature(signature: { params: readonly WasmValueType[]; results: readonly WasmValueType[] }): string {
  const parts: string[] = [];
  if (signature.params.length) parts.push(`(param ${signature.params.join(' ')})`);
  if (signature.results.length) parts.push(`(result ${signature.results.join(' ')})`);
  return parts.join(' ');
}
