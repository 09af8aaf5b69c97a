// Go expressions without a guest: parsing with Go's precedence, evaluation over values as goValues
// gives them, and which conditions compile to wasm (and that the compiled ones agree with JavaScript's).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCondition, conditionProbeModule } from '../../../src/debug/conditionProbes';
import { assignmentBytes, display, evaluateGo, namesIn, parseGoExpression } from '../../../src/debug/goExpression';
import type { GoValue } from '../../../src/wasm/goValues';

const scope: Record<string, GoValue> = {
  i: { name: 'i', type: 'int', value: '7' },
  u8: { name: 'u8', type: 'uint8', value: '250' },
  name: { name: 'name', type: 'string', value: '"gopher"' },
  done: { name: 'done', type: 'bool', value: 'false' },
  f: { name: 'f', type: 'float64', value: '2.5' },
  np: { name: 'np', type: '*main.T', value: 'nil' },
  items: { name: 'items', type: '[]int', value: '[]int len: 3, cap: 4, [1, 2, 3]', indexedCount: 3, children: (start = 0, count = 3) => [1, 2, 3].slice(start, start + count).map((v, k) => ({ name: `[${start + k}]`, type: 'int', value: String(v) })) },
  p: { name: 'p', type: 'main.point', value: 'main.point {X: -1, Y: 2}', namedCount: 2, children: () => [{ name: 'X', type: 'int', value: '-1' }, { name: 'Y', type: 'int', value: '2' }] },
};
const evaluate = (text: string): string => display(evaluateGo(parseGoExpression(text), (n) => scope[n])).value;

describe('Go expressions', () => {
  test('operators keep Go precedence and types', () => {
    assert.equal(evaluate('1 + 2 * 3'), '7');
    assert.equal(evaluate('(1 + 2) * 3'), '9');
    assert.equal(evaluate('i == 7 && name != "" || done'), 'true');
    assert.equal(evaluate('i % 4 << 2'), '12');
    assert.equal(evaluate('u8 + 10'), '4', 'uint8 arithmetic wraps');
    assert.equal(evaluate('-i / 2'), '-3', 'integer division truncates');
    assert.equal(evaluate('f * 2'), '5');
    assert.equal(evaluate('float64(i) / 2'), '3.5');
    assert.equal(evaluate('len(items) > 2 && items[2] == 3'), 'true');
    assert.equal(evaluate('cap(items)'), '4');
    assert.equal(evaluate('p.X < 0'), 'true');
    assert.equal(evaluate('name + "!"'), '"gopher!"');
    assert.equal(evaluate('len(name)'), '6');
    assert.equal(evaluate('name[0]'), '103');
    assert.equal(evaluate('np == nil'), 'true');
    assert.equal(evaluate('!done'), 'true');
    assert.equal(evaluate("'a' + 1"), '98');
    assert.deepEqual([...namesIn(parseGoExpression('len(items) > i && p.X != 0 || true'))].sort(), ['i', 'items', 'p']);
  });

  test('what cannot be evaluated says why in one line', () => {
    assert.throws(() => evaluate('missing + 1'), /missing is not a variable in scope here/);
    assert.throws(() => evaluate('items[5]'), /index 5 out of range \[0:3\]/);
    assert.throws(() => evaluate('name * 2'), /operator \* is not defined/);
    assert.throws(() => evaluate('i +'), /the expression ends too soon/);
    assert.throws(() => evaluate('i / 0'), /division by zero/);
  });
});

describe('conditions compiled to wasm', () => {
  const slots: Record<string, { offsetFromSp: number; type: string }> = { i: { offsetFromSp: 16, type: 'int' }, b: { offsetFromSp: 24, type: 'uint8' }, ok: { offsetFromSp: 32, type: 'bool' } };

  test('integer and bool conditions compile and agree with the values in memory; others stay in JavaScript', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const sp = new WebAssembly.Global({ value: 'i32', mutable: true }, 1024);
    const view = new DataView(memory.buffer);
    const conditions = ['i < 0', 'i == 42 && ok', 'b >= 200 || !ok', '-i > 3'];
    const codes = conditions.map((c) => compileCondition(parseGoExpression(c), (n) => slots[n]));
    assert.ok(codes.every((c) => c !== undefined));
    assert.equal(compileCondition(parseGoExpression('name != ""'), (n) => slots[n]), undefined, 'strings are tested in JavaScript');
    assert.equal(compileCondition(parseGoExpression('len(xs) > 3'), (n) => slots[n]), undefined);
    const reached: number[] = [];
    const module = new WebAssembly.Module(conditionProbeModule(codes.map((code, site) => ({ site, code: code as number[] }))) as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(module, { d: { p: (site: number) => reached.push(site), m: memory, sp } });
    const probe = instance.exports.p as (site: number) => void;
    const run = (i: bigint, b: number, ok: boolean): number[] => {
      view.setBigInt64(1024 + 16, i, true);
      view.setUint8(1024 + 24, b);
      view.setUint8(1024 + 32, ok ? 1 : 0);
      reached.length = 0;
      for (let site = 0; site < 5; site++) probe(site);
      return [...reached];
    };
    assert.deepEqual(run(42n, 10, true), [1, 4], 'site 4 has no condition and always calls out');
    assert.deepEqual(run(-5n, 250, true), [0, 2, 3, 4]);
    assert.deepEqual(run(0n, 0, false), [2, 4]);
    (instance.exports.f as WebAssembly.Global).value = 0;
    assert.deepEqual(run(0n, 0, false), [0, 1, 2, 3, 4], 'a step or a pause sees every site');
  });
});

describe('assignmentBytes: what setVariable writes', () => {
  const target = (type: string, scalarKind: GoValue['scalarKind'], value = '0'): GoValue => ({ name: 'v', type, value, address: 64, scalarKind });
  const constant = (text: string) => evaluateGo(parseGoExpression(text), () => undefined);

  test('integers as little-endian bytes of the kind\'s size, named types by their kind; overflow refused', () => {
    assert.deepEqual([...assignmentBytes(target('int8', 'int8'), constant('-5'))], [0xfb]);
    assert.deepEqual([...assignmentBytes(target('uint16', 'uint16'), constant('0x1234'))], [0x34, 0x12]);
    assert.deepEqual([...assignmentBytes(target('main.level', 'int32'), constant('-1'))], [0xff, 0xff, 0xff, 0xff]);
    assert.deepEqual([...assignmentBytes(target('int', 'int'), constant('2.0'))], [2, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => assignmentBytes(target('int8', 'int8'), constant('128')), /128 overflows int8/);
    assert.throws(() => assignmentBytes(target('uint', 'uint'), constant('-1')), /-1 overflows uint/);
    assert.throws(() => assignmentBytes(target('int', 'int'), constant('2.5')), /cannot use/);
  });

  test('floats, bools; strings and composite values are refused with the reason', () => {
    assert.deepEqual([...assignmentBytes(target('float32', 'float32'), constant('1.5'))], [0, 0, 0xc0, 0x3f]);
    assert.equal(new DataView(assignmentBytes(target('main.celsius', 'float64'), constant('3')).buffer).getFloat64(0, true), 3);
    assert.deepEqual([...assignmentBytes(target('bool', 'bool'), constant('1 < 2'))], [1]);
    assert.throws(() => assignmentBytes(target('bool', 'bool'), constant('1')), /cannot use/);
    assert.throws(() => assignmentBytes(target('string', 'string'), constant('"x"')), /a string cannot be set/);
    assert.throws(() => assignmentBytes(target('main.point', undefined), constant('1')), /only bools and numbers can be set/);
  });
});
