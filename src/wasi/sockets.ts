// What a socket is to the fd table. WASI preview 1 cannot create sockets: the host hands the guest
// listening sockets as preopened fds and the guest accepts connections on them. The code that
// opens real host sockets supplies a SocketListener and connection streams; the sock_* calls and
// poll_oneoff only talk to the shapes declared here.
import { StreamDescriptor } from './descriptors';
import { Filetype, Rights, SdFlags } from './spec/constants';
import { Errno } from './spec/errno';
import { WOULD_BLOCK, type InputStream, type OutputStream } from './streams';
import { WasiError } from './wasiError';

/** A connection accepted from a listener: its byte streams in both directions. */
export interface SocketConnection {
  readonly name: string;
  readonly input: InputStream;
  readonly output: OutputStream;
  /** Half-closes the connection on the host (SdFlags.RD and/or SdFlags.WR). */
  shutdown?(how: number): void;
}

/** A listening socket as the host provides it. Connections arrive from another thread or the event loop. */
export interface SocketListener {
  /** Takes a waiting connection, or returns undefined when none waits (never blocks). */
  accept(): SocketConnection | undefined;
  /** True when accept() would return a connection: poll_oneoff reports fd_read ready. */
  pending(): boolean;
  close?(): void;
}

const SOCKET_RIGHTS = Rights.SOCK_SHUTDOWN | Rights.POLL_FD_READWRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET;

/**
 * A stream socket: either a listener (accept only) or a connection (read, write, shutdown). Reads
 * go through a peek buffer so sock_recv's RECV_PEEK and plain fd_read see the same bytes.
 */
export class SocketDescriptor extends StreamDescriptor {
  /** SdFlags already applied by sock_shutdown. */
  shutdownFlags = 0;
  private readonly connection: SocketConnection | undefined;

  private constructor(name: string, connection: SocketConnection | undefined, readonly listener: SocketListener | undefined) {
    super(name, connection ? new PeekableInput(connection.input) : undefined, connection?.output, Filetype.SOCKET_STREAM);
    this.connection = connection;
    this.rightsBase |= SOCKET_RIGHTS | (listener ? Rights.SOCK_ACCEPT : 0);
  }

  static listening(name: string, listener: SocketListener): SocketDescriptor {
    return new SocketDescriptor(name, undefined, listener);
  }

  static connected(connection: SocketConnection): SocketDescriptor {
    return new SocketDescriptor(connection.name, connection, undefined);
  }

  /** The peekable view of the input, for sock_recv with RECV_PEEK. */
  get peekable(): PeekableInput | undefined {
    return this.input instanceof PeekableInput ? this.input : undefined;
  }

  /** sock_shutdown: half-closes; a listener is not connected. */
  shutdown(how: number): void {
    if (!this.connection) throw new WasiError(Errno.NOTCONN);
    this.shutdownFlags |= how;
    if (this.connection.shutdown) this.connection.shutdown(how);
    else {
      if (how & SdFlags.RD) this.connection.input.close?.();
      if (how & SdFlags.WR) this.connection.output.close?.();
    }
  }

  override close(): void {
    if (this.listener) this.listener.close?.();
    else super.close();
  }
}

/**
 * An input that can hand out bytes without consuming them: peeked bytes are kept and served first
 * by the next read.
 */
export class PeekableInput implements InputStream {
  private held = new Uint8Array(0);

  constructor(private readonly source: InputStream) {}

  read(target: Uint8Array, offset: number, length: number, blocking: boolean): number {
    if (this.held.length > 0) {
      const count = Math.min(length, this.held.length);
      target.set(this.held.subarray(0, count), offset);
      this.held = this.held.subarray(count);
      return count;
    }
    return this.source.read(target, offset, length, blocking);
  }

  /** Like read, but the bytes stay to be read again. */
  peek(target: Uint8Array, offset: number, length: number, blocking: boolean): number {
    if (this.held.length < length) {
      const more = new Uint8Array(length - this.held.length);
      const count = this.held.length > 0 ? this.source.read(more, 0, more.length, false) : this.source.read(more, 0, more.length, blocking);
      if (count === WOULD_BLOCK && this.held.length === 0) return WOULD_BLOCK;
      if (count > 0) {
        const joined = new Uint8Array(this.held.length + count);
        joined.set(this.held, 0);
        joined.set(more.subarray(0, count), this.held.length);
        this.held = joined;
      }
    }
    const count = Math.min(length, this.held.length);
    target.set(this.held.subarray(0, count), offset);
    return count;
  }

  readable(): boolean {
    return this.held.length > 0 || this.source.readable();
  }

  available(): number {
    return this.held.length + this.source.available();
  }

  close(): void {
    this.source.close?.();
  }
}
