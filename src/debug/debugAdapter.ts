// The standalone debug adapter (dist/debugAdapter.js), speaking DAP over stdin/stdout. The same
// bundle, started as a worker thread by Wasip1Runtime, is the guest's debug worker instead.
import { isMainThread, workerData } from 'node:worker_threads';
import { runDebugWorker } from './debugWorker';
import { DEBUG_WORKER_MARK } from './debugWorkerProtocol';
import { Wasip1DebugSession } from './wasip1DebugSession';

if (!isMainThread && (workerData as { mark?: string } | undefined)?.mark === DEBUG_WORKER_MARK) runDebugWorker((workerData as { setup: Parameters<typeof runDebugWorker>[0] }).setup);
else Wasip1DebugSession.run(Wasip1DebugSession);
