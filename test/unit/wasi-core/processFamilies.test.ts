// The small families, one describe each: args, environ, clock, random, proc and sched, called as
// a guest calls them, through guest memory.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClockId } from '../../../src/wasi/spec/constants';
import { Errno } from '../../../src/wasi/spec/errno';
import { ProcExit } from '../../../src/wasi/wasiError';
import { Guest } from '../wasi-fs/guestHarness';

const WILD = 0xfffffff0;

/** Reads a NUL-terminated list the way a libc start-up does: count and size first, then the table. */
function readList(guest: Guest, sizes: string, get: string): string[] {
  const countOut = guest.alloc(4);
  const sizeOut = guest.alloc(4);
  assert.equal(guest.call(sizes, countOut, sizeOut), Errno.SUCCESS);
  const count = guest.u32(countOut);
  const size = guest.u32(sizeOut);
  const table = guest.alloc(count * 4);
  const buffer = guest.alloc(size);
  assert.equal(guest.call(get, table, buffer), Errno.SUCCESS);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = guest.u32(table + i * 4);
    assert.ok(start >= buffer && start < buffer + size, 'every pointer lands in the buffer');
    const end = guest.bytes.indexOf(0, start);
    items.push(Buffer.from(guest.bytes.subarray(start, end)).toString('utf8'));
  }
  assert.equal(guest.bytes[buffer + size - 1], 0, 'the buffer ends with the last NUL');
  return items;
}

describe('args', () => {
  test('args_sizes_get and args_get give argv in order, UTF-8, NUL-terminated, sizes counting the NULs', () => {
    const args = ['prog.wasm', '', 'with space', 'ünïcödé ✓'];
    const guest = new Guest({ args });
    assert.deepEqual(readList(guest, 'args_sizes_get', 'args_get'), args);
    const sizeOut = guest.alloc(4);
    guest.call('args_sizes_get', guest.alloc(4), sizeOut);
    assert.equal(guest.u32(sizeOut), args.reduce((total, a) => total + Buffer.byteLength(a) + 1, 0));
  });

  test('pointers outside memory give EFAULT and write nothing', () => {
    const guest = new Guest({ args: ['a', 'b'] });
    assert.equal(guest.call('args_sizes_get', WILD, guest.alloc(4)), Errno.FAULT);
    const buffer = guest.alloc(16);
    guest.bytes.fill(0xaa, buffer, buffer + 16);
    assert.equal(guest.call('args_get', WILD, buffer), Errno.FAULT);
    assert.ok(guest.bytes.subarray(buffer, buffer + 16).every((b) => b === 0xaa));
  });
});

describe('environ', () => {
  test('exactly the given variables, as NAME=VALUE', () => {
    const guest = new Guest({ env: { HOME: '/home/gopher', EMPTY: '', 'ÄÖ': 'ü=1' } });
    assert.deepEqual(readList(guest, 'environ_sizes_get', 'environ_get').sort(), ['EMPTY=', 'HOME=/home/gopher', 'ÄÖ=ü=1'].sort());
  });

  test('no environment given: zero variables, not the host environment', () => {
    const guest = new Guest({});
    const countOut = guest.alloc(4);
    assert.equal(guest.call('environ_sizes_get', countOut, guest.alloc(4)), Errno.SUCCESS);
    assert.equal(guest.u32(countOut), 0);
  });
});

describe('clock', () => {
  test('realtime is the wall clock in nanoseconds; monotonic never goes back', () => {
    const guest = new Guest({});
    const out = guest.alloc(8);
    const before = BigInt(Date.now()) * 1_000_000n;
    assert.equal(guest.call('clock_time_get', ClockId.REALTIME, 1n, out), Errno.SUCCESS);
    const realtime = guest.u64(out);
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    assert.ok(realtime >= before - 1_000_000n && realtime <= after, `${realtime} within [${before}, ${after}]`);
    let last = 0n;
    for (let i = 0; i < 10_000; i++) {
      assert.equal(guest.call('clock_time_get', ClockId.MONOTONIC, 0n, out), Errno.SUCCESS);
      const now = guest.u64(out);
      assert.ok(now >= last, 'monotonic clock went backwards');
      last = now;
    }
  });

  test('the monotonic clock measures a real sleep', () => {
    const guest = new Guest({});
    const out = guest.alloc(8);
    guest.call('clock_time_get', ClockId.MONOTONIC, 0n, out);
    const start = guest.u64(out);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    guest.call('clock_time_get', ClockId.MONOTONIC, 0n, out);
    const elapsed = Number(guest.u64(out) - start) / 1e6;
    assert.ok(elapsed >= 45 && elapsed < 1000, `slept 50 ms, clock says ${elapsed} ms`);
  });

  test('realtime advances in step with the monotonic clock', () => {
    const guest = new Guest({});
    const out = guest.alloc(8);
    const read = (id: number): bigint => {
      guest.call('clock_time_get', id, 0n, out);
      return guest.u64(out);
    };
    read(ClockId.REALTIME);
    read(ClockId.MONOTONIC);
    const [wall0, mono0] = [read(ClockId.REALTIME), read(ClockId.MONOTONIC)];
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    const [wall1, mono1] = [read(ClockId.REALTIME), read(ClockId.MONOTONIC)];
    const drift = Number((wall1 - wall0) - (mono1 - mono0));
    // The two reads of a pair are microseconds apart (more on a loaded machine): allow 0.2 ms.
    assert.ok(Math.abs(drift) < 200_000, `realtime moved ${wall1 - wall0} ns, monotonic ${mono1 - mono0} ns`);
  });

  test('CPU-time clocks advance with work done', () => {
    const guest = new Guest({});
    const out = guest.alloc(8);
    for (const id of [ClockId.PROCESS_CPUTIME_ID, ClockId.THREAD_CPUTIME_ID]) {
      guest.call('clock_time_get', id, 0n, out);
      const start = guest.u64(out);
      let spin = 0;
      for (let i = 0; i < 5_000_000; i++) spin += i % 7;
      assert.ok(spin > 0);
      guest.call('clock_time_get', id, 0n, out);
      assert.ok(guest.u64(out) > start, `clock ${id} did not advance`);
    }
  });

  test('clock_res_get gives a positive resolution; unknown clocks are EINVAL; wild pointers EFAULT', () => {
    const guest = new Guest({});
    const out = guest.alloc(8);
    for (const id of Object.values(ClockId)) {
      assert.equal(guest.call('clock_res_get', id, out), Errno.SUCCESS);
      assert.ok(guest.u64(out) > 0n);
    }
    assert.equal(guest.call('clock_res_get', 4, out), Errno.INVAL);
    assert.equal(guest.call('clock_time_get', 99, 0n, out), Errno.INVAL);
    assert.equal(guest.call('clock_time_get', ClockId.REALTIME, 0n, WILD), Errno.FAULT);
    assert.equal(guest.call('clock_res_get', ClockId.MONOTONIC, WILD), Errno.FAULT);
  });
});

describe('random', () => {
  test('random_get fills exactly the buffer with bytes that differ between calls', () => {
    const guest = new Guest({});
    const buffer = guest.alloc(4096 + 16);
    guest.bytes.fill(0, buffer, buffer + 4096 + 16);
    assert.equal(guest.call('random_get', buffer, 4096), Errno.SUCCESS);
    const first = Buffer.from(guest.bytes.subarray(buffer, buffer + 4096));
    assert.ok(guest.bytes.subarray(buffer + 4096, buffer + 4096 + 16).every((b) => b === 0), 'nothing written past the end');
    // 4096 random bytes: every byte value is expected about 16 times; none missing is near certain.
    assert.ok(new Set(first).size > 200);
    assert.equal(guest.call('random_get', buffer, 4096), Errno.SUCCESS);
    assert.notDeepEqual(Buffer.from(guest.bytes.subarray(buffer, buffer + 4096)), first);
    assert.equal(guest.call('random_get', buffer, 0), Errno.SUCCESS);
    assert.equal(guest.call('random_get', WILD, 64), Errno.FAULT);
  });
});

describe('proc and sched', () => {
  test('proc_exit unwinds the guest with the exact exit code, beyond 0 and 1', () => {
    const guest = new Guest({});
    for (const code of [0, 1, 33, 255]) {
      assert.throws(() => guest.call('proc_exit', code), (error: unknown) => error instanceof ProcExit && error.code === code);
    }
  });

  test('proc_raise is refused as unsupported; sched_yield succeeds', () => {
    const guest = new Guest({});
    assert.equal(guest.call('proc_raise', 15), Errno.NOTSUP);
    assert.equal(guest.call('sched_yield'), Errno.SUCCESS);
  });
});
