// fd_readdir's data: a directory's entries with "." and "..", serialised as WASI dirents.
// The listing is read once when the guest starts at cookie 0 and kept on the descriptor, so the
// cookies of one pass (the entry's index + 1) stay meaningful while the guest pages through it.
//
// Node's readdir gives no inode numbers, so every entry handed to the guest costs an lstat: that,
// not the readdir, is what a directory walk spends its time on, so that lstat is kept as cheap as
// Node allows (a string path, a plain Stats rather than a BigIntStats).
import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { writeU64FromNumber, type GuestMemory } from './guestMemory';
import { Filetype } from './spec/constants';
import { filetypeOf } from './filestat';

/** d_next u64, d_ino u64, d_namlen u32, d_type u8, 3 bytes padding. */
export const DIRENT_HEADER_SIZE = 24;

/** What the host gave for an inode: a double when it is exact (below 2**53), else the bigint. */
export type InodeNumber = number | bigint;

interface ListingEntry {
  /**
   * The name as the host has it: a string when its bytes are valid UTF-8 (it then encodes back to
   * exactly those bytes), else the bytes themselves, so no name is ever re-encoded into another.
   */
  readonly name: string | Buffer;
  readonly filetype: number;
  /** lstat'ed lazily: only the entries the guest is actually handed cost a syscall. */
  ino: InodeNumber | undefined;
}

const PLAIN = { throwIfNoEntry: false } as const;
const EXACT = { bigint: true, throwIfNoEntry: false } as const;

/**
 * The exact inode number of `path` (0 when it is gone). A plain Stats is cheaper than a
 * BigIntStats and its double is exact below 2**53; anything above is read again as a bigint.
 */
export function inodeNumber(path: string | Buffer, follow = false): InodeNumber {
  const plain = follow ? statSync(path, PLAIN) : lstatSync(path, PLAIN);
  if (plain === undefined) return 0;
  if (plain.ino <= Number.MAX_SAFE_INTEGER) return plain.ino;
  const exact = follow ? statSync(path, EXACT) : lstatSync(path, EXACT);
  return BigInt.asUintN(64, exact?.ino ?? 0n);
}

/** Writes an inode number as a little-endian u64 without making a BigInt for the common case. */
export function writeInode(view: DataView, at: number, ino: InodeNumber): void {
  if (typeof ino === 'bigint') view.setBigUint64(at, BigInt.asUintN(64, ino), true);
  else writeU64FromNumber(view, at, ino);
}

/** Writes one dirent, header then name, at `at` of `target` (`view` covering the same bytes). */
function writeDirent(target: Buffer, view: DataView, at: number, index: number, entry: ListingEntry, ino: InodeNumber, nameLength: number): void {
  view.setUint32(at, index + 1, true); // d_next: the index is far below 2**32
  view.setUint32(at + 4, 0, true);
  writeInode(view, at + 8, ino);
  view.setUint32(at + 16, nameLength, true);
  view.setUint32(at + 20, entry.filetype, true); // d_type and its padding, zeroed
  const name = entry.name;
  if (typeof name === 'string') target.write(name, at + DIRENT_HEADER_SIZE, nameLength, 'utf8');
  else name.copy(target, at + DIRENT_HEADER_SIZE);
}

/** True when some name was decoded with U+FFFD: its bytes were not (or not only) valid UTF-8. */
function anyLossyName(dirents: Dirent[]): boolean {
  for (const dirent of dirents) if (dirent.name.includes('\uFFFD')) return true;
  return false;
}

export class DirectoryListing {
  private constructor(private readonly directory: string, private readonly entries: ListingEntry[]) {}

  /**
   * Reads `directory`. `isSandboxRoot`: ".." of a preopen must not describe the host directory
   * above it, so it reports the root itself, as ".." of "/" does. `selfIno`: the directory's
   * inode when the caller already stat'ed it (resolving it did).
   */
  static read(directory: string, isSandboxRoot: boolean, selfIno?: InodeNumber): DirectoryListing {
    const self = selfIno ?? inodeNumber(directory, true);
    const parent = isSandboxRoot ? self : inodeNumber(directory + '/..', true);
    const entries: ListingEntry[] = [
      { name: '.', filetype: Filetype.DIRECTORY, ino: self },
      { name: '..', filetype: Filetype.DIRECTORY, ino: parent },
    ];
    // Names as strings are half the cost of names as Buffers; the rare directory holding a name
    // that is not UTF-8 is read again as bytes so that name reaches the guest unchanged.
    let dirents: Dirent[] | Dirent<Buffer>[] = readdirSync(directory, { withFileTypes: true });
    if (anyLossyName(dirents)) dirents = readdirSync(directory, { withFileTypes: true, encoding: 'buffer' }) as Dirent<Buffer>[];
    for (const dirent of dirents) entries.push({ name: dirent.name, filetype: filetypeOf(dirent), ino: undefined });
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
    // One Buffer over guest memory per call, so string names are encoded straight into place.
    const guest = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let used = 0;
    for (let index = cookie; index < this.entries.length && used < length; index++) {
      const entry = this.entries[index];
      const name = entry.name;
      const nameLength = typeof name === 'string' ? Buffer.byteLength(name, 'utf8') : name.length;
      const size = DIRENT_HEADER_SIZE + nameLength;
      const ino = this.inodeOf(entry);
      if (length - used >= size) {
        writeDirent(guest, view, buffer + used, index, entry, ino, nameLength);
        used += size;
      } else {
        const whole = Buffer.alloc(size);
        writeDirent(whole, new DataView(whole.buffer, whole.byteOffset, size), 0, index, entry, ino, nameLength);
        bytes.set(whole.subarray(0, length - used), buffer + used);
        used = length;
      }
    }
    return used;
  }

  private inodeOf(entry: ListingEntry): InodeNumber {
    if (entry.ino === undefined) {
      const name = entry.name;
      const path = typeof name === 'string' ? this.directory + '/' + name : Buffer.concat([Buffer.from(this.directory + '/'), name]);
      // An entry removed since the listing was read keeps a zero inode rather than failing the call.
      entry.ino = inodeNumber(path);
    }
    return entry.ino;
  }
}
