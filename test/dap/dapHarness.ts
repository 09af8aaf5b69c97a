// Drives the standalone debug adapter bundle (dist/debugAdapter.js) the way VS Code does: a real
// adapter process, real DAP messages, real Go programs built by the adapter or by the fixture builder.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/goFixtures';

export const adapterPath = path.join(repoRoot, 'dist', 'debugAdapter.js');
export const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'go', name);

let built = false;
/**
 * Bundles the adapter when a source is newer than the bundle, so the tests always drive the current
 * sources. Test files run in parallel processes: one builds under a lock while the others wait, and
 * none rewrites the bundle under an adapter another process is starting from a fresh one.
 */
export function buildAdapter(): void {
  if (built) return;
  const lock = path.join(os.tmpdir(), `wasip1-dap-build-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}.lock`);
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
    if (!bundleIsFresh()) execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'pipe' });
  } finally {
    rmdirSync(lock);
  }
  built = true;
}

function bundleIsFresh(): boolean {
  if (!existsSync(adapterPath)) return false;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const full = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
    }, 0);
  return statSync(adapterPath).mtimeMs > newest(path.join(repoRoot, 'src'));
}

export interface Session<C extends DebugClient = DebugClient> {
  dc: C;
  /** Everything the adapter printed per output category, in order. */
  output: Record<string, string>;
}

/** Starts the standalone adapter with a DAP client; `Client` lets a test answer reverse requests. */
export async function startSession<C extends DebugClient = DebugClient>(
  Client: new (runtime: string, executable: string, debugType: string, spawnOptions: { cwd: string }) => C = DebugClient as never,
): Promise<Session<C>> {
  buildAdapter();
  const dc = new Client('node', adapterPath, 'wasip1', { cwd: repoRoot });
  // Launch includes a go build, far slower than the default 5 s request timeout allows on a cold cache.
  dc.defaultTimeout = 120_000;
  await dc.start();
  const output: Record<string, string> = {};
  dc.on('output', (event: DebugProtocol.OutputEvent) => {
    const category = event.body.category ?? 'console';
    output[category] = (output[category] ?? '') + event.body.output;
  });
  return { dc, output };
}

/**
 * initialize → (configure: breakpoints, filters) → configurationDone → launch response, as VS Code
 * orders them. Resolves with the launch response (or rejects with the adapter's error message).
 */
export async function launch(
  dc: DebugClient,
  args: Record<string, unknown>,
  configure?: () => Promise<unknown>,
): Promise<DebugProtocol.LaunchResponse> {
  const initialized = dc.waitForEvent('initialized', 120_000);
  const launched = dc.launch(args);
  // A launch that fails fast (a module that is not wasm) may answer before configurationDone; the
  // caller still sees the rejection through the returned promise.
  launched.catch(() => undefined);
  await initialized;
  if (configure) await configure();
  await dc.configurationDoneRequest();
  return launched;
}

/** Waits for the program's end and returns its exit code. */
export async function exitCode(dc: DebugClient): Promise<number> {
  // Both listeners first: the adapter sends the two events back to back.
  const [exited] = await Promise.all([dc.waitForEvent('exited', 120_000), dc.waitForEvent('terminated', 120_000)]);
  return (exited as DebugProtocol.ExitedEvent).body.exitCode;
}

export async function stoppedEvent(dc: DebugClient, timeout = 120_000): Promise<DebugProtocol.StoppedEvent> {
  return (await dc.waitForEvent('stopped', timeout)) as DebugProtocol.StoppedEvent;
}

export async function topFrames(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  const response = await dc.stackTraceRequest({ threadId: 1 });
  return response.body.stackFrames;
}

export async function scopeVariables(dc: DebugClient, scopeName: RegExp): Promise<DebugProtocol.Variable[]> {
  const scopes = await dc.scopesRequest({ frameId: 0 });
  const scope = scopes.body.scopes.find((s) => scopeName.test(s.name));
  if (!scope) throw new Error(`no scope matching ${scopeName}; have ${scopes.body.scopes.map((s) => s.name).join(', ')}`);
  return (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
}
