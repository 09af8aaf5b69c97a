import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { activeSegmentsByAddress, initialMemoryImage } from '../../../src/wasm/dataImage';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { buildGoFixture } from '../../support/goFixtures';

test('the rebuilt initial memory equals what the engine puts in memory at instantiation', async () => {
  const bytes = readFileSync(await buildGoFixture('hello'));
  const module = parseWasmModule(bytes);
  const order = activeSegmentsByAddress(module);
  assert.equal(order.length, module.data.count, 'every Go segment is active with a constant address');
  for (let i = 1; i < order.length; i++) {
    assert.ok(module.data.memoryOffsets[order[i]] >= module.data.memoryOffsets[order[i - 1]] + module.data.sizes[order[i - 1]], `segments ${i - 1} and ${i} are ordered and disjoint`);
  }
  const runs = [...module.data.memoryOffsets].filter((a, i, all) => i > 0 && a < all[i - 1]).length;
  assert.ok(runs >= 1, 'Go writes its data sections out of address order, so the sort is exercised');

  // Instantiating runs no Go code (Go modules have no start section); imports are never called.
  const wasmModule = new WebAssembly.Module(bytes);
  const imports: Record<string, Record<string, () => number>> = {};
  for (const imp of WebAssembly.Module.imports(wasmModule)) (imports[imp.module] ??= {})[imp.name] = () => 0;
  const memory = (new WebAssembly.Instance(wasmModule, imports).exports.memory as WebAssembly.Memory).buffer;

  const first = module.data.memoryOffsets[order[0]];
  const image = initialMemoryImage(module, first);
  assert.equal(image.base, first);
  assert.ok(Buffer.from(memory, image.base, image.bytes.length).equals(image.bytes), 'the whole data region matches byte for byte');

  // A window that starts and ends inside segments and gaps.
  const from = first + 1001;
  const window = initialMemoryImage(module, from, from + 70_000);
  assert.ok(Buffer.from(memory, from, 70_000).equals(window.bytes));
});
