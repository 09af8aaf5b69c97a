// The worker thread a guest runs in (bundled as dist/hostWorker.js). WASI calls are synchronous,
// so the guest may block here, in Atomics.wait, for as long as it likes: the main thread's event
// loop, and with it the editor, keeps running.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { SocketDescriptor } from '../sockets';
import { FdFlags } from '../spec/constants';
import { emptyInput, discardOutput, type OutputStream } from '../streams';
import { GuestSession } from './guestSession';
import { RingSocketListener } from './ringSockets';
import { FdInput, FdReadiness } from './fdStreams';
import { RingInput, RingOutput, stopIfRequested } from './ringStreams';
import { SharedRing, WakeCells, WorkerReadiness } from './sharedRing';
import type { OutcomeMessage, ReactorRequest, RunResult, StartMessage, WorkerSetup } from './workerProtocol';

/** A guest session whose stdio, stop flag and listening sockets come from the main thread. */
class WorkerGuest {
  private readonly cells: WakeCells;
  private readonly rings: (SharedRing | undefined)[];
  readonly session: GuestSession;

  constructor(private readonly setup: WorkerSetup, private readonly start: StartMessage) {
    this.cells = new WakeCells(setup.wake);
    this.rings = [setup.stdin, setup.stdout, setup.stderr].map((buffer) => (buffer ? new SharedRing(buffer) : undefined));
    this.session = new GuestSession(setup, start);
  }

  begin(): Promise<RunResult | undefined> {
    const [stdinRing, stdoutRing, stderrRing] = this.rings;
    const { cells, setup, start, session } = this;
    const stop = (): void => session.stop();
    const stdout: OutputStream = stdoutRing ? new RingOutput(stdoutRing, cells, stop, setup.stdoutIsTerminal) : discardOutput;
    const stderr: OutputStream = stderrRing ? new RingOutput(stderrRing, cells, stop, setup.stderrIsTerminal) : discardOutput;
    const readiness = new WorkerReadiness(cells, stop);
    const fdStdin = setup.stdinFd === undefined ? undefined : openStdinFd(setup.stdinFd, cells, stop);
    return session.begin({
      stdin: fdStdin ?? (stdinRing ? new RingInput(stdinRing, cells, stop) : emptyInput),
      stdout,
      stderr,
      readiness: fdStdin ? new FdReadiness(fdStdin, readiness) : readiness,
      stopRequested: () => cells.stopRequested,
      addDescriptors: (host) => {
        // Listening sockets come after the preopened directories, as in wasmtime.
        (setup.listenerPorts ?? []).forEach((port: MessagePort, i) => {
          const name = start.listenerNames?.[i] ?? `tcp listener ${i}`;
          const listener = SocketDescriptor.listening(name, new RingSocketListener(port, cells, stop));
          // Non-blocking from the start: Go's os.NewFile only hands an fd to its poller when
          // F_GETFL says so; a blocking accept would stall every goroutine of the guest.
          listener.fdflags = FdFlags.NONBLOCK;
          host.fds.add(listener);
        });
      },
    });
  }

  /** Closes every descriptor and ring so the main thread sees the ends. */
  end(): void {
    this.session.dispose();
    const [stdinRing, stdoutRing, stderrRing] = this.rings;
    // Whatever dispose did not reach (a host that failed to build): the main thread must see the ends.
    stdinRing?.closeReader();
    stdoutRing?.closeWriter();
    stderrRing?.closeWriter();
    this.cells.wakeMain();
  }
}

/**
 * stdin read by this thread from the descriptor itself (a file or a pipe): no ring, no hop through
 * the main thread. A wait for pipe input sleeps on the wake cells, so a stop request still ends it.
 */
function openStdinFd(fd: number, cells: WakeCells, stop: () => void): FdInput {
  const input = FdInput.open(fd, (ms) => {
    cells.waitInWorker(cells.workerGeneration(), ms);
    stopIfRequested(cells, stop);
  });
  if (!input) throw new Error(`stdin (descriptor ${fd}) cannot be read from the guest's thread`);
  return input;
}

if (parentPort) {
  const port = parentPort;
  const finish = (guest: WorkerGuest, outcome: RunResult): void => {
    guest.end();
    port.postMessage({ outcome } satisfies OutcomeMessage);
  };
  // once, and off for the reactor's handler: with no listener left nothing keeps the thread alive
  // after the guest ended. (removeAllListeners would not let the port go.)
  port.once('message', (start: StartMessage) => {
    const guest = new WorkerGuest(workerData as WorkerSetup, start);
    void guest.begin().then((outcome) => {
      if (outcome) return finish(guest, outcome);
      port.postMessage(guest.session.ready());
      const serve = (request: ReactorRequest): void => {
        const ended = guest.session.serve(request, (response) => port.postMessage(response));
        if (!ended) return;
        port.off('message', serve);
        finish(guest, ended);
      };
      port.on('message', serve);
    });
  });
}
