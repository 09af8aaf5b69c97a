// sock_accept, sock_recv, sock_send and sock_shutdown. They act only on SocketDescriptor (see
// ./sockets): any other open fd answers ENOTSOCK, a closed one EBADF, in that order, because
// that is what the WASI test suite and Go's tests check.
import type { HostContext, HostFunctions } from './hostContext';
import { PeekableInput, SocketDescriptor } from './sockets';
import { FdFlags, RiFlags, Rights, SdFlags } from './spec/constants';
import { Errno } from './spec/errno';
import { WOULD_BLOCK } from './streams';
import { WasiError } from './wasiError';

/** How long sock_accept sleeps between checks for a stop request while it waits for a connection. */
const ACCEPT_WAIT_SLICE_MS = 100;

const IOVEC_SIZE = 8;

export function sockFunctions(ctx: HostContext): HostFunctions {
  const { memory, fds } = ctx;

  function socket(fd: number, rights: number): SocketDescriptor {
    const descriptor = fds.get(fd);
    if (!(descriptor instanceof SocketDescriptor)) throw new WasiError(Errno.NOTSOCK);
    if ((descriptor.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return descriptor;
  }

  return {
    sock_accept: (fd: number, flags: number, fdOut: number) => {
      const descriptor = socket(fd, 0);
      const listener = descriptor.listener;
      if (!listener) return Errno.INVAL;
      if ((descriptor.rightsBase & Rights.SOCK_ACCEPT) === 0) return Errno.NOTCAPABLE;
      if ((flags & ~FdFlags.NONBLOCK) !== 0) return Errno.INVAL;
      memory.refresh();
      // Checked before accepting, so a bad pointer never loses a connection.
      memory.check(fdOut >>> 0, 4);
      let connection = listener.accept();
      while (!connection) {
        if (descriptor.fdflags & FdFlags.NONBLOCK) return Errno.AGAIN;
        const seen = ctx.readiness.generation();
        if (listener.pending()) {
          connection = listener.accept();
          continue;
        }
        if (ctx.stopRequested()) throw new WasiError(Errno.INTR);
        ctx.readiness.wait(seen, ACCEPT_WAIT_SLICE_MS);
        connection = listener.accept();
      }
      const accepted = SocketDescriptor.connected(connection);
      accepted.fdflags = flags & FdFlags.NONBLOCK;
      memory.refresh();
      memory.setU32(fdOut >>> 0, fds.add(accepted));
      return Errno.SUCCESS;
    },

    sock_recv: (fd: number, iovs: number, iovsLen: number, riFlags: number, dataLenOut: number, roFlagsOut: number) => {
      const descriptor = socket(fd, Rights.FD_READ);
      const input = descriptor.peekable;
      if (!input) return Errno.NOTCONN;
      if ((riFlags & ~(RiFlags.RECV_PEEK | RiFlags.RECV_WAITALL)) !== 0) return Errno.INVAL;
      iovs >>>= 0;
      const count = iovsLen >>> 0;
      memory.refresh();
      memory.check(iovs, count * IOVEC_SIZE);
      memory.check(dataLenOut >>> 0, 4);
      memory.check(roFlagsOut >>> 0, 2);
      const nonblocking = (descriptor.fdflags & FdFlags.NONBLOCK) !== 0;
      let total = 0;
      if (riFlags & RiFlags.RECV_PEEK) {
        total = peekInto(input, iovs, count, nonblocking);
      } else {
        const waitAll = (riFlags & RiFlags.RECV_WAITALL) !== 0;
        for (let i = 0; i < count; i++) {
          const buffer = memory.u32(iovs + i * IOVEC_SIZE);
          const length = memory.u32(iovs + i * IOVEC_SIZE + 4);
          let filled = 0;
          while (filled < length) {
            // Like readv: block for the first bytes only (then take what is there), unless WAITALL
            // asks for every byte.
            const blocking = !nonblocking && (total === 0 || waitAll);
            memory.check(buffer, length);
            const n = input.read(memory.bytes, buffer + filled, length - filled, blocking);
            if (n === WOULD_BLOCK) {
              if (total === 0) return Errno.AGAIN;
              break;
            }
            if (n === 0) break;
            filled += n;
            total += n;
            memory.refresh();
          }
          if (filled < length) break;
        }
      }
      memory.setU32(dataLenOut >>> 0, total);
      // RECV_DATA_TRUNCATED only exists for datagrams; stream sockets never set it.
      memory.setU16(roFlagsOut >>> 0, 0);
      return Errno.SUCCESS;
    },

    sock_send: (fd: number, iovs: number, iovsLen: number, _siFlags: number, dataLenOut: number) => {
      const descriptor = socket(fd, Rights.FD_WRITE);
      const output = descriptor.output;
      if (!output) return Errno.NOTCONN;
      if (descriptor.shutdownFlags & SdFlags.WR) return Errno.PIPE;
      iovs >>>= 0;
      const count = iovsLen >>> 0;
      memory.refresh();
      memory.check(iovs, count * IOVEC_SIZE);
      memory.check(dataLenOut >>> 0, 4);
      const nonblocking = (descriptor.fdflags & FdFlags.NONBLOCK) !== 0;
      let total = 0;
      for (let i = 0; i < count; i++) {
        const buffer = memory.u32(iovs + i * IOVEC_SIZE);
        const length = memory.u32(iovs + i * IOVEC_SIZE + 4);
        memory.check(buffer, length);
        let sent = 0;
        while (sent < length) {
          const n = output.write(memory.bytes, buffer + sent, length - sent, !nonblocking);
          if (n === WOULD_BLOCK || n === 0) {
            if (n === WOULD_BLOCK && total === 0 && sent === 0) return Errno.AGAIN;
            break;
          }
          sent += n;
          memory.refresh();
        }
        total += sent;
        if (sent < length) break;
      }
      memory.setU32(dataLenOut >>> 0, total);
      return Errno.SUCCESS;
    },

    sock_shutdown: (fd: number, how: number) => {
      const descriptor = socket(fd, Rights.SOCK_SHUTDOWN);
      if (how === 0 || (how & ~(SdFlags.RD | SdFlags.WR)) !== 0) return Errno.INVAL;
      descriptor.shutdown(how);
      return Errno.SUCCESS;
    },
  };

  /** RECV_PEEK: fills the iovecs from the peek buffer without consuming; returns the byte count. */
  function peekInto(input: PeekableInput, iovs: number, count: number, nonblocking: boolean): number {
    let wanted = 0;
    for (let i = 0; i < count; i++) wanted += memory.u32(iovs + i * IOVEC_SIZE + 4);
    // Peeking is rare (protocol sniffing); a scratch copy keeps PeekableInput simple.
    const scratch = new Uint8Array(wanted);
    const got = input.peek(scratch, 0, wanted, !nonblocking);
    if (got === WOULD_BLOCK) throw new WasiError(Errno.AGAIN);
    memory.refresh();
    let copied = 0;
    for (let i = 0; i < count && copied < got; i++) {
      const buffer = memory.u32(iovs + i * IOVEC_SIZE);
      const length = Math.min(memory.u32(iovs + i * IOVEC_SIZE + 4), got - copied);
      memory.write(buffer, scratch.subarray(copied, copied + length));
      copied += length;
    }
    return copied;
  }
}
