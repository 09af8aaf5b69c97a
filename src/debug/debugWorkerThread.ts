// The debugger's guest thread, bundled alone as dist/debugWorkerThread.js: Wasip1Runtime starts
// this small bundle rather than the whole debug adapter (the DAP session and its library), and
// starts it early (guestThread.ts), so the setup arrives as the first message, not as workerData.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runDebugWorker } from './debugWorker';
import { DEBUG_WORKER_MARK, type DebugWorkerSetup } from './debugWorkerProtocol';

if (!isMainThread && parentPort && (workerData as { mark?: string } | undefined)?.mark === DEBUG_WORKER_MARK) {
  // once: with no listener left, nothing but the guest keeps the thread alive.
  parentPort.once('message', (setup: DebugWorkerSetup) => void runDebugWorker(setup));
}
