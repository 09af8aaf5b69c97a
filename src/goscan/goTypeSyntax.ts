// The shape of a Go type expression as written in the source. The scanner has no type checker:
// a name stays a name, and the wasmimport rules resolve it later through whatever declarations
// they can see.

export type GoTypeExpr =
  | { kind: 'name'; name: string; typeArgs?: GoTypeExpr[] }
  | { kind: 'qualified'; package: string; name: string; typeArgs?: GoTypeExpr[] }
  | { kind: 'pointer'; elem: GoTypeExpr }
  | { kind: 'slice'; elem: GoTypeExpr }
  | { kind: 'array'; length: string; elem: GoTypeExpr }
  | { kind: 'map'; key: GoTypeExpr; value: GoTypeExpr }
  | { kind: 'chan'; direction: 'both' | 'send' | 'receive'; elem: GoTypeExpr }
  | { kind: 'func'; params: GoParam[]; results: GoParam[] }
  | { kind: 'struct'; fields: GoStructField[] }
  | { kind: 'interface'; empty: boolean }
  /** Something the parser could not make sense of; the raw source text is kept for messages. */
  | { kind: 'unparsed'; text: string };

export interface GoSourcePosition {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column, as VS Code counts. */
  character: number;
}

export interface GoSourceRange {
  start: GoSourcePosition;
  end: GoSourcePosition;
}

export interface GoParam {
  /** Undefined for an unnamed parameter (`func(int32)`). */
  name?: string;
  type: GoTypeExpr;
  /** `...T`: the type is the element type T. */
  variadic?: boolean;
  /** Where the type is written; for grouped names (`a, b int32`) all share the one type's range. */
  typeRange: GoSourceRange;
}

export interface GoStructField {
  /** Undefined for an embedded field (`structs.HostLayout`). */
  name?: string;
  type: GoTypeExpr;
}

/** Prints a type the way the Go compiler's messages do (`*struct { _ structs.HostLayout; n uint64 }`). */
export function formatGoType(type: GoTypeExpr): string {
  switch (type.kind) {
    case 'name':
      return type.name + formatTypeArgs(type.typeArgs);
    case 'qualified':
      return `${type.package}.${type.name}${formatTypeArgs(type.typeArgs)}`;
    case 'pointer':
      return '*' + formatGoType(type.elem);
    case 'slice':
      return '[]' + formatGoType(type.elem);
    case 'array':
      return `[${type.length}]${formatGoType(type.elem)}`;
    case 'map':
      return `map[${formatGoType(type.key)}]${formatGoType(type.value)}`;
    case 'chan':
      if (type.direction === 'send') return 'chan<- ' + formatGoType(type.elem);
      if (type.direction === 'receive') return '<-chan ' + formatGoType(type.elem);
      return 'chan ' + formatGoType(type.elem);
    case 'func': {
      const results = type.results.length === 0 ? '' : type.results.length === 1 && !type.results[0].name
        ? ' ' + formatGoType(type.results[0].type)
        : ` (${formatParams(type.results)})`;
      return `func(${formatParams(type.params)})${results}`;
    }
    case 'struct':
      if (type.fields.length === 0) return 'struct {}';
      return `struct { ${type.fields.map((f) => (f.name ? `${f.name} ` : '') + formatGoType(f.type)).join('; ')} }`;
    case 'interface':
      return type.empty ? 'interface {}' : 'interface { ... }';
    case 'unparsed':
      return type.text;
  }
}

function formatTypeArgs(args: GoTypeExpr[] | undefined): string {
  return args ? `[${args.map(formatGoType).join(', ')}]` : '';
}

/** Formats a parameter list without parentheses: `a int32, b ...string`. */
export function formatParams(params: GoParam[]): string {
  return params
    .map((p) => (p.name ? p.name + ' ' : '') + (p.variadic ? '...' : '') + formatGoType(p.type))
    .join(', ');
}
