// Variables with their Go types at a real stop: the fixtures dap_values (a plain package) and
// dap_values_wasmimport (one that declares its own //go:wasmimport, so its DWARF comes from the stubbed
// copy) are built as the debugger builds them, their debug information by buildDebugInfo; the
// instrumented module runs in our host and, at the probe before the line marked STOP, every variable
// in scope is read from linear memory by name, type and value. Under Go 1.21 (bucket maps), 1.24 (swiss
// maps, DWARF 4) and the machine's Go (DWARF 5).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findGo } from '../../../src/gotool/goDiscovery';
import { debugBuildFlags } from '../../../src/gotool/goDebugBuild';
import { buildDebugInfo, frameMismatches, stubWasmImports } from '../../../src/gotool/goDebugInfoBuild';
import { buildWasip1 } from '../../../src/gotool/wasip1Build';
import { parseAssemblyListing } from '../../../src/wasm/goAssemblyListing';
import { parseDwarfListing } from '../../../src/wasm/goDwarfListing';
import { decodeDwarfFunction, frameAddress, variablesInScope, type GoDwarfFunction } from '../../../src/wasm/goDwarf';
import { findGlobals } from '../../../src/wasm/goGlobals';
import { GoPclntab } from '../../../src/wasm/goPclntab';
import { findStatementSites, SiteFlag } from '../../../src/wasm/goStatementSites';
import { instrumentStatementSites, POLL_BUDGET, POLL_SITE, probeTrampoline, PROBE_EXPORTS } from '../../../src/wasm/goStatementProbes';
import { GoTypeTable } from '../../../src/wasm/goTypes';
import { GoValueReader, type GoValue } from '../../../src/wasm/goValues';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { WasiHost } from '../../../src/wasi/host';
import { goFixturesDir, testGoBinary } from '../../support/goFixtures';

const toolchains = ['go1.21.13', 'go1.24.13', 'local'];
const fixtures = ['dap_values', 'dap_values_wasmimport'];

/** name → [type, value] at the STOP line; the shadowed outer x is checked apart. */
const expected: Record<string, [string, string]> = {
  a: ['int', '5'],
  s: ['string', '"hi"'],
  total: ['int', '3'],
  b: ['bool', 'true'],
  i8: ['int8', '-8'],
  i16: ['int16', '-16'],
  i32: ['int32', '-32'],
  i64: ['int64', '-64'],
  u8: ['uint8', '8'],
  u16: ['uint16', '16'],
  u32: ['uint32', '32'],
  u64: ['uint64', '9223372036854775809'],
  u: ['uint', '7'],
  up: ['uintptr', '9'],
  f32: ['float32', '1.5'],
  f64: ['float64', '2.25'],
  c64: ['complex64', '(1 + 2i)'],
  c128: ['complex128', '(3.5 + -4i)'],
  p: ['main.point', 'main.point {X: 1, Y: 2}'],
  pp: ['*main.point', '&{X: 1, Y: 2}'],
  np: ['*main.point', 'nil'],
  n: ['main.named', 'main.named {point: {X: 3, Y: 4}, Name: "n", tags: []string{…}}'],
  arr: ['[3]int', '[7, 8, 9]'],
  sl: ['[]int', '[]int len: 2, cap: 5, [10, 11]'],
  nilSlice: ['[]int', '[]int nil'],
  m: ['map[string]int', 'map[string]int ["one": 1]'],
  e: ['error(*errors.errorString)', '"boom" &{s: "boom"}'],
  anyInt: ['interface {}(int)', '42'],
  anyPtr: ['interface {}(*main.point)', '&{X: 1, Y: 2}'],
  ch: ['chan int', 'chan int buffered len: 1, cap: 4'],
  fn: ['func(int) int', 'main.helper'],
  temp: ['main.celsius', '36.5'],
  pr: ['main.pair', 'main.pair {A: 1, B: 2}'],
  x: ['string', '"inner"'],
};

interface Stop {
  values: Map<string, GoValue>;
  shadowed: GoValue[];
  children: Record<string, string[]>;
  bigEntries: string[];
  outOfMemory: GoValue;
  /** The package's globals: name = type value, or name = type (no address). */
  globals: string[];
}

async function build(fixture: string, toolchain: string): Promise<{ bytes: Uint8Array; listing: string; dwarf: string; stubbed: string[] }> {
  const program = path.join(goFixturesDir, fixture);
  const env = { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '-buildvcs=false' };
  const go = await findGo({ goPath: testGoBinary(), env });
  const output = path.join(mkdtempSync(path.join(tmpdir(), 'wasip1-values-')), `${fixture}.wasm`);
  const buildEnv = { GOTOOLCHAIN: toolchain, GOFLAGS: '-buildvcs=false' };
  const flags = await debugBuildFlags({ go, packagePath: program, env: buildEnv });
  const result = await buildWasip1({ go, packagePath: program, output, buildFlags: flags, env: buildEnv });
  assert.ok(result.ok, result.output);
  const info = await buildDebugInfo({ go, packagePath: program, env: buildEnv });
  assert.ok(info.ok, info.output);
  return { bytes: readFileSync(result.wasmPath), listing: result.output, dwarf: info.listing, stubbed: info.stubbedFiles };
}

function runToStop(bytes: Uint8Array, listing: string, dwarf: string, fn: GoDwarfFunction, stopLine: number): Stop {
  const module = parseWasmModule(bytes);
  const pclntab = GoPclntab.fromModule(module)!;
  const assembly = parseAssemblyListing(listing);
  const sites = findStatementSites(module, pclntab, { listing: assembly });
  const debugInfo = parseDwarfListing(dwarf);
  const globals = findGlobals(module, pclntab, assembly, debugInfo).filter((g) => g.name.startsWith('main.'));
  const instrumented = instrumentStatementSites(module, sites);
  const host = new WasiHost({ args: ['dap_values'], env: {} });
  const instance = host.instantiate(new WebAssembly.Module(instrumented.bytes as Uint8Array<ArrayBuffer>));
  const budget = instance.exports[PROBE_EXPORTS.budget] as WebAssembly.Global;
  const sp = instance.exports[PROBE_EXPORTS.stackPointer] as WebAssembly.Global;
  const memory = instance.exports.memory as WebAssembly.Memory;
  let stop: Stop | undefined;
  (instance.exports[PROBE_EXPORTS.table] as WebAssembly.Table).set(instrumented.probeSlot, probeTrampoline((site) => {
    if (site === POLL_SITE) {
      budget.value = POLL_BUDGET;
      return;
    }
    if (stop || !(sites.flags[site] & SiteFlag.statement) || sites.line[site] !== stopLine) return;
    const pc = sites.pc[site];
    if (pclntab.funcName(pclntab.funcIndexForPC(pc)) !== 'main.inspect') return;
    const view = new DataView(memory.buffer);
    const reader = new GoValueReader(view, new GoTypeTable(view, pclntab, debugInfo.types), pclntab);
    const frameSize = pclntab.frameSize(pc);
    const values = new Map<string, GoValue>();
    const shadowed: GoValue[] = [];
    for (const v of variablesInScope(fn, pc & 0xffff, stopLine)) {
      const address = frameAddress(v, Number(sp.value), frameSize, view);
      assert.ok(address !== undefined, `${v.name} has a frame address`);
      const value = reader.readVariable(v.name, v.typeName, address);
      if (v.shadowed) shadowed.push(value);
      else values.set(v.name, value);
    }
    const names = (value: GoValue | undefined, start?: number, count?: number): string[] =>
      value?.children?.(start, count).map((c) => `${c.name}: ${c.type} = ${c.value}`) ?? [];
    const big = values.get('big');
    stop = {
      values,
      shadowed,
      children: {
        n: names(values.get('n')),
        pp: names(values.get('pp')),
        sl: names(values.get('sl'), 1, 1),
        e: names(values.get('e')),
      },
      bigEntries: (big?.children?.() ?? []).map((c) => `${c.name}=${c.value}`).sort((x, y) => parseInt(x.slice(1)) - parseInt(y.slice(1))),
      globals: globals.map((g) => (g.address === undefined ? `${g.name} = ${g.typeName}` : `${g.name} = ${g.typeName} ${reader.readVariable(g.name, g.typeName, g.address).value}`)),
      // A slice header whose last word lies past the end of memory.
      outOfMemory: reader.readVariable('bad', '[]int', view.byteLength - 16),
    };
  }) as never);
  for (const [name, armed] of Object.entries(instance.exports)) if (name.startsWith(PROBE_EXPORTS.armedPrefix)) (armed as WebAssembly.Global).value = 1;
  assert.deepEqual(host.run(instance), { kind: 'exit', code: 0 });
  assert.ok(stop, `the program stopped at line ${stopLine}`);
  return stop;
}

describe('Go variables at a real stop', () => {
  test('stubWasmImports blanks the directive and gives the declaration a body, lines in place', () => {
    const source = 'package p\n\n//go:wasmimport env f\n//go:noescape\nfunc f(a int32,\n\tb int32) int32 // host\n\nfunc g() {}\n';
    const stubbed = stubWasmImports(source)!;
    assert.equal(stubbed.split('\n').length, source.split('\n').length);
    assert.equal(stubbed.split('\n')[2], '');
    assert.equal(stubbed.split('\n')[5], '\tb int32) int32 { panic("wasip1: stub for debug information") } // host');
    assert.equal(stubWasmImports('package p\nfunc g() {}\n'), undefined);
  });

  for (const toolchain of toolchains) {
    for (const fixture of fixtures) {
      test(`${toolchain} ${fixture}: every kind of value by name, type and value`, { timeout: 600_000 }, async () => {
        const { bytes, listing, dwarf, stubbed } = await build(fixture, toolchain);
        assert.deepEqual(stubbed.map((f) => path.basename(f)), fixture.endsWith('wasmimport') ? ['main.go'] : []);
        assert.ok(!frameMismatches(listing, dwarf).has('main.inspect'), 'main.inspect has the same frame in both builds');
        const fn = decodeDwarfFunction(parseDwarfListing(dwarf).functions.get('main.inspect') ?? {});
        assert.ok(!('error' in fn), 'error' in fn ? fn.error : '');
        const source = readFileSync(path.join(goFixturesDir, fixture, 'main.go'), 'utf8').split('\n');
        const stopLine = source.findIndex((l) => l.includes('// STOP')) + 1;
        const stop = runToStop(bytes, listing, dwarf, fn, stopLine);

        const seen = Object.fromEntries([...stop.values].map(([name, v]) => [name, [v.type, v.value]]));
        for (const [name, [type, value]] of Object.entries(expected)) assert.deepEqual(seen[name], [type, value], name);
        assert.deepEqual(Object.keys(seen).sort(), [...Object.keys(expected), 'big'].sort(), 'exactly the variables in scope (the loop\'s i is not)');
        assert.deepEqual(stop.shadowed.map((v) => [v.name, v.type, v.value]), [['x', 'int', '1']]);
        assert.equal(stop.bigEntries.length, 20);
        assert.deepEqual(stop.bigEntries.slice(0, 3), ['[0]="0"', '[1]="1"', '[2]="2"']);
        assert.equal(stop.bigEntries[19], '[19]="19"');
        assert.deepEqual(stop.children.n, ['point: main.point = main.point {X: 3, Y: 4}', 'Name: string = "n"', 'tags: []string = []string len: 2, cap: 2, ["t", "u"]']);
        assert.deepEqual(stop.children.pp, ['*pp: main.point = main.point {X: 1, Y: 2}']);
        assert.deepEqual(stop.children.sl, ['[1]: int = 11']);
        assert.deepEqual(stop.children.e, ['data: *errors.errorString = &{s: "boom"}']);
        assert.deepEqual(stop.globals, ['main.calls = int 1', 'main.greeting = string "hello"', 'main.unused = float64'], 'globals with their values; one no code mentions has no address');
        assert.match(stop.outOfMemory.value, /outside linear memory/);
        assert.ok(stop.outOfMemory.raw && stop.outOfMemory.raw.bytes.length > 0, 'the raw bytes are given');
      });
    }
  }
});
