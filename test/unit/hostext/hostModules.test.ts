// User host modules: a Go program's own //go:wasmimport functions supplied by an ES module,
// through runWasi (as the CLI and the debug adapter use it) and through the host API itself.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHostApi } from '../../../src/wasi/hostModuleApi';
import { GuestMemory } from '../../../src/wasi/guestMemory';
import { Errno } from '../../../src/wasi/spec/errno';
import { BufferOutput } from '../../../src/wasi/streams';
import { ProcExit } from '../../../src/wasi/wasiError';
import { runWasi, type RunResult } from '../../../src/wasi/runner/runWasi';
import { buildGoFixture, goFixturesDir } from '../../support/goFixtures';

const fixtureHost = path.join(goFixturesDir, 'hostext_imports', 'host.mjs');

async function run(args: string[], importModules: { module: string; file: string }[]): Promise<{ result: RunResult; stdout: string; stderr: string }> {
  const program = await buildGoFixture('hostext_imports');
  let stdout = '';
  let stderr = '';
  const guest = runWasi({
    module: program,
    args: ['hostext_imports.wasm', ...args],
    importModules,
    stdout: (chunk) => (stdout += Buffer.from(chunk).toString('utf8')),
    stderr: (chunk) => (stderr += Buffer.from(chunk).toString('utf8')),
  });
  return { result: await guest.done, stdout, stderr };
}

/** A host module file written for one test. */
function hostModuleFile(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasip1-hostext-'));
  const file = path.join(dir, 'host.mjs');
  writeFileSync(file, source);
  return file;
}

describe('host modules through runWasi', () => {
  before(async () => {
    await buildGoFixture('hostext_imports');
  });

  test('supply i32, i64 and f64 functions that read and write guest memory and return errnos', async () => {
    const { result, stdout } = await run(['all'], [{ module: 'hostext', file: fixtureHost }]);
    assert.deepEqual(result, { kind: 'exit', code: 0 });
    assert.equal(
      stdout,
      'greet: Hello, Gopher! (from hostext, args 2)\n' +
        `sum64: ${2 ** 40 - 5}\n` +
        'half: 2.5\n' +
        'lookup answer: errno=0 value=42\n' +
        `lookup missing: errno=${Errno.NOENT}\n`,
    );
  });

  test('a host function that throws ends the guest with a trap naming it and the line in the host module', async () => {
    const { result, stdout, stderr } = await run(['throw'], [{ module: 'hostext', file: fixtureHost }]);
    assert.equal(result.kind, 'trap');
    if (result.kind !== 'trap') return;
    assert.equal(result.trapKind, 'host-function');
    assert.match(result.detail, /^hostext\.fail threw TypeError: asked to fail \(at host\.mjs:\d+:\d+\)$/);
    // The Go function that made the call is named, as for any trap.
    assert.equal(result.functions[0], 'main.fail');
    assert.equal(stdout, 'before the failing call\n');
    // What the host module wrote to the guest's stderr arrived before the end.
    assert.equal(stderr, 'the host module is about to throw\n');
  });

  test('host.exit ends the guest with that exit code', async () => {
    const { result, stdout } = await run(['exit'], [{ module: 'hostext', file: fixtureHost }]);
    assert.deepEqual(result, { kind: 'exit', code: 7 });
    assert.equal(stdout, '');
  });

  test('one message lists every import a host module lacks or declares with the wrong arity', async () => {
    const file = hostModuleFile(`export default () => ({
      greet(name, nameLength, out) { return 0; },
      sum64(a, b) { return a + b; },
      half(x) { return x; },
    });`);
    const { result } = await run([], [{ module: 'hostext', file }]);
    assert.equal(result.kind, 'error');
    if (result.kind !== 'error') return;
    assert.equal(result.reason, 'imports');
    const lines = result.message.split('\n');
    assert.equal(lines[0], 'hostext_imports.wasm has 3 imports that nothing supplies:');
    assert.equal(
      lines[1],
      `  hostext.greet (i32, i32, i32, i32) -> i32: greet in ${file} takes 3 parameters, the module passes 4 (declare one JavaScript parameter per wasm parameter)`,
    );
    assert.equal(
      lines[2],
      `  hostext.lookup (i32, i32, i32) -> i32: ${file} supplies no function "lookup" (add lookup(a0, a1, a2) to the object its default export returns; it supplies greet, sum64, half)`,
    );
    assert.match(lines[3], /^ {2}hostext\.fail \(i32\) -> \(\): .* supplies no function "fail"/);
    assert.equal(lines.length, 4);
  });

  test('a host module for another module name leaves the real one reported with how to supply it', async () => {
    const { result } = await run([], [{ module: 'other', file: fixtureHost }]);
    assert.equal(result.kind, 'error');
    if (result.kind !== 'error') return;
    assert.equal(result.reason, 'imports');
    assert.match(result.message, /has 5 imports that nothing supplies/);
    assert.match(result.message, /hostext\.sum64 \(i64, i64\) -> i64: supply it with --import hostext=FILE\.mjs \(a host module whose default export returns \{ sum64\(a0, a1\) \{ \.\.\. \} \}\)/);
  });

  test('a host module file that cannot be used is named with the reason', async () => {
    const cases: [string, RegExp][] = [
      [path.join(tmpdir(), 'wasip1-no-such-host-module.mjs'), /wasip1-no-such-host-module\.mjs \(for "hostext"\): the file does not exist/],
      [hostModuleFile('export const greet = () => 0;'), /its default export must be a function \(host\) => \(\{ name\(\.\.\.\) \{ \.\.\. \} \}\), not undefined/],
      [hostModuleFile('export default () => 42;'), /its default export must return an object of functions, not number 42/],
      [hostModuleFile('export default () => ({ greet: 3 });'), /"greet" is number 3, not a function/],
      [hostModuleFile('export default (host) => { host.exports; return {}; };'), /threw while setting up: Error: host module "hostext": the guest's exports exist once it is instantiated/],
      [hostModuleFile('export default () => ({ greet( {'), /cannot be loaded: SyntaxError/],
    ];
    for (const [file, expected] of cases) {
      const { result } = await run([], [{ module: 'hostext', file }]);
      assert.equal(result.kind, 'error', file);
      if (result.kind !== 'error') continue;
      assert.equal(result.reason, 'host-module', result.message);
      assert.match(result.message, expected);
    }
  });

  test('a host function may be set up asynchronously, but one that returns a Promise traps', async () => {
    const file = hostModuleFile(`export default async (host) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return {
        greet(a, b, c, d) { return 0; }, sum64(a, b) { return 1; }, half(x) { return 2; }, lookup(a, b, c) { return 0; }, fail(code) {},
      };
    };`);
    const ok = await run([], [{ module: 'hostext', file }]);
    assert.deepEqual(ok.result, { kind: 'exit', code: 0 });
    // A number returned for an i64 result is converted; the guest sees 1.
    assert.match(ok.stdout, /^sum64: 1$/m);

    const asyncFunction = hostModuleFile(`export default () => ({
      async greet(a, b, c, d) { return 0; }, sum64(a, b) { return 1n; }, half(x) { return 2; }, lookup(a, b, c) { return 0; }, fail(code) {},
    });`);
    const bad = await run([], [{ module: 'hostext', file: asyncFunction }]);
    assert.equal(bad.result.kind, 'trap');
    if (bad.result.kind === 'trap') assert.match(bad.result.detail, /^hostext\.greet returned a Promise: host functions are synchronous/);
  });

  test('a result missing where the signature has one traps instead of passing 0', async () => {
    const file = hostModuleFile(`export default () => ({
      greet(a, b, c, d) { return 0; }, sum64(a, b) {}, half(x) { return 2; }, lookup(a, b, c) { return 0; }, fail(code) {},
    });`);
    const { result } = await run([], [{ module: 'hostext', file }]);
    assert.equal(result.kind, 'trap');
    if (result.kind === 'trap') assert.equal(result.detail, 'hostext.sum64 returned nothing, but the guest expects i64');
  });
});

describe('the host API given to host modules', () => {
  function api() {
    const wasm = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const memory = new GuestMemory();
    memory.attach(wasm);
    const stdout = new BufferOutput();
    const host = createHostApi('env', { memory, instance: () => undefined, args: ['p', 'a'], env: { K: 'v' }, stdout, stderr: new BufferOutput() });
    return { wasm, host, stdout };
  }

  test('reads and writes little-endian integers and floats of every width', () => {
    const { wasm, host } = api();
    host.memory.setU32(16, 0x11223344);
    assert.deepEqual([...new Uint8Array(wasm.buffer, 16, 4)], [0x44, 0x33, 0x22, 0x11]);
    assert.equal(host.memory.u16(16), 0x3344);
    assert.equal(host.memory.u8(19), 0x11);
    host.memory.setI32(32, -2);
    assert.equal(host.memory.u32(32), 0xfffffffe);
    assert.equal(host.memory.i32(32), -2);
    host.memory.setI64(40, -3n);
    assert.equal(host.memory.u64(40), 2n ** 64n - 3n);
    assert.equal(host.memory.i64(40), -3n);
    host.memory.setU64(48, 2 ** 40);
    assert.equal(host.memory.u64(48), 2n ** 40n);
    host.memory.setI16(56, -300);
    assert.equal(host.memory.i16(56), -300);
    host.memory.setI8(58, -1);
    assert.equal(host.memory.u8(58), 255);
    assert.equal(host.memory.i8(58), -1);
    host.memory.setF32(60, 1.5);
    assert.equal(host.memory.f32(60), 1.5);
    host.memory.setF64(64, Math.PI);
    assert.equal(host.memory.f64(64), Math.PI);
    assert.equal(new DataView(wasm.buffer).getFloat64(64, true), Math.PI);
  });

  test('strings and bytes, truncated to a capacity without splitting a character', () => {
    const { host } = api();
    assert.equal(host.memory.writeString(100, 'héllo'), 6);
    assert.equal(host.memory.string(100, 6), 'héllo');
    // "é" is two bytes: a capacity of 2 fits only "h".
    assert.equal(host.memory.writeString(200, 'hé', 2), 1);
    assert.equal(host.memory.utf8Length('hé'), 3);
    host.memory.write(300, new Uint8Array([1, 2, 3]));
    const copy = host.memory.bytes(300, 3);
    const live = host.memory.view(300, 3);
    host.memory.setU8(300, 9);
    assert.deepEqual([...copy], [1, 2, 3]);
    assert.deepEqual([...live], [9, 2, 3]);
  });

  test('follows the guest growing its memory, and refuses accesses outside it', () => {
    const { wasm, host } = api();
    assert.equal(host.memory.size, 65536);
    assert.throws(() => host.memory.u32(65534), /guest memory access at 0xfffe \(\+4 bytes\) is outside the guest's 65536 bytes/);
    // A negative i32 pointer is its unsigned value, far outside.
    assert.throws(() => host.memory.u8(-1), RangeError);
    wasm.grow(1);
    host.memory.setU32(65534, 7);
    assert.equal(host.memory.u32(65534), 7);
    assert.equal(host.memory.size, 2 * 65536);
  });

  test('errno constants, argv, environment, output and exit', () => {
    const { host, stdout } = api();
    assert.equal(host.errno.NOENT, Errno.NOENT);
    assert.equal(host.errno.SUCCESS, 0);
    assert.deepEqual(Object.keys(host.errno), Object.keys(Errno));
    assert.deepEqual(host.args, ['p', 'a']);
    assert.deepEqual(host.env, { K: 'v' });
    host.stdout.write('text ');
    host.stdout.write(new Uint8Array([0x62, 0x79, 0x74, 0x65, 0x73]));
    assert.equal(stdout.text(), 'text bytes');
    assert.throws(() => host.exit(3), (error: unknown) => error instanceof ProcExit && error.code === 3);
    assert.throws(() => host.exports, /exist once it is instantiated/);
  });
});
