// The path_* family: everything that names a file by a path relative to a directory descriptor.
// Every path goes through sandbox.ts first; the host call then gets a path with no symlink left
// for the kernel to follow (except where TOCTOU races are accepted), so nothing outside the
// preopen is ever read, created or changed.
import {
  constants, linkSync, lstatSync, mkdirSync, openSync, readlinkSync, renameSync, rmdirSync, symlinkSync, unlinkSync,
  type BigIntStats,
} from 'node:fs';
import { DIRECTORY_RIGHTS, DirectoryDescriptor, FILE_RIGHTS, FileDescriptor } from './descriptors';
import { FILESTAT_SIZE, filetypeOf, writeFilestat } from './filestat';
import { setFileTimes } from './fileTimes';
import type { HostContext, HostFunctions } from './hostContext';
import { guestPathFor, refuseEscapingSymlink, resolveGuestPath, type ResolvedPath } from './sandbox';
import { ALL_RIGHTS, FdFlags, Filetype, LookupFlags, OFlags, Rights } from './spec/constants';
import { Errno, hostErrorCode } from './spec/errno';
import { WasiError } from './wasiError';

const ALL_OFLAGS = OFlags.CREAT | OFlags.DIRECTORY | OFlags.EXCL | OFlags.TRUNC;
const ALL_FD_FLAGS = FdFlags.APPEND | FdFlags.DSYNC | FdFlags.NONBLOCK | FdFlags.RSYNC | FdFlags.SYNC;
const RIGHTS_MASK = BigInt(ALL_RIGHTS);
// O_NOFOLLOW on the final open: the walk already followed what it should, so a symlink appearing
// there now was swapped in behind our back and must not be followed.
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW } = constants;

/**
 * For operations on the entry itself (create, remove, rename, link): "link/" resolved through a
 * symlink names the link's target, which these must not act on (Linux: rmdir("link/") ENOTDIR).
 */
function refuseSlashThroughSymlink(resolved: ResolvedPath, errno: number): void {
  if (resolved.slashFollowedSymlink) throw new WasiError(errno);
}

/** True when the path names its directory itself ("." or "..", "a/..", ""): not an entry one can create or remove. */
function namesDirectoryItself(resolved: ResolvedPath): boolean {
  const last = resolved.lastComponent;
  return last === '' || last === '.' || last === '..';
}

function stripTrailingSlash(hostPath: string): string {
  return hostPath.length > 1 && hostPath.endsWith('/') ? hostPath.slice(0, -1) : hostPath;
}

function lstatExact(hostPath: string): BigIntStats {
  return lstatSync(hostPath, { bigint: true });
}

/**
 * What path_open needs on the directory, by the spec's rights: PATH_OPEN; PATH_CREATE_FILE to
 * create; FD_SYNC for the RSYNC and SYNC flags (DSYNC, which FD_DATASYNC or FD_SYNC allows, is
 * checked on its own); and PATH_FILESTAT_SET_SIZE to truncate, unless the fd being opened (`base`,
 * already narrowed by the directory) gets FD_FILESTAT_SET_SIZE: it could then truncate the file
 * the moment it is open, so O_TRUNC grants nothing more. That is how Go's os.Root creates files:
 * Go opens directories without PATH_FILESTAT_SET_SIZE (syscall/fs_wasip1.go counts it among the
 * write rights) and then opens files O_TRUNC through them asking for FD_FILESTAT_SET_SIZE.
 */
function rightsToOpen(oflags: number, fdflags: number, base: number): number {
  let rights = Rights.PATH_OPEN;
  if (oflags & OFlags.CREAT) rights |= Rights.PATH_CREATE_FILE;
  if (oflags & OFlags.TRUNC && (base & Rights.FD_FILESTAT_SET_SIZE) === 0) rights |= Rights.PATH_FILESTAT_SET_SIZE;
  if (fdflags & (FdFlags.RSYNC | FdFlags.SYNC)) rights |= Rights.FD_SYNC;
  return rights;
}

export function pathFunctions(ctx: HostContext): HostFunctions {
  const { memory, fds } = ctx;

  /** A directory fd with the rights the call needs: NOTDIR for anything else, NOTCAPABLE without rights. */
  function directory(fd: number, rights: number): DirectoryDescriptor {
    const descriptor = fds.get(fd);
    if (!(descriptor instanceof DirectoryDescriptor)) throw new WasiError(Errno.NOTDIR);
    if ((descriptor.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return descriptor;
  }

  /** A path argument: strictly UTF-8, since replacing bad bytes would name a different file. */
  function guestString(pointer: number, length: number): string {
    pointer >>>= 0;
    length >>>= 0;
    // Checked first: strictString reports a bad range as bad UTF-8, and a wild pointer is EFAULT.
    memory.check(pointer, length);
    const text = memory.strictString(pointer, length);
    if (text === undefined) throw new WasiError(Errno.ILSEQ);
    return text;
  }

  return {
    path_open(
      dirFd: number, dirflags: number, pathPointer: number, pathLength: number, oflags: number,
      rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdOut: number,
    ): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_OPEN);
      fdOut >>>= 0;
      memory.check(fdOut, 4);
      const guestPath = guestString(pathPointer, pathLength);
      oflags &= 0xffff;
      fdflags &= 0xffff;
      if (oflags & ~ALL_OFLAGS || fdflags & ~ALL_FD_FLAGS) throw new WasiError(Errno.INVAL);
      const create = (oflags & OFlags.CREAT) !== 0;
      const exclusive = create && (oflags & OFlags.EXCL) !== 0;
      const truncate = (oflags & OFlags.TRUNC) !== 0;
      const wantsDirectory = (oflags & OFlags.DIRECTORY) !== 0;
      // What is opened gets at most what its directory passes on (Go asks for low 32 bits only).
      const base = Number(BigInt.asUintN(64, rightsBase) & RIGHTS_MASK) & dir.rightsInheriting;
      const inheriting = Number(BigInt.asUintN(64, rightsInheriting) & RIGHTS_MASK) & dir.rightsInheriting;
      const needed = rightsToOpen(oflags, fdflags, base);
      if ((dir.rightsBase & needed) !== needed) throw new WasiError(Errno.NOTCAPABLE);
      if (fdflags & FdFlags.DSYNC && (dir.rightsBase & (Rights.FD_DATASYNC | Rights.FD_SYNC)) === 0) throw new WasiError(Errno.NOTCAPABLE);
      if (create && wantsDirectory) throw new WasiError(Errno.INVAL);
      // O_CREAT|O_EXCL never follows a final symlink (POSIX): the link itself "exists".
      const follow = (dirflags & LookupFlags.SYMLINK_FOLLOW) !== 0 && !exclusive;

      const resolved = resolveGuestPath(dir, guestPath, follow);
      const stat = resolved.stat !== undefined ? resolved.stat : lstatSync(resolved.hostPath, { bigint: true, throwIfNoEntry: false }) ?? null;
      const guestName = guestPathFor(dir, resolved.hostPath);

      if (stat !== null) {
        if (exclusive) throw new WasiError(Errno.EXIST);
        // Only reachable without SYMLINK_FOLLOW: like O_NOFOLLOW, a final symlink is ELOOP.
        if (stat.isSymbolicLink()) throw new WasiError(Errno.LOOP);
        if (stat.isDirectory()) {
          // Go opens directories with file rights first and retries after EISDIR only for
          // writers; a reader (os.Open of a directory) simply gets the directory.
          if (base & Rights.FD_WRITE || truncate) throw new WasiError(Errno.ISDIR);
          const opened = new DirectoryDescriptor(
            stripTrailingSlash(resolved.hostPath), guestName, dir.sandboxRoot, base & DIRECTORY_RIGHTS, inheriting,
          );
          opened.fdflags = fdflags;
          memory.view.setUint32(fdOut, fds.add(opened), true);
          return Errno.SUCCESS;
        }
        if (wantsDirectory) throw new WasiError(Errno.NOTDIR);
      } else if (!create) {
        throw new WasiError(Errno.NOENT);
      }

      let flags = O_NOFOLLOW;
      if (base & Rights.FD_WRITE) flags |= base & Rights.FD_READ ? O_RDWR : O_WRONLY;
      else flags |= O_RDONLY;
      if (create) flags |= O_CREAT;
      if (exclusive) flags |= O_EXCL;
      if (truncate) flags |= O_TRUNC;
      const hostFd = openSync(resolved.hostPath, flags, 0o666);
      const file = new FileDescriptor(hostFd, resolved.hostPath, guestName, base & FILE_RIGHTS, inheriting, stat ? filetypeOf(stat) : Filetype.REGULAR_FILE);
      file.fdflags = fdflags;
      memory.view.setUint32(fdOut, fds.add(file), true);
      return Errno.SUCCESS;
    },

    path_create_directory(dirFd: number, pathPointer: number, pathLength: number): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_CREATE_DIRECTORY);
      const resolved = resolveGuestPath(dir, guestString(pathPointer, pathLength), false);
      if (namesDirectoryItself(resolved)) throw new WasiError(Errno.EXIST);
      refuseSlashThroughSymlink(resolved, Errno.EXIST);
      mkdirSync(resolved.hostPath);
      return Errno.SUCCESS;
    },

    path_filestat_get(dirFd: number, flags: number, pathPointer: number, pathLength: number, filestatOut: number): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_FILESTAT_GET);
      filestatOut >>>= 0;
      memory.check(filestatOut, FILESTAT_SIZE);
      const resolved = resolveGuestPath(dir, guestString(pathPointer, pathLength), (flags & LookupFlags.SYMLINK_FOLLOW) !== 0);
      if (resolved.stat === null) throw new WasiError(Errno.NOENT);
      writeFilestat(memory, filestatOut, resolved.stat ?? lstatExact(resolved.hostPath));
      return Errno.SUCCESS;
    },

    path_filestat_set_times(
      dirFd: number, flags: number, pathPointer: number, pathLength: number, atim: bigint, mtim: bigint, fstflags: number,
    ): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_FILESTAT_SET_TIMES);
      const resolved = resolveGuestPath(dir, guestString(pathPointer, pathLength), (flags & LookupFlags.SYMLINK_FOLLOW) !== 0);
      if (resolved.stat === null) throw new WasiError(Errno.NOENT);
      const hostPath = resolved.hostPath;
      // The walk already followed what it should: the host call follows nothing more (lutimes).
      setFileTimes({ hostPath, noFollow: true, currentStats: () => lstatExact(hostPath) }, atim, mtim, fstflags);
      return Errno.SUCCESS;
    },

    path_link(
      oldFd: number, oldFlags: number, oldPointer: number, oldLength: number, newFd: number, newPointer: number, newLength: number,
    ): number {
      memory.refresh();
      const source = directory(oldFd, Rights.PATH_LINK_SOURCE);
      const target = directory(newFd, Rights.PATH_LINK_TARGET);
      const from = resolveGuestPath(source, guestString(oldPointer, oldLength), (oldFlags & LookupFlags.SYMLINK_FOLLOW) !== 0);
      if (from.stat === null) throw new WasiError(Errno.NOENT);
      const to = resolveGuestPath(target, guestString(newPointer, newLength), false);
      if (namesDirectoryItself(to)) throw new WasiError(Errno.EXIST);
      refuseSlashThroughSymlink(to, Errno.EXIST);
      if (namesDirectoryItself(from)) throw new WasiError(Errno.PERM);
      // link(2) does not follow a final symlink of its source: with SYMLINK_FOLLOW the walk did.
      linkSync(from.hostPath, to.hostPath);
      return Errno.SUCCESS;
    },

    path_readlink(dirFd: number, pathPointer: number, pathLength: number, buffer: number, bufferLength: number, usedOut: number): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_READLINK);
      buffer >>>= 0;
      bufferLength >>>= 0;
      usedOut >>>= 0;
      memory.check(buffer, bufferLength);
      memory.check(usedOut, 4);
      const resolved = resolveGuestPath(dir, guestString(pathPointer, pathLength), false);
      const contents = readlinkSync(resolved.hostPath, { encoding: 'buffer' });
      // POSIX readlink truncates silently; the guest retries with a larger buffer when it is full.
      const count = Math.min(contents.length, bufferLength);
      memory.bytes.set(contents.subarray(0, count), buffer);
      memory.view.setUint32(usedOut, count, true);
      return Errno.SUCCESS;
    },

    path_remove_directory(dirFd: number, pathPointer: number, pathLength: number): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_REMOVE_DIRECTORY);
      const resolved = resolveGuestPath(dir, guestString(pathPointer, pathLength), false);
      // rmdir(".") is EINVAL and rmdir("..") ENOTEMPTY in POSIX; neither may remove a preopen.
      if (resolved.lastComponent === '..') throw new WasiError(Errno.NOTEMPTY);
      if (namesDirectoryItself(resolved)) throw new WasiError(Errno.INVAL);
      refuseSlashThroughSymlink(resolved, Errno.NOTDIR);
      rmdirSync(resolved.hostPath);
      return Errno.SUCCESS;
    },

    path_rename(oldFd: number, oldPointer: number, oldLength: number, newFd: number, newPointer: number, newLength: number): number {
      memory.refresh();
      const source = directory(oldFd, Rights.PATH_RENAME_SOURCE);
      const target = directory(newFd, Rights.PATH_RENAME_TARGET);
      const from = resolveGuestPath(source, guestString(oldPointer, oldLength), false);
      const to = resolveGuestPath(target, guestString(newPointer, newLength), false);
      if (namesDirectoryItself(from) || namesDirectoryItself(to)) throw new WasiError(Errno.INVAL);
      refuseSlashThroughSymlink(from, Errno.NOTDIR);
      refuseSlashThroughSymlink(to, Errno.NOTDIR);
      // A relative symlink leads elsewhere from its new directory: there it is held to the rule
      // path_symlink keeps (an absolute target does not depend on where the link lies).
      if (lstatSync(from.hostPath, { throwIfNoEntry: false })?.isSymbolicLink()) {
        const contents = readlinkSync(from.hostPath, 'utf8');
        if (contents.charCodeAt(0) !== 0x2f) refuseEscapingSymlink(target, to.hostPath, contents);
      }
      renameSync(from.hostPath, to.hostPath);
      fds.relocate(from.hostPath, to.hostPath);
      return Errno.SUCCESS;
    },

    path_symlink(oldPointer: number, oldLength: number, dirFd: number, newPointer: number, newLength: number): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_SYMLINK);
      // The target is stored as given, once it is known to lead nowhere outside the sandbox (host
      // tools follow links our walk would refuse).
      const contents = guestString(oldPointer, oldLength);
      if (contents.length === 0) throw new WasiError(Errno.NOENT);
      if (contents.includes('\0')) throw new WasiError(Errno.INVAL);
      const resolved = resolveGuestPath(dir, guestString(newPointer, newLength), false);
      if (namesDirectoryItself(resolved)) throw new WasiError(Errno.EXIST);
      refuseSlashThroughSymlink(resolved, Errno.EXIST);
      refuseEscapingSymlink(dir, resolved.hostPath, contents);
      symlinkSync(contents, resolved.hostPath);
      return Errno.SUCCESS;
    },

    path_unlink_file(dirFd: number, pathPointer: number, pathLength: number): number {
      memory.refresh();
      const dir = directory(dirFd, Rights.PATH_UNLINK_FILE);
      const resolved = resolveGuestPath(dir, guestString(pathPointer, pathLength), false);
      if (namesDirectoryItself(resolved)) throw new WasiError(Errno.ISDIR);
      refuseSlashThroughSymlink(resolved, Errno.NOTDIR);
      try {
        unlinkSync(resolved.hostPath);
      } catch (error) {
        // Linux says EISDIR for a directory, macOS EPERM; Go's RemoveAll handles both, but one
        // answer everywhere keeps guests and tests simple.
        const code = hostErrorCode(error);
        if ((code === 'EPERM' || code === 'EACCES') && lstatSync(resolved.hostPath, { throwIfNoEntry: false })?.isDirectory()) {
          throw new WasiError(Errno.ISDIR);
        }
        throw error;
      }
      return Errno.SUCCESS;
    },
  };
}
