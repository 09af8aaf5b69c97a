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
  recordProgramEnds(dc);
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

/**
 * Each run's end, recorded from the session's start: a short program can exit in the same chunk of
 * adapter output as the launch response, before a listener added after `await launch(...)` exists.
 */
interface ProgramEnds {
  /** Exit codes of runs whose `exited` and `terminated` have both arrived, not yet taken. */
  codes: number[];
  waiting: ((code: number) => void)[];
}
const programEnds = new WeakMap<DebugClient, ProgramEnds>();

function recordProgramEnds(dc: DebugClient): void {
  const ends: ProgramEnds = { codes: [], waiting: [] };
  programEnds.set(dc, ends);
  dc.on('exited', (event: DebugProtocol.ExitedEvent) => {
    const code = event.body.exitCode;
    // The adapter sends `terminated` right after `exited`; a test reading the exit code expects both.
    dc.once('terminated', () => {
      const waiter = ends.waiting.shift();
      if (waiter) waiter(code);
      else ends.codes.push(code);
    });
  });
}

/** The exit code of the session's next program end not taken yet (a run that already ended counts). */
export function exitCode(dc: DebugClient, timeout = 120_000): Promise<number> {
  const ends = programEnds.get(dc);
  if (!ends) throw new Error('exitCode needs a client started by startSession');
  const ended = ends.codes.shift();
  if (ended !== undefined) return Promise.resolve(ended);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ends.waiting.splice(ends.waiting.indexOf(settle), 1);
      reject(new Error(`no exited and terminated events within ${timeout} ms`));
    }, timeout);
    const settle = (code: number): void => {
      clearTimeout(timer);
      resolve(code);
    };
    ends.waiting.push(settle);
  });
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
