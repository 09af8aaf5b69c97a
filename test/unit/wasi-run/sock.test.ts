import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectoryDescriptor, DIRECTORY_RIGHTS, FdTable, StreamDescriptor } from '../../../src/wasi/descriptors';
import { GuestMemory } from '../../../src/wasi/guestMemory';
import type { HostContext, HostFunctions } from '../../../src/wasi/hostContext';
import { pollFunctions } from '../../../src/wasi/poll';
import { sockFunctions } from '../../../src/wasi/sock';
import { SocketDescriptor, type SocketConnection, type SocketListener } from '../../../src/wasi/sockets';
import { EventType, FdFlags, Filetype, RiFlags, SdFlags } from '../../../src/wasi/spec/constants';
import { Errno } from '../../../src/wasi/spec/errno';
import { BufferInput, BufferOutput, SleepOnlySignal } from '../../../src/wasi/streams';
import { WasiError } from '../../../src/wasi/wasiError';

const IOVS = 0x100;
const OUT = 0x200;
const FLAGS_OUT = 0x210;
const DATA = 0x1000;

function setup() {
  const wasm = new WebAssembly.Memory({ initial: 1 });
  const memory = new GuestMemory();
  memory.attach(wasm);
  const fds = new FdTable();
  const ctx: HostContext = { memory, fds, args: [], env: [], readiness: new SleepOnlySignal(), stopRequested: () => false };
  const view = new DataView(wasm.buffer);
  const bytes = new Uint8Array(wasm.buffer);
  fds.set(0, new StreamDescriptor('stdin', new BufferInput(new Uint8Array(0)), undefined));
  fds.set(1, new StreamDescriptor('stdout', undefined, new BufferOutput()));
  fds.set(2, new StreamDescriptor('stderr', undefined, new BufferOutput()));
  fds.set(3, new DirectoryDescriptor('/tmp', '/', '/tmp', DIRECTORY_RIGHTS, DIRECTORY_RIGHTS, '/'));
  /** Lays out iovecs of the given lengths back to back from DATA. */
  function iovecs(lengths: number[]): number {
    let at = DATA;
    lengths.forEach((length, i) => {
      view.setUint32(IOVS + i * 8, at, true);
      view.setUint32(IOVS + i * 8 + 4, length, true);
      at += length;
    });
    return lengths.length;
  }
  return { ctx, fds, view, bytes, sock: answeringErrnos(sockFunctions(ctx)), poll: pollFunctions(ctx).poll_oneoff, iovecs };
}

/** As the host's guard does: a WasiError thrown inside a call is the call's errno. */
function answeringErrnos(functions: HostFunctions): HostFunctions {
  const wrapped: HostFunctions = {};
  for (const [name, fn] of Object.entries(functions)) {
    wrapped[name] = (...args: number[]) => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof WasiError) return error.errno;
        throw error;
      }
    };
  }
  return wrapped;
}

function connection(name: string, incoming: string): SocketConnection & { sent: BufferOutput; shut: number[] } {
  const sent = new BufferOutput();
  const shut: number[] = [];
  return { name, input: new BufferInput(new TextEncoder().encode(incoming)), output: sent, sent, shut, shutdown: (how) => shut.push(how) };
}

class QueueListener implements SocketListener {
  constructor(readonly waiting: SocketConnection[]) {}
  accept(): SocketConnection | undefined {
    return this.waiting.shift();
  }
  pending(): boolean {
    return this.waiting.length > 0;
  }
}

describe('sock_* errnos on things that are not sockets', () => {
  test('a closed fd is EBADF, stdio and directories are ENOTSOCK', () => {
    const { sock } = setup();
    assert.equal(sock.sock_shutdown(9, SdFlags.WR), Errno.BADF);
    assert.equal(sock.sock_accept(9, 0, OUT), Errno.BADF);
    assert.equal(sock.sock_recv(9, IOVS, 0, 0, OUT, FLAGS_OUT), Errno.BADF);
    assert.equal(sock.sock_send(9, IOVS, 0, 0, OUT), Errno.BADF);
    for (const fd of [0, 1, 3]) {
      assert.equal(sock.sock_shutdown(fd, SdFlags.WR), Errno.NOTSOCK, `shutdown fd ${fd}`);
      assert.equal(sock.sock_accept(fd, 0, OUT), Errno.NOTSOCK, `accept fd ${fd}`);
      assert.equal(sock.sock_recv(fd, IOVS, 0, 0, OUT, FLAGS_OUT), Errno.NOTSOCK, `recv fd ${fd}`);
      assert.equal(sock.sock_send(fd, IOVS, 0, 0, OUT), Errno.NOTSOCK, `send fd ${fd}`);
    }
  });
});

describe('SocketDescriptor extension point', () => {
  test('a listener hands out connections as new socket fds; without one waiting, a non-blocking accept is EAGAIN', () => {
    const { fds, view, sock, poll } = setup();
    const listener = new QueueListener([connection('conn-1', 'ping')]);
    const listening = SocketDescriptor.listening('tcp:8080', listener);
    assert.equal(listening.filetype, Filetype.SOCKET_STREAM);
    fds.set(4, listening);

    // poll_oneoff reports the listener readable while a connection waits.
    view.setBigUint64(0x400, 77n, true);
    view.setUint8(0x400 + 8, EventType.FD_READ);
    view.setUint32(0x400 + 16, 4, true);
    assert.equal(poll(0x400, 0x800, 1, 0x900), Errno.SUCCESS);
    assert.equal(view.getUint32(0x900, true), 1);
    assert.equal(view.getBigUint64(0x800, true), 77n);

    assert.equal(sock.sock_accept(4, FdFlags.NONBLOCK, OUT), Errno.SUCCESS);
    const fd = view.getUint32(OUT, true);
    assert.equal(fd, 5);
    const accepted = fds.get(fd);
    assert.ok(accepted instanceof SocketDescriptor);
    assert.equal(accepted.fdflags, FdFlags.NONBLOCK);
    assert.equal(accepted.filetype, Filetype.SOCKET_STREAM);

    listening.fdflags = FdFlags.NONBLOCK;
    assert.equal(sock.sock_accept(4, 0, OUT), Errno.AGAIN);
    assert.equal(sock.sock_accept(4, FdFlags.APPEND, OUT), Errno.INVAL);
    assert.equal(sock.sock_accept(fd, 0, OUT), Errno.INVAL, 'a connection is not listening');
    assert.equal(sock.sock_shutdown(4, SdFlags.RD), Errno.NOTCONN, 'a listener is not connected');
  });

  test('recv reads into several iovecs, PEEK leaves the bytes, send writes, shutdown half-closes', () => {
    const { fds, view, bytes, sock, iovecs } = setup();
    const conn = connection('conn', 'hello world');
    fds.set(4, SocketDescriptor.connected(conn));

    assert.equal(sock.sock_recv(4, IOVS, iovecs([5]), RiFlags.RECV_PEEK, OUT, FLAGS_OUT), Errno.SUCCESS);
    assert.equal(view.getUint32(OUT, true), 5);
    assert.equal(Buffer.from(bytes.subarray(DATA, DATA + 5)).toString(), 'hello');

    assert.equal(sock.sock_recv(4, IOVS, iovecs([3, 20]), 0, OUT, FLAGS_OUT), Errno.SUCCESS);
    assert.equal(view.getUint32(OUT, true), 11);
    assert.equal(view.getUint16(FLAGS_OUT, true), 0);
    assert.equal(Buffer.from(bytes.subarray(DATA, DATA + 11)).toString(), 'hello world');

    assert.equal(sock.sock_recv(4, IOVS, iovecs([4]), 0, OUT, FLAGS_OUT), Errno.SUCCESS);
    assert.equal(view.getUint32(OUT, true), 0, 'end of stream');

    bytes.set(new TextEncoder().encode('abcdef'), DATA);
    assert.equal(sock.sock_send(4, IOVS, iovecs([2, 4]), 0, OUT), Errno.SUCCESS);
    assert.equal(view.getUint32(OUT, true), 6);
    assert.equal(conn.sent.text(), 'abcdef');

    assert.equal(sock.sock_shutdown(4, 0), Errno.INVAL);
    assert.equal(sock.sock_shutdown(4, 4), Errno.INVAL);
    assert.equal(sock.sock_shutdown(4, SdFlags.WR), Errno.SUCCESS);
    assert.deepEqual(conn.shut, [SdFlags.WR]);
    assert.equal(sock.sock_send(4, IOVS, iovecs([1]), 0, OUT), Errno.PIPE);
  });
});
