// The esbuild bundles (dist/) that tests run as users do: the CLI, the host worker, the debug
// adapter. Rebuilt only when a source is newer, under a lock: test files run in parallel processes,
// and one must never rewrite a bundle another is starting a process from.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './goFixtures';

const bundles = ['extension.js', 'debugAdapter.js', 'debugWorkerThread.js', 'guestProcess.js', 'cli.js', 'hostWorker.js', 'lib.mjs'].map((name) => path.join(repoRoot, 'dist', name));

let ensured = false;

export function ensureFreshBundles(): void {
  if (ensured) return;
  const lock = path.join(os.tmpdir(), `wasip1-build-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}; remove it if no test run is building`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (!bundlesAreFresh()) execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'pipe' });
  } finally {
    rmdirSync(lock);
  }
  ensured = true;
}

function bundlesAreFresh(): boolean {
  if (!bundles.every((file) => existsSync(file))) return false;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }, 0);
  const sources = Math.max(newest(path.join(repoRoot, 'src')), newest(path.join(repoRoot, 'types')));
  return Math.min(...bundles.map((file) => statSync(file).mtimeMs)) > sources;
}
