// The standalone debug adapter (dist/debugAdapter.js), speaking DAP over stdin/stdout. The same
// bundle, started as a worker thread by Wasip1Runtime, is the guest's debug worker instead, and
// started with --terminal-bridge it is the terminal end of `console: "integratedTerminal"`.
import { isMainThread, workerData } from 'node:worker_threads';
import { runDebugWorker } from './debugWorker';
import { DEBUG_WORKER_MARK } from './debugWorkerProtocol';
import { runTerminalBridge, TERMINAL_BRIDGE_FLAG } from './terminalBridge';
import { Wasip1DebugSession } from './wasip1DebugSession';

if (!isMainThread && (workerData as { mark?: string } | undefined)?.mark === DEBUG_WORKER_MARK) void runDebugWorker((workerData as { setup: Parameters<typeof runDebugWorker>[0] }).setup);
// Started by runInTerminal in the user's terminal: carries the guest's stdio (terminalBridge.ts).
else if (isMainThread && process.argv[2] === TERMINAL_BRIDGE_FLAG) runTerminalBridge(process.argv.slice(3));
else Wasip1DebugSession.run(Wasip1DebugSession);
