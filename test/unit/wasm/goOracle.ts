// Test support for the wasm tests: builds a Go fixture with a chosen toolchain and runs it under
// Node's own WASI implementation, which serves only as an independent oracle here (the product
// has its own host).
import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
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
 * Runs a wasip1 command module under node:wasi and returns its stdout. `wrapImports` may wrap
 * WASI functions (to observe the program from inside a host call); it receives a getter for the
 * instance, which exists only once instantiation is done.
 */
export function runWithNodeWasi(
  module: WebAssembly.Module,
  wrapImports?: (imports: Record<string, Record<string, unknown>>, instance: () => WebAssembly.Instance) => void,
): OracleRun {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WASI } = require('node:wasi') as typeof import('node:wasi');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wasmreader-oracle-'));
  const stdoutPath = path.join(dir, 'stdout');
  const fd = openSync(stdoutPath, 'w');
  let open = true;
  try {
    const wasi = new WASI({ version: 'preview1', args: ['oracle'], env: {}, stdout: fd, returnOnExit: true });
    const imports = wasi.getImportObject() as unknown as Record<string, Record<string, unknown>>;
    // The wrappers run only after instantiation, when the holder is filled.
    const holder: { instance?: WebAssembly.Instance } = {};
    wrapImports?.(imports, () => holder.instance!);
    const instance = (holder.instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports));
    const code = wasi.start(instance);
    if (code !== 0) throw new Error(`oracle program exited with status ${code}`);
    closeSync(fd);
    open = false;
    return { stdout: readFileSync(stdoutPath, 'utf8'), instance };
  } finally {
    if (open) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
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
