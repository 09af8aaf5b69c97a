// Go expressions over a stopped frame's variables, for watches, hovers, the Debug Console's evaluate,
// conditional breakpoints (`i == 2 && name != ""`, `len(items) > 3`, `p.X < 0`) and logpoints
// (`total is {total}`). A small Go subset, read without running guest code: literals, names, field
// selectors (through pointers and embedded structs), indexing of arrays, slices, strings and maps
// (constant keys), `*p`, `&x`, `len`/`cap`, unary and binary operators with Go's precedence, and
// conversions between basic types. Values come from goValues' readers through `lookup`, which is asked
// only for the names the expression uses, so a condition costs the variables it names, not the frame's.
import type { GoValue } from '../wasm/goValues';

export class GoExpressionError extends Error {}

export type GoExpressionNode = Node;

type Node =
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'string'; v: string }
  | { k: 'name'; name: string }
  | { k: 'select'; x: Node; field: string }
  | { k: 'index'; x: Node; index: Node }
  | { k: 'unary'; op: string; x: Node }
  | { k: 'binary'; op: string; x: Node; y: Node }
  | { k: 'call'; fn: string; args: Node[] };

/** What an expression evaluates to: a basic value, or a Go value read from memory. */
export type Operand =
  | { t: 'int'; v: bigint; type: string }
  | { t: 'float'; v: number; type: string }
  | { t: 'string'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'nil' }
  | { t: 'value'; value: GoValue };

const PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '|': 4, '^': 4, '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5,
};
const TOKEN = /\s*(?:(\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)|(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|\d[\d_]*)|("(?:[^"\\]|\\.)*"|`[^`]*`)|('(?:[^'\\]|\\.)+')|([A-Za-z_]\w*)|(&&|\|\||==|!=|<=|>=|<<|>>|&\^|[-+*/%<>!&|^()[\].,]))/y;
const INT_BITS: Record<string, [bits: number, signed: boolean]> = {
  int: [64, true], int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true], rune: [32, true],
  uint: [64, false], uint8: [8, false], byte: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false], uintptr: [64, false],
};

export function parseGoExpression(text: string): Node {
  const tokens: string[] = [];
  const kinds: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new GoExpressionError(`cannot read "${text.slice(at).trim().slice(0, 20)}"`);
    const kind = m[1] ? 'float' : m[2] ? 'int' : m[3] ? 'string' : m[4] ? 'rune' : m[5] ? 'name' : 'op';
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6]);
    kinds.push(kind);
    at = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const expect = (t: string): void => {
    if (tokens[i] !== t) throw new GoExpressionError(`expected ${t}${tokens[i] ? ` before "${tokens[i]}"` : ' at the end'}`);
    i++;
  };
  const primary = (): Node => {
    const t = tokens[i];
    const kind = kinds[i];
    if (t === undefined) throw new GoExpressionError('the expression ends too soon');
    i++;
    let node: Node;
    if (kind === 'int') node = { k: 'int', v: BigInt(t.replace(/_/g, '').replace(/^0([0-7]+)$/, '0o$1')) };
    else if (kind === 'float') node = { k: 'float', v: Number(t) };
    else if (kind === 'string') node = { k: 'string', v: t.startsWith('`') ? t.slice(1, -1) : unquote(t) };
    else if (kind === 'rune') node = { k: 'int', v: BigInt(unquote(`"${t.slice(1, -1)}"`).codePointAt(0) ?? 0) };
    else if (kind === 'name') {
      if (peek() === '(') {
        i++;
        const args: Node[] = [];
        while (peek() !== ')') {
          args.push(expression(0));
          if (peek() === ',') i++;
          else break;
        }
        expect(')');
        node = { k: 'call', fn: t, args };
      } else node = { k: 'name', name: t };
    } else if (t === '(') {
      node = expression(0);
      expect(')');
    } else if (t === '-' || t === '+' || t === '!' || t === '*' || t === '&' || t === '^') {
      return { k: 'unary', op: t, x: primary() };
    } else throw new GoExpressionError(`unexpected "${t}"`);
    for (;;) {
      if (peek() === '.') {
        i++;
        if (kinds[i] !== 'name') throw new GoExpressionError('expected a field name after "."');
        node = { k: 'select', x: node, field: tokens[i++] };
      } else if (peek() === '[') {
        i++;
        const index = expression(0);
        expect(']');
        node = { k: 'index', x: node, index };
      } else return node;
    }
  };
  const expression = (minPrecedence: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const p = op !== undefined && kinds[i] === 'op' ? PRECEDENCE[op] : undefined;
      if (p === undefined || p < minPrecedence) return left;
      i++;
      const right = expression(p + 1);
      left = { k: 'binary', op: op as string, x: left, y: right };
    }
  };
  const tree = expression(0);
  if (i < tokens.length) throw new GoExpressionError(`unexpected "${tokens[i]}"`);
  return tree;
}

/** The variable names an expression reads (not the builtins it calls). */
export function namesIn(node: Node, into = new Set<string>()): Set<string> {
  switch (node.k) {
    case 'name': if (!['true', 'false', 'nil'].includes(node.name)) into.add(node.name); break;
    case 'select': namesIn(node.x, into); break;
    case 'index': namesIn(node.x, into); namesIn(node.index, into); break;
    case 'unary': namesIn(node.x, into); break;
    case 'binary': namesIn(node.x, into); namesIn(node.y, into); break;
    case 'call': node.args.forEach((a) => namesIn(a, into)); break;
  }
  return into;
}

export function evaluateGo(node: Node, lookup: (name: string) => GoValue | undefined): Operand {
  const ev = (n: Node): Operand => evaluateGo(n, lookup);
  switch (node.k) {
    case 'int': return { t: 'int', v: node.v, type: 'untyped int' };
    case 'float': return { t: 'float', v: node.v, type: 'untyped float' };
    case 'string': return { t: 'string', v: node.v };
    case 'name': {
      if (node.name === 'true' || node.name === 'false') return { t: 'bool', v: node.name === 'true' };
      if (node.name === 'nil') return { t: 'nil' };
      const value = lookup(node.name);
      if (!value) throw new GoExpressionError(`${node.name} is not a variable in scope here`);
      return { t: 'value', value };
    }
    case 'select': {
      const x = valueOf(ev(node.x), `.${node.field}`);
      const field = x.children?.().find((c) => c.name === node.field) ?? promotedField(x, node.field);
      if (!field) throw new GoExpressionError(`${x.type} has no field ${node.field}`);
      return { t: 'value', value: field };
    }
    case 'index': {
      const indexed = ev(node.x);
      const x = indexed.t === 'value' && basicKind(indexed.value) === 'string' ? basic(indexed) : indexed;
      const index = basic(ev(node.index));
      if (x.t === 'string') {
        const at = Number(asInt(index, 'an index'));
        if (at < 0 || at >= x.v.length) throw new GoExpressionError(`index ${at} out of range [0:${x.v.length}]`);
        return { t: 'int', v: BigInt(Buffer.from(x.v, 'utf8')[at]), type: 'byte' };
      }
      const value = valueOf(x, '[…]');
      if (value.indexedCount !== undefined) {
        const at = Number(asInt(index, 'an index'));
        if (at < 0 || at >= value.indexedCount) throw new GoExpressionError(`index ${at} out of range [0:${value.indexedCount}]`);
        const element = value.children?.(at, 1)[0];
        if (!element) throw new GoExpressionError(`element ${at} of ${value.name} cannot be read`);
        return { t: 'value', value: element };
      }
      const key = index.t === 'string' ? JSON.stringify(index.v) : index.t === 'int' ? String(index.v) : index.t === 'bool' ? String(index.v) : undefined;
      const entry = key === undefined ? undefined : value.children?.().find((c) => c.name === key || c.name === `[${key}]`);
      if (!entry) throw new GoExpressionError(`${value.type} has no ${key ?? 'such'} key`);
      return { t: 'value', value: entry };
    }
    case 'unary': {
      if (node.op === '*') {
        const p = valueOf(ev(node.x), '*');
        if (p.value === 'nil') throw new GoExpressionError(`${p.name} is nil`);
        const target = p.children?.()[0];
        if (!target || !p.type.startsWith('*')) throw new GoExpressionError(`${p.type} is not a pointer`);
        return { t: 'value', value: target };
      }
      if (node.op === '&') {
        const v = valueOf(ev(node.x), '&');
        if (v.address === undefined) throw new GoExpressionError(`${v.name} has no address`);
        return { t: 'value', value: { name: `&${v.name}`, type: `*${v.type}`, value: `(*${v.type})(0x${v.address.toString(16)})` } };
      }
      const x = basic(ev(node.x));
      if (node.op === '!') return { t: 'bool', v: !asBool(x) };
      if (node.op === '+') return x;
      if (node.op === '-') return x.t === 'float' ? { ...x, v: -x.v } : x.t === 'int' ? wrap({ ...x, v: -x.v }) : fail(`cannot negate ${describe(x)}`);
      return x.t === 'int' ? wrap({ ...x, v: ~x.v }) : fail(`cannot complement ${describe(x)}`);
    }
    case 'binary': return binary(node.op, ev(node.x), () => ev(node.y));
    case 'call': return call(node.fn, node.args.map(ev));
  }
}

/** One line, as the Variables view shows a value. */
export function display(operand: Operand): { value: string; type: string } {
  switch (operand.t) {
    case 'int': return { value: String(operand.v), type: operand.type === 'untyped int' ? 'int' : operand.type };
    case 'float': return { value: String(operand.v), type: operand.type === 'untyped float' ? 'float64' : operand.type };
    case 'string': return { value: JSON.stringify(operand.v), type: 'string' };
    case 'bool': return { value: String(operand.v), type: 'bool' };
    case 'nil': return { value: 'nil', type: 'nil' };
    case 'value': return { value: operand.value.value, type: operand.value.type };
  }
}

function binary(op: string, left: Operand, right: () => Operand): Operand {
  if (op === '&&' || op === '||') {
    const l = asBool(basic(left));
    if (op === '&&' ? !l : l) return { t: 'bool', v: l };
    return { t: 'bool', v: asBool(basic(right())) };
  }
  const r = right();
  if ((op === '==' || op === '!=') && (left.t === 'nil' || r.t === 'nil')) {
    const other = left.t === 'nil' ? r : left;
    const isNil = other.t === 'nil' || (other.t === 'value' && /(^| )nil$/.test(other.value.value));
    return { t: 'bool', v: op === '==' ? isNil : !isNil };
  }
  const x = basic(left);
  const y = basic(r);
  if (x.t === 'string' && y.t === 'string') {
    switch (op) {
      case '+': return { t: 'string', v: x.v + y.v };
      case '==': return { t: 'bool', v: x.v === y.v };
      case '!=': return { t: 'bool', v: x.v !== y.v };
      case '<': return { t: 'bool', v: x.v < y.v };
      case '<=': return { t: 'bool', v: x.v <= y.v };
      case '>': return { t: 'bool', v: x.v > y.v };
      case '>=': return { t: 'bool', v: x.v >= y.v };
    }
    return fail(`operator ${op} is not defined on strings`);
  }
  if (x.t === 'bool' && y.t === 'bool' && (op === '==' || op === '!=')) return { t: 'bool', v: (x.v === y.v) === (op === '==') };
  if ((x.t === 'int' || x.t === 'float') && (y.t === 'int' || y.t === 'float')) {
    if (x.t === 'int' && y.t === 'int') {
      const type = x.type === 'untyped int' ? y.type : x.type;
      const a = x.v;
      const b = y.v;
      switch (op) {
        case '+': return wrap({ t: 'int', v: a + b, type });
        case '-': return wrap({ t: 'int', v: a - b, type });
        case '*': return wrap({ t: 'int', v: a * b, type });
        case '/': if (b === 0n) return fail('division by zero'); return wrap({ t: 'int', v: a / b, type });
        case '%': if (b === 0n) return fail('division by zero'); return wrap({ t: 'int', v: a % b, type });
        case '&': return wrap({ t: 'int', v: a & b, type });
        case '|': return wrap({ t: 'int', v: a | b, type });
        case '^': return wrap({ t: 'int', v: a ^ b, type });
        case '&^': return wrap({ t: 'int', v: a & ~b, type });
        case '<<': return wrap({ t: 'int', v: a << b, type });
        case '>>': return wrap({ t: 'int', v: a >> b, type });
      }
    } else if (['+', '-', '*', '/'].includes(op)) {
      const a = Number(x.v);
      const b = Number(y.v);
      const type = x.t === 'float' && x.type !== 'untyped float' ? x.type : y.t === 'float' ? y.type : 'float64';
      return { t: 'float', v: op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b, type };
    }
    const c = x.t === 'int' && y.t === 'int' ? compare(x.v, y.v) : compare(Number(x.v), Number(y.v));
    switch (op) {
      case '==': return { t: 'bool', v: c === 0 };
      case '!=': return { t: 'bool', v: c !== 0 };
      case '<': return { t: 'bool', v: c < 0 };
      case '<=': return { t: 'bool', v: c <= 0 };
      case '>': return { t: 'bool', v: c > 0 };
      case '>=': return { t: 'bool', v: c >= 0 };
    }
  }
  return fail(`operator ${op} is not defined on ${describe(x)} and ${describe(y)}`);
}

function call(fn: string, args: Operand[]): Operand {
  if (args.length !== 1) return fail(`${fn} takes one argument`);
  const [arg] = args;
  if (fn === 'len' || fn === 'cap') {
    if (arg.t === 'string') return { t: 'int', v: BigInt(Buffer.byteLength(arg.v, 'utf8')), type: 'int' };
    const v = valueOf(arg, fn);
    const counted = fn === 'cap' ? /\bcap: (\d+)/.exec(v.value)?.[1] : /\blen: (\d+)/.exec(v.value)?.[1];
    if (counted !== undefined) return { t: 'int', v: BigInt(counted), type: 'int' };
    if (/(^| )nil$/.test(v.value)) return { t: 'int', v: 0n, type: 'int' };
    if (fn === 'len' && v.type === 'string') return { t: 'int', v: BigInt(Buffer.byteLength(basicString(v), 'utf8')), type: 'int' };
    const n = v.indexedCount ?? (fn === 'len' && v.type.startsWith('map[') ? v.namedCount : undefined);
    if (n !== undefined) return { t: 'int', v: BigInt(n), type: 'int' };
    return fail(`${fn} of ${v.type} is not known`);
  }
  const x = basic(arg);
  if (fn in INT_BITS) {
    if (x.t === 'int') return wrap({ t: 'int', v: x.v, type: fn });
    if (x.t === 'float') return wrap({ t: 'int', v: BigInt(Math.trunc(x.v)), type: fn });
  }
  if (fn === 'float64' || fn === 'float32') {
    if (x.t === 'int' || x.t === 'float') return { t: 'float', v: fn === 'float32' ? Math.fround(Number(x.v)) : Number(x.v), type: fn };
  }
  if (fn === 'string') {
    if (x.t === 'string') return x;
    if (x.t === 'int') return { t: 'string', v: String.fromCodePoint(Number(x.v)) };
  }
  if (fn === 'bool' && x.t === 'bool') return x;
  return fail(`${fn}(${describe(x)}) is not a conversion or builtin understood here`);
}

const FLOAT_BYTES: Record<string, number> = { float32: 4, float64: 8 };

/**
 * The bytes that give `target` the value of `operand`, as a Go assignment would, for a bool, an
 * integer or a float variable (named types too): an integer must fit the target's size, an integer
 * target takes only a whole number. A string cannot be set: its bytes may be shared (a literal, a
 * substring) and new ones cannot be allocated without running the program.
 */
export function assignmentBytes(target: GoValue, operand: Operand): Uint8Array {
  const kind = target.scalarKind;
  if (target.raw) return fail(`${target.name} cannot be read: ${target.raw.reason}`);
  if (kind === 'string') return fail('a string cannot be set: its bytes may be shared with other strings, and new ones cannot be allocated while the program is stopped');
  const x = basic(operand);
  if (kind === 'bool') {
    if (x.t !== 'bool') return fail(`cannot use ${describe(x)} as ${target.type}`);
    return Uint8Array.of(x.v ? 1 : 0);
  }
  if (kind && kind in INT_BITS) {
    const [bits, signed] = INT_BITS[kind];
    let v: bigint;
    if (x.t === 'int') v = x.v;
    else if (x.t === 'float' && Number.isInteger(x.v)) v = BigInt(x.v);
    else return fail(`cannot use ${describe(x)} as ${target.type}`);
    if ((signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)) !== v) return fail(`${v} overflows ${target.type}`);
    const bytes = new Uint8Array(bits / 8);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number((BigInt.asUintN(bits, v) >> BigInt(8 * i)) & 0xffn);
    return bytes;
  }
  if (kind && kind in FLOAT_BYTES) {
    if (x.t !== 'int' && x.t !== 'float') return fail(`cannot use ${describe(x)} as ${target.type}`);
    const view = new DataView(new ArrayBuffer(FLOAT_BYTES[kind]));
    if (kind === 'float32') view.setFloat32(0, Number(x.v), true);
    else view.setFloat64(0, Number(x.v), true);
    return new Uint8Array(view.buffer);
  }
  return fail(`${target.name} is ${target.type}: only bools and numbers can be set`);
}

/** A Go value as a basic operand where its type is basic; other values stay values. */
function basic(operand: Operand): Operand {
  if (operand.t !== 'value') return operand;
  const v = operand.value;
  if (v.raw) return fail(`${v.name} cannot be read: ${v.raw.reason}`);
  const kind = basicKind(v);
  if (kind === 'bool') return { t: 'bool', v: v.value === 'true' };
  if (kind === 'string') return { t: 'string', v: basicString(v) };
  if (kind && kind in INT_BITS) return { t: 'int', v: BigInt(v.value), type: v.type };
  if (kind === 'float32' || kind === 'float64') return { t: 'float', v: Number(v.value), type: v.type };
  if (/(^| )nil$/.test(v.value)) return { t: 'nil' };
  return operand;
}

/** The basic kind under a (possibly named) type, told from how goValues printed the value. */
function basicKind(v: GoValue): string | undefined {
  if (v.type in INT_BITS || v.type === 'bool' || v.type === 'string' || v.type === 'float32' || v.type === 'float64') return v.type;
  if (v.children) return undefined;
  if (v.value === 'true' || v.value === 'false') return 'bool';
  if (/^"/.test(v.value)) return 'string';
  if (/^-?\d+$/.test(v.value)) return 'int64';
  if (/^-?(\d+\.?\d*(e[-+]?\d+)?|\+Inf|-Inf|NaN)$/.test(v.value)) return 'float64';
  return undefined;
}

function basicString(v: GoValue): string {
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(v.value)?.[0];
  if (!quoted) return fail(`${v.name} is not a string`);
  if (/\.\.\.$|…$/.test(v.value.slice(quoted.length).trim())) return fail(`${v.name} is too long to compare here`);
  return unquote(quoted);
}

function promotedField(value: GoValue, field: string): GoValue | undefined {
  let level = value.children?.() ?? [];
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const next: GoValue[] = [];
    for (const child of level) {
      // Through the embedded structs (and a pointer's target), never into slices or maps.
      if (child.indexedCount !== undefined || child.type.startsWith('map[')) continue;
      for (const grandchild of child.children?.() ?? []) {
        if (grandchild.name === field) return grandchild;
        next.push(grandchild);
      }
    }
    level = next.slice(0, 256);
  }
  return undefined;
}

function valueOf(operand: Operand, what: string): GoValue {
  if (operand.t === 'value') return operand.value;
  return fail(`${what} needs a variable, not ${describe(operand)}`);
}

function asBool(x: Operand): boolean {
  if (x.t === 'bool') return x.v;
  return fail(`${describe(x)} is not a bool`);
}

function asInt(x: Operand, what: string): bigint {
  if (x.t === 'int') return x.v;
  return fail(`${what} must be an integer, not ${describe(x)}`);
}

/** Wraps an integer to its type's size, as Go's arithmetic does. */
function wrap(x: Extract<Operand, { t: 'int' }>): Operand {
  const size = INT_BITS[x.type];
  if (!size) return x;
  const [bits, signed] = size;
  return { ...x, v: signed ? BigInt.asIntN(bits, x.v) : BigInt.asUintN(bits, x.v) };
}

function compare<T extends number | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(x: Operand): string {
  return x.t === 'value' ? `${x.value.name} (${x.value.type})` : x.t === 'nil' ? 'nil' : `a ${x.t}`;
}

function unquote(quoted: string): string {
  try {
    return JSON.parse(quoted.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b').replace(/\\'/g, "'")) as string;
  } catch {
    return fail(`cannot read the string ${quoted}`);
  }
}

function fail(message: string): never {
  throw new GoExpressionError(message);
}
