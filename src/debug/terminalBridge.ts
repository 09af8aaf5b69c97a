// The process a `console: "integratedTerminal"` launch starts in the user's terminal (through the
// DAP `runInTerminal` reverse request): `node debugAdapter.js --terminal-bridge PORT TOKEN`. The
// guest runs in the adapter; this process only carries bytes between the terminal and the guest
// over a local socket. The terminal stays in cooked mode, so line editing, echo and Ctrl-D are the
// terminal's own, exactly as for a native program reading stdin.
import * as net from 'node:net';
import { type Frame, FrameReader, FrameType, encodeFrame, type TerminalExit } from './terminalBridgeProtocol';

export const TERMINAL_BRIDGE_FLAG = '--terminal-bridge';

/** Exit status of a bridge that lost its adapter: the session ended without telling the guest's status. */
const LOST_ADAPTER_STATUS = 1;

/** `argv` after the flag: PORT TOKEN. */
export function runTerminalBridge(argv: readonly string[]): void {
  const [portText, token] = argv;
  const port = Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65535 || !token) {
    process.stderr.write(`usage: debugAdapter.js ${TERMINAL_BRIDGE_FLAG} PORT TOKEN (started by the wasip1 debug adapter)\n`);
    process.exitCode = 2;
    return;
  }
  // allowHalfOpen: after Ctrl-D the guest may still write plenty, and all of it must arrive.
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  let exited = false;
  socket.on('connect', () => {
    socket.write(encodeFrame(FrameType.Hello, Buffer.from(token, 'utf8')));
    process.stdin.on('data', (chunk: Buffer) => socket.write(encodeFrame(FrameType.Stdin, chunk)));
    process.stdin.on('end', () => {
      if (!socket.destroyed) socket.write(encodeFrame(FrameType.StdinEnd));
    });
  });
  // Ctrl-C in a cooked terminal reaches this process, not the guest (which has no signals): end the guest.
  process.on('SIGINT', () => {
    if (!socket.destroyed && socket.writable) socket.write(encodeFrame(FrameType.Interrupt));
  });
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => {
    let frames: Frame[];
    try {
      frames = reader.push(chunk);
    } catch (error) {
      process.stderr.write(`wasip1 terminal bridge: ${(error as Error).message}\n`);
      socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (frame.type === FrameType.Stdout) process.stdout.write(frame.payload);
      else if (frame.type === FrameType.Stderr) process.stderr.write(frame.payload);
      else if (frame.type === FrameType.Exit) {
        exited = true;
        const exit = JSON.parse(frame.payload.toString('utf8')) as TerminalExit;
        if (exit.message) process.stderr.write(exit.message.replace(/\n?$/, '\n'));
        finish(exit.code);
      }
    }
  });
  socket.on('error', (error) => {
    if (!exited) process.stderr.write(`wasip1 terminal bridge: cannot reach the debug adapter on port ${port}: ${error.message}\n`);
  });
  socket.on('close', () => {
    if (!exited) finish(LOST_ADAPTER_STATUS);
  });

  function finish(code: number): void {
    process.exitCode = code;
    socket.destroy();
    // Without stdin's handle the event loop ends once stdout and stderr are flushed.
    process.stdin.destroy();
    process.removeAllListeners('SIGINT');
  }
}
