// The guest's process of a ChildProcessRun (bundled alone as dist/guestProcess.js): waits for its
// setup on the control socket, then runs the guest as `wasip1 run` does, on this thread with stdio
// on descriptors 0-2, or in a worker where this thread cannot hold it (a --tcplisten socket, a
// stack limit that cannot be raised). What the editor shows (ready, first read of stdin, the
// outcome) goes back on the control socket; the guest's own output never passes through here.
import { readFileSync, readSync, writeSync } from 'node:fs';
import { GuestModuleError, prepareGuestModule } from '../guestModule';
import { CONTROL_FD, type ChildGuestEvent, type ChildGuestSetup } from './childProcessRun';
import { tuneWasmEngine } from './engineTuning';
import { checkPreopen, signaturesOf, type GuestConfig } from './guestSession';
import { ThisThreadRun } from './runInThisThread';
import { sleep } from '../streams';
import type { RunResult } from './workerProtocol';

/** The setup line, or undefined when the parent closed the socket without one (it needed no guest). */
function readSetup(): ChildGuestSetup | undefined {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let count: number;
    try {
      count = readSync(CONTROL_FD, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return undefined;
      sleep(1);
      continue;
    }
    if (count === 0) return undefined;
    chunks.push(Buffer.from(buffer.subarray(0, count)));
    const text = Buffer.concat(chunks).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline >= 0) return JSON.parse(text.slice(0, newline)) as ChildGuestSetup;
  }
}

function report(event: ChildGuestEvent): void {
  const bytes = Buffer.from(JSON.stringify(event) + '\n');
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(CONTROL_FD, bytes, done);
    } catch (error) {
      // The parent is gone: nobody to tell.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      sleep(1);
    }
  }
}

async function run(setup: ChildGuestSetup): Promise<RunResult> {
  const config: GuestConfig = { args: setup.args, env: setup.env, preopens: setup.preopens, importModules: setup.importModules, mode: { kind: 'command' } };
  const preparation = { hostModules: setup.importModules.map((m) => m.module), interfaceOnly: true, entry: 'command' } as const;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(setup.wasmPath);
    for (const preopen of setup.preopens) checkPreopen(preopen);
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const inThisThread = setup.tcpListen.length === 0
    ? ThisThreadRun.prepare(config, { instantiated: () => report({ kind: 'ready' }), stdinFirstUsed: () => report({ kind: 'readsStdin' }) })
    : undefined;
  if (inThisThread instanceof ThisThreadRun) {
    const { module, parsed } = await prepareGuestModule(bytes, setup.wasmPath, {}, preparation);
    return inThisThread.run({ module, ...signaturesOf(parsed) });
  }
  const { runWasi } = await import('./runWasi');
  const preparing = prepareGuestModule(bytes, setup.wasmPath, {}, preparation);
  const guest = runWasi({
    module: preparing,
    importModules: [...setup.importModules],
    tcpListen: [...setup.tcpListen],
    args: [...setup.args],
    env: setup.env,
    preopens: [...setup.preopens],
    stdin: 'inherit',
    stdout: 'inherit',
    stderr: 'inherit',
  });
  try {
    await preparing;
  } catch (error) {
    guest.stop();
    await guest.done;
    throw error;
  }
  report({ kind: 'ready' });
  guest.listening.then(
    (addresses) => report({ kind: 'listening', addresses: [...addresses] }),
    (error: Error) => report({ kind: 'listenFailed', message: error.message }),
  );
  return guest.done;
}

async function main(): Promise<void> {
  // Before anything is compiled: V8 reads the flag when it sets up the module's code.
  await tuneWasmEngine();
  const setup = readSetup();
  if (!setup) return;
  let outcome: RunResult;
  try {
    outcome = await run(setup);
  } catch (error) {
    const message = error instanceof GuestModuleError || error instanceof Error ? error.message : String(error);
    outcome = { kind: 'error', message };
  }
  report({ kind: 'ended', outcome });
  process.exit(outcome.kind === 'exit' ? outcome.code : 1);
}

void main();
