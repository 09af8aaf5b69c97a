// Parses the few Go declaration forms the wasmimport scanner needs — func signatures,
// parameter lists, type expressions, type and import declarations — from lexer tokens.
// Bodies are never parsed: the scanner steps over them by bracket depth.

import type { GoToken } from './goLexer';
import type { GoParam, GoSourceRange, GoStructField, GoTypeExpr } from './goTypeSyntax';

/** Walks the tokens, stepping over comments, which carry no meaning inside declarations. */
export class GoTokenCursor {
  index = 0;

  constructor(readonly tokens: readonly GoToken[]) {}

  peek(offset = 0): GoToken | undefined {
    return this.tokens[this.indexOf(offset)];
  }

  next(): GoToken | undefined {
    const i = this.indexOf(0);
    const token = this.tokens[i];
    if (token) {
      this.index = i + 1;
      this.lastConsumed = token;
    }
    return token;
  }

  /** Index of the offset-th non-comment token from the cursor (tokens.length when past the end). */
  private indexOf(offset: number): number {
    let i = this.index;
    for (;;) {
      while (i < this.tokens.length && isComment(this.tokens[i])) i++;
      if (offset === 0 || i >= this.tokens.length) return i;
      offset--;
      i++;
    }
  }

  /** The most recently consumed token, to close a range. */
  lastConsumed: GoToken | undefined;

  isAt(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    // Literals never match: the string "(" is not a parenthesis.
    return token !== undefined && (token.kind === 'op' || token.kind === 'ident') && token.text === text;
  }

  /** Consumes the bracket at the cursor through its partner; returns the tokens in between. */
  skipBalanced(): GoToken[] {
    const inner: GoToken[] = [];
    this.next();
    let depth = 1;
    for (let token = this.next(); token; token = this.next()) {
      if (token.kind === 'op') {
        if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
        else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
      }
      if (depth === 0) break;
      inner.push(token);
    }
    return inner;
  }
}

function isComment(token: GoToken): boolean {
  return token.kind === 'lineComment' || token.kind === 'blockComment';
}

export function tokenRange(first: GoToken, last: GoToken): GoSourceRange {
  return {
    start: { line: first.line, character: first.column },
    end: endPosition(last),
  };
}

function endPosition(token: GoToken): { line: number; character: number } {
  const newline = token.text.lastIndexOf('\n');
  if (newline < 0) return { line: token.line, character: token.column + token.text.length };
  let lines = 0;
  for (let i = token.text.indexOf('\n'); i >= 0; i = token.text.indexOf('\n', i + 1)) lines++;
  return { line: token.line + lines, character: token.text.length - newline - 1 };
}

/** Parses a type expression at the cursor; undefined (nothing consumed) when none starts here. */
export function parseType(cursor: GoTokenCursor): GoTypeExpr | undefined {
  const token = cursor.peek();
  if (!token) return undefined;
  if (token.kind === 'ident') {
    switch (token.text) {
      case 'map': {
        cursor.next();
        if (!cursor.isAt('[')) return { kind: 'unparsed', text: 'map' };
        cursor.next();
        const key = parseType(cursor) ?? unparsed('?');
        if (cursor.isAt(']')) cursor.next();
        return { kind: 'map', key, value: parseType(cursor) ?? unparsed('?') };
      }
      case 'chan': {
        cursor.next();
        const send = cursor.isAt('<-');
        if (send) cursor.next();
        return { kind: 'chan', direction: send ? 'send' : 'both', elem: parseType(cursor) ?? unparsed('?') };
      }
      case 'func': {
        cursor.next();
        const params = cursor.isAt('(') ? parseParameterList(cursor) : [];
        return { kind: 'func', params, results: parseResults(cursor) };
      }
      case 'struct':
        cursor.next();
        return { kind: 'struct', fields: cursor.isAt('{') ? parseStructFields(cursor) : [] };
      case 'interface': {
        cursor.next();
        const inner = cursor.isAt('{') ? cursor.skipBalanced() : [];
        return { kind: 'interface', empty: inner.length === 0 };
      }
    }
    cursor.next();
    let qualifier: string | undefined;
    let name = token.text;
    if (cursor.isAt('.') && cursor.peek(1)?.kind === 'ident') {
      cursor.next();
      qualifier = name;
      name = cursor.next()!.text;
    }
    // Type arguments only follow on the same line; `[` on a new line starts something else.
    const typeArgs = cursor.isAt('[') && !cursor.peek()!.newlineBefore ? parseTypeArgs(cursor) : undefined;
    return qualifier === undefined
      ? { kind: 'name', name, ...(typeArgs ? { typeArgs } : {}) }
      : { kind: 'qualified', package: qualifier, name, ...(typeArgs ? { typeArgs } : {}) };
  }
  if (token.kind !== 'op') return undefined;
  switch (token.text) {
    case '*':
      cursor.next();
      return { kind: 'pointer', elem: parseType(cursor) ?? unparsed('?') };
    case '(': {
      cursor.next();
      const inner = parseType(cursor) ?? unparsed('?');
      if (cursor.isAt(')')) cursor.next();
      return inner;
    }
    case '<-':
      cursor.next();
      if (cursor.isAt('chan')) cursor.next();
      return { kind: 'chan', direction: 'receive', elem: parseType(cursor) ?? unparsed('?') };
    case '[': {
      cursor.next();
      if (cursor.isAt(']')) {
        cursor.next();
        return { kind: 'slice', elem: parseType(cursor) ?? unparsed('?') };
      }
      const length: string[] = [];
      let depth = 0;
      for (let t = cursor.next(); t; t = cursor.next()) {
        if (t.kind === 'op' && (t.text === '[' || t.text === '(')) depth++;
        if (t.kind === 'op' && (t.text === ']' || t.text === ')')) {
          if (depth === 0) break;
          depth--;
        }
        length.push(t.text);
      }
      return { kind: 'array', length: length.join(''), elem: parseType(cursor) ?? unparsed('?') };
    }
  }
  return undefined;
}

function unparsed(text: string): GoTypeExpr {
  return { kind: 'unparsed', text };
}

function parseTypeArgs(cursor: GoTokenCursor): GoTypeExpr[] {
  cursor.next(); // [
  const args: GoTypeExpr[] = [];
  while (cursor.peek() && !cursor.isAt(']')) {
    const arg = parseType(cursor);
    if (arg) args.push(arg);
    else cursor.next();
    if (cursor.isAt(',')) cursor.next();
  }
  cursor.next(); // ]
  return args;
}

/**
 * `ident [` is either a named parameter or field of array type (`buf [4]byte`) or a generic
 * instance (`List[int]`). Go's parser settles it by what follows the `]`: more type means the
 * ident was a name.
 */
function bracketStartsArrayTypeOfName(cursor: GoTokenCursor, terminators: readonly string[]): boolean {
  let depth = 0;
  for (let offset = 1; ; offset++) {
    const t = cursor.peek(offset);
    if (!t) return false;
    if (t.kind !== 'op') continue;
    if (t.text === '[' || t.text === '(' || t.text === '{') depth++;
    if (t.text === ']' || t.text === ')' || t.text === '}') depth--;
    if (depth === 0) {
      const after = cursor.peek(offset + 1);
      return after !== undefined && !after.newlineBefore && after.kind !== 'string' && after.kind !== 'rawString'
        && !terminators.includes(after.text);
    }
  }
}

interface ParamEntry {
  name?: string;
  /** A lone identifier: a type in an unnamed list, a name of a group in a named one. */
  bareIdent?: GoToken;
  type?: GoTypeExpr;
  variadic?: boolean;
  typeRange?: GoSourceRange;
}

/** Parses `( ... )` at the cursor into parameters, spreading grouped names (`a, b int32`) out. */
export function parseParameterList(cursor: GoTokenCursor): GoParam[] {
  cursor.next(); // (
  const entries: ParamEntry[] = [];
  while (cursor.peek() && !cursor.isAt(')')) {
    const token = cursor.peek()!;
    const entry: ParamEntry = {};
    if (token.kind === 'ident' && !isTypeKeyword(token.text)) {
      const following = cursor.peek(1);
      const followingText = following?.kind === 'op' ? following.text : undefined;
      if (followingText === ',' || followingText === ')') {
        cursor.next();
        entry.bareIdent = token;
      } else if (followingText === '.' || (followingText === '[' && !bracketStartsArrayTypeOfName(cursor, [',', ')']))) {
        readParamType(cursor, entry);
      } else {
        cursor.next();
        entry.name = token.text;
        readParamType(cursor, entry);
      }
    } else {
      readParamType(cursor, entry);
    }
    if (!entry.bareIdent && !entry.type) cursor.next(); // unparseable token: step over it
    else entries.push(entry);
    if (cursor.isAt(',')) cursor.next();
  }
  cursor.next(); // )

  const named = entries.some((e) => e.name !== undefined);
  const params: GoParam[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.bareIdent && named) {
      // A name in a group: it shares the type written after the group's last name.
      const typed = entries.slice(i + 1).find((e) => e.type);
      params.push({
        name: entry.bareIdent.text,
        type: typed?.type ?? unparsed('?'),
        typeRange: typed?.typeRange ?? tokenRange(entry.bareIdent, entry.bareIdent),
        ...(typed?.variadic ? { variadic: true } : {}),
      });
    } else if (entry.bareIdent) {
      params.push({ type: { kind: 'name', name: entry.bareIdent.text }, typeRange: tokenRange(entry.bareIdent, entry.bareIdent) });
    } else {
      params.push({
        ...(entry.name !== undefined ? { name: entry.name } : {}),
        type: entry.type!,
        typeRange: entry.typeRange!,
        ...(entry.variadic ? { variadic: true } : {}),
      });
    }
  }
  return params;
}

function isTypeKeyword(text: string): boolean {
  return text === 'func' || text === 'map' || text === 'chan' || text === 'struct' || text === 'interface';
}

function readParamType(cursor: GoTokenCursor, entry: ParamEntry): void {
  if (cursor.isAt('...')) {
    cursor.next();
    entry.variadic = true;
  }
  const first = cursor.peek();
  const type = parseType(cursor);
  if (type && first && cursor.lastConsumed) {
    entry.type = type;
    entry.typeRange = tokenRange(first, cursor.lastConsumed);
  }
}

/** Results after a signature: a parenthesized list, one bare type on the same line, or none. */
export function parseResults(cursor: GoTokenCursor): GoParam[] {
  const token = cursor.peek();
  if (!token || token.newlineBefore) return [];
  if (cursor.isAt('(')) return parseParameterList(cursor);
  if (cursor.isAt('{')) return [];
  const type = parseType(cursor);
  if (!type || !cursor.lastConsumed) return [];
  return [{ type, typeRange: tokenRange(token, cursor.lastConsumed) }];
}

function parseStructFields(cursor: GoTokenCursor): GoStructField[] {
  cursor.next(); // {
  const fields: GoStructField[] = [];
  while (cursor.peek() && !cursor.isAt('}')) {
    const token = cursor.peek()!;
    if (cursor.isAt(';')) {
      cursor.next();
      continue;
    }
    const following = cursor.peek(1);
    const endsEmbedded = !following || following.newlineBefore || following.kind === 'string' || following.kind === 'rawString'
      || (following.kind === 'op' && (following.text === ';' || following.text === '}'));
    if (token.kind === 'ident' && !isTypeKeyword(token.text) && following?.kind === 'op' && following.text === ',') {
      const names: string[] = [];
      while (cursor.peek()?.kind === 'ident') {
        names.push(cursor.next()!.text);
        if (!cursor.isAt(',')) break;
        cursor.next();
      }
      const type = parseType(cursor) ?? unparsed('?');
      for (const name of names) fields.push({ name, type });
    } else if (
      token.kind === 'ident' && !isTypeKeyword(token.text) && !endsEmbedded
      && !(following?.kind === 'op' && following.text === '.')
      && !(following?.kind === 'op' && following.text === '[' && !bracketStartsArrayTypeOfName(cursor, [';', '}']))
    ) {
      cursor.next();
      fields.push({ name: token.text, type: parseType(cursor) ?? unparsed('?') });
    } else {
      const type = parseType(cursor);
      if (type) fields.push({ type });
      else cursor.next();
    }
    if (cursor.peek()?.kind === 'string' || cursor.peek()?.kind === 'rawString') cursor.next(); // field tag
  }
  cursor.next(); // }
  return fields;
}

export interface GoTypeDeclaration {
  name: string;
  /** `type A = B`: A is B, so B's identity (e.g. structs.HostLayout) carries over. */
  alias: boolean;
  /** Declared with type parameters (`type List[T any] ...`). */
  generic: boolean;
  type: GoTypeExpr;
  nameRange: GoSourceRange;
}

/** Parses the specs after a `type` keyword (already consumed): one spec or a parenthesized group. */
export function parseTypeDeclarations(cursor: GoTokenCursor): GoTypeDeclaration[] {
  const specs: GoTypeDeclaration[] = [];
  const grouped = cursor.isAt('(');
  if (grouped) cursor.next();
  while (cursor.peek()) {
    if (grouped && cursor.isAt(')')) {
      cursor.next();
      break;
    }
    if (cursor.isAt(';')) {
      cursor.next();
      continue;
    }
    const nameToken = cursor.peek()!;
    if (nameToken.kind !== 'ident') {
      cursor.next();
      if (!grouped) break;
      continue;
    }
    cursor.next();
    let generic = false;
    if (cursor.isAt('[') && looksLikeTypeParams(cursor)) {
      cursor.skipBalanced();
      generic = true;
    }
    const alias = cursor.isAt('=');
    if (alias) cursor.next();
    const type = parseType(cursor);
    if (type) specs.push({ name: nameToken.text, alias, generic, type, nameRange: tokenRange(nameToken, nameToken) });
    if (!grouped) break;
  }
  return specs;
}

/** `type G[T any]` declares type parameters; `type A [N]int` is an array. */
function looksLikeTypeParams(cursor: GoTokenCursor): boolean {
  const first = cursor.peek(1);
  const second = cursor.peek(2);
  if (first?.kind !== 'ident' || !second) return false;
  return second.kind === 'ident' || (second.kind === 'op' && (second.text === ',' || second.text === '~' || second.text === '*'));
}

export interface GoImport {
  /** The explicit package name (`u "unsafe"`, `.` or `_`), if any. */
  name?: string;
  path: string;
}

/** Parses the specs after an `import` keyword (already consumed). */
export function parseImports(cursor: GoTokenCursor): GoImport[] {
  const imports: GoImport[] = [];
  const grouped = cursor.isAt('(');
  if (grouped) cursor.next();
  while (cursor.peek()) {
    if (grouped && cursor.isAt(')')) {
      cursor.next();
      break;
    }
    const token = cursor.next()!;
    let name: string | undefined;
    let pathToken: GoToken | undefined = token;
    if (token.kind === 'ident' || (token.kind === 'op' && token.text === '.')) {
      name = token.text;
      pathToken = cursor.peek()?.kind === 'string' || cursor.peek()?.kind === 'rawString' ? cursor.next() : undefined;
    }
    if (pathToken && (pathToken.kind === 'string' || pathToken.kind === 'rawString')) {
      imports.push({ ...(name !== undefined ? { name } : {}), path: unquoteImportPath(pathToken.text) });
    }
    if (!grouped) break;
  }
  return imports;
}

function unquoteImportPath(literal: string): string {
  // Import paths are plain ASCII in practice; escapes are not worth decoding here.
  return literal.slice(1, literal.endsWith(literal[0]) && literal.length > 1 ? -1 : undefined);
}
