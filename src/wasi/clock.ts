// clock_res_get and clock_time_get.
import type { HostContext, HostFunctions } from './hostContext';
import { ClockId } from './spec/constants';
import { Errno } from './spec/errno';

// clock_time_get is the guest's most frequent call (Go reads two clocks per time.Now), so its
// value comes from process.hrtime.bigint() and goes into memory as the u64 it already is: ~24 ns,
// where process.hrtime() plus the double arithmetic and two u32 stores cost ~42 ns. The monotonic
// clock is CLOCK_MONOTONIC itself (WASI leaves its epoch open), so it needs no arithmetic at all.
const hrtime = process.hrtime;
const hrtimeBigint = process.hrtime.bigint;

/** Monotonic ns as a double, for deadlines (exact while the machine's uptime is below ~104 days; ns don't matter there). */
export function monotonicNs(): number {
  const now = hrtime();
  return now[0] * 1e9 + now[1];
}

/**
 * Wall-clock ns at monotonic 0, from the sub-millisecond wall clock Node keeps (timeOrigin +
 * now()); realtime then follows the monotonic clock, as performance.timeOrigin + now() does.
 */
const WALL_AT_MONOTONIC_ZERO_NS = Math.round((performance.timeOrigin + performance.now()) * 1e6 - monotonicNs());
const WALL_AT_MONOTONIC_ZERO = BigInt(WALL_AT_MONOTONIC_ZERO_NS);

function cpuTimeNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1e3;
}

/** The current value of a WASI clock in ns as a double (for deadlines), or undefined for an unknown clock id. */
export function readClock(id: number): number | undefined {
  switch (id) {
    case ClockId.REALTIME: return WALL_AT_MONOTONIC_ZERO_NS + monotonicNs();
    case ClockId.MONOTONIC: return monotonicNs();
    case ClockId.PROCESS_CPUTIME_ID:
    case ClockId.THREAD_CPUTIME_ID: return cpuTimeNs();
    default: return undefined;
  }
}

/** The exact current value of a WASI clock in ns, or undefined for an unknown clock id. */
export function readClockExact(id: number): bigint | undefined {
  switch (id) {
    case ClockId.MONOTONIC: return hrtimeBigint();
    case ClockId.REALTIME: return hrtimeBigint() + WALL_AT_MONOTONIC_ZERO;
    case ClockId.PROCESS_CPUTIME_ID:
    case ClockId.THREAD_CPUTIME_ID: return BigInt(cpuTimeNs());
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
      const now = readClockExact(id);
      if (now === undefined) return Errno.INVAL;
      memory.refresh();
      memory.setU64(timeOut >>> 0, now);
      return Errno.SUCCESS;
    },
  };
}
