// fd_readdir's data: a directory's entries with "." and "..", serialised as WASI dirents.
// The listing is read once when the guest starts at cookie 0 and kept on the descriptor, so the
// cookies of one pass (the entry's index + 1) stay meaningful while the guest pages through it.
import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import type { GuestMemory } from './guestMemory';
import { Filetype } from './spec/constants';
import { filetypeOf } from './filestat';

/** d_next u64, d_ino u64, d_namlen u32, d_type u8, 3 bytes padding. */
export const DIRENT_HEADER_SIZE = 24;

interface ListingEntry {
  /** The name's bytes exactly as the host has them (not re-encoded through a JS string). */
  readonly name: Buffer;
  readonly filetype: number;
  /** lstat'ed lazily: only the entries the guest is actually handed cost a syscall. */
  ino: bigint | undefined;
}

export class DirectoryListing {
  private constructor(private readonly directory: string, private readonly entries: ListingEntry[]) {}

  /**
   * Reads `directory`. `isSandboxRoot`: ".." of a preopen must not describe the host directory
   * above it, so it reports the root itself, as ".." of "/" does.
   */
  static read(directory: string, isSandboxRoot: boolean): DirectoryListing {
    const self = statSync(directory, { bigint: true });
    const parentIno = isSandboxRoot ? self.ino : statSync(directory + '/..', { bigint: true }).ino;
    const entries: ListingEntry[] = [
      { name: Buffer.from('.'), filetype: Filetype.DIRECTORY, ino: self.ino },
      { name: Buffer.from('..'), filetype: Filetype.DIRECTORY, ino: parentIno },
    ];
    const dirents = readdirSync(directory, { withFileTypes: true, encoding: 'buffer' }) as Dirent<Buffer>[];
    for (const dirent of dirents) {
      entries.push({ name: dirent.name, filetype: filetypeOf(dirent), ino: undefined });
    }
    return new DirectoryListing(directory, entries);
  }

  get length(): number {
    return this.entries.length;
  }

  /**
   * Writes entries from index `cookie` into guest memory at [buffer, buffer+length). An entry that
   * does not fit is written truncated, so a full buffer tells the guest there is more (the spec's
   * protocol); returns the bytes used.
   */
  serialize(memory: GuestMemory, buffer: number, length: number, cookie: number): number {
    memory.check(buffer, length);
    const bytes = memory.bytes;
    const view = memory.view;
    let used = 0;
    for (let index = cookie; index < this.entries.length && used < length; index++) {
      const entry = this.entries[index];
      const size = DIRENT_HEADER_SIZE + entry.name.length;
      const ino = this.inodeOf(entry);
      if (length - used >= size) {
        const at = buffer + used;
        view.setBigUint64(at, BigInt(index + 1), true);
        view.setBigUint64(at + 8, ino, true);
        view.setUint32(at + 16, entry.name.length, true);
        view.setUint32(at + 20, entry.filetype, true); // d_type and its padding, zeroed
        bytes.set(entry.name, at + DIRENT_HEADER_SIZE);
        used += size;
      } else {
        const whole = Buffer.alloc(size);
        whole.writeBigUInt64LE(BigInt(index + 1), 0);
        whole.writeBigUInt64LE(ino, 8);
        whole.writeUInt32LE(entry.name.length, 16);
        whole.writeUInt8(entry.filetype, 20);
        entry.name.copy(whole, DIRENT_HEADER_SIZE);
        bytes.set(whole.subarray(0, length - used), buffer + used);
        used = length;
      }
    }
    return used;
  }

  private inodeOf(entry: ListingEntry): bigint {
    if (entry.ino === undefined) {
      const path = Buffer.concat([Buffer.from(this.directory + '/'), entry.name]);
      // An entry removed since the listing was read keeps a zero inode rather than failing the call.
      entry.ino = lstatSync(path, { bigint: true, throwIfNoEntry: false })?.ino ?? 0n;
    }
    return BigInt.asUintN(64, entry.ino);
  }
}
