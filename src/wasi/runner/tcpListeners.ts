// The main thread's half of `--tcplisten`: it owns the net.Server of each preopened listening
// socket and every connection, and moves bytes between the sockets and per-connection rings that
// the guest's worker reads and writes (the same pumps as stdio, so backpressure works both ways:
// a slow guest pauses the peer, a slow peer makes the guest wait).
import * as net from 'node:net';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { ConnectionOffer, ListenerClosed } from './ringSockets';
import { SharedRing, type WakeCells } from './sharedRing';
import { InputPump, OutputPump } from './stdioPumps';
import { formatTcpListenAddress, type TcpListenAddress } from './tcpListenAddress';

export { parseTcpListenAddress, type TcpListenAddress } from './tcpListenAddress';

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
}

/** How long finish() lets peers take what the guest wrote before their sockets are destroyed. */
const CLOSE_GRACE_MS = 2000;

export class TcpListeners {
  /** The worker's end of each listener's port, in the order the addresses were given. */
  readonly workerPorts: MessagePort[] = [];
  readonly names: string[];
  private readonly servers: net.Server[] = [];
  private readonly mainPorts: MessagePort[] = [];
  private readonly bridges = new Set<ConnectionBridge>();
  private finished = false;

  constructor(
    private readonly addresses: readonly TcpListenAddress[],
    private readonly cells: WakeCells,
    private readonly ringBytes: number,
  ) {
    this.names = addresses.map((a) => `tcp ${formatTcpListenAddress(a.host, a.port)}`);
    for (let i = 0; i < addresses.length; i++) {
      const { port1, port2 } = new MessageChannel();
      this.mainPorts.push(port1);
      this.workerPorts.push(port2);
      port1.on('message', (message: ListenerClosed) => {
        if (message.close) this.servers[i]?.close();
      });
    }
  }

  /** Binds every address; rejects with one line naming the address that failed. */
  async listen(): Promise<ListeningAddress[]> {
    const bound: ListeningAddress[] = [];
    for (let i = 0; i < this.addresses.length; i++) {
      const address = this.addresses[i];
      // Half-open: a peer's FIN is end of input for the guest, which may still answer (the guest decides when to close).
      const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.connect(i, socket));
      this.servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(new Error(`cannot listen on ${formatTcpListenAddress(address.host, address.port)}: ${error.code === 'EADDRINUSE' ? 'the address is in use' : error.message}`)),
        );
        server.listen({ host: address.host, port: address.port, exclusive: true }, resolve);
      });
      const info = server.address() as net.AddressInfo;
      this.names[i] = `tcp ${formatTcpListenAddress(info.address, info.port)}`;
      bound.push({ host: info.address, port: info.port });
    }
    return bound;
  }

  /** Moves bytes of every connection; called whenever the worker signals a change. */
  pump(): void {
    for (const bridge of this.bridges) bridge.pump();
  }

  /** The guest has ended: what it wrote reaches the peers, then every socket and server closes. */
  async finish(): Promise<void> {
    this.finished = true;
    for (const port of this.mainPorts) port.close();
    for (const server of this.servers) server.close();
    await Promise.all([...this.bridges].map((bridge) => bridge.close()));
  }

  private connect(index: number, socket: net.Socket): void {
    if (this.finished) {
      socket.destroy();
      return;
    }
    const input = new SharedRing(this.ringBytes);
    const output = new SharedRing(this.ringBytes);
    const bridge = new ConnectionBridge(socket, input, output, this.cells, () => this.bridges.delete(bridge));
    this.bridges.add(bridge);
    const offer: ConnectionOffer = {
      name: `${this.names[index]} <- ${formatTcpListenAddress(socket.remoteAddress ?? '?', socket.remotePort ?? 0)}`,
      input: input.buffer,
      output: output.buffer,
    };
    this.mainPorts[index].postMessage(offer);
    this.cells.wakeWorker();
  }
}

/** One accepted connection: socket → input ring (InputPump), output ring → socket (OutputPump). */
class ConnectionBridge {
  private readonly input: InputPump;
  private readonly output: OutputPump;
  private ended = false;
  private discarding = false;
  private readonly closed: Promise<void>;

  constructor(
    private readonly socket: net.Socket,
    private readonly inputRing: SharedRing,
    private readonly outputRing: SharedRing,
    cells: WakeCells,
    onClose: () => void,
  ) {
    this.input = new InputPump(inputRing, cells, socket);
    this.output = new OutputPump(outputRing, cells, socket);
    this.closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        // A peer that went away without a FIN (a reset) is still end of input for the guest.
        if (!inputRing.writerClosed) {
          inputRing.closeWriter();
          cells.wakeWorker();
        }
        onClose();
        resolve();
      }),
    );
    // Errors (ECONNRESET) reach the pumps, which turn them into EOF and EPIPE for the guest.
    socket.on('error', () => {});
  }

  pump(): void {
    this.input.pump();
    this.output.pump();
    // The guest closed its sending side and every byte went to the socket: send the FIN.
    if (!this.ended && this.outputRing.writerClosed && this.outputRing.used() === 0) {
      this.ended = true;
      this.socket.end();
    }
    // Once the guest has stopped reading too, what the peer still sends is discarded so its FIN is seen.
    if (this.ended && !this.discarding && this.inputRing.readerClosed) {
      this.discarding = true;
      this.input.detach();
      this.socket.resume();
    }
  }

  async close(): Promise<void> {
    this.input.detach();
    this.output.pump();
    if (!this.ended) {
      this.ended = true;
      this.socket.end();
    }
    this.socket.resume();
    const grace = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    grace.unref();
    await this.closed;
    clearTimeout(grace);
  }
}
