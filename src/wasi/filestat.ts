// The 64-byte WASI filestat record and the filetype of host stats. Stats are read with
// { bigint: true } so inode numbers and nanosecond timestamps reach the guest exactly.
import type { BigIntStats, Stats } from 'node:fs';
import type { GuestMemory } from './guestMemory';
import { Filetype } from './spec/constants';

export const FILESTAT_SIZE = 64;

/** What both fs.Stats and fs.Dirent can say about an entry's type. */
export type TypedEntry = Pick<Stats, 'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'>;

export function filetypeOf(stats: TypedEntry | BigIntStats): number {
  if (stats.isFile()) return Filetype.REGULAR_FILE;
  if (stats.isDirectory()) return Filetype.DIRECTORY;
  if (stats.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (stats.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (stats.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (stats.isSocket()) return Filetype.SOCKET_STREAM;
  // FIFOs have no WASI filetype.
  return Filetype.UNKNOWN;
}

/** Writes dev, ino, filetype, nlink, size, atim, mtim, ctim at `pointer`. */
export function writeFilestat(memory: GuestMemory, pointer: number, stats: BigIntStats): void {
  memory.check(pointer, FILESTAT_SIZE);
  const view = memory.view;
  view.setBigUint64(pointer, BigInt.asUintN(64, stats.dev), true);
  view.setBigUint64(pointer + 8, BigInt.asUintN(64, stats.ino), true);
  // filetype is a u8 followed by 7 bytes of padding; clear them so no stale guest bytes remain.
  view.setBigUint64(pointer + 16, BigInt(filetypeOf(stats)), true);
  view.setBigUint64(pointer + 24, BigInt.asUintN(64, stats.nlink), true);
  view.setBigUint64(pointer + 32, BigInt.asUintN(64, stats.size), true);
  view.setBigUint64(pointer + 40, BigInt.asUintN(64, stats.atimeNs), true);
  view.setBigUint64(pointer + 48, BigInt.asUintN(64, stats.mtimeNs), true);
  view.setBigUint64(pointer + 56, BigInt.asUintN(64, stats.ctimeNs), true);
}

/** A filestat for something that is not on a file system (stdio streams): only the type is known. */
export function writeStreamFilestat(memory: GuestMemory, pointer: number, filetype: number): void {
  memory.check(pointer, FILESTAT_SIZE);
  memory.bytes.fill(0, pointer, pointer + FILESTAT_SIZE);
  memory.view.setUint8(pointer + 16, filetype);
  memory.view.setBigUint64(pointer + 24, 1n, true);
}
