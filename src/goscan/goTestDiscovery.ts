// Finds the tests `go test` would run in one _test.go file, from source alone: TestXxx, BenchmarkXxx,
// FuzzXxx (by their *testing.T/B/F parameter, as cmd/go's test loader checks), ExampleXxx with an
// `// Output:` comment (examples without one are compiled but never run), and the subtests whose
// `t.Run` name is a string literal. Whether the wasip1 build compiles the file at all follows the
// same build-constraint rules as the rest of the scanner.
import { lexGo, type GoToken } from './goLexer';
import { GoTokenCursor, parseImports, tokenRange } from './goDeclarationParser';
import type { GoSourceRange } from './goTypeSyntax';
import { fileInWasip1Build } from './wasip1FileSelection';
import { readBuildConstraint, type GoBuildConstraint } from './wasmDirectiveScanner';

export type GoTestKind = 'test' | 'benchmark' | 'fuzz' | 'example';

export interface GoStaticSubtest {
  /** The name as `go test` reports it after the parent's slash (spaces become underscores). */
  name: string;
  /** The `t.Run(...)` call's name argument. */
  range: GoSourceRange;
  subtests: GoStaticSubtest[];
}

export interface GoTestFunction {
  kind: GoTestKind;
  name: string;
  nameRange: GoSourceRange;
  /** From `func` to the closing brace of the body. */
  range: GoSourceRange;
  subtests: GoStaticSubtest[];
}

export interface GoTestFileScan {
  packageName?: string;
  buildConstraint?: GoBuildConstraint;
  /** False when GOOS=wasip1 GOARCH=wasm `go test` leaves the file out (file name suffix or //go:build). */
  inWasip1Build: boolean;
  tests: GoTestFunction[];
}

export interface GoTestDiscoveryOptions {
  /** The toolchain's Go 1.N minor version, for go1.N release tags. */
  goMinor: number;
  /** User build tags (go.buildTags, -tags in go.buildFlags). */
  buildTags?: readonly string[];
}

export function isGoTestFileName(fileName: string): boolean {
  return fileName.endsWith('_test.go');
}

// cmd/go's test loader: the parameter type that makes a function with each prefix a test.
const PREFIX_PARAMETER: ReadonlyArray<[prefix: string, kind: GoTestKind, parameterType: string | undefined]> = [
  ['Test', 'test', 'T'],
  ['Benchmark', 'benchmark', 'B'],
  ['Fuzz', 'fuzz', 'F'],
  ['Example', 'example', undefined],
];

/** go/doc's rule for an example's expected output: the body's comment `// Output:` or `// Unordered output:`. */
const EXAMPLE_OUTPUT = /^[ \t]*\/\/[ \t]*(?:unordered )?output:/im;

export function discoverGoTests(fileName: string, text: string, options: GoTestDiscoveryOptions): GoTestFileScan {
  // Only //go: comments are kept: an example's `// Output:` is read from the body's text.
  const tokens = lexGo(text, { comments: 'directives' });
  const scan: GoTestFileScan = { inWasip1Build: true, tests: [] };
  // `testing` as this file names it: `testing`, an alias, or '' for a dot import.
  let testingName: string | undefined;
  let sawPackage = false;
  let depth = 0;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'lineComment') {
      if (!sawPackage && !scan.buildConstraint && token.firstOnLine && token.text.startsWith('//go:build')) {
        scan.buildConstraint = readBuildConstraint(token);
      }
      continue;
    }
    if (token.kind === 'op') {
      if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
      else if ((token.text === ')' || token.text === ']' || token.text === '}') && depth > 0) depth--;
      continue;
    }
    if (depth !== 0 || token.kind !== 'ident') continue;
    if (token.text === 'package' && !sawPackage) {
      sawPackage = true;
      if (tokens[i + 1]?.kind === 'ident') scan.packageName = tokens[++i].text;
    } else if (token.text === 'import') {
      const cursor = new GoTokenCursor(tokens);
      cursor.index = i + 1;
      for (const imported of parseImports(cursor)) {
        if (imported.path === 'testing' && imported.name !== '_') testingName = imported.name === '.' ? '' : (imported.name ?? 'testing');
      }
      i = cursor.index - 1;
    } else if (token.text === 'func') {
      const found = readTestFunction(tokens, i, text, testingName);
      if (found) {
        scan.tests.push(found.test);
        i = found.end;
      }
    }
  }
  scan.inWasip1Build = fileInWasip1Build(fileName, scan.buildConstraint, options.goMinor, options.buildTags ?? []);
  return scan;
}

/** The test declared by the `func` at tokens[at], or undefined (methods, generics, other names, wrong signature). */
function readTestFunction(
  tokens: readonly GoToken[],
  at: number,
  text: string,
  testingName: string | undefined,
): { test: GoTestFunction; end: number } | undefined {
  const nameToken = tokens[at + 1];
  if (nameToken?.kind !== 'ident') return undefined;
  const entry = PREFIX_PARAMETER.find(([prefix]) => isTestName(nameToken.text, prefix));
  if (!entry) return undefined;
  const [, kind, parameterType] = entry;
  if (!isOp(tokens[at + 2], '(')) return undefined; // `[` would make it generic, which go test rejects
  const paramsEnd = matchingClose(tokens, at + 2);
  if (paramsEnd < 0) return undefined;
  let bodyStart = paramsEnd + 1;
  // Results: go test rejects any, so a test with results is not one; skip to the body to step over it.
  const hasResults = !isOp(tokens[bodyStart], '{');
  while (bodyStart < tokens.length && !isOp(tokens[bodyStart], '{')) bodyStart++;
  const bodyEnd = matchingClose(tokens, bodyStart);
  if (bodyEnd < 0) return undefined;
  const params = tokens.slice(at + 3, paramsEnd).filter((t) => t.kind !== 'lineComment');

  let accepted: boolean;
  if (parameterType === undefined) {
    accepted = params.length === 0 && !hasResults && EXAMPLE_OUTPUT.test(text.slice(tokens[bodyStart].end, tokens[bodyEnd].start));
  } else {
    accepted = !hasResults && testingName !== undefined && isTestingPointerParameter(params, testingName, parameterType);
  }
  if (!accepted) return undefined;
  return {
    test: {
      kind,
      name: nameToken.text,
      nameRange: tokenRange(nameToken, nameToken),
      range: tokenRange(tokens[at], tokens[bodyEnd]),
      subtests: parameterType === 'T' || parameterType === 'B' ? literalSubtests(tokens, bodyStart, bodyEnd) : [],
    },
    end: bodyEnd,
  };
}

/** testing.isTest: the prefix, then nothing or a character that is not a lower-case letter (Testify is no test). */
function isTestName(name: string, prefix: string): boolean {
  if (!name.startsWith(prefix)) return false;
  if (name.length === prefix.length) return true;
  const next = name.charAt(prefix.length);
  return next.toLowerCase() !== next || next.toUpperCase() === next;
}

/** `t *testing.T` (or `*T` after a dot import; the parameter may be unnamed or `_`). */
function isTestingPointerParameter(params: readonly GoToken[], testingName: string, type: string): boolean {
  const words = params.map((t) => t.text);
  if (words.length && words[0] !== '*') words.shift();
  const expected = testingName === '' ? ['*', type] : ['*', testingName, '.', type];
  return words.length === expected.length && words.every((w, i) => w === expected[i]);
}

/**
 * `x.Run("name", ...)` calls with a literal name inside a body, nested as they run: a Run inside another
 * Run's arguments (its func literal) is that subtest's subtest.
 */
function literalSubtests(tokens: readonly GoToken[], bodyStart: number, bodyEnd: number): GoStaticSubtest[] {
  const roots: GoStaticSubtest[] = [];
  const open: Array<{ subtest: GoStaticSubtest; closeAt: number }> = [];
  for (let i = bodyStart + 1; i < bodyEnd; i++) {
    while (open.length && i > open[open.length - 1].closeAt) open.pop();
    const token = tokens[i];
    if (token.kind !== 'ident' || token.text !== 'Run' || !isOp(tokens[i - 1], '.') || !isOp(tokens[i + 1], '(')) continue;
    const literal = tokens[i + 2];
    if (literal?.kind !== 'string' && literal?.kind !== 'rawString') continue;
    const value = stringLiteralValue(literal);
    if (value === undefined) continue;
    const subtest: GoStaticSubtest = { name: goSubtestName(value), range: tokenRange(literal, literal), subtests: [] };
    (open.length ? open[open.length - 1].subtest.subtests : roots).push(subtest);
    const closeAt = matchingClose(tokens, i + 1);
    if (closeAt > 0) open.push({ subtest, closeAt });
  }
  return roots;
}

/** testing's rewrite of a subtest name: white space becomes `_`, unprintable characters are escaped. */
export function goSubtestName(name: string): string {
  let result = '';
  for (const ch of name) {
    if (/\s/u.test(ch)) result += '_';
    else if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u.test(ch)) result += quotedRune(ch.codePointAt(0)!);
    else result += ch;
  }
  return result;
}

/** strconv.QuoteRune's escape for an unprintable rune, without the quotes. */
function quotedRune(code: number): string {
  if (code === 7) return '\\a';
  if (code === 8) return '\\b';
  if (code < 0x80) return '\\x' + code.toString(16).padStart(2, '0');
  if (code < 0x10000) return '\\u' + code.toString(16).padStart(4, '0');
  return '\\U' + code.toString(16).padStart(8, '0');
}

/** The value of a string literal, or undefined for escapes JSON does not share with Go (\x, octal, \a…). */
function stringLiteralValue(token: GoToken): string | undefined {
  if (token.kind === 'rawString') return token.text.slice(1, -1).replace(/\r/g, '');
  try {
    const value: unknown = JSON.parse(token.text);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function isOp(token: GoToken | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'op' && token.text === text;
}

/** Index of the bracket closing the one at tokens[open], or -1 when the file ends first. */
function matchingClose(tokens: readonly GoToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== 'op') continue;
    const t = token.text;
    if (t === '(' || t === '[' || t === '{') depth++;
    else if (t === ')' || t === ']' || t === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
