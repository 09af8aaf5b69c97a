// fd_filestat_set_times / path_filestat_set_times: setting atime and mtime to the nanosecond.
//
// Node offers no exact way: fs.utimes/futimes/lutimes take seconds as a double, and libuv then
// truncates to whole microseconds (uv__fs_to_timespec), turns negative times into "now", and has
// no way to leave one of the two times alone. So:
//   - times that are whole microseconds and not before 1970 go through Node, with the double
//     nudged by half a microsecond so libuv's truncation lands on the intended microsecond;
//   - anything finer (Go's os.Chtimes tests set times read back from the file system, which carry
//     nanoseconds) is applied with GNU touch, which calls utimensat with the exact timespec.
//     Without GNU touch (not Linux) such times are rounded to the microsecond: the best Node allows.
// "Leave unchanged" is done by writing back the current value, read with exact nanoseconds.
import type * as ChildProcess from 'node:child_process';
import { existsSync, futimesSync, lutimesSync, utimesSync, type BigIntStats } from 'node:fs';
import { FstFlags } from './spec/constants';
import { Errno } from './spec/errno';
import { WasiError } from './wasiError';

export interface TimesTarget {
  /** Host path of the file (or of the symlink itself with noFollow). */
  readonly hostPath: string;
  /** An open host fd for the file, used in preference to the path. */
  readonly hostFd?: number;
  /** Change the symlink itself rather than its target. */
  readonly noFollow: boolean;
  /** Current stats, exact ns; read only when one of the times is left unchanged. */
  readonly currentStats: () => BigIntStats;
}

const NS_PER_SECOND = 1_000_000_000n;
const ALL_FST_FLAGS = FstFlags.ATIM | FstFlags.ATIM_NOW | FstFlags.MTIM | FstFlags.MTIM_NOW;

/** Validates the flags: each time is either given, "now", or left alone, never both given and now. */
export function validateFstFlags(fstflags: number): void {
  if ((fstflags & ~ALL_FST_FLAGS) !== 0) throw new WasiError(Errno.INVAL);
  if ((fstflags & FstFlags.ATIM) && (fstflags & FstFlags.ATIM_NOW)) throw new WasiError(Errno.INVAL);
  if ((fstflags & FstFlags.MTIM) && (fstflags & FstFlags.MTIM_NOW)) throw new WasiError(Errno.INVAL);
}

/** The wall clock in ns, whole microseconds (the clock gives no more, and it keeps the fast path). */
function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/** Applies the guest's request; times are i64 ns since the epoch as wasm passes them (bigint). */
export function setFileTimes(target: TimesTarget, atim: bigint, mtim: bigint, fstflags: number): void {
  validateFstFlags(fstflags);
  const setsAtime = (fstflags & (FstFlags.ATIM | FstFlags.ATIM_NOW)) !== 0;
  const setsMtime = (fstflags & (FstFlags.MTIM | FstFlags.MTIM_NOW)) !== 0;
  if (!setsAtime && !setsMtime) return;
  const current = setsAtime && setsMtime ? undefined : target.currentStats();
  const now = (fstflags & (FstFlags.ATIM_NOW | FstFlags.MTIM_NOW)) !== 0 ? nowNs() : 0n;
  const atime = fstflags & FstFlags.ATIM_NOW ? now : setsAtime ? BigInt.asIntN(64, atim) : (current as BigIntStats).atimeNs;
  const mtime = fstflags & FstFlags.MTIM_NOW ? now : setsMtime ? BigInt.asIntN(64, mtim) : (current as BigIntStats).mtimeNs;

  if (representableByNode(atime) && representableByNode(mtime)) {
    applyWithNode(target, secondsForLibuv(atime), secondsForLibuv(mtime));
    return;
  }
  if (!applyWithTouch(target, atime, mtime)) {
    // Best effort: the nearest microsecond Node can express (and 0 for times before 1970).
    applyWithNode(target, secondsForLibuv(roundToMicro(atime)), secondsForLibuv(roundToMicro(mtime)));
  }
}

function representableByNode(ns: bigint): boolean {
  return ns >= 0n && ns % 1000n === 0n;
}

function roundToMicro(ns: bigint): bigint {
  if (ns < 0n) return 0n;
  return ((ns + 500n) / 1000n) * 1000n;
}

/**
 * Seconds as the double libuv will turn back into the same whole microsecond: libuv computes
 * tv_nsec = (d - floor(d)) * 1e9 and drops the sub-microsecond rest, so aiming half a microsecond
 * above keeps the double's rounding error (about 0.24 µs today) from falling a microsecond short.
 */
function secondsForLibuv(ns: bigint): number {
  const seconds = ns / NS_PER_SECOND;
  const fraction = ns % NS_PER_SECOND;
  return Number(seconds) + Number(fraction + 500n) / 1e9;
}

function applyWithNode(target: TimesTarget, atime: number, mtime: number): void {
  if (target.noFollow) lutimesSync(target.hostPath, atime, mtime);
  else if (target.hostFd !== undefined) futimesSync(target.hostFd, atime, mtime);
  else utimesSync(target.hostPath, atime, mtime);
}

let gnuTouch: boolean | undefined;

/**
 * node:child_process, loaded on first use: it costs ~1 ms to load, on the path of every guest's
 * start-up (the worker loads this file), and only nanosecond set-times calls need it.
 */
function childProcess(): typeof ChildProcess {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:child_process') as typeof ChildProcess;
}

/** True when a GNU touch (exact `-d @seconds.nanoseconds`) can be run. Checked once. */
function haveGnuTouch(): boolean {
  if (gnuTouch === undefined) {
    gnuTouch = false;
    if (process.platform === 'linux') {
      const probe = childProcess().spawnSync('touch', ['--version'], { encoding: 'utf8', timeout: 5000 });
      gnuTouch = probe.status === 0 && /GNU/.test(probe.stdout ?? '');
    }
  }
  return gnuTouch;
}

/** "@-12.000000001" style timestamps: sign and magnitude, so negative times keep their meaning. */
function touchTimestamp(ns: bigint): string {
  const negative = ns < 0n;
  const magnitude = negative ? -ns : ns;
  const fraction = (magnitude % NS_PER_SECOND).toString().padStart(9, '0');
  return `@${negative ? '-' : ''}${magnitude / NS_PER_SECOND}.${fraction}`;
}

function applyWithTouch(target: TimesTarget, atime: bigint, mtime: bigint): boolean {
  if (!haveGnuTouch()) return false;
  // An open fd is reached through /proc even if the file was renamed or unlinked since.
  let path = target.hostPath;
  if (!target.noFollow && target.hostFd !== undefined) {
    const viaProc = `/proc/${process.pid}/fd/${target.hostFd}`;
    if (existsSync(viaProc)) path = viaProc;
  }
  const common = ['-c', ...(target.noFollow ? ['-h'] : [])];
  // No shell is involved: the path is one argv entry, after "--".
  const runs = atime === mtime
    ? [[...common, '-d', touchTimestamp(atime), '--', path]]
    : [[...common, '-a', '-d', touchTimestamp(atime), '--', path], [...common, '-m', '-d', touchTimestamp(mtime), '--', path]];
  for (const args of runs) {
    const result = childProcess().spawnSync('touch', args, { stdio: 'ignore', timeout: 5000 });
    if (result.status !== 0) return false;
  }
  return true;
}
