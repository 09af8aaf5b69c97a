// Breakpoint conditions compiled to wasm, so that a condition that is false costs no call out of the
// guest. Every statement probe reaches the debugger through one slot of the Go module's table
// (goStatementProbes); this module builds the function that goes in that slot: for each site whose
// breakpoints all have conditions over integer and bool locals (`i < 0`, `n == 3 && done`), it reads
// the locals from the Go stack (SP + the frame's size + 8 + the variable's offset from the CFA, as
// goDwarf's frameAddress) and returns at once when the condition is false; anything else calls the
// JavaScript probe as before. A flag turns the filtering off while a step or a pause needs every site.
import { sleb128, uleb128 } from '../wasm/leb128';
import type { GoExpressionNode } from './goExpression';

/** Where a local lives at a site and what it holds: what compileCondition needs to read it. */
export interface LocalSlot {
  /** Bytes from the Go SP at the site to the value. */
  offsetFromSp: number;
  type: string;
}

type Compiled = { kind: 'int'; unsigned: boolean; code: number[] } | { kind: 'bool'; code: number[] };

/** i64 loads by Go type, with whether comparisons are unsigned. */
const LOADS: Record<string, [opcode: number, unsigned: boolean]> = {
  int8: [0x30, false], uint8: [0x31, true], byte: [0x31, true], int16: [0x32, false], uint16: [0x33, true],
  int32: [0x34, false], rune: [0x34, false], uint32: [0x35, true], int: [0x29, false], int64: [0x29, false],
  uint: [0x29, true], uint64: [0x29, true], uintptr: [0x29, true],
};
const COMPARE: Record<string, [signed: number, unsigned: number]> = {
  '==': [0x51, 0x51], '!=': [0x52, 0x52], '<': [0x53, 0x54], '>': [0x55, 0x56], '<=': [0x57, 0x58], '>=': [0x59, 0x5a],
};
const SP_GLOBAL = 0;
const FILTER_GLOBAL = 1;

/** The condition as wasm code leaving an i32 (0 or 1), or undefined when it is more than this compiles. */
export function compileCondition(node: GoExpressionNode, slot: (name: string) => LocalSlot | undefined): number[] | undefined {
  const compiled = compile(node, slot);
  return compiled?.kind === 'bool' ? compiled.code : undefined;
}

function compile(node: GoExpressionNode, slot: (name: string) => LocalSlot | undefined): Compiled | undefined {
  switch (node.k) {
    case 'int':
      return node.v >= -(2n ** 63n) && node.v < 2n ** 64n ? { kind: 'int', unsigned: false, code: [0x42, ...sleb128(BigInt.asIntN(64, node.v))] } : undefined;
    case 'name': {
      if (node.name === 'true' || node.name === 'false') return { kind: 'bool', code: [0x41, node.name === 'true' ? 1 : 0] };
      const local = slot(node.name);
      if (!local) return undefined;
      const address = [0x23, SP_GLOBAL, 0x41, ...sleb128(BigInt(local.offsetFromSp)), 0x6a];
      if (local.type === 'bool') return { kind: 'bool', code: [...address, 0x2d, 0, 0] }; // i32.load8_u
      const load = LOADS[local.type];
      return load ? { kind: 'int', unsigned: load[1], code: [...address, load[0], 0, 0] } : undefined;
    }
    case 'unary': {
      const x = compile(node.x, slot);
      if (!x) return undefined;
      if (node.op === '!' && x.kind === 'bool') return { kind: 'bool', code: [...x.code, 0x45] };
      if (node.op === '-' && x.kind === 'int') return { kind: 'int', unsigned: x.unsigned, code: [0x42, 0, ...x.code, 0x7d] };
      return undefined;
    }
    case 'binary': {
      const x = compile(node.x, slot);
      const y = compile(node.y, slot);
      if (!x || !y) return undefined;
      if ((node.op === '&&' || node.op === '||') && x.kind === 'bool' && y.kind === 'bool') {
        return { kind: 'bool', code: [...x.code, ...y.code, node.op === '&&' ? 0x71 : 0x72] };
      }
      if (x.kind === 'bool' && y.kind === 'bool' && (node.op === '==' || node.op === '!=')) {
        return { kind: 'bool', code: [...x.code, ...y.code, node.op === '==' ? 0x46 : 0x47] };
      }
      if (x.kind !== 'int' || y.kind !== 'int') return undefined;
      const compare = COMPARE[node.op];
      if (compare) return { kind: 'bool', code: [...x.code, ...y.code, compare[x.unsigned || y.unsigned ? 1 : 0]] };
      const arithmetic = { '+': 0x7c, '-': 0x7d, '*': 0x7e } as Record<string, number>;
      if (arithmetic[node.op] === undefined) return undefined;
      // Wider than Go's sized types, so a comparison after an overflow may differ: only int and uint64-wide types.
      return { kind: 'int', unsigned: x.unsigned || y.unsigned, code: [...x.code, ...y.code, arithmetic[node.op]] };
    }
    default:
      return undefined;
  }
}

/**
 * The probe function's module: imports the JavaScript probe, the Go module's memory and its SP global;
 * exports `p` (the probe, for the table slot) and `f` (the filter flag: 1 lets false conditions return).
 */
export function conditionProbeModule(conditions: readonly { site: number; code: number[] }[]): Uint8Array {
  const body: number[] = [0];
  for (const { site, code } of conditions) {
    body.push(
      0x02, 0x40, // block
      0x23, FILTER_GLOBAL, 0x45, 0x0d, 0, // filter off: next
      0x20, 0, 0x41, ...sleb128(BigInt(site)), 0x47, 0x0d, 0, // another site: next
      ...code, 0x45, 0x04, 0x40, 0x0f, 0x0b, // false: return
      0x0b,
    );
  }
  body.push(0x20, 0, 0x10, 0, 0x0b); // probe(site)
  const name = (text: string): number[] => [text.length, ...Buffer.from(text)];
  const section = (id: number, content: number[]): number[] => [id, ...uleb128(content.length), ...content];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 0]),
    ...section(2, [3, ...name('d'), ...name('p'), 0x00, 0, ...name('d'), ...name('m'), 0x02, 0x00, 0, ...name('d'), ...name('sp'), 0x03, 0x7f, 1]),
    ...section(3, [1, 0]),
    ...section(6, [1, 0x7f, 1, 0x41, 1, 0x0b]),
    ...section(7, [2, ...name('p'), 0x00, 1, ...name('f'), 0x03, 1]),
    ...section(10, [1, ...uleb128(body.length), ...body]),
  ]);
}
