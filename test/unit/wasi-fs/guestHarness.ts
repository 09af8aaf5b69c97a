// Calls the host's WASI functions the way a guest would: arguments placed in a real
// WebAssembly.Memory, results read back from it. Plus a temporary tree with a sibling "outside"
// directory whose exact state can be compared before and after, to prove nothing escaped.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach } from 'node:test';
import * as os from 'node:os';
import * as path from 'node:path';
import { WasiHost, type WasiHostOptions } from '../../../src/wasi/host';
import { Rights } from '../../../src/wasi/spec/constants';

export const FILE_RIGHTS =
  Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK | Rights.FD_TELL | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC |
  Rights.FD_DATASYNC | Rights.FD_ADVISE | Rights.FD_ALLOCATE;

export interface Filestat {
  dev: bigint; ino: bigint; filetype: number; nlink: bigint; size: bigint; atim: bigint; mtim: bigint; ctim: bigint;
}

export interface Dirent { next: bigint; ino: bigint; type: number; name: string }

export class Guest {
  readonly host: WasiHost;
  readonly memory = new WebAssembly.Memory({ initial: 2 });
  private cursor = 4096;

  constructor(options: WasiHostOptions) {
    this.host = new WasiHost(options);
    this.host.memory.attach(this.memory);
  }

  get view(): DataView {
    return new DataView(this.memory.buffer);
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** Bump allocation in the guest's memory; wraps around well before the end of the 128 KiB. */
  alloc(size: number): number {
    if (this.cursor + size > 120 * 1024) this.cursor = 4096;
    const pointer = this.cursor;
    this.cursor += (size + 7) & ~7;
    return pointer;
  }

  put(data: string | Uint8Array): [number, number] {
    const encoded = typeof data === 'string' ? Buffer.from(data) : data;
    const pointer = this.alloc(Math.max(encoded.length, 1));
    this.bytes.set(encoded, pointer);
    return [pointer, encoded.length];
  }

  call(name: string, ...args: (number | bigint)[]): number {
    const fn = this.host.wasiImport[name];
    if (!fn) throw new Error(`no import ${name}`);
    return fn(...args) as number;
  }

  u32(pointer: number): number {
    return this.view.getUint32(pointer, true);
  }

  u64(pointer: number): bigint {
    return this.view.getBigUint64(pointer, true);
  }

  open(dirFd: number, guestPath: string, options: { oflags?: number; base?: number; inheriting?: number; fdflags?: number; follow?: boolean } = {}): { errno: number; fd: number } {
    const [p, n] = this.put(guestPath);
    const out = this.alloc(4);
    this.view.setInt32(out, -1, true);
    const errno = this.call(
      'path_open', dirFd, options.follow === false ? 0 : 1, p, n, options.oflags ?? 0,
      BigInt(options.base ?? FILE_RIGHTS), BigInt(options.inheriting ?? 0), options.fdflags ?? 0, out,
    );
    return { errno, fd: this.view.getInt32(out, true) };
  }

  write(fd: number, data: string | Uint8Array): { errno: number; count: number } {
    const [p, n] = this.put(data);
    const iov = this.alloc(8);
    this.view.setUint32(iov, p, true);
    this.view.setUint32(iov + 4, n, true);
    const out = this.alloc(4);
    const errno = this.call('fd_write', fd, iov, 1, out);
    return { errno, count: this.u32(out) };
  }

  read(fd: number, length: number): { errno: number; data: Buffer } {
    const buffer = this.alloc(length);
    const iov = this.alloc(8);
    this.view.setUint32(iov, buffer, true);
    this.view.setUint32(iov + 4, length, true);
    const out = this.alloc(4);
    const errno = this.call('fd_read', fd, iov, 1, out);
    return { errno, data: Buffer.from(this.bytes.slice(buffer, buffer + (errno === 0 ? this.u32(out) : 0))) };
  }

  filestatAt(pointer: number): Filestat {
    return {
      dev: this.u64(pointer), ino: this.u64(pointer + 8), filetype: this.bytes[pointer + 16], nlink: this.u64(pointer + 24),
      size: this.u64(pointer + 32), atim: this.u64(pointer + 40), mtim: this.u64(pointer + 48), ctim: this.u64(pointer + 56),
    };
  }

  pathFilestat(dirFd: number, guestPath: string, follow = true): { errno: number; stat: Filestat } {
    const [p, n] = this.put(guestPath);
    const out = this.alloc(64);
    const errno = this.call('path_filestat_get', dirFd, follow ? 1 : 0, p, n, out);
    return { errno, stat: this.filestatAt(out) };
  }

  fdFilestat(fd: number): { errno: number; stat: Filestat } {
    const out = this.alloc(64);
    const errno = this.call('fd_filestat_get', fd, out);
    return { errno, stat: this.filestatAt(out) };
  }

  /** path_* calls that take (fd, path) and nothing else. */
  pathCall(name: string, dirFd: number, guestPath: string): number {
    const [p, n] = this.put(guestPath);
    return this.call(name, dirFd, p, n);
  }

  fdstat(fd: number): { errno: number; filetype: number; flags: number; base: bigint; inheriting: bigint } {
    const out = this.alloc(24);
    const errno = this.call('fd_fdstat_get', fd, out);
    return { errno, filetype: this.bytes[out], flags: this.view.getUint16(out + 2, true), base: this.u64(out + 8), inheriting: this.u64(out + 16) };
  }

  readdir(fd: number, bufferLength: number, cookie: bigint): { errno: number; used: number; entries: Dirent[]; raw: Uint8Array } {
    const buffer = this.alloc(bufferLength);
    const out = this.alloc(4);
    const errno = this.call('fd_readdir', fd, buffer, bufferLength, cookie, out);
    const used = errno === 0 ? this.u32(out) : 0;
    const entries: Dirent[] = [];
    let at = buffer;
    while (at + 24 <= buffer + used) {
      const nameLength = this.u32(at + 16);
      if (at + 24 + nameLength > buffer + used) break;
      entries.push({
        next: this.u64(at), ino: this.u64(at + 8), type: this.bytes[at + 20],
        name: Buffer.from(this.bytes.slice(at + 24, at + 24 + nameLength)).toString(),
      });
      at += 24 + nameLength;
    }
    return { errno, used, entries, raw: this.bytes.slice(buffer, buffer + used) };
  }
}

/** A temporary tree: `root` is preopened, `outside` sits next to it holding a secret. */
export class SandboxTree {
  readonly base = mkdtempSync(path.join(os.tmpdir(), 'wasi-fs-'));
  readonly root = path.join(this.base, 'root');
  readonly outside = path.join(this.base, 'outside');

  constructor() {
    mkdirSync(this.root);
    mkdirSync(this.outside);
    writeFileSync(path.join(this.outside, 'secret'), 'top secret\n');
    mkdirSync(path.join(this.outside, 'dir'));
  }

  /** Every entry under `outside` with its type, content or link target: equal snapshots mean untouched. */
  snapshotOutside(): string {
    const lines: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const full = path.join(dir, name);
        const stat = lstatSync(full);
        const rel = path.relative(this.outside, full);
        if (stat.isDirectory()) {
          lines.push(`d ${rel} ${stat.mtimeMs}`);
          walk(full);
        } else if (stat.isSymbolicLink()) lines.push(`l ${rel} -> ${readlinkSync(full)}`);
        else lines.push(`f ${rel} ${stat.size} ${stat.mtimeMs} ${readFileSync(full, 'utf8')}`);
      }
    };
    walk(this.outside);
    return lines.join('\n');
  }

  guest(options: Omit<WasiHostOptions, 'preopens'> = {}): Guest {
    return new Guest({ ...options, preopens: [{ hostPath: this.root, guestPath: '/' }] });
  }

  dispose(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** The fd of the first (only) preopen. */
export const PREOPEN_FD = 3;

/**
 * Gives each test of the enclosing describe a fresh tree, filled by `prepare`, and a guest on it
 * (handed to `use`), and disposes of both after the test.
 */
export function freshGuestPerTest(use: (tree: SandboxTree, guest: Guest) => void, prepare: (root: string) => void = () => {}): void {
  let tree: SandboxTree | undefined;
  let guest: Guest | undefined;
  beforeEach(() => {
    tree = new SandboxTree();
    guest = tree.guest();
    prepare(tree.root);
    use(tree, guest);
  });
  afterEach(() => {
    guest?.host.dispose();
    tree?.dispose();
  });
}
