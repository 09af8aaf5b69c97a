// Builds a throwaway Go main package (written by a test) for wasip1 with the real toolchain.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { testGoBinary } from '../../support/goFixtures';

const run = promisify(execFile);

/**
 * Writes go.mod (go 1.21) and main.go into a temp dir, builds it, returns the .wasm bytes, cleans up.
 * `toolchain` (e.g. "go1.21.13") selects a Go release already in the module cache; nothing is downloaded.
 */
export async function buildTempGoModule(mainGo: string, toolchain?: string): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wasi-catalogue-'));
  try {
    writeFileSync(path.join(dir, 'go.mod'), 'module tempcheck\n\ngo 1.21\n');
    writeFileSync(path.join(dir, 'main.go'), mainGo);
    const output = path.join(dir, 'out.wasm');
    await run(testGoBinary(), ['build', '-o', output, '.'], {
      cwd: dir,
      env: {
        ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', GOFLAGS: '-buildvcs=false',
        ...(toolchain ? { GOTOOLCHAIN: toolchain, GOPROXY: 'off' } : { GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' }),
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Go releases of the 1.21 line whose toolchain modules are already cached locally, oldest first. */
export function cachedGo121Toolchains(): string[] {
  const modCache = execFileSync(testGoBinary(), ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  let entries: string[];
  try {
    entries = readdirSync(path.join(modCache, 'golang.org'));
  } catch {
    return [];
  }
  return entries
    .map((e) => /^toolchain@v0\.0\.1-(go1\.21\.\d+)\./.exec(e)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
}
