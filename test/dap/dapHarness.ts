// Drives the standalone debug adapter bundle (dist/debugAdapter.js) the way VS Code does: a real
// adapter process, real DAP messages, real Go programs built by the adapter or by the fixture builder.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import { ensureFreshBundles } from '../support/bundles';
import { repoRoot } from '../support/goFixtures';

export const adapterPath = path.join(repoRoot, 'dist', 'debugAdapter.js');
export const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'go', name);

/** The adapter bundle, rebuilt first when a source is newer (see test/support/bundles.ts). */
export function buildAdapter(): void {
  ensureFreshBundles();
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
