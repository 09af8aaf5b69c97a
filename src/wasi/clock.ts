// clock_res_get and clock_time_get. Times are written as two u32 halves computed from doubles, so
// the hottest call of a Go program (time.Now, the scheduler) allocates no BigInt.
import type { HostContext, HostFunctions } from './hostContext';
import { ClockId } from './spec/constants';
import { Errno } from './spec/errno';

/** performance.timeOrigin + performance.now(), in ns; the sum keeps sub-microsecond digits. */
function realtimeNs(): number {
  return (performance.timeOrigin + performance.now()) * 1e6;
}

/** Monotonic ns since an arbitrary origin (process start), exact in a double for ~104 days. */
export function monotonicNs(): number {
  return performance.now() * 1e6;
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
