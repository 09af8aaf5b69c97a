// Builds the Go programs under test/fixtures/go for wasip1 with the real toolchain, once per test run.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
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
  const suffix = buildFlags.length ? '-' + buildFlags.join('_').replace(/[^A-Za-z0-9_.-]/g, '') : '';
  const output = path.join(wasmCacheDir, `${name.replace(/[\\/]/g, '_')}${suffix}.wasm`);
  await run(testGoBinary(), ['build', '-o', output, ...buildFlags, './' + name], {
    cwd: goFixturesDir,
    env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (!statSync(output).size) throw new Error(`go build produced an empty ${output}`);
  return output;
}
