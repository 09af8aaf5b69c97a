// poll_oneoff: the call Go's scheduler parks in whenever every goroutine waits (a timer, a pipe
// that is empty or full). Readiness is real: a stream answers from its buffers, and when nothing is
// ready the call sleeps on the host's readiness signal, which the other side of a stream bumps as
// soon as data, space or end-of-stream arrives. Go throws on any error from this call, so problems
// with one subscription are reported in its event, never as the call's result.
import { fstatSync } from 'node:fs';
import { monotonicNs, readClock } from './clock';
import { Descriptor, FileDescriptor, StreamDescriptor } from './descriptors';
import type { HostContext, HostFunctions } from './hostContext';
import { SocketDescriptor } from './sockets';
import { EventRwFlags, EventType, Rights, SubclockFlags } from './spec/constants';
import { Errno } from './spec/errno';
import { WasiError } from './wasiError';

export const SUBSCRIPTION_SIZE = 48;
export const EVENT_SIZE = 32;

/**
 * A poll with no clock wakes at least this often, so a stop request (which arrives as a flag, not
 * as a bump of the readiness signal, in hosts that are not run by a worker) ends it promptly.
 */
const LONGEST_SLEEP_MS = 100;

/** A clock subscription whose deadline is already known to have passed (or that is invalid). */
const DEADLINE_NOW = -Infinity;

/**
 * Per-call state kept between calls: the common Go path (one clock, or a clock and one fd) then
 * allocates nothing. Arrays only grow.
 */
class PollScratch {
  types = new Uint8Array(8);
  fds = new Uint32Array(8);
  /** Monotonic deadline in ns for clock subscriptions. */
  deadlines = new Float64Array(8);
  /** Errno found while decoding (bad clock id, bad flags), reported in the event. */
  errors = new Uint16Array(8);

  reserve(count: number): void {
    if (count <= this.types.length) return;
    let size = this.types.length;
    while (size < count) size *= 2;
    this.types = new Uint8Array(size);
    this.fds = new Uint32Array(size);
    this.deadlines = new Float64Array(size);
    this.errors = new Uint16Array(size);
  }
}

/** Readiness of one fd subscription, written by checkFd. */
interface FdReadiness {
  ready: boolean;
  error: number;
  nbytes: number;
  flags: number;
}

export function pollFunctions(ctx: HostContext): HostFunctions {
  const { memory, fds, readiness } = ctx;
  const scratch = new PollScratch();
  const fdState: FdReadiness = { ready: false, error: 0, nbytes: 0, flags: 0 };

  /** Decodes every subscription into the scratch arrays; returns the earliest clock deadline, NaN if malformed. */
  function decode(inPtr: number, count: number): number {
    const view = memory.view;
    const start = monotonicNs();
    let earliest = Infinity;
    for (let i = 0; i < count; i++) {
      const sub = inPtr + i * SUBSCRIPTION_SIZE;
      const type = view.getUint8(sub + 8);
      scratch.types[i] = type;
      scratch.errors[i] = Errno.SUCCESS;
      if (type === EventType.CLOCK) {
        const deadline = clockDeadline(view, sub, start);
        if (Number.isNaN(deadline)) {
          scratch.errors[i] = Errno.INVAL;
          scratch.deadlines[i] = DEADLINE_NOW;
        } else scratch.deadlines[i] = deadline;
        if (scratch.deadlines[i] < earliest) earliest = scratch.deadlines[i];
      } else if (type === EventType.FD_READ || type === EventType.FD_WRITE) {
        scratch.fds[i] = view.getUint32(sub + 16, true);
      } else {
        // An unknown event type makes the whole request malformed, as in other hosts.
        return NaN;
      }
    }
    return earliest;
  }

  /** Writes an event for every ready subscription, in subscription order; returns the count. */
  function collect(inPtr: number, outPtr: number, count: number): number {
    const view = memory.view;
    const now = monotonicNs();
    let written = 0;
    for (let i = 0; i < count; i++) {
      const type = scratch.types[i];
      let error = scratch.errors[i];
      let nbytes = 0;
      let flags = 0;
      if (type === EventType.CLOCK) {
        if (scratch.deadlines[i] > now) continue;
      } else {
        checkFd(fds.peek(scratch.fds[i]), type, fdState);
        if (!fdState.ready) continue;
        error = fdState.error;
        nbytes = fdState.nbytes;
        flags = fdState.flags;
      }
      const sub = inPtr + i * SUBSCRIPTION_SIZE;
      const event = outPtr + written * EVENT_SIZE;
      // userdata is copied as two halves: no BigInt on the hot path.
      view.setUint32(event, view.getUint32(sub, true), true);
      view.setUint32(event + 4, view.getUint32(sub + 4, true), true);
      view.setUint16(event + 8, error, true);
      view.setUint8(event + 10, type);
      view.setUint8(event + 11, 0);
      view.setUint32(event + 12, 0, true);
      view.setUint32(event + 16, nbytes % 0x1_0000_0000, true);
      view.setUint32(event + 20, Math.floor(nbytes / 0x1_0000_0000), true);
      view.setUint16(event + 24, flags, true);
      view.setUint16(event + 26, 0, true);
      view.setUint32(event + 28, 0, true);
      written++;
    }
    return written;
  }

  return {
    poll_oneoff: (inPtr: number, outPtr: number, nsubscriptions: number, neventsOut: number) => {
      const count = nsubscriptions >>> 0;
      if (count === 0) return Errno.INVAL;
      inPtr >>>= 0;
      outPtr >>>= 0;
      neventsOut >>>= 0;
      memory.refresh();
      memory.check(inPtr, count * SUBSCRIPTION_SIZE);
      memory.check(outPtr, count * EVENT_SIZE);
      memory.check(neventsOut, 4);
      scratch.reserve(count);
      const earliest = decode(inPtr, count);
      if (Number.isNaN(earliest)) return Errno.INVAL;
      for (;;) {
        // The generation is read before readiness is checked, so a change that lands in between
        // makes wait() return at once instead of being slept through.
        const seen = readiness.generation();
        const written = collect(inPtr, outPtr, count);
        if (written > 0) {
          memory.setU32(neventsOut, written);
          return Errno.SUCCESS;
        }
        if (ctx.stopRequested()) throw new WasiError(Errno.INTR);
        const remainingMs = (earliest - monotonicNs()) / 1e6;
        if (remainingMs > 0) readiness.wait(seen, Math.min(remainingMs, LONGEST_SLEEP_MS));
      }
    },
  };
}

/**
 * The monotonic-clock deadline (ns) of a clock subscription, or NaN when it is invalid. Absolute
 * times on other clocks are converted through the time left on that clock; CPU-time clocks are
 * approximated by elapsed time, since a sleeping guest spends no CPU.
 */
function clockDeadline(view: DataView, sub: number, start: number): number {
  const id = view.getUint32(sub + 16, true);
  const timeout = view.getUint32(sub + 24, true) + view.getUint32(sub + 28, true) * 0x1_0000_0000;
  const flags = view.getUint16(sub + 40, true);
  if ((flags & ~SubclockFlags.SUBSCRIPTION_CLOCK_ABSTIME) !== 0) return NaN;
  const clockNow = readClock(id);
  if (clockNow === undefined) return NaN;
  const remaining = flags & SubclockFlags.SUBSCRIPTION_CLOCK_ABSTIME ? timeout - clockNow : timeout;
  return start + remaining;
}

/** Whether an fd subscription is ready now, and what its event says. */
function checkFd(descriptor: Descriptor | undefined, type: number, out: FdReadiness): void {
  out.ready = true;
  out.error = Errno.SUCCESS;
  out.nbytes = 0;
  out.flags = 0;
  if (!descriptor) {
    out.error = Errno.BADF;
    return;
  }
  // Waiting needs the right to poll and the right to do what is waited for (accepting is a
  // listener's way of reading).
  const rights = descriptor.rightsBase;
  if ((rights & Rights.POLL_FD_READWRITE) === 0 ||
      (rights & (type === EventType.FD_READ ? Rights.FD_READ | Rights.SOCK_ACCEPT : Rights.FD_WRITE)) === 0) {
    out.error = Errno.NOTCAPABLE;
    return;
  }
  if (descriptor instanceof SocketDescriptor && descriptor.listener) {
    // A listening socket is "readable" when a connection waits to be accepted.
    if (type === EventType.FD_READ) out.ready = descriptor.listener.pending();
    else out.error = Errno.BADF;
    return;
  }
  if (descriptor instanceof StreamDescriptor) {
    if (type === EventType.FD_READ) {
      const input = descriptor.input;
      if (!input) {
        out.error = Errno.BADF;
        return;
      }
      out.ready = input.readable();
      if (out.ready) {
        out.nbytes = input.available();
        // Readable with nothing to read is end of input: the writer hung up.
        if (out.nbytes === 0) out.flags = EventRwFlags.FD_READWRITE_HANGUP;
      }
    } else {
      const output = descriptor.output;
      if (!output) {
        out.error = Errno.BADF;
        return;
      }
      out.ready = output.writable();
    }
    return;
  }
  if (descriptor instanceof FileDescriptor && type === EventType.FD_READ) {
    // Regular files never block; nbytes is what lies between the offset and the end.
    try {
      out.nbytes = Math.max(0, fstatSync(descriptor.hostFd).size - descriptor.position);
    } catch {
      out.error = Errno.BADF;
    }
  }
  // Directories and everything else are always ready, as poll(2) reports them.
}
