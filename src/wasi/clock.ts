// clock_res_get and clock_time_get. Times are written as two u32 halves computed from doubles, so
// the hottest call of a Go program (time.Now, the scheduler) allocates no BigInt.
import type { HostContext, HostFunctions } from './hostContext';
import { ClockId } from './spec/constants';
import { Errno } from './spec/errno';

// The time source is process.hrtime(): clock_time_get is the guest's most frequent call (Go reads
// two clocks per time.Now) and the clock read is most of its cost. hrtime is the cheapest
// high-resolution source Node offers (~33 ns; performance.now() ~37 ns plus ~4 ns for the global
// `performance` accessor and ~19 ns for its timeOrigin getter), and it gives whole nanoseconds.
const hrtime = process.hrtime;
const [ORIGIN_SECONDS] = hrtime();

/**
 * Monotonic ns since the second this module was loaded, exact in a double for ~104 days (whole
 * seconds are subtracted, so no nanosecond borrow is needed).
 */
export function monotonicNs(): number {
  const now = hrtime();
  return (now[0] - ORIGIN_SECONDS) * 1e9 + now[1];
}

/**
 * Wall-clock ns at monotonic 0, from the sub-millisecond wall clock Node keeps (timeOrigin +
 * now()); realtime then follows the monotonic clock, as performance.timeOrigin + now() does.
 */
const WALL_AT_MONOTONIC_ZERO_NS = (performance.timeOrigin + performance.now()) * 1e6 - monotonicNs();

function realtimeNs(): number {
  return WALL_AT_MONOTONIC_ZERO_NS + monotonicNs();
}

function cpuTimeNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1e3;
}

/** The current value of a WASI clock in ns, or undefined for an unknown clock id. */
export function readClock(id: number): number | undefined {
  switch (id) {
    case ClockId.REALTIME: return realtimeNs();
    case ClockId.MONOTONIC: return monotonicNs();
    case ClockId.PROCESS_CPUTIME_ID:
    case ClockId.THREAD_CPUTIME_ID: return cpuTimeNs();
    default: return undefined;
  }
}

const RESOLUTION_NS: Readonly<Record<number, number>> = {
  [ClockId.REALTIME]: 1_000,
  [ClockId.MONOTONIC]: 1_000,
  [ClockId.PROCESS_CPUTIME_ID]: 1_000,
  [ClockId.THREAD_CPUTIME_ID]: 1_000,
};

export function clockFunctions(ctx: HostContext): HostFunctions {
  const { memory } = ctx;
  return {
    clock_res_get: (id: number, resolutionOut: number) => {
      const resolution = RESOLUTION_NS[id];
      if (resolution === undefined) return Errno.INVAL;
      memory.refresh();
      memory.setU64FromNumber(resolutionOut >>> 0, resolution);
      return Errno.SUCCESS;
    },
    clock_time_get: (id: number, _precision: bigint, timeOut: number) => {
      const now = readClock(id);
      if (now === undefined) return Errno.INVAL;
      memory.refresh();
      memory.setU64FromNumber(timeOut >>> 0, Math.floor(now));
      return Errno.SUCCESS;
    },
  };
}
