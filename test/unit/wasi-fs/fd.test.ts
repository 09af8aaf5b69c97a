import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inodeNumber, writeInode } from '../../../src/wasi/directoryListing';
import { FstFlags, FdFlags, Filetype, OFlags, Rights, Whence, Advice } from '../../../src/wasi/spec/constants';
import { Errno } from '../../../src/wasi/spec/errno';
import { BufferInput, BufferOutput, WOULD_BLOCK, type InputStream } from '../../../src/wasi/streams';
import { FILE_RIGHTS, PREOPEN_FD, SandboxTree, type Guest } from './guestHarness';

/** Input whose data arrives later (as from a pipe): empty until fed, then ends when closed. */
class LateInput implements InputStream {
  private queued: Buffer = Buffer.alloc(0);
  ended = false;
  blockingCalls = 0;
  feed(text: string): void {
    this.queued = Buffer.concat([this.queued, Buffer.from(text)]);
  }
  read(target: Uint8Array, offset: number, length: number, blocking: boolean): number {
    if (blocking) this.blockingCalls++;
    if (this.queued.length === 0) return this.ended || blocking ? 0 : WOULD_BLOCK;
    const count = Math.min(length, this.queued.length);
    target.set(this.queued.subarray(0, count), offset);
    this.queued = this.queued.subarray(count);
    return count;
  }
  readable(): boolean {
    return this.queued.length > 0 || this.ended;
  }
  available(): number {
    return this.queued.length;
  }
}

describe('fd_* on regular files', () => {
  let tree: SandboxTree;
  let guest: Guest;
  beforeEach(() => {
    tree = new SandboxTree();
    guest = tree.guest();
  });
  afterEach(() => {
    guest.host.dispose();
    tree.dispose();
  });

  function create(name: string, fdflags = 0): number {
    const opened = guest.open(PREOPEN_FD, name, { oflags: OFlags.CREAT | OFlags.TRUNC, fdflags });
    assert.equal(opened.errno, Errno.SUCCESS);
    return opened.fd;
  }

  test('write, read, seek and tell follow one offset; several iovecs are one transfer', () => {
    const fd = create('f.txt');
    assert.ok(fd > PREOPEN_FD);
    const [a, aLength] = guest.put('hello ');
    const [b, bLength] = guest.put('world');
    const iovs = guest.alloc(16);
    guest.view.setUint32(iovs, a, true);
    guest.view.setUint32(iovs + 4, aLength, true);
    guest.view.setUint32(iovs + 8, b, true);
    guest.view.setUint32(iovs + 12, bLength, true);
    const out = guest.alloc(8);
    assert.equal(guest.call('fd_write', fd, iovs, 2, out), Errno.SUCCESS);
    assert.equal(guest.u32(out), 11);
    assert.equal(readFileSync(path.join(tree.root, 'f.txt'), 'utf8'), 'hello world');

    assert.equal(guest.call('fd_tell', fd, out), Errno.SUCCESS);
    assert.equal(guest.u64(out), 11n);
    assert.equal(guest.call('fd_seek', fd, 6n, Whence.SET, out), Errno.SUCCESS);
    assert.equal(guest.u64(out), 6n);
    assert.deepEqual(guest.read(fd, 100).data.toString(), 'world');
    assert.equal(guest.read(fd, 100).data.length, 0, 'end of file reads 0 bytes');
    assert.equal(guest.call('fd_seek', fd, -5n, Whence.END, out), Errno.SUCCESS);
    assert.equal(guest.u64(out), 6n);
    assert.equal(guest.call('fd_seek', fd, -2n, Whence.CUR, out), Errno.SUCCESS);
    assert.equal(guest.u64(out), 4n);
    assert.equal(guest.call('fd_seek', fd, -100n, Whence.CUR, out), Errno.INVAL);
    assert.equal(guest.call('fd_seek', fd, 0n, 7, out), Errno.INVAL);
    assert.equal(guest.read(fd, 3).data.toString(), 'o w');
  });

  test('pread and pwrite use their own offset and leave the file offset alone', () => {
    const fd = create('p.txt');
    guest.write(fd, 'abcdef');
    const [data, length] = guest.put('XY');
    const iov = guest.alloc(8);
    guest.view.setUint32(iov, data, true);
    guest.view.setUint32(iov + 4, length, true);
    const out = guest.alloc(8);
    assert.equal(guest.call('fd_pwrite', fd, iov, 1, 2n, out), Errno.SUCCESS);
    assert.equal(guest.u32(out), 2);
    const buffer = guest.alloc(4);
    guest.view.setUint32(iov, buffer, true);
    guest.view.setUint32(iov + 4, 4, true);
    assert.equal(guest.call('fd_pread', fd, iov, 1, 1n, out), Errno.SUCCESS);
    assert.equal(Buffer.from(guest.bytes.slice(buffer, buffer + guest.u32(out))).toString(), 'bXYe');
    assert.equal(guest.call('fd_tell', fd, out), Errno.SUCCESS);
    assert.equal(guest.u64(out), 6n);
    assert.equal(readFileSync(path.join(tree.root, 'p.txt'), 'utf8'), 'abXYef');
  });

  test('APPEND writes at the end whatever the offset, shows in fdstat, and can be switched off', () => {
    writeFileSync(path.join(tree.root, 'log'), '0123');
    const opened = guest.open(PREOPEN_FD, 'log', { fdflags: FdFlags.APPEND });
    assert.equal(opened.errno, Errno.SUCCESS);
    assert.equal(guest.fdstat(opened.fd).flags, FdFlags.APPEND);
    const out = guest.alloc(8);
    assert.equal(guest.call('fd_seek', opened.fd, 0n, Whence.SET, out), Errno.SUCCESS);
    writeFileSync(path.join(tree.root, 'log'), '0123456'); // grown behind the guest's back
    assert.equal(guest.write(opened.fd, 'AB').errno, Errno.SUCCESS);
    assert.equal(readFileSync(path.join(tree.root, 'log'), 'utf8'), '0123456AB');
    assert.equal(guest.call('fd_tell', opened.fd, out), Errno.SUCCESS);
    assert.equal(guest.u64(out), 9n);
    assert.equal(guest.call('fd_fdstat_set_flags', opened.fd, 0), Errno.SUCCESS);
    assert.equal(guest.call('fd_seek', opened.fd, 0n, Whence.SET, out), Errno.SUCCESS);
    guest.write(opened.fd, 'z');
    assert.equal(readFileSync(path.join(tree.root, 'log'), 'utf8'), 'z123456AB');
  });

  test('fdstat reports the WASI flags the guest set, its filetype and rights; unknown flags are EINVAL', () => {
    const fd = create('flags');
    let stat = guest.fdstat(fd);
    assert.equal(stat.filetype, Filetype.REGULAR_FILE);
    assert.equal(stat.flags, 0);
    assert.equal(stat.base, BigInt(FILE_RIGHTS));
    for (const flags of [FdFlags.NONBLOCK, FdFlags.NONBLOCK | FdFlags.APPEND, FdFlags.SYNC | FdFlags.DSYNC, 0]) {
      assert.equal(guest.call('fd_fdstat_set_flags', fd, flags), Errno.SUCCESS);
      assert.equal(guest.fdstat(fd).flags, flags);
    }
    assert.equal(guest.call('fd_fdstat_set_flags', fd, 0x20), Errno.INVAL);
    stat = guest.fdstat(PREOPEN_FD);
    assert.equal(stat.filetype, Filetype.DIRECTORY);
    assert.equal(guest.fdstat(99).errno, Errno.BADF);
    // SYNC writes still land.
    assert.equal(guest.call('fd_fdstat_set_flags', fd, FdFlags.SYNC), Errno.SUCCESS);
    assert.equal(guest.write(fd, 'durable').errno, Errno.SUCCESS);
    assert.equal(readFileSync(path.join(tree.root, 'flags'), 'utf8'), 'durable');
  });

  test('rights can only be narrowed, and are enforced afterwards', () => {
    const fd = create('r');
    const narrowed = BigInt(Rights.FD_READ | Rights.FD_SEEK | Rights.FD_TELL);
    assert.equal(guest.call('fd_fdstat_set_rights', fd, narrowed, 0n), Errno.SUCCESS);
    assert.equal(guest.fdstat(fd).base, narrowed);
    assert.equal(guest.call('fd_fdstat_set_rights', fd, narrowed | BigInt(Rights.FD_WRITE), 0n), Errno.NOTCAPABLE);
    assert.equal(guest.write(fd, 'x').errno, Errno.NOTCAPABLE);
    assert.equal(guest.call('fd_filestat_set_size', fd, 0n), Errno.NOTCAPABLE);
    assert.equal(guest.call('fd_sync', fd), Errno.NOTCAPABLE);
    assert.equal(guest.read(fd, 1).errno, Errno.SUCCESS);
  });

  test('filestat gives exact inode, size and nanosecond times; set_size and allocate change the size', () => {
    const fd = create('s');
    guest.write(fd, '12345');
    const host = lstatSync(path.join(tree.root, 's'), { bigint: true });
    const { errno, stat } = guest.fdFilestat(fd);
    assert.equal(errno, Errno.SUCCESS);
    assert.equal(stat.ino, host.ino);
    assert.equal(stat.dev, host.dev);
    assert.equal(stat.filetype, Filetype.REGULAR_FILE);
    assert.equal(stat.size, 5n);
    assert.equal(stat.nlink, 1n);
    assert.equal(stat.mtim, host.mtimeNs);
    assert.equal(stat.ctim, host.ctimeNs);

    assert.equal(guest.call('fd_filestat_set_size', fd, 2n), Errno.SUCCESS);
    assert.equal(guest.fdFilestat(fd).stat.size, 2n);
    assert.equal(guest.call('fd_allocate', fd, 0n, 100n), Errno.SUCCESS);
    assert.equal(guest.fdFilestat(fd).stat.size, 100n);
    assert.equal(guest.call('fd_allocate', fd, 10n, 10n), Errno.SUCCESS);
    assert.equal(guest.fdFilestat(fd).stat.size, 100n);
    assert.equal(guest.call('fd_allocate', fd, 90n, 20n), Errno.SUCCESS);
    assert.equal(statSync(path.join(tree.root, 's')).size, 110);
    assert.equal(guest.call('fd_advise', fd, 0n, 10n, Advice.SEQUENTIAL), Errno.SUCCESS);
    assert.equal(guest.call('fd_advise', fd, 0n, 10n, 9), Errno.INVAL);
    assert.equal(guest.call('fd_sync', fd), Errno.SUCCESS);
    assert.equal(guest.call('fd_datasync', fd), Errno.SUCCESS);
  });

  test('set_times keeps nanoseconds, leaves an omitted time exactly as it was, and validates flags', () => {
    const fd = create('t');
    const file = path.join(tree.root, 't');
    const atime = 1_600_000_000_123_456_789n;
    const mtime = 1_500_000_000_987_654_321n;
    assert.equal(guest.call('fd_filestat_set_times', fd, atime, mtime, FstFlags.ATIM | FstFlags.MTIM), Errno.SUCCESS);
    let host = statSync(file, { bigint: true });
    assert.equal(host.atimeNs, atime);
    assert.equal(host.mtimeNs, mtime);
    assert.equal(guest.fdFilestat(fd).stat.mtim, mtime);

    // Whole microseconds take Node's own path.
    const micro = 1_700_000_000_000_001_000n;
    assert.equal(guest.call('fd_filestat_set_times', fd, 0n, micro, FstFlags.MTIM), Errno.SUCCESS);
    host = statSync(file, { bigint: true });
    assert.equal(host.mtimeNs, micro);
    assert.equal(host.atimeNs, atime, 'the omitted atime keeps its nanoseconds');

    const before = BigInt(Date.now()) * 1_000_000n;
    assert.equal(guest.call('fd_filestat_set_times', fd, 0n, 0n, FstFlags.ATIM_NOW), Errno.SUCCESS);
    host = statSync(file, { bigint: true });
    assert.ok(host.atimeNs >= before - 1_000_000_000n && host.atimeNs <= before + 5_000_000_000n);
    assert.equal(host.mtimeNs, micro);

    assert.equal(guest.call('fd_filestat_set_times', fd, 1n, 2n, FstFlags.MTIM | FstFlags.MTIM_NOW), Errno.INVAL);
    assert.equal(guest.call('fd_filestat_set_times', fd, 1n, 2n, FstFlags.ATIM | FstFlags.ATIM_NOW), Errno.INVAL);
    assert.equal(guest.call('fd_filestat_set_times', fd, 1n, 2n, 0x10), Errno.INVAL);
  });

  test('fd_close, fd_renumber and closing a preopen', () => {
    const a = create('a');
    const b = create('b');
    guest.write(a, 'from a');
    assert.equal(guest.call('fd_renumber', a, b), Errno.SUCCESS);
    assert.equal(guest.fdstat(a).errno, Errno.BADF);
    assert.equal(guest.write(b, '!').errno, Errno.SUCCESS);
    assert.equal(readFileSync(path.join(tree.root, 'a'), 'utf8'), 'from a!');
    assert.equal(guest.call('fd_renumber', b, 77), Errno.BADF);
    assert.equal(guest.call('fd_close', b), Errno.SUCCESS);
    assert.equal(guest.call('fd_close', b), Errno.BADF);
    assert.equal(guest.call('fd_close', PREOPEN_FD), Errno.SUCCESS);
    assert.equal(guest.call('fd_prestat_get', PREOPEN_FD, guest.alloc(8)), Errno.BADF);
  });

  test('wild iovecs are EFAULT and write nothing', () => {
    const fd = create('w');
    const [data, length] = guest.put('good');
    const iovs = guest.alloc(16);
    guest.view.setUint32(iovs, data, true);
    guest.view.setUint32(iovs + 4, length, true);
    guest.view.setUint32(iovs + 8, 0xffff_0000, true);
    guest.view.setUint32(iovs + 12, 16, true);
    assert.equal(guest.call('fd_write', fd, iovs, 2, guest.alloc(4)), Errno.FAULT);
    assert.equal(statSync(path.join(tree.root, 'w')).size, 0);
    assert.equal(guest.call('fd_write', fd, 0x7fff_0000, 1, guest.alloc(4)), Errno.FAULT);
    assert.equal(guest.call('fd_read', fd, iovs, 2, guest.alloc(4)), Errno.FAULT);
    assert.equal(guest.call('fd_write', fd, iovs, 1, 0xffff_fffc), Errno.FAULT);
    assert.equal(guest.call('fd_filestat_get', fd, 0xffff_ffc0), Errno.FAULT);
    assert.equal(guest.call('fd_fdstat_get', fd, -8), Errno.FAULT);
    assert.equal(guest.call('fd_readdir', PREOPEN_FD, 0xffff_0000, 4096, 0n, guest.alloc(4)), Errno.FAULT);
  });
});

describe('fd_* on directories and preopens', () => {
  let tree: SandboxTree;
  let guest: Guest;
  beforeEach(() => {
    tree = new SandboxTree();
    guest = tree.guest();
  });
  afterEach(() => {
    guest.host.dispose();
    tree.dispose();
  });

  test('prestat names the preopen; the scan ends with EBADF; a short buffer is ENAMETOOLONG', () => {
    const out = guest.alloc(8);
    assert.equal(guest.call('fd_prestat_get', PREOPEN_FD, out), Errno.SUCCESS);
    assert.equal(guest.bytes[out], 0);
    assert.equal(guest.u32(out + 4), 1);
    const name = guest.alloc(4);
    assert.equal(guest.call('fd_prestat_dir_name', PREOPEN_FD, name, 4), Errno.SUCCESS);
    assert.equal(String.fromCharCode(guest.bytes[name]), '/');
    assert.equal(guest.call('fd_prestat_dir_name', PREOPEN_FD, name, 0), Errno.NAMETOOLONG);
    assert.equal(guest.call('fd_prestat_get', PREOPEN_FD + 1, out), Errno.BADF);
    assert.equal(guest.call('fd_prestat_get', 1, out), Errno.BADF);
  });

  test('reading, writing and seeking a directory fail as POSIX says', () => {
    assert.equal(guest.read(PREOPEN_FD, 10).errno, Errno.ISDIR);
    assert.equal(guest.write(PREOPEN_FD, 'x').errno, Errno.ISDIR);
    assert.equal(guest.call('fd_seek', PREOPEN_FD, 0n, Whence.SET, guest.alloc(8)), Errno.ISDIR);
    assert.equal(guest.call('fd_allocate', PREOPEN_FD, 0n, 1n), Errno.ISDIR);
    assert.equal(guest.call('fd_filestat_set_size', PREOPEN_FD, 0n), Errno.ISDIR);
    const { errno, stat } = guest.fdFilestat(PREOPEN_FD);
    assert.equal(errno, Errno.SUCCESS);
    assert.equal(stat.filetype, Filetype.DIRECTORY);
    assert.equal(stat.ino, statSync(tree.root, { bigint: true }).ino);
  });

  test('readdir lists . and .. with real inodes, honours cookies and signals more with a full buffer', () => {
    writeFileSync(path.join(tree.root, 'file'), 'x');
    mkdirSync(path.join(tree.root, 'sub'));
    const all = guest.readdir(PREOPEN_FD, 4096, 0n);
    assert.equal(all.errno, Errno.SUCCESS);
    assert.ok(all.used < 4096, 'a buffer with room to spare means the end was reached');
    const names = all.entries.map((e) => e.name);
    assert.deepEqual(names.slice(0, 2), ['.', '..']);
    assert.deepEqual(names.slice(2).sort(), ['file', 'sub']);
    assert.deepEqual(all.entries.map((e) => e.next), [1n, 2n, 3n, 4n]);
    const rootIno = statSync(tree.root, { bigint: true }).ino;
    assert.equal(all.entries[0].ino, rootIno);
    assert.equal(all.entries[1].ino, rootIno, '.. of a preopen is the preopen itself');
    for (const entry of all.entries.slice(2)) {
      const host = lstatSync(path.join(tree.root, entry.name), { bigint: true });
      assert.equal(entry.ino, host.ino);
      assert.equal(entry.type, host.isDirectory() ? Filetype.DIRECTORY : Filetype.REGULAR_FILE);
    }
    const rest = guest.readdir(PREOPEN_FD, 4096, all.entries[1].next);
    assert.deepEqual(rest.entries.map((e) => e.name), names.slice(2));
    assert.equal(guest.readdir(PREOPEN_FD, 4096, 4n).used, 0);
    assert.equal(guest.readdir(PREOPEN_FD, 4096, 1000n).used, 0);

    // 30 bytes: the first dirent (25 bytes) and 5 bytes of the next, so the guest knows there is more.
    const small = guest.readdir(PREOPEN_FD, 30, 0n);
    assert.equal(small.used, 30);
    assert.deepEqual(small.entries.map((e) => e.name), ['.']);
    assert.deepEqual(Array.from(small.raw.subarray(25, 30)), Array.from(all.raw.subarray(25, 30)));
    // A buffer smaller than one header is filled too.
    assert.equal(guest.readdir(PREOPEN_FD, 10, 0n).used, 10);
  });

  test('paging a large directory with a small buffer sees every entry once', () => {
    mkdirSync(path.join(tree.root, 'many'));
    for (let i = 0; i < 1000; i++) writeFileSync(path.join(tree.root, 'many', `file.${i}`), '');
    const opened = guest.open(PREOPEN_FD, 'many', { oflags: OFlags.DIRECTORY, base: Rights.FD_READDIR });
    assert.equal(opened.errno, Errno.SUCCESS);
    const seen: string[] = [];
    let cookie = 0n;
    for (;;) {
      const page = guest.readdir(opened.fd, 256, cookie);
      assert.equal(page.errno, Errno.SUCCESS);
      seen.push(...page.entries.map((e) => e.name));
      if (page.used < 256) break;
      cookie = page.entries[page.entries.length - 1].next;
    }
    assert.equal(seen.length, 1002);
    assert.equal(new Set(seen).size, 1002);
    const parent = guest.readdir(opened.fd, 256, 0n).entries[1];
    assert.equal(parent.ino, statSync(tree.root, { bigint: true }).ino);
  });
  test('readdir hands the guest every name byte for byte, UTF-8 or not, with real inodes and . and ..', () => {
    // UTF-8 names (a BOM included); a valid U+FFFD, which looks like a decoding loss; bytes that are not UTF-8.
    const utf8Names = ['plain', 'caf\u00e9-\u00fc', '\ufeffbom'].map((name) => Buffer.from(name));
    const replacementNames = [Buffer.from('ok'), Buffer.from('has-\ufffd-replacement')];
    const mixedNames = [Buffer.from('ok'), Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]), Buffer.from([0xc3, 0x28])];
    const rootIno = statSync(tree.root, { bigint: true }).ino;
    for (const [sub, names] of [['utf8', utf8Names], ['replacement', replacementNames], ['mixed', mixedNames]] as const) {
      const dir = path.join(tree.root, sub);
      mkdirSync(dir);
      try {
        for (const name of names) writeFileSync(Buffer.concat([Buffer.from(dir + '/'), name]), '');
      } catch (error) {
        // Some file systems (APFS) refuse names that are not UTF-8; there is nothing to list then.
        if (sub === 'mixed' && (error as { code?: string }).code === 'EILSEQ') continue;
        throw error;
      }
      const opened = guest.open(PREOPEN_FD, sub, { oflags: OFlags.DIRECTORY, base: Rights.FD_READDIR });
      assert.equal(opened.errno, Errno.SUCCESS);
      const listing = guest.readdir(opened.fd, 4096, 0n);
      assert.equal(listing.errno, Errno.SUCCESS);
      const entries: { name: Buffer; ino: bigint }[] = [];
      const view = new DataView(listing.raw.buffer, listing.raw.byteOffset, listing.raw.byteLength);
      for (let at = 0; at < listing.used; ) {
        const length = view.getUint32(at + 16, true);
        entries.push({ name: Buffer.from(listing.raw.subarray(at + 24, at + 24 + length)), ino: view.getBigUint64(at + 8, true) });
        at += 24 + length;
      }
      assert.deepEqual(entries.slice(0, 2).map((e) => e.name.toString()), ['.', '..']);
      assert.equal(entries[0].ino, statSync(dir, { bigint: true }).ino, sub);
      assert.equal(entries[1].ino, rootIno, sub);
      const hex = (list: readonly Buffer[]): string[] => list.map((name) => name.toString('hex')).sort();
      assert.deepEqual(hex(entries.slice(2).map((e) => e.name)), hex(names), sub);
      for (const entry of entries.slice(2)) {
        assert.equal(entry.ino, lstatSync(Buffer.concat([Buffer.from(dir + '/'), entry.name]), { bigint: true }).ino, sub);
      }
    }
  });

  test('inode numbers reach the guest exactly, below and above 2**53', () => {
    const view = new DataView(new ArrayBuffer(8));
    for (const ino of [0, 1, 0xffff_ffff, 0x1_0000_0005, Number.MAX_SAFE_INTEGER, 2n ** 53n + 1n, 2n ** 64n - 1n, 0x8000_0000_0000_0001n]) {
      writeInode(view, 0, ino);
      assert.equal(view.getBigUint64(0, true), BigInt(ino));
    }
    const file = path.join(tree.root, 'f');
    writeFileSync(file, '');
    assert.equal(BigInt(inodeNumber(file)), lstatSync(file, { bigint: true }).ino);
    assert.equal(inodeNumber(path.join(tree.root, 'gone')), 0);
  });
});

describe('fd_* on stdio streams', () => {
  test('blocking reads wait, NONBLOCK reads answer EAGAIN, writes reach the output', () => {
    const tree = new SandboxTree();
    const stdin = new LateInput();
    const stdout = new BufferOutput();
    const guest = tree.guest({ stdin, stdout });
    try {
      assert.equal(guest.call('fd_fdstat_set_flags', 0, FdFlags.NONBLOCK), Errno.SUCCESS);
      assert.equal(guest.fdstat(0).flags, FdFlags.NONBLOCK);
      assert.equal(guest.read(0, 10).errno, Errno.AGAIN);
      stdin.feed('typed');
      assert.equal(guest.read(0, 10).data.toString(), 'typed');
      assert.equal(stdin.blockingCalls, 0);
      assert.equal(guest.call('fd_fdstat_set_flags', 0, 0), Errno.SUCCESS);
      stdin.ended = true;
      assert.equal(guest.read(0, 10).data.length, 0);
      assert.equal(stdin.blockingCalls, 1);

      assert.equal(guest.write(1, 'out!').count, 4);
      assert.equal(stdout.text(), 'out!');
      assert.equal(guest.write(0, 'x').errno, Errno.NOTCAPABLE);
      assert.equal(guest.read(1, 1).errno, Errno.NOTCAPABLE);
      assert.equal(guest.call('fd_seek', 1, 0n, Whence.CUR, guest.alloc(8)), Errno.SPIPE);
      assert.equal(guest.call('fd_tell', 1, guest.alloc(8)), Errno.SPIPE);
      const { errno, stat } = guest.fdFilestat(1);
      assert.equal(errno, Errno.SUCCESS);
      assert.equal(stat.filetype, Filetype.UNKNOWN);
      assert.equal(stat.nlink, 1n);
    } finally {
      guest.host.dispose();
      tree.dispose();
    }
  });

  test('a BufferInput stdin is read to its end', () => {
    const tree = new SandboxTree();
    const guest = tree.guest({ stdin: new BufferInput(Buffer.from('line\n')) });
    try {
      assert.equal(guest.read(0, 3).data.toString(), 'lin');
      assert.equal(guest.read(0, 10).data.toString(), 'e\n');
      assert.equal(guest.read(0, 10).data.length, 0);
    } finally {
      guest.host.dispose();
      tree.dispose();
    }
  });
});
