// The statement sites of real debug builds (debugBuildFlags: -N -l, -S for the main module) under
// several Go versions: every listed function lines up with the module's code, each function's
// statement lines are the source's, and the instrumented module, run in our host with every probe
// armed, passes the statements of the user's code in the order Go runs them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findGo } from '../../../src/gotool/goDiscovery';
import { debugBuildFlags } from '../../../src/gotool/goDebugBuild';
import { buildWasip1 } from '../../../src/gotool/wasip1Build';
import { parseAssemblyListing } from '../../../src/wasm/goAssemblyListing';
import { GoPclntab } from '../../../src/wasm/goPclntab';
import { findStatementSites, isRuntimeFunction, SiteFlag, type StatementSites } from '../../../src/wasm/goStatementSites';
import { instrumentStatementSites, POLL_BUDGET, POLL_SITE, probeTrampoline, PROBE_EXPORTS } from '../../../src/wasm/goStatementProbes';
import { parseWasmModule } from '../../../src/wasm/moduleReader';
import { WasiHost } from '../../../src/wasi/host';
import { goFixturesDir, testGoBinary } from '../../support/goFixtures';

const program = path.join(goFixturesDir, 'dap_lines');
// 1.21 and 1.23 (wasmimport rules of old), 1.24 (swiss maps, wasmexport), and the machine's own Go.
const toolchains = ['go1.21.13', 'go1.23.12', 'go1.24.13', 'local'];

/** main.main's statements as Go runs them (args: none): each call's body between its call line and the return to it. */
const expectedOrder = [
  'main.main:39', 'main.main:40', 'main.main:41', 'main.main:44',
  'main.(*counter).add:10', 'main.(*counter).add:11', 'main.(*counter).add:12',
  'main.main:45', 'main.main.func1:41', 'main.main.func1:42',
  'main.main:46', 'main.sum:15', 'main.sum:16', 'main.sum:17', 'main.sum:18', 'main.sum:17', 'main.sum:18', 'main.sum:17', 'main.sum:18', 'main.sum:17', 'main.sum:20',
  'main.main:47', 'main.withDefer:23', 'main.withDefer:24', 'main.withDefer:27', 'main.withDefer:29', 'main.withDefer.func1:24', 'main.withDefer.func1:25', 'main.withDefer.func1:26',
  'main.main:48', 'main.main:51', 'main.main:55', 'main.main:56',
];

async function debugBuild(toolchain: string): Promise<{ bytes: Uint8Array; listing: string }> {
  const env = { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '-buildvcs=false' };
  const go = await findGo({ goPath: testGoBinary(), env });
  const output = path.join(mkdtempSync(path.join(tmpdir(), 'wasip1-sites-')), 'dap_lines.wasm');
  const flags = await debugBuildFlags({ go, packagePath: program, env: { GOTOOLCHAIN: toolchain } });
  const result = await buildWasip1({ go, packagePath: program, output, buildFlags: flags, env: { GOTOOLCHAIN: toolchain } });
  assert.ok(result.ok, result.output);
  return { bytes: readFileSync(result.wasmPath), listing: result.output };
}

function statementLinesOf(sites: StatementSites, defined: number): number[] {
  const lines: number[] = [];
  for (let s = sites.functionStart[defined]; s < sites.functionStart[defined + 1]; s++) {
    if (sites.flags[s] & SiteFlag.statement && !lines.includes(sites.line[s])) lines.push(sites.line[s]);
  }
  return lines.sort((a, b) => a - b);
}

describe('Go statement sites of debug builds', () => {
  for (const toolchain of toolchains) {
    test(`${toolchain}: listing and code agree, lines are the source's, probes run in order`, { timeout: 600_000 }, async () => {
      const { bytes, listing } = await debugBuild(toolchain);
      const module = parseWasmModule(bytes);
      const pclntab = GoPclntab.fromModule(module);
      assert.ok(pclntab);
      const parsed = parseAssemblyListing(listing);
      assert.ok(parsed.functions.has('main.main'), 'the listing names main.main');
      const sites = findStatementSites(module, pclntab, { listing: parsed });
      assert.deepEqual(sites.mismatchedFunctions, []);
      assert.equal(sites.listedFunctions, parsed.functions.size, 'every listed function found in the module');

      const definedOf = (name: string): number => pclntab.wasmFunctionIndex(pclntab.funcIndexByName(name)) - module.importedFunctionCount;
      assert.deepEqual(statementLinesOf(sites, definedOf('main.sum')), [15, 16, 17, 18, 20]);
      assert.deepEqual(statementLinesOf(sites, definedOf('main.(*counter).add')), [10, 11, 12]);
      assert.deepEqual(statementLinesOf(sites, definedOf('main.spin')), [31, 32, 33, 34, 36]);
      for (let s = 0; s < sites.count; s++) assert.ok(!isRuntimeFunction(pclntab.funcName(pclntab.funcIndexForPC(sites.pc[s]))), 'no site in the runtime');

      const instrumented = instrumentStatementSites(module, sites);
      const host = new WasiHost({ args: ['dap_lines'], env: {} });
      const instance = host.instantiate(new WebAssembly.Module(instrumented.bytes as Uint8Array<ArrayBuffer>));
      const seen: string[] = [];
      let polls = 0;
      const budget = instance.exports[PROBE_EXPORTS.budget] as WebAssembly.Global;
      (instance.exports[PROBE_EXPORTS.table] as WebAssembly.Table).set(instrumented.probeSlot, probeTrampoline((site) => {
        if (site === POLL_SITE) {
          polls++;
          budget.value = POLL_BUDGET;
          return;
        }
        const name = pclntab.funcName(pclntab.funcIndexForPC(sites.pc[site]));
        if (name.startsWith('main.') && sites.flags[site] & SiteFlag.statement) seen.push(`${name}:${sites.line[site]}`);
      }) as never);
      for (let flag = 0; flag < instrumented.flagCount; flag++) (instance.exports[PROBE_EXPORTS.armedPrefix + flag] as WebAssembly.Global).value = 1;
      const outcome = host.run(instance);
      assert.deepEqual(outcome, { kind: 'exit', code: 0 });
      // Go versions differ in two places only: whether main's `func` line has code of its own (1.26), and
      // whether a bare `return out` before deferred calls stops on the return (≤ 1.24) or the closing brace.
      const optional = new Set(['main.main:39', 'main.withDefer:28', 'main.withDefer:29']);
      assert.deepEqual(seen.filter((s) => !optional.has(s)), expectedOrder.filter((s) => !optional.has(s)));
      assert.equal(polls, 0, 'a short program never runs out of budget');
    });
  }
});
