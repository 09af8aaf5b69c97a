// Finds `//go:wasmimport` and `//go:wasmexport` directives in one Go file and the func each
// one annotates, following the rules cmd/compile applies (noder.pragma and the syntax
// package's directive handling), and reports what the compiler would reject or silently ignore.

import { BuildConstraintSyntaxError, buildExprTags, parseBuildExpression, type BuildExpr } from './buildConstraint';
import { lexGo, type GoToken } from './goLexer';
import {
  GoTokenCursor,
  parseImports,
  parseParameterList,
  parseResults,
  parseTypeDeclarations,
  tokenRange,
  type GoImport,
  type GoTypeDeclaration,
} from './goDeclarationParser';
import type { GoParam, GoSourceRange } from './goTypeSyntax';

export type WasmDirectiveKind = 'wasmimport' | 'wasmexport';

export interface DirectiveField {
  value: string;
  range: GoSourceRange;
}

export interface GoFuncDeclaration {
  name: string;
  nameRange: GoSourceRange;
  /** From the `func` keyword to the end of the signature (the body is not included). */
  signatureRange: GoSourceRange;
  receiver?: GoParam;
  /** Declared with type parameters (`func f[T any]()`). */
  generic: boolean;
  params: GoParam[];
  results: GoParam[];
  hasBody: boolean;
}

export interface WasmDirective {
  kind: WasmDirectiveKind;
  /** The whole comment, `//go:wasmimport wasi_snapshot_preview1 fd_write`. */
  text: string;
  range: GoSourceRange;
  /** `go:wasmimport` / `go:wasmexport`, without the slashes. */
  keywordRange: GoSourceRange;
  /** wasmimport only: the host module. */
  module?: DirectiveField;
  /** The import name, or the export name. */
  name?: DirectiveField;
  /** Fields beyond what the directive takes; the compiler rejects them. */
  extraFields: DirectiveField[];
  /** The declaration the compiler attaches the directive to; absent when it attaches to none. */
  func?: GoFuncDeclaration;
}

export type GoScanProblemCode =
  | 'directive-not-at-line-start'
  | 'directive-ignored'
  | 'wrong-field-count'
  | 'not-before-func'
  | 'blank-line-before-func'
  | 'directive-overridden'
  | 'import-with-body'
  | 'export-without-body'
  | 'export-on-method'
  | 'import-and-export'
  | 'generic-func'
  | 'too-many-results';

export interface GoScanProblem {
  code: GoScanProblemCode;
  /** error: the compiler rejects the file; warning: it compiles, but not as the author likely meant. */
  severity: 'error' | 'warning';
  message: string;
  range: GoSourceRange;
}

export interface GoBuildConstraint {
  expression: string;
  range: GoSourceRange;
  /** Undefined when the expression does not parse; see `error`. */
  parsed?: BuildExpr;
  error?: string;
  mentionsWasip1: boolean;
  mentionsWasm: boolean;
}

export interface GoSourceScan {
  packageName?: string;
  buildConstraint?: GoBuildConstraint;
  imports: GoImport[];
  /** Package-level type declarations, so the type rules can see through `type Errno uint32`. */
  typeDeclarations: GoTypeDeclaration[];
  directives: WasmDirective[];
  problems: GoScanProblem[];
}

/**
 * A cheap test that rules out almost every file before lexing: a file without this text has no
 * wasm directives. (It can still say yes for a directive inside a string; scanGoSource sorts that out.)
 */
export function mayContainWasmDirectives(text: string): boolean {
  return text.includes('//go:wasm');
}

const WASM_KEYWORDS: readonly WasmDirectiveKind[] = ['wasmimport', 'wasmexport'];

export function scanGoSource(text: string): GoSourceScan {
  const tokens = lexGo(text, { comments: 'directives' });
  const scan: GoSourceScan = { imports: [], typeDeclarations: [], directives: [], problems: [] };
  const cursor = new GoTokenCursor(tokens);
  const pending: WasmDirective[] = [];
  let lastPendingEnd = 0;
  let depth = 0;
  let sawPackage = false;

  const problem = (code: GoScanProblemCode, severity: GoScanProblem['severity'], message: string, range: GoSourceRange): void => {
    scan.problems.push({ code, severity, message, range });
  };
  const dropPending = (why: string, severity: GoScanProblem['severity']): void => {
    for (const directive of pending) {
      problem('not-before-func', severity, `//go:${directive.kind} ${why}`, directive.range);
    }
    pending.length = 0;
  };

  while (cursor.index < tokens.length) {
    const token = tokens[cursor.index];
    if (token.kind === 'lineComment') {
      cursor.index++;
      if (!token.text.startsWith('//go:')) continue;
      if (!sawPackage && token.firstOnLine && token.text.startsWith('//go:build') && !scan.buildConstraint) {
        scan.buildConstraint = readBuildConstraint(token);
        continue;
      }
      const directive = readWasmDirective(token, problem);
      if (!directive) continue;
      scan.directives.push(directive);
      if (!token.firstOnLine) {
        // The compiler only honours a directive that starts its line.
        problem('directive-not-at-line-start', 'error', 'misplaced compiler directive: //go: directives must start the line', directive.range);
      } else if (depth > 0) {
        problem('not-before-func', 'error', `misplaced //go:${directive.kind}: it must precede a top-level func declaration`, directive.range);
      } else if (directive.name) {
        pending.push(directive);
        lastPendingEnd = token.end;
      }
      continue;
    }
    if (token.kind === 'blockComment') {
      cursor.index++;
      continue;
    }

    if (depth === 0 && token.kind === 'ident') {
      switch (token.text) {
        case 'package':
          cursor.next();
          if (!sawPackage && cursor.peek()?.kind === 'ident') scan.packageName = cursor.next()!.text;
          sawPackage = true;
          dropPending('comes before the package clause; the compiler rejects it as misplaced', 'error');
          continue;
        case 'func': {
          const func = parseFuncDeclaration(cursor);
          if (pending.length) attachDirectives(text.slice(lastPendingEnd, token.start), pending.splice(0), func, problem);
          continue;
        }
        case 'type':
          cursor.next();
          scan.typeDeclarations.push(...parseTypeDeclarations(cursor));
          dropPending('is not followed by a func declaration; the compiler ignores it', 'warning');
          continue;
        case 'import':
          cursor.next();
          scan.imports.push(...parseImports(cursor));
          dropPending('is not followed by a func declaration; the compiler ignores it', 'warning');
          continue;
        case 'var':
        case 'const':
          dropPending('is not followed by a func declaration; the compiler ignores it', 'warning');
          break;
      }
    }
    if (token.kind === 'op') {
      if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
      else if ((token.text === ')' || token.text === ']' || token.text === '}') && depth > 0) depth--;
    }
    cursor.index++;
  }
  dropPending('is not followed by a func declaration; the compiler rejects it as misplaced', 'error');
  return scan;
}

export function readBuildConstraint(token: GoToken): GoBuildConstraint {
  const expression = token.text.slice('//go:build'.length).trim();
  const range = tokenRange(token, token);
  try {
    const parsed = parseBuildExpression(expression);
    const tags = buildExprTags(parsed);
    return { expression, range, parsed, mentionsWasip1: tags.includes('wasip1'), mentionsWasm: tags.includes('wasm') };
  } catch (error) {
    if (!(error instanceof BuildConstraintSyntaxError)) throw error;
    return { expression, range, error: error.message, mentionsWasip1: /\bwasip1\b/.test(expression), mentionsWasm: /\bwasm\b/.test(expression) };
  }
}

type ReportProblem = (code: GoScanProblemCode, severity: GoScanProblem['severity'], message: string, range: GoSourceRange) => void;

/** Splits a `//go:wasm...` comment into fields, or returns undefined when it is some other directive. */
function readWasmDirective(token: GoToken, problem: ReportProblem): WasmDirective | undefined {
  const body = token.text.slice(2); // after //
  const kind = WASM_KEYWORDS.find((k) => body.startsWith('go:' + k));
  if (!kind) return undefined;
  const keywordLength = 3 + kind.length;
  const afterKeyword = body.charAt(keywordLength);
  const range = tokenRange(token, token);
  if (afterKeyword !== ' ') {
    // cmd/compile matches "go:wasmimport " with the space: a tab or nothing after the keyword
    // makes it an unknown directive, silently ignored.
    if (afterKeyword === '' || /\s/.test(afterKeyword)) {
      problem('directive-ignored', 'error',
        `the compiler ignores //go:${kind} unless a space follows it` +
          (kind === 'wasmimport' ? ': write //go:wasmimport module name' : ': write //go:wasmexport name'),
        range);
    }
    return undefined;
  }

  const fields: DirectiveField[] = [];
  const fieldPattern = /\S+/g;
  const fieldText = body.slice(keywordLength);
  for (let m = fieldPattern.exec(fieldText); m; m = fieldPattern.exec(fieldText)) {
    const character = token.column + 2 + keywordLength + m.index;
    fields.push({ value: m[0], range: { start: { line: token.line, character }, end: { line: token.line, character: character + m[0].length } } });
  }
  const wanted = kind === 'wasmimport' ? 2 : 1;
  const directive: WasmDirective = {
    kind,
    text: token.text,
    range,
    keywordRange: {
      start: { line: token.line, character: token.column + 2 },
      end: { line: token.line, character: token.column + 2 + keywordLength },
    },
    extraFields: fields.slice(wanted),
  };
  if (fields.length === wanted) {
    if (kind === 'wasmimport') {
      directive.module = fields[0];
      directive.name = fields[1];
    } else {
      directive.name = fields[0];
    }
  } else if (fields.length > wanted) {
    const extra = directive.extraFields;
    problem('wrong-field-count', 'error',
      `//go:${kind} takes ${wanted === 2 ? 'a module and a name' : 'one name'}; remove ${extra.map((f) => f.value).join(' ')}`,
      { start: extra[0].range.start, end: extra[extra.length - 1].range.end });
  } else {
    problem('wrong-field-count', 'error',
      kind === 'wasmimport' ? 'usage: //go:wasmimport importmodule importname' : 'usage: //go:wasmexport exportname', range);
  }
  return directive;
}

function parseFuncDeclaration(cursor: GoTokenCursor): GoFuncDeclaration | undefined {
  const funcToken = cursor.next()!;
  let receiver: GoParam | undefined;
  if (cursor.isAt('(')) receiver = parseParameterList(cursor)[0];
  const nameToken = cursor.peek();
  if (nameToken?.kind !== 'ident') return undefined;
  cursor.next();
  let generic = false;
  if (cursor.isAt('[')) {
    cursor.skipBalanced();
    generic = true;
  }
  if (!cursor.isAt('(')) return undefined;
  const params = parseParameterList(cursor);
  const results = parseResults(cursor);
  const last = cursor.lastConsumed ?? nameToken;
  const next = cursor.peek();
  // The body's brace must be on the signature's line: a newline there would end the declaration.
  const hasBody = next !== undefined && next.kind === 'op' && next.text === '{' && !next.newlineBefore;
  return {
    name: nameToken.text,
    nameRange: tokenRange(nameToken, nameToken),
    signatureRange: tokenRange(funcToken, last),
    ...(receiver ? { receiver } : {}),
    generic,
    params,
    results,
    hasBody,
  };
}

/** `between` is the source text from the end of the last directive to the `func` keyword. */
function attachDirectives(
  between: string,
  directives: WasmDirective[],
  func: GoFuncDeclaration | undefined,
  problem: ReportProblem,
): void {
  if (directives.length === 0) return;
  if (!func) {
    for (const d of directives) problem('not-before-func', 'error', `//go:${d.kind} must precede a func declaration with a name and parameters`, d.range);
    return;
  }
  // Later directives of a kind replace earlier ones (the compiler keeps one per func).
  const effective = new Map<WasmDirectiveKind, WasmDirective>();
  for (const d of directives) {
    const earlier = effective.get(d.kind);
    if (earlier) {
      problem('directive-overridden', 'warning', `this //go:${d.kind} is replaced by the one on line ${d.range.start.line + 1}`, earlier.range);
    }
    effective.set(d.kind, d);
    d.func = func;
  }
  const last = directives[directives.length - 1];
  if (/\n[ \t\r]*\n/.test(between)) {
    problem('blank-line-before-func', 'warning',
      `a blank line separates //go:${last.kind} from func ${func.name}; the compiler still applies it, but readers and tools see a detached comment`,
      last.range);
  }

  const wasmImport = effective.get('wasmimport');
  const wasmExport = effective.get('wasmexport');
  if (wasmImport && wasmExport) {
    problem('import-and-export', 'error', `func ${func.name} cannot be both imported and exported`, wasmExport.range);
  }
  if (wasmImport) {
    if (func.hasBody) {
      problem('import-with-body', 'error', `can only use //go:wasmimport with external func implementations: remove the body of ${func.name}`, func.nameRange);
    }
    if (func.generic) problem('generic-func', 'error', `generic func ${func.name} cannot be a //go:wasmimport`, func.nameRange);
  }
  if (wasmExport) {
    if (!func.hasBody) problem('export-without-body', 'error', `//go:wasmexport func ${func.name} needs a body`, func.nameRange);
    if (func.receiver) problem('export-on-method', 'error', 'cannot use //go:wasmexport on a method', func.nameRange);
    if (func.generic) problem('generic-func', 'error', `generic func ${func.name} cannot be a //go:wasmexport`, func.nameRange);
  }
  // Imports from "gojs" (GOOS=js's runtime) take only the stack pointer, so their Go
  // signature is unconstrained.
  const gojs = wasmImport?.module?.value === 'gojs';
  if (func.results.length > 1 && !gojs) {
    const first = func.results[0].typeRange;
    const lastResult = func.results[func.results.length - 1].typeRange;
    problem('too-many-results', 'error', `//go:${last.kind} funcs return at most one value; ${func.name} returns ${func.results.length}`,
      { start: first.start, end: lastResult.end });
  }
}
