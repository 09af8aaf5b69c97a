// Go variables over DAP at a line breakpoint: the frame's Arguments, Locals (in scope, the shadowed
// one told apart) and Globals with Go types and values, expansion of a struct, a pointer and a slice
// page, a caller's frame, and hover/watch evaluation, in a package without and one with its own
// //go:wasmimport declaration (which gc cannot compile with DWARF: the adapter builds a stubbed copy).
// The values of every kind under several Go versions are tested in test/unit/wasm/goValues.test.ts.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixture, launch, startSession, stoppedEvent } from './dapHarness';

const shown = (v: DebugProtocol.Variable): string => `${v.name}: ${v.type} = ${v.value}`;

// Map layouts changed in Go 1.24 (swiss tables), DWARF abbreviations in 1.22, 1.24 and 1.25.
const toolchains = ['go1.21.13', 'go1.24.13', 'local'];
const cases = toolchains.flatMap((toolchain) => [['dap_values', 65, toolchain], ['dap_values_wasmimport', 68, toolchain]] as const);

for (const [name, stopLine, toolchain] of cases) {
  describe(`wasip1 debug adapter: Go variables (${name}, ${toolchain})`, () => {
    let dc: DebugClient | undefined;
    afterEach(async () => {
      await dc?.stop();
      dc = undefined;
    });

    test('a stop shows arguments, locals in scope and globals with their Go types; values expand; hover and watch evaluate', async () => {
      const program = fixture(name);
      const session = await startSession();
      dc = session.dc;
      const client = dc;
      const stopped = stoppedEvent(client);
      await launch(client, { program, goEnv: { GOTOOLCHAIN: toolchain, GOFLAGS: '-buildvcs=false' } }, () =>
        client.setBreakpointsRequest({ source: { path: path.join(program, 'main.go') }, breakpoints: [{ line: stopLine }] }),
      );
      const event = await stopped;
      const frames = (await client.stackTraceRequest({ threadId: event.body.threadId ?? 1 })).body.stackFrames;
      assert.equal(`${frames[0].name}:${frames[0].line}`, `main.inspect:${stopLine}`);
      const scopes = (await client.scopesRequest({ frameId: frames[0].id })).body.scopes;
      assert.deepEqual(scopes.map((s) => s.name).slice(0, 3), ['Arguments', 'Locals', 'Globals']);
      const read = async (scope: string): Promise<DebugProtocol.Variable[]> =>
        (await client.variablesRequest({ variablesReference: scopes.find((s) => s.name === scope)?.variablesReference ?? 0 })).body.variables;

      assert.deepEqual((await read('Arguments')).map(shown), ['a: int = 5', 's: string = "hi"', 'total: int = 3']);
      const locals = new Map((await read('Locals')).map((v) => [v.name, v]));
      const children = async (v: DebugProtocol.Variable | undefined, start?: number, count?: number): Promise<string[]> =>
        (await client.variablesRequest({ variablesReference: v?.variablesReference ?? 0, start, count, filter: start === undefined ? undefined : 'indexed' })).body.variables.map(shown);
      const expect = (local: string, type: string, value: string): void => {
        const v = locals.get(local);
        assert.ok(v, `${local} among the locals: ${[...locals.keys()].join(', ')}`);
        assert.equal(`${v.type} = ${v.value}`, `${type} = ${value}`, local);
      };
      expect('b', 'bool', 'true');
      expect('i8', 'int8', '-8');
      expect('u64', 'uint64', '9223372036854775809');
      expect('f32', 'float32', '1.5');
      expect('c128', 'complex128', '(3.5 + -4i)');
      expect('x', 'string', '"inner"');
      expect('(x)', 'int', '1');
      expect('np', '*main.point', 'nil');
      expect('fn', 'func(int) int', 'main.helper');
      expect('temp', 'main.celsius', '36.5');
      expect('e', 'error(*errors.errorString)', '"boom" &{s: "boom"}');
      expect('m', 'map[string]int', 'map[string]int ["one": 1]');
      expect('i16', 'int16', '-16');
      expect('i32', 'int32', '-32');
      expect('i64', 'int64', '-64');
      expect('u8', 'uint8', '8');
      expect('u16', 'uint16', '16');
      expect('u32', 'uint32', '32');
      expect('u', 'uint', '7');
      expect('up', 'uintptr', '9');
      expect('f64', 'float64', '2.25');
      expect('c64', 'complex64', '(1 + 2i)');
      expect('p', 'main.point', 'main.point {X: 1, Y: 2}');
      expect('pp', '*main.point', '&{X: 1, Y: 2}');
      expect('arr', '[3]int', '[7, 8, 9]');
      expect('sl', '[]int', '[]int len: 2, cap: 5, [10, 11]');
      expect('nilSlice', '[]int', '[]int nil');
      expect('anyInt', 'interface {}(int)', '42');
      expect('ch', 'chan int', 'chan int buffered len: 1, cap: 4');
      expect('pr', 'main.pair', 'main.pair {A: 1, B: 2}');
      expect('n', 'main.named', 'main.named {point: {X: 3, Y: 4}, Name: "n", tags: []string{…}}');
      assert.match(locals.get('big')?.value ?? '', /^map\[int\]string \[/);
      assert.equal((await children(locals.get('big'))).length, 20, 'all twenty entries of the map');

      assert.deepEqual(await children(locals.get('p')), ['X: int = 1', 'Y: int = 2']);
      assert.deepEqual(await children(locals.get('sl'), 1, 1), ['[1]: int = 11']);
      assert.equal(locals.get('sl')?.indexedVariables, 2);

      const globals = (await read('Globals')).map(shown);
      assert.ok(globals.includes('main.greeting: string = "hello"'), globals.join('; '));

      const evaluate = async (expression: string, context = 'hover'): Promise<string> =>
        (await client.evaluateRequest({ expression, frameId: frames[0].id, context })).body.result;
      assert.equal(await evaluate('s'), '"hi"');
      assert.equal(await evaluate('pp.X'), '1');
      assert.equal(await evaluate('n.Name', 'watch'), '"n"');
      assert.equal(await evaluate('n.X', 'watch'), '3', 'a field of an embedded struct');
      assert.equal(await evaluate('sl[1]', 'watch'), '11');
      assert.equal(await evaluate('m["one"]', 'watch'), '1');
      await assert.rejects(client.evaluateRequest({ expression: 'nothere', frameId: frames[0].id, context: 'watch' }), /nothere is not a variable in scope here/);
      // Operators, builtins and conversions, as the watch view takes them.
      assert.equal(await evaluate('len(sl)', 'watch'), '2');
      assert.equal(await evaluate('cap(sl)', 'watch'), '5');
      assert.equal(await evaluate('len(s) + a * 2', 'watch'), '12');
      assert.equal(await evaluate('len(s) + a * 2', 'repl'), '12', 'the Debug Console evaluates Go while the program is stopped');
      assert.equal(await evaluate('(*pp).Y', 'watch'), '2');
      assert.equal(await evaluate('pp.X < 0 || n.Name != ""', 'watch'), 'true');
      assert.equal(await evaluate('m["one"] + 1 == 2 && !b', 'watch'), 'false');
      assert.equal(await evaluate('s + "!"', 'watch'), '"hi!"');
      assert.equal(await evaluate('float64(a) / 2', 'watch'), '2.5');
      assert.equal(await evaluate('int8(u64)', 'watch'), '1', 'a conversion wraps as in Go');
      assert.equal(await evaluate('np == nil && e != nil', 'watch'), 'true');
      await assert.rejects(client.evaluateRequest({ expression: 'a +', frameId: frames[0].id, context: 'watch' }), /the expression ends too soon/);

      // The caller's frame: main.main, stopped at its call.
      const callerScopes = (await client.scopesRequest({ frameId: frames[1].id })).body.scopes;
      assert.equal(frames[1].name, 'main.main');
      assert.ok(callerScopes.some((s) => s.name === 'Locals'));
      await client.terminateRequest();
    });
  });
}

describe('wasip1 debug adapter: Go conditions and logpoints', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('a hit count with a condition counts only the hits where the condition holds', async () => {
    const program = fixture('dap_lines');
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    // xs is [3, 6, 4]: x > 3 holds for 6 and 4, and the second of those is 4.
    await launch(client, { program }, () => client.setBreakpointsRequest({ source: { path: path.join(program, 'main.go') }, breakpoints: [{ line: 18, condition: 'x > 3', hitCondition: '2' }] }));
    const event = await stopped;
    const frames = (await client.stackTraceRequest({ threadId: event.body.threadId ?? 1 })).body.stackFrames;
    assert.equal((await client.evaluateRequest({ expression: 'x', frameId: frames[0].id, context: 'watch' })).body.result, '4');
    assert.equal((await client.evaluateRequest({ expression: 'total', frameId: frames[0].id, context: 'watch' })).body.result, '9');
    const ended = new Promise((resolve) => client.once('terminated', resolve));
    await client.continueRequest({ threadId: 1 });
    await ended;
  });

  test('a condition in Go stops only where it holds, hit counts count its hits, a logpoint logs and runs on', async () => {
    const program = fixture('dap_lines');
    const mainGo = path.join(program, 'main.go');
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    let set: DebugProtocol.Breakpoint[] = [];
    await launch(client, { program }, async () => {
      set = (await client.setBreakpointsRequest({
        source: { path: mainGo },
        breakpoints: [
          { line: 17, logMessage: 'total is {total}, {len(xs)} to add' },
          { line: 18, condition: 'x == 6 && total > 0' },
          { line: 20, condition: 'total +' },
        ],
      })).body.breakpoints;
    });
    // Before the build, good breakpoints wait without a message; a condition that is not Go is refused at once.
    assert.deepEqual(set.map((bp) => bp.message === undefined), [true, true, false]);
    assert.match(set[2].message ?? '', /not a Go expression/);
    const event = await stopped;
    const frames = (await client.stackTraceRequest({ threadId: event.body.threadId ?? 1 })).body.stackFrames;
    assert.equal(`${frames[0].name}:${frames[0].line}`, 'main.sum:18');
    const x = (await client.evaluateRequest({ expression: 'x', frameId: frames[0].id, context: 'watch' })).body.result;
    assert.equal(x, '6', 'stopped where the condition holds, not at the first element');
    await client.setBreakpointsRequest({ source: { path: mainGo }, breakpoints: [{ line: 17, logMessage: 'total is {total}, {len(xs)} to add' }] });
    const ended = new Promise((resolve) => client.once('terminated', resolve));
    await client.continueRequest({ threadId: 1 });
    await ended;
    const logged = (session.output.console ?? '').split('\n').filter((l) => l.startsWith('total is'));
    assert.deepEqual(logged, ['total is 0, 3 to add', 'total is 3, 3 to add', 'total is 9, 3 to add', 'total is 13, 3 to add']);
  });
});


describe('wasip1 debug adapter: setting Go variables', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('bools and numbers (locals, arguments, fields, slice elements) take Go values the program then runs with; strings and overflows are refused', async () => {
    const program = fixture('dap_values');
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program }, () => client.setBreakpointsRequest({ source: { path: path.join(program, 'main.go') }, breakpoints: [{ line: 65 }] }));
    const event = await stopped;
    const frames = (await client.stackTraceRequest({ threadId: event.body.threadId ?? 1 })).body.stackFrames;
    const scopes = (await client.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const scope = (name: string): number => scopes.find((s) => s.name === name)?.variablesReference ?? 0;
    const set = async (reference: number, name: string, value: string): Promise<string> =>
      (await client.setVariableRequest({ variablesReference: reference, name, value })).body.value;

    assert.equal(await set(scope('Locals'), 'b', 'false'), 'false');
    assert.equal(await set(scope('Locals'), 'i8', '-5'), '-5');
    assert.equal(await set(scope('Locals'), 'f64', 'float64(a) * 1.5'), '7.5', 'the value is a Go expression over the frame');
    assert.equal(await set(scope('Arguments'), 'a', '7'), '7');
    const locals = (await client.variablesRequest({ variablesReference: scope('Locals') })).body.variables;
    const sl = locals.find((v) => v.name === 'sl');
    assert.equal(await set(sl?.variablesReference ?? 0, '[1]', '99'), '99');
    const p = locals.find((v) => v.name === 'p');
    assert.equal(await set(p?.variablesReference ?? 0, 'X', '5'), '5');
    await assert.rejects(set(scope('Locals'), 'u8', '300'), /Cannot set u8: 300 overflows uint8/);
    await assert.rejects(set(scope('Locals'), 'x', '"other"'), /Cannot set x: a string cannot be set/);
    await assert.rejects(set(scope('Locals'), 'b', '1'), /Cannot set b: cannot use/);
    // What the watch view and the program see afterwards.
    assert.equal((await client.evaluateRequest({ expression: 'a + int(i8)', frameId: frames[0].id, context: 'watch' })).body.result, '2');
    const ended = new Promise((resolve) => client.once('terminated', resolve));
    await client.continueRequest({ threadId: 1 });
    await ended;
    // The program runs with what it reads from memory: the argument, the element, the field. (b, i8
    // and f64 hold constants, which gc's code uses without reading them back.)
    assert.match(session.output.stdout ?? '', / \{5 2\} &\{5 2\} /);
    assert.match(session.output.stdout ?? '', / \[10 99\] /);
    assert.match(session.output.stdout ?? '', /^14$/m, 'total = a + len(s) + len(x) with a = 7');
  });
});
