// `//go:build` expressions: parsed so the editor can tell whether a file is part of the
// wasip1 build at all, since a wasmimport in a file the wasip1 build skips never reaches the host.

export type BuildExpr =
  | { kind: 'tag'; tag: string }
  | { kind: 'not'; operand: BuildExpr }
  | { kind: 'and' | 'or'; left: BuildExpr; right: BuildExpr };

export class BuildConstraintSyntaxError extends Error {}

/** Parses the expression after `//go:build ` (e.g. `wasip1 && !purego`). Throws BuildConstraintSyntaxError. */
export function parseBuildExpression(expression: string): BuildExpr {
  const tokens = expression.match(/&&|\|\||[!()]|[A-Za-z0-9_.]+|\S/g) ?? [];
  let index = 0;
  const fail = (message: string): never => {
    throw new BuildConstraintSyntaxError(`${message} in //go:build ${expression}`);
  };

  const parseOr = (): BuildExpr => {
    let left = parseAnd();
    while (tokens[index] === '||') {
      index++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): BuildExpr => {
    let left = parseNot();
    while (tokens[index] === '&&') {
      index++;
      left = { kind: 'and', left, right: parseNot() };
    }
    return left;
  };
  const parseNot = (): BuildExpr => {
    const token = tokens[index++];
    if (token === undefined) return fail('unexpected end');
    if (token === '!') return { kind: 'not', operand: parseNot() };
    if (token === '(') {
      const inner = parseOr();
      if (tokens[index++] !== ')') fail('missing )');
      return inner;
    }
    if (!/^[A-Za-z0-9_.]+$/.test(token)) return fail(`unexpected ${token}`);
    return { kind: 'tag', tag: token };
  };

  const result = parseOr();
  if (index !== tokens.length) fail(`unexpected ${tokens[index]}`);
  return result;
}

export function evaluateBuildExpr(expr: BuildExpr, hasTag: (tag: string) => boolean): boolean {
  switch (expr.kind) {
    case 'tag':
      return hasTag(expr.tag);
    case 'not':
      return !evaluateBuildExpr(expr.operand, hasTag);
    case 'and':
      return evaluateBuildExpr(expr.left, hasTag) && evaluateBuildExpr(expr.right, hasTag);
    case 'or':
      return evaluateBuildExpr(expr.left, hasTag) || evaluateBuildExpr(expr.right, hasTag);
  }
}

export function buildExprTags(expr: BuildExpr): string[] {
  switch (expr.kind) {
    case 'tag':
      return [expr.tag];
    case 'not':
      return buildExprTags(expr.operand);
    case 'and':
    case 'or':
      return [...buildExprTags(expr.left), ...buildExprTags(expr.right)];
  }
}

/**
 * The tags `go build` satisfies for GOOS=wasip1 GOARCH=wasm with the gc toolchain of the given
 * release: wasip1, wasm, gc and every go1.N release tag up to it. wasip1 is not a `unix` OS
 * (internal/syslist), and cgo is unavailable on wasm.
 */
export function wasip1BuildTags(goMinor: number, extraTags: readonly string[] = []): (tag: string) => boolean {
  const tags = new Set(['wasip1', 'wasm', 'gc', ...extraTags]);
  return (tag) => {
    if (tags.has(tag)) return true;
    const release = /^go1\.(\d+)$/.exec(tag);
    return release !== null && Number(release[1]) <= goMinor;
  };
}
