// prepareGuestModule with interfaceOnly (what the CLI uses to start faster) reads less of the
// module, yet still says precisely what is wrong with one that cannot run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { GuestModuleError, prepareGuestModule } from '../../../src/wasi/guestModule';
import { buildGoFixture } from '../../support/goFixtures';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPES = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00]; // one type: () -> ()
const TWO_FUNCTIONS = [0x03, 0x03, 0x02, 0x00, 0x00];
const ONE_BODY = [0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b];

describe('prepareGuestModule', () => {
  test('interfaceOnly gives the same imports and exports as a full read of a Go program', async () => {
    const bytes = readFileSync(await buildGoFixture('hello'));
    const whole = await prepareGuestModule(bytes, 'hello.wasm');
    const light = await prepareGuestModule(bytes, 'hello.wasm', {}, { interfaceOnly: true });
    assert.deepEqual(light.parsed.imports, whole.parsed.imports);
    assert.deepEqual(light.parsed.exports, whole.parsed.exports);
    assert.ok(light.module instanceof WebAssembly.Module);
  });

  test('interfaceOnly still reports malformed code with our reader\'s message, once the engine refused it', async () => {
    const bytes = Uint8Array.from([...HEADER, ...TYPES, ...TWO_FUNCTIONS, ...ONE_BODY]);
    await assert.rejects(prepareGuestModule(bytes, 'bad.wasm', {}, { interfaceOnly: true }), (error: unknown) =>
      error instanceof GuestModuleError && error.reason === 'malformed' &&
      /^bad\.wasm: .*2 functions but the code section has 1 bodies/.test(error.message));
  });

  test('interfaceOnly still finds unsatisfied imports', async () => {
    const bytes = readFileSync(await buildGoFixture('customimport'));
    await assert.rejects(prepareGuestModule(bytes, 'custom.wasm', {}, { interfaceOnly: true }), (error: unknown) =>
      error instanceof GuestModuleError && error.reason === 'imports' && /env\.host_log/.test(error.message));
  });
});
