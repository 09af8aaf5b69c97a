// GuestMemory follows memory.grow without looking up memory.buffer on every host call: a grown
// non-shared memory detaches its old buffer, and that is what refresh() tests for.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GuestFault, GuestMemory } from '../../../src/wasi/guestMemory';

describe('GuestMemory', () => {
  test('after memory.grow, refresh() sees the new size and the bytes written before it', () => {
    const wasm = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const memory = new GuestMemory();
    memory.attach(wasm);
    memory.refresh();
    memory.setU32(100, 0xdeadbeef);
    assert.throws(() => memory.setU32(65536, 1), GuestFault);
    wasm.grow(2);
    memory.refresh();
    assert.equal(memory.size, 3 * 65536);
    memory.setU32(2 * 65536 + 8, 42);
    assert.equal(memory.u32(2 * 65536 + 8), 42);
    assert.equal(memory.u32(100), 0xdeadbeef);
  });

  test('refresh() between calls without growth keeps the same views', () => {
    const memory = new GuestMemory();
    memory.attach(new WebAssembly.Memory({ initial: 1 }));
    const { bytes, view } = memory;
    memory.refresh();
    assert.equal(memory.bytes, bytes);
    assert.equal(memory.view, view);
  });

  test('attaching another memory replaces the views even if the old buffer is still live', () => {
    const memory = new GuestMemory();
    memory.attach(new WebAssembly.Memory({ initial: 1 }));
    memory.attach(new WebAssembly.Memory({ initial: 2 }));
    memory.refresh();
    assert.equal(memory.size, 2 * 65536);
  });

  test('a memory that starts with zero pages is followed once it grows', () => {
    const wasm = new WebAssembly.Memory({ initial: 0, maximum: 1 });
    const memory = new GuestMemory();
    memory.attach(wasm);
    assert.equal(memory.size, 0);
    wasm.grow(1);
    memory.refresh();
    assert.equal(memory.size, 65536);
  });

  test('a shared memory, whose old buffer stays valid when it grows, is followed too', () => {
    const wasm = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const memory = new GuestMemory();
    memory.attach(wasm);
    wasm.grow(1);
    memory.refresh();
    assert.equal(memory.size, 2 * 65536);
    memory.setU32(65536 + 4, 7);
    assert.equal(memory.u32(65536 + 4), 7);
  });
});
