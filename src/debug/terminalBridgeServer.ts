// The adapter's end of the terminal bridge: a one-shot listener on 127.0.0.1 that accepts the
// bridge process started by `runInTerminal`, and nobody else. Anything local can connect to a
// loopback port, so the first frame must carry a random token that only the runInTerminal command
// line holds; a connection that does not present it in time is dropped.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { TERMINAL_BRIDGE_FLAG } from './terminalBridge';
import { type Frame, FrameReader, FrameType, encodeFrame, type TerminalExit } from './terminalBridgeProtocol';

/** How long a connection may take to say hello before it is dropped. */
const HELLO_TIMEOUT_MS = 5000;
const TOKEN_BYTES = 24;

export interface TerminalBridgeEvents {
  stdin: [bytes: Buffer];
  stdinEnd: [];
  interrupt: [];
  /** The terminal went away (closed by the user, its shell killed): stdin is over, output has nowhere to go. */
  closed: [];
}

export class TerminalBridgeServer {
  private readonly token = randomBytes(TOKEN_BYTES).toString('hex');
  private closed = false;

  private constructor(private readonly server: net.Server, readonly port: number) {}

  static listen(): Promise<TerminalBridgeServer> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(new TerminalBridgeServer(server, (server.address() as net.AddressInfo).port));
      });
    });
  }

  /** The command line that starts the bridge: `node <bundle> --terminal-bridge PORT TOKEN`. */
  command(bundle: string): string[] {
    return [process.execPath, bundle, TERMINAL_BRIDGE_FLAG, String(this.port), this.token];
  }

  /**
   * The environment the command needs: inside VS Code process.execPath is Electron, which runs
   * scripts as plain Node only when told to.
   */
  commandEnvironment(): Record<string, string> | undefined {
    return process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : undefined;
  }

  /** Resolves with the first connection that presents the token; rejects after `timeoutMs`. */
  accept(timeoutMs: number): Promise<TerminalBridge> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close();
        reject(new Error(`the terminal did not connect within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.server.on('connection', (socket) => {
        if (this.closed) {
          socket.destroy();
          return;
        }
        this.authenticate(socket, (leftover) => {
          clearTimeout(timer);
          this.close();
          resolve(new TerminalBridge(socket, leftover));
        });
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
  }

  private authenticate(socket: net.Socket, accepted: (leftover: Frame[]) => void): void {
    // A hello is a token: a stranger cannot make this end buffer more than that.
    const reader = new FrameReader(this.token.length);
    const expected = Buffer.from(this.token, 'utf8');
    const drop = (): void => {
      socket.destroy();
    };
    const timer = setTimeout(drop, HELLO_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch {
        drop();
        return;
      }
      if (!frames.length) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const [hello, ...rest] = frames;
      const presented = hello.payload;
      if (hello.type !== FrameType.Hello || presented.length !== expected.length || !timingSafeEqual(presented, expected) || this.closed) {
        drop();
        return;
      }
      accepted(rest);
    };
    socket.on('data', onData);
    socket.on('error', drop);
    socket.on('close', () => clearTimeout(timer));
  }
}

/** A connected, authenticated bridge: the guest's terminal. */
export class TerminalBridge extends EventEmitter<TerminalBridgeEvents> {
  private readonly reader = new FrameReader();
  private attached = false;
  private queued: Frame[];
  private open = true;
  private stdinEnded = false;

  constructor(private readonly socket: net.Socket, leftover: Frame[]) {
    super();
    this.queued = leftover;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.receive(this.reader.push(chunk));
      } catch {
        socket.destroy();
      }
    });
    socket.on('end', () => this.lost());
    socket.on('close', () => this.lost());
  }

  get connected(): boolean {
    return this.open;
  }

  /** Starts delivering the terminal's input; what arrived before (typed ahead) comes first. */
  attach(): void {
    this.attached = true;
    const queued = this.queued;
    this.queued = [];
    this.receive(queued);
    if (!this.open) this.announceLoss();
  }

  stdout(bytes: Uint8Array): void {
    this.send(FrameType.Stdout, bytes);
  }

  stderr(bytes: Uint8Array): void {
    this.send(FrameType.Stderr, bytes);
  }

  /** Tells the bridge the guest ended; it exits with the code once everything before has been written. */
  exit(exit: TerminalExit): void {
    this.send(FrameType.Exit, Buffer.from(JSON.stringify(exit), 'utf8'));
    if (this.open) this.socket.end();
    this.open = false;
  }

  /** Drops the connection without an exit status (the session is going away). */
  dispose(): void {
    this.open = false;
    this.socket.destroy();
  }

  private send(type: FrameType, payload: Uint8Array): void {
    if (this.open && this.socket.writable) this.socket.write(encodeFrame(type, payload));
  }

  private receive(frames: Frame[]): void {
    if (!this.attached) {
      this.queued.push(...frames);
      return;
    }
    for (const frame of frames) {
      switch (frame.type) {
        case FrameType.Stdin: if (!this.stdinEnded) this.emit('stdin', Buffer.from(frame.payload)); break;
        case FrameType.StdinEnd: this.endStdin(); break;
        case FrameType.Interrupt: this.emit('interrupt'); break;
      }
    }
  }

  private endStdin(): void {
    if (this.stdinEnded) return;
    this.stdinEnded = true;
    this.emit('stdinEnd');
  }

  private lost(): void {
    if (!this.open) return;
    this.open = false;
    if (this.attached) this.announceLoss();
  }

  private announceLoss(): void {
    this.endStdin();
    this.emit('closed');
  }
}
