// The guest's file descriptor table. Each entry is data the function families act on; a family
// checks the kind it needs (`instanceof`) and the rights the guest was given.
import { closeSync } from 'node:fs';
import { ALL_RIGHTS, Filetype, Rights } from './spec/constants';
import { Errno } from './spec/errno';
import type { InputStream, OutputStream } from './streams';
import { WasiError } from './wasiError';

export abstract class Descriptor {
  /** WASI rights are 64-bit; only the low 30 bits are defined, so a number holds them exactly. */
  rightsBase: number;
  rightsInheriting: number;
  /** WASI fdflags (APPEND, DSYNC, NONBLOCK, RSYNC, SYNC) as the guest set them, never host bits. */
  fdflags = 0;
  abstract readonly filetype: number;

  constructor(rightsBase: number, rightsInheriting: number) {
    this.rightsBase = rightsBase & ALL_RIGHTS;
    this.rightsInheriting = rightsInheriting & ALL_RIGHTS;
  }

  /** Releases host resources; called once when the guest closes the fd or the host stops. */
  close(): void {}
}

/** stdio, and anything else that is a byte stream rather than a file (sockets build on this). */
export class StreamDescriptor extends Descriptor {
  readonly filetype: number;
  constructor(
    readonly name: string,
    readonly input: InputStream | undefined,
    readonly output: OutputStream | undefined,
    filetype?: number,
  ) {
    const rights =
      (input ? Rights.FD_READ : 0) |
      (output ? Rights.FD_WRITE : 0) |
      Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE;
    super(rights, 0);
    this.filetype = filetype ?? (output?.isTerminal ? Filetype.CHARACTER_DEVICE : Filetype.UNKNOWN);
  }

  override close(): void {
    this.input?.close?.();
    this.output?.close?.();
  }
}

/** A regular file (or device) opened on the host; the offset is ours so APPEND and seeks follow WASI. */
export class FileDescriptor extends Descriptor {
  readonly filetype: number;
  position = 0;
  constructor(
    readonly hostFd: number,
    /** Where the file is on the host; follows renames the guest makes (FdTable.relocate). */
    public hostPath: string,
    readonly guestPath: string,
    rightsBase: number,
    rightsInheriting: number,
    filetype: number = Filetype.REGULAR_FILE,
  ) {
    super(rightsBase, rightsInheriting);
    this.filetype = filetype;
  }

  private closed = false;
  override close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // Synchronous close keeps fd numbers from being reused under a pending write.
      closeSync(this.hostFd);
    } catch {
      // Closing can fail only on an already-broken fd; the guest sees success as POSIX allows.
    }
  }
}

/** A directory: a preopen or one the guest opened. Paths under it resolve inside its preopen's sandbox. */
export class DirectoryDescriptor extends Descriptor {
  readonly filetype = Filetype.DIRECTORY;
  /** Entries read at cookie 0 and reused for later cookies, so a listing is stable across calls. */
  listing: unknown;
  constructor(
    /** Absolute host path of this directory; follows renames the guest makes (FdTable.relocate). */
    public hostPath: string,
    /** The path the guest knows it by (a preopen's name, or the path it opened). */
    readonly guestPath: string,
    /** Absolute host path of the preopen this directory lies in: the sandbox's boundary. */
    readonly sandboxRoot: string,
    rightsBase: number,
    rightsInheriting: number,
    /** Set on preopens: the name fd_prestat_dir_name reports. */
    readonly preopenName?: string,
  ) {
    super(rightsBase, rightsInheriting);
  }
}

/**
 * The rights that mean something on a regular file: what fd_fdstat_get reports for one is at most
 * these, so every right it shows is one a call checks.
 */
export const FILE_RIGHTS =
  Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_TELL |
  Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_SIZE |
  Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;

/**
 * Rights a preopened directory gets, and at most what a directory opened later holds: everything
 * but the byte-stream and socket rights (a directory is not read, written, sized or polled).
 */
export const DIRECTORY_RIGHTS = ALL_RIGHTS & ~(
  Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK | Rights.FD_TELL | Rights.FD_ADVISE | Rights.FD_ALLOCATE |
  Rights.FD_FILESTAT_SET_SIZE | Rights.POLL_FD_READWRITE | Rights.SOCK_SHUTDOWN | Rights.SOCK_ACCEPT
);
/** What a preopen passes on to what is opened beneath it: anything, narrowed by what is asked for. */
export const DIRECTORY_INHERITING = ALL_RIGHTS;

/**
 * Guest fds to descriptors. New fds take the lowest free number, as POSIX does and as Go's
 * preopen scan (fd 3 upward until EBADF) expects.
 */
export class FdTable {
  private readonly entries: (Descriptor | undefined)[] = [];

  get(fd: number): Descriptor {
    const entry = fd >= 0 ? this.entries[fd] : undefined;
    if (!entry) throw new WasiError(Errno.BADF);
    return entry;
  }

  /** Like get, and the descriptor must hold every bit of `rights` (else NOTCAPABLE). */
  require(fd: number, rights: number): Descriptor {
    const entry = this.get(fd);
    if ((entry.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return entry;
  }

  peek(fd: number): Descriptor | undefined {
    return fd >= 0 ? this.entries[fd] : undefined;
  }

  set(fd: number, descriptor: Descriptor): void {
    this.entries[fd] = descriptor;
  }

  add(descriptor: Descriptor): number {
    let fd = 0;
    while (this.entries[fd] !== undefined) fd++;
    this.entries[fd] = descriptor;
    return fd;
  }

  /** Removes the fd and returns its descriptor (the caller closes it). */
  remove(fd: number): Descriptor {
    const entry = this.get(fd);
    this.entries[fd] = undefined;
    while (this.entries.length && this.entries[this.entries.length - 1] === undefined) this.entries.length--;
    return entry;
  }

  /** fd_renumber: `to` is closed first, `from` takes its number. Both must be open. */
  renumber(from: number, to: number): void {
    const source = this.get(from);
    const target = this.get(to);
    if (from === to) return;
    target.close();
    this.entries[to] = source;
    this.entries[from] = undefined;
  }

  /**
   * After the guest renamed `from` to `to` on the host, points open files and directories at or
   * below `from` to their new place, so a directory opened before its parent was renamed keeps
   * working (Go's os.Root relies on it). A directory moved out of its own sandbox is left pointing
   * at the old path: it then fails like a deleted one rather than following outside.
   */
  relocate(from: string, to: string): void {
    const prefix = from.endsWith('/') ? from : from + '/';
    for (const [, entry] of this.open()) {
      if (!(entry instanceof FileDescriptor || entry instanceof DirectoryDescriptor)) continue;
      if (entry.hostPath !== from && !entry.hostPath.startsWith(prefix)) continue;
      const moved = to + entry.hostPath.slice(from.length);
      if (entry instanceof DirectoryDescriptor && moved !== entry.sandboxRoot && !moved.startsWith(entry.sandboxRoot.endsWith('/') ? entry.sandboxRoot : entry.sandboxRoot + '/')) continue;
      entry.hostPath = moved;
    }
  }

  *open(): IterableIterator<[number, Descriptor]> {
    for (let fd = 0; fd < this.entries.length; fd++) {
      const entry = this.entries[fd];
      if (entry) yield [fd, entry];
    }
  }

  closeAll(): void {
    for (const [, entry] of this.open()) entry.close();
    this.entries.length = 0;
  }
}
