// The worker's half of a preopened TCP listener. The main thread owns the real sockets; for each
// connection it creates two rings and offers them on the listener's MessagePort. The guest's thread
// is blocked in WASI calls most of the time and never runs its event loop, so offers are taken
// synchronously (receiveMessageOnPort) whenever the guest accepts or polls.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { SocketConnection, SocketListener } from '../sockets';
import { RingInput, RingOutput } from './ringStreams';
import { SharedRing, type WakeCells } from './sharedRing';

/** main → worker: a new connection's rings. `input` carries bytes from the peer, `output` to it. */
export interface ConnectionOffer {
  readonly name: string;
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
}

/** worker → main: the guest closed the listening socket. */
export interface ListenerClosed {
  readonly close: true;
}

/** A listener as the worker's WASI host sees it: what the main thread offered and nobody accepted yet. */
export class RingSocketListener implements SocketListener {
  private readonly waiting: ConnectionOffer[] = [];
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    private readonly cells: WakeCells,
    private readonly onStop: () => void,
  ) {}

  accept(): SocketConnection | undefined {
    this.takeOffers();
    const offer = this.waiting.shift();
    if (!offer) return undefined;
    return {
      name: offer.name,
      input: new RingInput(new SharedRing(offer.input), this.cells, this.onStop),
      output: new RingOutput(new SharedRing(offer.output), this.cells, this.onStop),
    };
  }

  pending(): boolean {
    this.takeOffers();
    return this.waiting.length > 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.postMessage({ close: true } satisfies ListenerClosed);
    this.port.close();
  }

  private takeOffers(): void {
    if (this.closed) return;
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (!received) return;
      this.waiting.push(received.message as ConnectionOffer);
    }
  }
}
