// Test support for the wasm tests: builds a Go fixture with a chosen toolchain and runs it, so
// that what Go's runtime reports about itself checks what our decoders read from the binary.
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { WasiHost } from '../../../src/wasi/host';
import { BufferOutput } from '../../../src/wasi/streams';
import { buildGoFixture, goFixturesDir, repoRoot, testGoBinary } from '../../support/goFixtures';

const run = promisify(execFile);

/** The machine's toolchain, and older ones fetched through the module proxy when reachable. */
export const ORACLE_TOOLCHAINS = ['local', 'go1.24.11', 'go1.21.13'];

export type ToolchainBuild = { wasm: string } | { skipped: string };

const builds = new Map<string, Promise<ToolchainBuild>>();

/** Builds test/fixtures/go/<name> with GOTOOLCHAIN=toolchain; resolves to a skip reason when that toolchain is unavailable. */
export function buildWithToolchain(name: string, toolchain: string): Promise<ToolchainBuild> {
  const key = `${name}@${toolchain}`;
  let result = builds.get(key);
  if (!result) {
    result = toolchain === 'local' ? buildGoFixture(name).then((wasm) => ({ wasm })) : buildOther(name, toolchain);
    builds.set(key, result);
  }
  return result;
}

async function buildOther(name: string, toolchain: string): Promise<ToolchainBuild> {
  const outDir = path.join(repoRoot, 'out', 'fixtures-wasm');
  mkdirSync(outDir, { recursive: true });
  const output = path.join(outDir, `${name}-${toolchain}.wasm`);
  const env = { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: toolchain };
  try {
    await run(testGoBinary(), ['version'], { env, timeout: 300_000 });
  } catch (err) {
    return { skipped: `toolchain ${toolchain} is not available (${String((err as Error).message).split('\n')[0]})` };
  }
  // Test files run in parallel processes: build under a private name, then rename atomically so
  // no process reads a half-written module.
  const partial = `${output}.${process.pid}.partial`;
  await run(testGoBinary(), ['build', '-o', partial, './' + name], { cwd: goFixturesDir, env, timeout: 300_000, maxBuffer: 16 << 20 });
  renameSync(partial, output);
  return { wasm: output };
}

export interface OracleRun {
  stdout: string;
  instance: WebAssembly.Instance;
}

/**
 * Runs a wasip1 command module in our WASI host, in this thread, and returns its stdout. The
 * oracle is what Go's own runtime prints (runtime.Caller, FuncForPC); the host only carries it.
 * (Node's node:wasi served here first, but it aborts the process under load: nodejs/node#46777.)
 * `wrapImports` may wrap WASI functions (to observe the program from inside a host call); it
 * receives a getter for the instance, which exists only once instantiation is done.
 */
export function runOracleProgram(
  module: WebAssembly.Module,
  wrapImports?: (imports: Record<string, Record<string, unknown>>, instance: () => WebAssembly.Instance) => void,
): OracleRun {
  const stdout = new BufferOutput();
  const host = new WasiHost({ args: ['oracle'], env: {}, stdout });
  const imports = host.importObject as unknown as Record<string, Record<string, unknown>>;
  // The wrappers run only after instantiation, when the holder is filled.
  const holder: { instance?: WebAssembly.Instance } = {};
  wrapImports?.(imports, () => holder.instance!);
  const instance = (holder.instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports));
  host.memory.attach(instance.exports.memory as WebAssembly.Memory);
  const outcome = host.run(instance);
  if (outcome.kind !== 'exit' || outcome.code !== 0) throw new Error(`oracle program ended with ${JSON.stringify(outcome)}`);
  return { stdout: stdout.text(), instance };
}

export interface OracleLine {
  kind: string;
  pc: number;
  file: string;
  line: number;
  function: string;
}

/** Parses the fixture's `site` and `frame` lines (tab separated). */
export function parseOracleOutput(stdout: string): { sites: OracleLine[]; frames: OracleLine[] } {
  const sites: OracleLine[] = [];
  const frames: OracleLine[] = [];
  for (const text of stdout.split('\n')) {
    const f = text.split('\t');
    if (f[0] === 'site' && f.length === 6) sites.push({ kind: f[1], pc: Number(f[2]), file: f[3], line: Number(f[4]), function: f[5] });
    if (f[0] === 'frame' && f.length === 5) frames.push({ kind: 'frame', pc: Number(f[1]), file: f[2], line: Number(f[3]), function: f[4] });
  }
  return { sites, frames };
}
