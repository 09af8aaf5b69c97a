// The worker thread a guest runs in (bundled as dist/hostWorker.js). WASI calls are synchronous,
// so the guest may block here, in Atomics.wait, for as long as it likes: the main thread's event
// loop, and with it the editor, keeps running.
import { parentPort, workerData } from 'node:worker_threads';
import { WasiHost, type GuestOutcome } from '../host';
import { emptyInput, discardOutput } from '../streams';
import { RingInput, RingOutput } from './ringStreams';
import { SharedRing, WakeCells, WorkerReadiness } from './sharedRing';
import type { OutcomeMessage, RunResult, StartMessage, WorkerSetup } from './workerProtocol';

function runGuest(setup: WorkerSetup, module: WebAssembly.Module): RunResult {
  const cells = new WakeCells(setup.wake);
  const rings = [setup.stdin, setup.stdout, setup.stderr].map((buffer) => (buffer ? new SharedRing(buffer) : undefined));
  const [stdinRing, stdoutRing, stderrRing] = rings;
  let host: WasiHost | undefined;
  const stop = (): void => host?.stop();
  try {
    host = new WasiHost({
      args: setup.args,
      env: setup.env,
      preopens: setup.preopens,
      stdin: stdinRing ? new RingInput(stdinRing, cells, stop) : emptyInput,
      stdout: stdoutRing ? new RingOutput(stdoutRing, cells, stop, setup.stdoutIsTerminal) : discardOutput,
      stderr: stderrRing ? new RingOutput(stderrRing, cells, stop, setup.stderrIsTerminal) : discardOutput,
      readiness: new WorkerReadiness(cells, stop),
    });
    if (cells.stopRequested) return { kind: 'stopped' };
    const instance = host.instantiate(module);
    return describe(host.run(instance));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  } finally {
    host?.dispose();
    // Whatever dispose did not reach (a host that failed to build): the main thread must see the ends.
    stdinRing?.closeReader();
    stdoutRing?.closeWriter();
    stderrRing?.closeWriter();
    cells.wakeMain();
  }
}

function describe(outcome: GuestOutcome): RunResult {
  switch (outcome.kind) {
    case 'exit': return { kind: 'exit', code: outcome.code };
    case 'stopped': return { kind: 'stopped' };
    case 'trap': return { kind: 'trap', trapKind: outcome.trap.kind, detail: outcome.trap.detail, functions: [...outcome.trap.functions] };
  }
}

if (parentPort) {
  const port = parentPort;
  // once: with the listener gone nothing keeps the thread alive after the guest ended.
  port.once('message', (message: StartMessage) => {
    const reply: OutcomeMessage = { outcome: runGuest(workerData as WorkerSetup, message.module) };
    port.postMessage(reply);
  });
}
