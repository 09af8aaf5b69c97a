// The standalone debug adapter (dist/debugAdapter.js), speaking DAP over stdin/stdout. Started with
// --terminal-bridge it is the terminal end of `console: "integratedTerminal"`. The guest's thread
// is a bundle of its own (debugWorkerThread.ts).
import { isMainThread } from 'node:worker_threads';
import { runTerminalBridge, TERMINAL_BRIDGE_FLAG } from './terminalBridge';
import { Wasip1DebugSession } from './wasip1DebugSession';

// Started by runInTerminal in the user's terminal: carries the guest's stdio (terminalBridge.ts).
if (isMainThread && process.argv[2] === TERMINAL_BRIDGE_FLAG) runTerminalBridge(process.argv.slice(3));
else Wasip1DebugSession.run(Wasip1DebugSession);
