import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monotonicNs } from '../../../src/wasi/clock';
import { FdTable, FileDescriptor, StreamDescriptor } from '../../../src/wasi/descriptors';
import { GuestMemory } from '../../../src/wasi/guestMemory';
import type { HostContext } from '../../../src/wasi/hostContext';
import { EVENT_SIZE, pollFunctions, SUBSCRIPTION_SIZE } from '../../../src/wasi/poll';
import { ClockId, EventRwFlags, EventType, Rights, SubclockFlags } from '../../../src/wasi/spec/constants';
import { Errno } from '../../../src/wasi/spec/errno';
import { BufferInput, BufferOutput, SleepOnlySignal, WOULD_BLOCK, type InputStream, type ReadinessSignal } from '../../../src/wasi/streams';
import { WasiError } from '../../../src/wasi/wasiError';

const SUBS = 0x100;
const EVENTS = 0x2000;
const NEVENTS = 0x4000;

type Sub =
  | { userdata: bigint; clock: number; timeoutNs: bigint; abstime?: boolean }
  | { userdata: bigint; read: number }
  | { userdata: bigint; write: number }
  | { userdata: bigint; tag: number };

interface Event {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

function setup(readiness: ReadinessSignal = new SleepOnlySignal(), stopRequested: () => boolean = () => false) {
  const wasm = new WebAssembly.Memory({ initial: 1 });
  const memory = new GuestMemory();
  memory.attach(wasm);
  const fds = new FdTable();
  const ctx: HostContext = { memory, fds, args: [], env: [], readiness, stopRequested };
  const poll = pollFunctions(ctx).poll_oneoff;
  const view = new DataView(wasm.buffer);

  function call(subs: Sub[]): { errno: number; events: Event[] } {
    new Uint8Array(wasm.buffer).fill(0xaa, EVENTS, EVENTS + 32 * 16);
    subs.forEach((sub, i) => {
      const at = SUBS + i * SUBSCRIPTION_SIZE;
      new Uint8Array(wasm.buffer).fill(0, at, at + SUBSCRIPTION_SIZE);
      view.setBigUint64(at, sub.userdata, true);
      if ('clock' in sub) {
        view.setUint8(at + 8, EventType.CLOCK);
        view.setUint32(at + 16, sub.clock, true);
        view.setBigUint64(at + 24, sub.timeoutNs, true);
        view.setBigUint64(at + 32, 1000n, true);
        view.setUint16(at + 40, sub.abstime ? SubclockFlags.SUBSCRIPTION_CLOCK_ABSTIME : 0, true);
      } else if ('read' in sub) {
        view.setUint8(at + 8, EventType.FD_READ);
        view.setUint32(at + 16, sub.read, true);
      } else if ('write' in sub) {
        view.setUint8(at + 8, EventType.FD_WRITE);
        view.setUint32(at + 16, sub.write, true);
      } else {
        view.setUint8(at + 8, sub.tag);
      }
    });
    view.setUint32(NEVENTS, 0xdead, true);
    const errno = poll(SUBS, EVENTS, subs.length, NEVENTS) as number;
    const events: Event[] = [];
    if (errno === Errno.SUCCESS) {
      const count = view.getUint32(NEVENTS, true);
      for (let i = 0; i < count; i++) {
        const at = EVENTS + i * EVENT_SIZE;
        events.push({
          userdata: view.getBigUint64(at, true),
          error: view.getUint16(at + 8, true),
          type: view.getUint8(at + 10),
          nbytes: view.getBigUint64(at + 16, true),
          flags: view.getUint16(at + 24, true),
        });
      }
    }
    return { errno, events };
  }
  return { fds, call };
}

/** An input that has nothing until `arrive()` is called. */
class LateInput implements InputStream {
  private data: Uint8Array = new Uint8Array(0);
  arrive(bytes: Uint8Array): void {
    this.data = bytes;
  }
  read(target: Uint8Array, offset: number, length: number): number {
    if (this.data.length === 0) return WOULD_BLOCK;
    const count = Math.min(length, this.data.length);
    target.set(this.data.subarray(0, count), offset);
    this.data = this.data.subarray(count);
    return count;
  }
  readable(): boolean {
    return this.data.length > 0;
  }
  available(): number {
    return this.data.length;
  }
}

const msSince = (startNs: number): number => (monotonicNs() - startNs) / 1e6;

describe('poll_oneoff', () => {
  test('no subscriptions is EINVAL', () => {
    const { call } = setup();
    assert.equal(call([]).errno, Errno.INVAL);
  });

  test('an unknown event type makes the request invalid', () => {
    const { call } = setup();
    assert.equal(call([{ userdata: 1n, tag: 7 }]).errno, Errno.INVAL);
  });

  test('a relative monotonic clock sleeps at least its timeout and reports its userdata', () => {
    const { call } = setup();
    const start = monotonicNs();
    const { errno, events } = call([{ userdata: 0x1122334455667788n, clock: ClockId.MONOTONIC, timeoutNs: 30_000_000n }]);
    assert.equal(errno, Errno.SUCCESS);
    assert.ok(msSince(start) >= 29, `slept ${msSince(start)} ms`);
    assert.deepEqual(events, [{ userdata: 0x1122334455667788n, error: 0, type: EventType.CLOCK, nbytes: 0n, flags: 0 }]);
  });

  test('an absolute realtime deadline is honoured, one in the past fires at once', () => {
    const { call } = setup();
    const nowNs = BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1e6));
    const start = monotonicNs();
    const future = call([{ userdata: 5n, clock: ClockId.REALTIME, timeoutNs: nowNs + 25_000_000n, abstime: true }]);
    assert.ok(msSince(start) >= 20, `slept ${msSince(start)} ms`);
    assert.deepEqual(future.events.map((e) => [e.userdata, e.error, e.type]), [[5n, 0, EventType.CLOCK]]);
    const past = call([{ userdata: 6n, clock: ClockId.MONOTONIC, timeoutNs: 1n, abstime: true }]);
    assert.deepEqual(past.events.map((e) => [e.userdata, e.error]), [[6n, 0]]);
  });

  test('an unknown clock id is an event error, not a call failure', () => {
    const { call } = setup();
    const { errno, events } = call([{ userdata: 9n, clock: 42, timeoutNs: 1_000_000_000n }]);
    assert.equal(errno, Errno.SUCCESS);
    assert.deepEqual(events.map((e) => [e.userdata, e.error, e.type]), [[9n, Errno.INVAL, EventType.CLOCK]]);
  });

  test('a ready fd wins over a long clock and reports the bytes available', () => {
    const { fds, call } = setup();
    fds.set(0, new StreamDescriptor('stdin', new BufferInput(new TextEncoder().encode('hello')), undefined));
    const start = monotonicNs();
    const { events } = call([
      { userdata: 1n, clock: ClockId.MONOTONIC, timeoutNs: 10_000_000_000n },
      { userdata: 2n, read: 0 },
    ]);
    assert.ok(msSince(start) < 5_000);
    assert.deepEqual(events, [{ userdata: 2n, error: 0, type: EventType.FD_READ, nbytes: 5n, flags: 0 }]);
  });

  test('an input at its end is readable with the hangup flag', () => {
    const { fds, call } = setup();
    fds.set(0, new StreamDescriptor('stdin', new BufferInput(new Uint8Array(0)), undefined));
    const { events } = call([{ userdata: 3n, read: 0 }]);
    assert.deepEqual(events, [{ userdata: 3n, error: 0, type: EventType.FD_READ, nbytes: 0n, flags: EventRwFlags.FD_READWRITE_HANGUP }]);
  });

  test('a closed fd is an EBADF event, and every ready event comes back at once', () => {
    const { fds, call } = setup();
    fds.set(1, new StreamDescriptor('stdout', undefined, new BufferOutput()));
    const { errno, events } = call([
      { userdata: 10n, read: 17 },
      { userdata: 11n, write: 1 },
      { userdata: 12n, clock: ClockId.MONOTONIC, timeoutNs: 0n },
    ]);
    assert.equal(errno, Errno.SUCCESS);
    assert.deepEqual(events.map((e) => [e.userdata, e.error, e.type]), [
      [10n, Errno.BADF, EventType.FD_READ],
      [11n, 0, EventType.FD_WRITE],
      [12n, 0, EventType.CLOCK],
    ]);
  });

  test('fd_read on a write-only stream is a NOTCAPABLE event: it holds no FD_READ, as fd_read answers', () => {
    const { fds, call } = setup();
    fds.set(1, new StreamDescriptor('stdout', undefined, new BufferOutput()));
    assert.deepEqual(call([{ userdata: 4n, read: 1 }]).events.map((e) => e.error), [Errno.NOTCAPABLE]);
  });

  test('a regular file is always ready and reports the bytes to its end', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'poll-'));
    const file = path.join(dir, 'data');
    writeFileSync(file, Buffer.alloc(1000, 1));
    const hostFd = openSync(file, 'r');
    try {
      const { fds, call } = setup();
      const descriptor = new FileDescriptor(hostFd, file, '/data', Rights.FD_READ | Rights.FD_WRITE | Rights.POLL_FD_READWRITE, 0);
      descriptor.position = 300;
      fds.set(3, descriptor);
      const { events } = call([{ userdata: 1n, read: 3 }, { userdata: 2n, write: 3 }]);
      assert.deepEqual(events.map((e) => [e.userdata, e.error, e.nbytes]), [[1n, 0, 700n], [2n, 0, 0n]]);
    } finally {
      closeSync(hostFd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stream that is not ready lets the clock fire', () => {
    const { fds, call } = setup();
    fds.set(0, new StreamDescriptor('stdin', new LateInput(), undefined));
    const { events } = call([{ userdata: 1n, read: 0 }, { userdata: 2n, clock: ClockId.MONOTONIC, timeoutNs: 20_000_000n }]);
    assert.deepEqual(events.map((e) => [e.userdata, e.type]), [[2n, EventType.CLOCK]]);
  });

  test('with no clock it sleeps on the readiness signal until the stream becomes ready', () => {
    const input = new LateInput();
    let generation = 0;
    let waits = 0;
    const readiness: ReadinessSignal = {
      generation: () => generation,
      wait(seen, timeoutMs) {
        assert.equal(seen, generation);
        assert.ok(timeoutMs > 0 && timeoutMs <= 100, `waits in slices, got ${timeoutMs}`);
        waits++;
        // The other side delivers data on the third wake-up and bumps the generation.
        if (waits === 3) {
          input.arrive(new Uint8Array([1, 2, 3]));
          generation++;
        }
      },
    };
    const { fds, call } = setup(readiness);
    fds.set(0, new StreamDescriptor('stdin', input, undefined));
    const { events } = call([{ userdata: 7n, read: 0 }]);
    assert.equal(waits, 3);
    assert.deepEqual(events, [{ userdata: 7n, error: 0, type: EventType.FD_READ, nbytes: 3n, flags: 0 }]);
  });

  test('a stop request ends a poll that would block forever', () => {
    let stop = false;
    const readiness: ReadinessSignal = {
      generation: () => 0,
      wait: () => {
        stop = true;
      },
    };
    const { fds, call } = setup(readiness, () => stop);
    fds.set(0, new StreamDescriptor('stdin', new LateInput(), undefined));
    assert.throws(() => call([{ userdata: 1n, read: 0 }]), (error: unknown) => error instanceof WasiError && error.errno === Errno.INTR);
  });

  test('subscriptions outside memory fault', () => {
    const wasm = new WebAssembly.Memory({ initial: 1 });
    const memory = new GuestMemory();
    memory.attach(wasm);
    const poll = pollFunctions({ memory, fds: new FdTable(), args: [], env: [], readiness: new SleepOnlySignal(), stopRequested: () => false }).poll_oneoff;
    assert.throws(() => poll(65536 - 10, 0, 1, 0x100), /outside linear memory/);
  });
});
