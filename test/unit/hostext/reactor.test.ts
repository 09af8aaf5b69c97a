// Reactors (Go's -buildmode=c-shared with //go:wasmexport): initialised once, their exports called
// with arguments that fit their wasm signatures, through runWasi's invoke and runReactor.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { convertArguments, formatWasmValue, InvokeError } from '../../../src/wasi/reactor';
import { runReactor, runWasi, type RunningReactor } from '../../../src/wasi/runner/runWasi';
import { buildGoFixture, goFixturesDir, requireGoAtLeast } from '../../support/goFixtures';

// Reactors need Go 1.24+ (//go:wasmexport, -buildmode=c-shared for wasip1): the machine's Go.
const reactor = () => {
  requireGoAtLeast(24);
  return buildGoFixture('hostext_reactor', ['-buildmode=c-shared']);
};

function collect() {
  let text = '';
  return { sink: (chunk: Uint8Array) => (text += Buffer.from(chunk).toString('utf8')), text: () => text };
}

describe('invoking a reactor export through runWasi (Go 1.24+)', () => {
  before(async () => {
    await reactor();
  });

  test('initialises, calls the export and reports its results', async () => {
    const module = await reactor();
    const cases: [string, (string | number | bigint)[], unknown[]][] = [
      ['add', ['2', '3'], [5]],
      // Unsigned and overflowing i32 values wrap as in wasm.
      ['add', ['2147483647', '1'], [-2147483648]],
      ['add', [0xffffffff, 2], [1]],
      ['mul64', ['4294967296', '-3'], [-12884901888n]],
      ['mul64', [3n, 5], [15n]],
      ['hypot', ['3', '4'], [5]],
      ['halve32', ['5'], [2.5]],
      // Package initialisation ran (base = 1000) before the first call.
      ['count', [], [1001]],
    ];
    for (const [name, args, expected] of cases) {
      const result = await runWasi({ module, invoke: { name, args } }).done;
      assert.deepEqual(result, { kind: 'exit', code: 0, results: expected }, `${name} ${args.join(' ')}`);
    }
  });

  test('output written by the export arrives before done settles', async () => {
    const out = collect();
    const result = await runWasi({ module: await reactor(), invoke: { name: 'greet', args: ['3'] }, stdout: out.sink }).done;
    assert.deepEqual(result, { kind: 'exit', code: 0, results: [] });
    assert.equal(out.text(), 'hello from the reactor 1\nhello from the reactor 2\nhello from the reactor 3\n');
  });

  test('an export that exits ends the run with its code and no results', async () => {
    const result = await runWasi({ module: await reactor(), invoke: { name: 'quit', args: ['5'] } }).done;
    assert.deepEqual(result, { kind: 'exit', code: 5 });
  });

  test('a missing export is reported with the exports there are, with their signatures', async () => {
    const result = await runWasi({ module: await reactor(), invoke: { name: 'nope', args: [] } }).done;
    assert.equal(result.kind, 'error');
    if (result.kind !== 'error') return;
    assert.equal(result.reason, 'invoke');
    assert.equal(
      result.message,
      'the module has no export "nope"; its exports are:\n' +
        '  add (i32, i32) -> i32\n  mul64 (i64, i64) -> i64\n  hypot (f64, f64) -> f64\n  halve32 (f32) -> f32\n' +
        '  count () -> i32\n  greet (i32) -> ()\n  quit (i32) -> ()',
    );
  });

  test('arguments that do not fit the signature are refused before the call', async () => {
    const module = await reactor();
    const cases: [string, string[], string][] = [
      ['add', ['1'], 'add (i32, i32) -> i32 takes 2 arguments, 1 given'],
      ['add', ['x', '2'], 'add (i32, i32) -> i32: argument 1 ("x") is not an i32 (an integer from -2147483648 to 4294967295)'],
      ['add', ['1', '4294967296'], 'add (i32, i32) -> i32: argument 2 ("4294967296") is not an i32 (an integer from -2147483648 to 4294967295)'],
      ['mul64', ['1.5', '2'], 'mul64 (i64, i64) -> i64: argument 1 ("1.5") is not an i64 (an integer from -2**63 to 2**64-1)'],
      ['hypot', ['3', 'four'], 'hypot (f64, f64) -> f64: argument 2 ("four") is not an f64 (a number, inf, -inf or nan)'],
      ['memory', [], 'the export "memory" is a memory, not a function; its exports are:'],
    ];
    for (const [name, args, message] of cases) {
      const result = await runWasi({ module, invoke: { name, args } }).done;
      assert.equal(result.kind, 'error', name);
      if (result.kind === 'error') {
        assert.equal(result.reason, 'invoke');
        assert.ok(result.message.startsWith(message), result.message);
      }
    }
  });

  test('a command module cannot be invoked: it says to build a reactor', async () => {
    const result = await runWasi({ module: await buildGoFixture('hello'), invoke: { name: '_start', args: [] } }).done;
    assert.equal(result.kind, 'error');
    if (result.kind === 'error') assert.match(result.message, /is a command \(it exports _start, not _initialize\): build a Go reactor with -buildmode=c-shared/);
  });
});

describe('runReactor: an embedder calling exports (Go 1.24+)', () => {
  test('lists exports, refuses calls before initialize, keeps state between calls, then closes', async () => {
    const out = collect();
    const guest: RunningReactor = await runReactor({ module: await reactor(), stdout: out.sink });
    assert.deepEqual(
      guest.exports.filter((e) => e.kind === 'func').map((e) => e.name),
      ['_initialize', 'add', 'mul64', 'hypot', 'halve32', 'count', 'greet', 'quit'],
    );
    await assert.rejects(guest.call('add', 1, 2), /call initialize\(\) first: the reactor's _initialize has not run, so "add" cannot be called yet/);
    await guest.initialize();
    await assert.rejects(guest.initialize(), /already initialised/);
    assert.deepEqual(await guest.call('add', 40, 2), [42]);
    assert.deepEqual(await guest.call('count'), [1001]);
    assert.deepEqual(await guest.call('count'), [1002]);
    assert.deepEqual(await guest.call('mul64', 1n << 40n, -1n), [-(1n << 40n)]);
    await assert.rejects(guest.call('nope'), /no export "nope"; its exports are:\n {2}add \(i32, i32\) -> i32/);
    await assert.rejects(guest.call('add', 1), /takes 2 arguments, 1 given/);
    // A failed call leaves the reactor usable.
    assert.deepEqual(await guest.call('count'), [1003]);
    await guest.call('greet', 1);
    assert.equal(out.text(), 'hello from the reactor 1\n');
    assert.deepEqual(await guest.close(), { kind: 'exit', code: 0 });
    await assert.rejects(guest.call('count'), /the reactor has ended/);
  });

  test('an export that exits ends the reactor: the call rejects and done has the code', async () => {
    const guest = await runReactor({ module: await reactor() });
    await guest.initialize();
    await assert.rejects(guest.call('quit', 9), /quit did not return: the guest exited with code 9/);
    assert.deepEqual(await guest.done, { kind: 'exit', code: 9 });
  });

  test("a host module calls the guest's exports from inside a host function", async () => {
    requireGoAtLeast(24);
    const module = await buildGoFixture('hostext_reentry', ['-buildmode=c-shared']);
    const guest = await runReactor({ module, importModules: [{ module: 'reentry', file: path.join(goFixturesDir, 'hostext_reentry', 'host.mjs') }] });
    await guest.initialize();
    // quadruple → reentry.double → guest add, twice.
    assert.deepEqual(await guest.call('quadruple', 5), [20]);
    assert.deepEqual(await guest.call('quadruple', -3), [-12]);
    assert.deepEqual(await guest.close(), { kind: 'exit', code: 0 });
  });

  test('a reactor that cannot start rejects with the reason', async () => {
    const module = await buildGoFixture('hostext_reentry', ['-buildmode=c-shared']);
    await assert.rejects(runReactor({ module, importModules: [{ module: 'elsewhere', file: path.join(goFixturesDir, 'hostext_reentry', 'host.mjs') }] }), /reentry\.double \(i32\) -> i32: supply it with --import reentry=FILE\.mjs/);
  });
});

describe('argument conversion for invoke', () => {
  test('parses each wasm type and range, and formats results as wasmtime prints them', () => {
    const type = { params: ['i32', 'i64', 'f32', 'f64'] as const, results: [] };
    assert.deepEqual(convertArguments('f', { params: [...type.params], results: [] }, ['-0x10', '18446744073709551615', 'inf', 'nan']), [-16, -1n, Infinity, NaN]);
    assert.deepEqual(convertArguments('f', { params: ['i64'], results: [] }, ['-9223372036854775808']), [-(2n ** 63n)]);
    assert.throws(() => convertArguments('f', { params: ['i64'], results: [] }, ['18446744073709551616']), InvokeError);
    assert.throws(() => convertArguments('f', { params: ['f64'], results: [] }, ['']), /argument 1 \(""\) is not an f64/);
    assert.throws(() => convertArguments('f', { params: ['v128'], results: [] }, ['1']), /v128 is not supported/);
    assert.deepEqual([1.5, -2, 3n, NaN, -Infinity].map(formatWasmValue), ['1.5', '-2', '3', 'nan', '-inf']);
  });
});
