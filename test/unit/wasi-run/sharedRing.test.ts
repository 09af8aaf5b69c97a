import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RingInput, RingOutput } from '../../../src/wasi/runner/ringStreams';
import { SharedRing, WakeCells, WorkerReadiness } from '../../../src/wasi/runner/sharedRing';
import { Errno } from '../../../src/wasi/spec/errno';
import { WOULD_BLOCK } from '../../../src/wasi/streams';
import { WasiError } from '../../../src/wasi/wasiError';

const isErrno = (errno: number) => (error: unknown) => error instanceof WasiError && error.errno === errno;

describe('SharedRing', () => {
  test('only powers of two are accepted as capacity', () => {
    assert.throws(() => new SharedRing(1000), RangeError);
    assert.throws(() => new SharedRing(0), RangeError);
    assert.equal(new SharedRing(1024).capacity, 1024);
  });

  test('bytes come out in order across many wrap-arounds, never more than the capacity held', () => {
    const ring = new SharedRing(64);
    const total = 10_000;
    const source = Uint8Array.from({ length: total }, (_, i) => (i * 7) % 256);
    const received = new Uint8Array(total);
    let written = 0;
    let read = 0;
    let step = 0;
    while (read < total) {
      step++;
      const wantWrite = (step * 13) % 50;
      written += ring.write(source, written, Math.min(wantWrite, total - written));
      assert.ok(ring.used() <= ring.capacity);
      assert.equal(ring.used() + ring.free(), ring.capacity);
      read += ring.read(received, read, (step * 29) % 41);
    }
    assert.deepEqual(received, source);
    assert.equal(ring.used(), 0);
  });

  test('a full ring accepts nothing and an empty one yields nothing', () => {
    const ring = new SharedRing(16);
    assert.equal(ring.write(new Uint8Array(40), 0, 40), 16);
    assert.equal(ring.write(new Uint8Array(1), 0, 1), 0);
    assert.equal(ring.read(new Uint8Array(40), 0, 40), 16);
    assert.equal(ring.read(new Uint8Array(1), 0, 1), 0);
  });

  test('a view made from the shared buffer sees the same bytes and flags', () => {
    const ring = new SharedRing(32);
    const other = new SharedRing(ring.buffer);
    ring.write(new Uint8Array([1, 2, 3]), 0, 3);
    ring.closeWriter();
    const out = new Uint8Array(3);
    assert.equal(other.read(out, 0, 3), 3);
    assert.deepEqual([...out], [1, 2, 3]);
    assert.ok(other.writerClosed);
    assert.ok(!other.readerClosed);
    assert.ok(other.markWanted());
    assert.ok(!ring.markWanted(), 'only the first call announces');
    assert.ok(ring.wanted);
  });
});

describe('ring streams', () => {
  test('RingInput: WOULD_BLOCK when empty and non-blocking, data in order, then end of input', () => {
    const ring = new SharedRing(16);
    const cells = new WakeCells();
    const input = new RingInput(ring, cells, () => assert.fail('no stop'));
    const target = new Uint8Array(8);
    const before = cells.mainGeneration();
    assert.equal(input.read(target, 0, 8, false), WOULD_BLOCK);
    assert.ok(ring.wanted, 'the first read asks the main thread for input');
    assert.notEqual(cells.mainGeneration(), before);
    assert.equal(input.readable(), false);
    ring.write(new Uint8Array([4, 5, 6]), 0, 3);
    assert.equal(input.available(), 3);
    assert.equal(input.read(target, 2, 8, false), 3);
    assert.deepEqual([...target.subarray(2, 5)], [4, 5, 6]);
    ring.closeWriter();
    assert.equal(input.readable(), true);
    assert.equal(input.read(target, 0, 8, true), 0);
  });

  test('RingInput: a blocking read unwinds with EINTR once a stop is requested', () => {
    const ring = new SharedRing(16);
    const cells = new WakeCells();
    let stopped = 0;
    const input = new RingInput(ring, cells, () => stopped++);
    cells.requestStop();
    assert.throws(() => input.read(new Uint8Array(4), 0, 4, true), isErrno(Errno.INTR));
    assert.equal(stopped, 1);
  });

  test('RingOutput: partial non-blocking writes, WOULD_BLOCK when full, EPIPE once the reader is gone', () => {
    const ring = new SharedRing(16);
    const cells = new WakeCells();
    const output = new RingOutput(ring, cells, () => assert.fail('no stop'));
    const data = Uint8Array.from({ length: 20 }, (_, i) => i);
    assert.equal(output.write(data, 0, 20, false), 16);
    assert.equal(output.writable(), false);
    assert.equal(output.write(data, 16, 4, false), WOULD_BLOCK);
    const drained = new Uint8Array(16);
    ring.read(drained, 0, 16);
    assert.deepEqual([...drained], [...data.subarray(0, 16)]);
    assert.equal(output.writable(), true);
    ring.closeReader();
    assert.equal(output.writable(), true, 'writable: the write will not block, it fails');
    assert.throws(() => output.write(data, 0, 1, true), isErrno(Errno.PIPE));
    output.flush();
  });

  test('RingOutput: a blocking write on a full ring waits, and a stop unwinds it', () => {
    const ring = new SharedRing(16);
    const cells = new WakeCells();
    let stopped = 0;
    const output = new RingOutput(ring, cells, () => stopped++);
    cells.requestStop();
    assert.equal(output.write(new Uint8Array(20), 0, 20, true), 16, 'bytes already accepted are reported');
    assert.throws(() => output.write(new Uint8Array(4), 0, 4, true), isErrno(Errno.INTR));
    assert.equal(stopped, 1);
  });

  test('WorkerReadiness: generations come from the main thread, a stop reaches the host', () => {
    const cells = new WakeCells();
    let stopped = 0;
    const readiness = new WorkerReadiness(cells, () => stopped++);
    const seen = readiness.generation();
    cells.wakeWorker();
    assert.notEqual(readiness.generation(), seen);
    readiness.wait(seen, 1000);
    assert.equal(stopped, 0);
    cells.requestStop();
    readiness.wait(readiness.generation(), 1);
    assert.equal(stopped, 1);
  });
});
