// The fd_* family: I/O and metadata on open descriptors. Regular files use our own offset and
// positional host I/O straight between the host fd and guest memory (no copies, no allocation on
// fd_read/fd_write); streams (stdio) go through their InputStream/OutputStream, blocking or not as
// the guest's NONBLOCK flag says.
import { fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, openSync, closeSync, readSync, statSync, writeSync } from 'node:fs';
import { DirectoryDescriptor, FileDescriptor, StreamDescriptor, type Descriptor } from './descriptors';
import { DirectoryListing } from './directoryListing';
import { writeFilestat, writeStreamFilestat } from './filestat';
import { setFileTimes } from './fileTimes';
import type { GuestMemory } from './guestMemory';
import type { HostContext, HostFunctions } from './hostContext';
import { resolveDirectory, resolveDirectoryWithStat } from './sandbox';
import { Advice, ALL_RIGHTS, FdFlags, Preopentype, Rights, Whence } from './spec/constants';
import { Errno } from './spec/errno';
import { WOULD_BLOCK } from './streams';
import { WasiError } from './wasiError';

const IOVEC_SIZE = 8;
const FDSTAT_SIZE = 24;
const PRESTAT_SIZE = 8;
const ALL_FD_FLAGS = FdFlags.APPEND | FdFlags.DSYNC | FdFlags.NONBLOCK | FdFlags.RSYNC | FdFlags.SYNC;
const SYNC_FLAGS = FdFlags.DSYNC | FdFlags.RSYNC | FdFlags.SYNC;
const MAX_FILE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);
/** Either right lets the guest read its offset: the spec says FD_SEEK implies FD_TELL. */
const TELL_RIGHTS = Rights.FD_TELL | Rights.FD_SEEK;

/** A guest's u64 file offset as a number; offsets past 2**53 are refused with EINVAL. */
function fileOffset(offset: bigint): number {
  const at = BigInt.asUintN(64, offset);
  if (at > MAX_FILE_OFFSET) throw new WasiError(Errno.INVAL);
  return Number(at);
}
const RIGHTS_MASK = BigInt(ALL_RIGHTS);
const utf8 = new TextEncoder();

/** Checks the whole iovec array and every buffer it points at before any byte moves. */
function checkIovecs(memory: GuestMemory, iovs: number, count: number): void {
  memory.check(iovs, count * IOVEC_SIZE);
  const view = memory.view;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC_SIZE;
    memory.check(view.getUint32(at, true), view.getUint32(at + 4, true));
  }
}

function readFile(memory: GuestMemory, file: FileDescriptor, iovs: number, count: number, position: number): number {
  const { bytes, view } = memory;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC_SIZE;
    const length = view.getUint32(at + 4, true);
    if (length === 0) continue;
    const n = readSync(file.hostFd, bytes, view.getUint32(at, true), length, position + total);
    total += n;
    if (n < length) break;
  }
  return total;
}

function writeFile(memory: GuestMemory, file: FileDescriptor, iovs: number, count: number, position: number): number {
  const { bytes, view } = memory;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC_SIZE;
    const length = view.getUint32(at + 4, true);
    if (length === 0) continue;
    const n = writeSync(file.hostFd, bytes, view.getUint32(at, true), length, position + total);
    total += n;
    if (n < length) break;
  }
  return total;
}

function readStream(memory: GuestMemory, stream: StreamDescriptor, iovs: number, count: number): number {
  const input = stream.input;
  if (!input) throw new WasiError(Errno.BADF);
  const blocking = (stream.fdflags & FdFlags.NONBLOCK) === 0;
  const { bytes, view } = memory;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC_SIZE;
    const length = view.getUint32(at + 4, true);
    if (length === 0) continue;
    // Only the first read may wait: once some data is in hand the guest gets it at once.
    const n = input.read(bytes, view.getUint32(at, true), length, blocking && total === 0);
    if (n === WOULD_BLOCK) {
      if (total === 0) throw new WasiError(Errno.AGAIN);
      break;
    }
    total += n;
    if (n < length) break;
  }
  return total;
}

function writeStream(memory: GuestMemory, stream: StreamDescriptor, iovs: number, count: number): number {
  const output = stream.output;
  if (!output) throw new WasiError(Errno.BADF);
  const blocking = (stream.fdflags & FdFlags.NONBLOCK) === 0;
  const { bytes, view } = memory;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC_SIZE;
    const pointer = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    let done = 0;
    while (done < length) {
      const n = output.write(bytes, pointer + done, length - done, blocking);
      if (n === WOULD_BLOCK) {
        if (total === 0) throw new WasiError(Errno.AGAIN);
        return total;
      }
      done += n;
      total += n;
      // A non-blocking sink that took part of it is full; a sink that took nothing would spin.
      if (n === 0 || (!blocking && done < length)) return total;
    }
  }
  return total;
}

/** Directories are not byte streams: the POSIX answer to reading, writing or seeking one. */
function requireFile(descriptor: Descriptor): FileDescriptor {
  if (descriptor instanceof FileDescriptor) return descriptor;
  if (descriptor instanceof DirectoryDescriptor) throw new WasiError(Errno.ISDIR);
  throw new WasiError(Errno.SPIPE);
}

function syncAfterWrite(file: FileDescriptor): void {
  if (file.fdflags & FdFlags.SYNC) fsyncSync(file.hostFd);
  else if (file.fdflags & (FdFlags.DSYNC | FdFlags.RSYNC)) fdatasyncSync(file.hostFd);
}

/** fsync of a directory needs a host fd of it, opened only for the call. */
function syncDirectory(directory: DirectoryDescriptor, dataOnly: boolean): void {
  const fd = openSync(resolveDirectory(directory), 'r');
  try {
    if (dataOnly) fdatasyncSync(fd);
    else fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function preopenOf(descriptor: Descriptor): Uint8Array {
  // Anything but a preopen is EBADF: wasi-libc and Go both end their preopen scan at EBADF and
  // treat other errors as fatal or skip them, so EBADF is the only answer that works for both.
  if (!(descriptor instanceof DirectoryDescriptor) || descriptor.preopenName === undefined) throw new WasiError(Errno.BADF);
  return utf8.encode(descriptor.preopenName);
}

export function fdFunctions(ctx: HostContext): HostFunctions {
  const { memory, fds } = ctx;

  /** fd_pread/fd_pwrite: a file with the right and FD_SEEK, every iovec and the out-pointer valid. */
  function positionedTransfer(fd: number, right: number, iovs: number, iovsLen: number, countOut: number): FileDescriptor {
    memory.refresh();
    const file = requireFile(fds.get(fd));
    if ((file.rightsBase & (right | Rights.FD_SEEK)) !== (right | Rights.FD_SEEK)) throw new WasiError(Errno.NOTCAPABLE);
    checkIovecs(memory, iovs, iovsLen);
    memory.check(countOut, 4);
    return file;
  }

  return {
    fd_read(fd: number, iovs: number, iovsLen: number, nreadOut: number): number {
      memory.refresh();
      const descriptor = fds.get(fd);
      if (descriptor instanceof DirectoryDescriptor) throw new WasiError(Errno.ISDIR);
      if ((descriptor.rightsBase & Rights.FD_READ) === 0) throw new WasiError(Errno.NOTCAPABLE);
      iovs >>>= 0;
      iovsLen >>>= 0;
      nreadOut >>>= 0;
      checkIovecs(memory, iovs, iovsLen);
      memory.check(nreadOut, 4);
      let count: number;
      if (descriptor instanceof FileDescriptor) {
        count = readFile(memory, descriptor, iovs, iovsLen, descriptor.position);
        descriptor.position += count;
      } else if (descriptor instanceof StreamDescriptor) {
        count = readStream(memory, descriptor, iovs, iovsLen);
      } else {
        throw new WasiError(Errno.BADF);
      }
      memory.view.setUint32(nreadOut, count, true);
      return Errno.SUCCESS;
    },

    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenOut: number): number {
      memory.refresh();
      const descriptor = fds.get(fd);
      if (descriptor instanceof DirectoryDescriptor) throw new WasiError(Errno.ISDIR);
      if ((descriptor.rightsBase & Rights.FD_WRITE) === 0) throw new WasiError(Errno.NOTCAPABLE);
      iovs >>>= 0;
      iovsLen >>>= 0;
      nwrittenOut >>>= 0;
      checkIovecs(memory, iovs, iovsLen);
      memory.check(nwrittenOut, 4);
      let count: number;
      if (descriptor instanceof FileDescriptor) {
        // APPEND is ours, not the host's O_APPEND, so the guest can switch it with
        // fd_fdstat_set_flags and positional writes stay positional when it is off.
        if (descriptor.fdflags & FdFlags.APPEND) descriptor.position = fstatSync(descriptor.hostFd).size;
        count = writeFile(memory, descriptor, iovs, iovsLen, descriptor.position);
        descriptor.position += count;
        if (descriptor.fdflags & SYNC_FLAGS) syncAfterWrite(descriptor);
      } else if (descriptor instanceof StreamDescriptor) {
        count = writeStream(memory, descriptor, iovs, iovsLen);
      } else {
        throw new WasiError(Errno.BADF);
      }
      memory.view.setUint32(nwrittenOut, count, true);
      return Errno.SUCCESS;
    },

    fd_pread(fd: number, iovs: number, iovsLen: number, offset: bigint, nreadOut: number): number {
      const file = positionedTransfer(fd, Rights.FD_READ, iovs >>> 0, iovsLen >>> 0, nreadOut >>> 0);
      const count = readFile(memory, file, iovs >>> 0, iovsLen >>> 0, fileOffset(offset));
      memory.view.setUint32(nreadOut >>> 0, count, true);
      return Errno.SUCCESS;
    },

    fd_pwrite(fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenOut: number): number {
      const file = positionedTransfer(fd, Rights.FD_WRITE, iovs >>> 0, iovsLen >>> 0, nwrittenOut >>> 0);
      // POSIX pwrite writes at the offset given; APPEND only moves fd_write (Linux's O_APPEND
      // quirk of appending anyway is not reproduced: the offset is the guest's explicit request).
      const count = writeFile(memory, file, iovs >>> 0, iovsLen >>> 0, fileOffset(offset));
      if (file.fdflags & SYNC_FLAGS) syncAfterWrite(file);
      memory.view.setUint32(nwrittenOut >>> 0, count, true);
      return Errno.SUCCESS;
    },

    fd_seek(fd: number, offset: bigint, whence: number, newOffsetOut: number): number {
      memory.refresh();
      const file = requireFile(fds.get(fd));
      // Reading the offset without moving it is telling: FD_TELL, or FD_SEEK, which implies it.
      const tellOnly = whence === Whence.CUR && offset === 0n;
      const needed = tellOnly ? TELL_RIGHTS : Rights.FD_SEEK;
      if ((file.rightsBase & needed) === 0) throw new WasiError(Errno.NOTCAPABLE);
      newOffsetOut >>>= 0;
      memory.check(newOffsetOut, 8);
      let base: bigint;
      switch (whence) {
        case Whence.SET: base = 0n; break;
        case Whence.CUR: base = BigInt(file.position); break;
        case Whence.END: base = fstatSync(file.hostFd, { bigint: true }).size; break;
        default: throw new WasiError(Errno.INVAL);
      }
      const target = base + BigInt.asIntN(64, offset);
      if (target < 0n || target > MAX_FILE_OFFSET) throw new WasiError(Errno.INVAL);
      file.position = Number(target);
      memory.setU64FromNumber(newOffsetOut, file.position);
      return Errno.SUCCESS;
    },

    fd_tell(fd: number, offsetOut: number): number {
      memory.refresh();
      const file = requireFile(fds.get(fd));
      if ((file.rightsBase & TELL_RIGHTS) === 0) throw new WasiError(Errno.NOTCAPABLE);
      memory.setU64FromNumber(offsetOut >>> 0, file.position);
      return Errno.SUCCESS;
    },

    fd_fdstat_get(fd: number, fdstatOut: number): number {
      memory.refresh();
      const descriptor = fds.get(fd);
      fdstatOut >>>= 0;
      memory.check(fdstatOut, FDSTAT_SIZE);
      const view = memory.view;
      // filetype u8, padding, flags u16, padding to 8: written as two u32 so no padding byte is stale.
      view.setUint32(fdstatOut, descriptor.filetype | (descriptor.fdflags << 16), true);
      view.setUint32(fdstatOut + 4, 0, true);
      memory.setU64FromNumber(fdstatOut + 8, descriptor.rightsBase);
      memory.setU64FromNumber(fdstatOut + 16, descriptor.rightsInheriting);
      return Errno.SUCCESS;
    },

    fd_fdstat_set_flags(fd: number, flags: number): number {
      const descriptor = fds.require(fd, Rights.FD_FDSTAT_SET_FLAGS);
      flags &= 0xffff;
      if (flags & ~ALL_FD_FLAGS) throw new WasiError(Errno.INVAL);
      descriptor.fdflags = flags;
      return Errno.SUCCESS;
    },

    fd_fdstat_set_rights(fd: number, rightsBase: bigint, rightsInheriting: bigint): number {
      const descriptor = fds.get(fd);
      // Undefined bits (30-63) cannot be held, so asking for them is asking for nothing.
      const base = Number(BigInt.asUintN(64, rightsBase) & RIGHTS_MASK);
      const inheriting = Number(BigInt.asUintN(64, rightsInheriting) & RIGHTS_MASK);
      if ((base & ~descriptor.rightsBase) !== 0 || (inheriting & ~descriptor.rightsInheriting) !== 0) {
        throw new WasiError(Errno.NOTCAPABLE);
      }
      descriptor.rightsBase = base;
      descriptor.rightsInheriting = inheriting;
      return Errno.SUCCESS;
    },

    fd_filestat_get(fd: number, filestatOut: number): number {
      memory.refresh();
      const descriptor = fds.require(fd, Rights.FD_FILESTAT_GET);
      filestatOut >>>= 0;
      if (descriptor instanceof FileDescriptor) {
        writeFilestat(memory, filestatOut, fstatSync(descriptor.hostFd, { bigint: true }));
      } else if (descriptor instanceof DirectoryDescriptor) {
        writeFilestat(memory, filestatOut, statSync(resolveDirectory(descriptor), { bigint: true }));
      } else {
        writeStreamFilestat(memory, filestatOut, descriptor.filetype);
      }
      return Errno.SUCCESS;
    },

    fd_filestat_set_size(fd: number, size: bigint): number {
      const file = requireFile(fds.get(fd));
      if ((file.rightsBase & Rights.FD_FILESTAT_SET_SIZE) === 0) throw new WasiError(Errno.NOTCAPABLE);
      const length = BigInt.asUintN(64, size);
      if (length > MAX_FILE_OFFSET) throw new WasiError(Errno.FBIG);
      ftruncateSync(file.hostFd, Number(length));
      return Errno.SUCCESS;
    },

    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, fstflags: number): number {
      const descriptor = fds.require(fd, Rights.FD_FILESTAT_SET_TIMES);
      if (descriptor instanceof FileDescriptor) {
        const hostFd = descriptor.hostFd;
        setFileTimes(
          { hostPath: descriptor.hostPath, hostFd, noFollow: false, currentStats: () => fstatSync(hostFd, { bigint: true }) },
          atim, mtim, fstflags,
        );
      } else if (descriptor instanceof DirectoryDescriptor) {
        const hostPath = resolveDirectory(descriptor);
        setFileTimes({ hostPath, noFollow: false, currentStats: () => statSync(hostPath, { bigint: true }) }, atim, mtim, fstflags);
      } else {
        throw new WasiError(Errno.INVAL);
      }
      return Errno.SUCCESS;
    },

    fd_advise(fd: number, _offset: bigint, _length: bigint, advice: number): number {
      const file = requireFile(fds.get(fd));
      if ((file.rightsBase & Rights.FD_ADVISE) === 0) throw new WasiError(Errno.NOTCAPABLE);
      if (advice < Advice.NORMAL || advice > Advice.NOREUSE) throw new WasiError(Errno.INVAL);
      // Node has no posix_fadvise; advice is a hint the host may ignore.
      return Errno.SUCCESS;
    },

    fd_allocate(fd: number, offset: bigint, length: bigint): number {
      const file = requireFile(fds.get(fd));
      if ((file.rightsBase & Rights.FD_ALLOCATE) === 0) throw new WasiError(Errno.NOTCAPABLE);
      const end = BigInt.asUintN(64, offset) + BigInt.asUintN(64, length);
      if (end > MAX_FILE_OFFSET) throw new WasiError(Errno.FBIG);
      // Only the size is guaranteed: extend (with zeros) when the range reaches past the end.
      if (end > fstatSync(file.hostFd, { bigint: true }).size) ftruncateSync(file.hostFd, Number(end));
      return Errno.SUCCESS;
    },

    fd_close(fd: number): number {
      fds.remove(fd).close();
      return Errno.SUCCESS;
    },

    fd_sync(fd: number): number {
      const descriptor = fds.require(fd, Rights.FD_SYNC);
      if (descriptor instanceof FileDescriptor) fsyncSync(descriptor.hostFd);
      else if (descriptor instanceof DirectoryDescriptor) syncDirectory(descriptor, false);
      else if (descriptor instanceof StreamDescriptor) descriptor.output?.flush?.();
      return Errno.SUCCESS;
    },

    fd_datasync(fd: number): number {
      const descriptor = fds.require(fd, Rights.FD_DATASYNC);
      if (descriptor instanceof FileDescriptor) fdatasyncSync(descriptor.hostFd);
      else if (descriptor instanceof DirectoryDescriptor) syncDirectory(descriptor, true);
      else if (descriptor instanceof StreamDescriptor) descriptor.output?.flush?.();
      return Errno.SUCCESS;
    },

    fd_prestat_get(fd: number, prestatOut: number): number {
      memory.refresh();
      const name = preopenOf(fds.get(fd));
      prestatOut >>>= 0;
      memory.check(prestatOut, PRESTAT_SIZE);
      memory.view.setUint32(prestatOut, Preopentype.DIR, true); // tag u8 and its padding
      memory.view.setUint32(prestatOut + 4, name.length, true);
      return Errno.SUCCESS;
    },

    fd_prestat_dir_name(fd: number, pathOut: number, pathLen: number): number {
      memory.refresh();
      const name = preopenOf(fds.get(fd));
      pathOut >>>= 0;
      pathLen >>>= 0;
      if (pathLen < name.length) throw new WasiError(Errno.NAMETOOLONG);
      memory.write(pathOut, name);
      return Errno.SUCCESS;
    },

    fd_renumber(from: number, to: number): number {
      fds.renumber(from, to);
      return Errno.SUCCESS;
    },

    fd_readdir(fd: number, buffer: number, bufferLen: number, cookie: bigint, usedOut: number): number {
      memory.refresh();
      const descriptor = fds.require(fd, Rights.FD_READDIR);
      if (!(descriptor instanceof DirectoryDescriptor)) throw new WasiError(Errno.NOTDIR);
      buffer >>>= 0;
      bufferLen >>>= 0;
      usedOut >>>= 0;
      memory.check(buffer, bufferLen);
      memory.check(usedOut, 4);
      const start = BigInt.asUintN(64, cookie);
      // A pass starts at cookie 0: read afresh then, and reuse that listing for its later cookies.
      if (start === 0n || !(descriptor.listing instanceof DirectoryListing)) {
        const { hostPath, stat } = resolveDirectoryWithStat(descriptor);
        descriptor.listing = DirectoryListing.read(hostPath, descriptor.hostPath === descriptor.sandboxRoot, stat?.ino);
      }
      const listing = descriptor.listing as DirectoryListing;
      const used = start >= BigInt(listing.length) ? 0 : listing.serialize(memory, buffer, bufferLen, Number(start));
      memory.view.setUint32(usedOut, used, true);
      return Errno.SUCCESS;
    },
  };
}
