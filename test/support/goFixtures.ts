// Builds the Go programs under test/fixtures/go for wasip1 with the real toolchain, once per test run.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const goFixturesDir = path.join(repoRoot, 'test', 'fixtures', 'go');
const wasmCacheDir = path.join(repoRoot, 'out', 'fixtures-wasm');

/** The `go` the tests use: $GO_BINARY, then PATH, then the machine's /usr/local/go. */
export function testGoBinary(): string {
  if (process.env.GO_BINARY) return process.env.GO_BINARY;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'go');
    if (dir && existsSync(candidate)) return candidate;
  }
  return '/usr/local/go/bin/go';
}

const pending = new Map<string, Promise<string>>();

/**
 * Compiles test/fixtures/go/<name> with GOOS=wasip1 GOARCH=wasm and returns the .wasm path.
 * Extra build flags (e.g. ['-buildmode=c-shared']) give a separately cached module.
 */
export function buildGoFixture(name: string, buildFlags: string[] = []): Promise<string> {
  const key = [name, ...buildFlags].join(' ');
  let result = pending.get(key);
  if (!result) {
    result = compile(name, buildFlags);
    pending.set(key, result);
  }
  return result;
}

async function compile(name: string, buildFlags: string[]): Promise<string> {
  mkdirSync(wasmCacheDir, { recursive: true });
  const toolchain = process.env.GOTOOLCHAIN && process.env.GOTOOLCHAIN !== 'local' ? process.env.GOTOOLCHAIN : '';
  const variant = [...buildFlags, toolchain].filter(Boolean).join('_').replace(/[^A-Za-z0-9_.-]/g, '');
  const output = path.join(wasmCacheDir, `${name.replace(/[\\/]/g, '_')}${variant ? '-' + variant : ''}.wasm`);
  if (isFresh(output, path.join(goFixturesDir, name))) return output;
  // Test files run in parallel processes: build to a private name, then rename atomically.
  const temporary = `${output}.${process.pid}.tmp`;
  await run(testGoBinary(), ['build', '-o', temporary, ...buildFlags, './' + name], {
    cwd: goFixturesDir,
    env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (!statSync(temporary).size) throw new Error(`go build produced an empty ${temporary}`);
  renameSync(temporary, output);
  return output;
}

/** True when output exists and is newer than every file of the fixture and go.mod. */
function isFresh(output: string, sourceDir: string): boolean {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }, 0);
  return built > Math.max(newest(sourceDir), statSync(path.join(goFixturesDir, 'go.mod')).mtimeMs);
}

/**
 * For tests of Go 1.24+ features (//go:wasmexport, -buildmode=c-shared on wasip1): they use the
 * machine's Go and fail with this message, rather than a compiler error, when it is older.
 */
export function requireGoAtLeast(minor: number): void {
  const version = execFileSync(testGoBinary(), ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  const match = /^go1\.(\d+)/.exec(version);
  if (!match || Number(match[1]) < minor) throw new Error(`this test needs Go 1.${minor} or newer; the machine's go is ${version}`);
}
