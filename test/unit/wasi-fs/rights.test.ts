// Rights as the guest sees them: they only shrink, what is opened inherits at most what its
// directory passes on, and a right that was dropped is refused by the call that needs it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DIRECTORY_RIGHTS, FILE_RIGHTS } from '../../../src/wasi/descriptors';
import { ALL_RIGHTS, OFlags, Rights } from '../../../src/wasi/spec/constants';
import { Errno } from '../../../src/wasi/spec/errno';
import { freshGuestPerTest, PREOPEN_FD, type Guest, type SandboxTree } from './guestHarness';

describe('rights', () => {
  let tree: SandboxTree;
  let guest: Guest;
  freshGuestPerTest((t, g) => ([tree, guest] = [t, g]), (root) => {
    mkdirSync(path.join(root, 'dir'));
    writeFileSync(path.join(root, 'dir/file'), 'twelve bytes');
  });

  function openDirectory(base = ALL_RIGHTS & ~Rights.FD_WRITE, inheriting = ALL_RIGHTS): number {
    const opened = guest.open(PREOPEN_FD, 'dir', { oflags: OFlags.DIRECTORY, base, inheriting });
    assert.equal(opened.errno, Errno.SUCCESS);
    return opened.fd;
  }

  function setRights(fd: number, base: bigint, inheriting: bigint): number {
    return guest.call('fd_fdstat_set_rights', fd, base, inheriting);
  }

  test('a directory does not hold rights that mean nothing on a directory (the WASI test suite checks FD_FILESTAT_SET_SIZE)', () => {
    for (const fd of [PREOPEN_FD, openDirectory()]) {
      const { base } = guest.fdstat(fd);
      assert.equal(base, BigInt(DIRECTORY_RIGHTS));
      for (const right of [Rights.FD_FILESTAT_SET_SIZE, Rights.FD_READ, Rights.FD_WRITE, Rights.FD_SEEK, Rights.FD_ALLOCATE]) {
        assert.equal(base & BigInt(right), 0n);
      }
      assert.notEqual(base & BigInt(Rights.PATH_FILESTAT_SET_SIZE), 0n);
    }
  });

  test('rights only shrink: asking for more, in base or inheriting, is NOTCAPABLE and changes nothing', () => {
    const fd = openDirectory(Rights.PATH_OPEN | Rights.FD_READDIR, Rights.FD_READ);
    const before = guest.fdstat(fd);
    assert.equal(setRights(fd, before.base | BigInt(Rights.PATH_CREATE_FILE), before.inheriting), Errno.NOTCAPABLE);
    assert.equal(setRights(fd, before.base, before.inheriting | BigInt(Rights.FD_WRITE)), Errno.NOTCAPABLE);
    assert.deepEqual(guest.fdstat(fd), before);
    assert.equal(setRights(fd, BigInt(Rights.PATH_OPEN), 0n), Errno.SUCCESS);
    assert.equal(guest.fdstat(fd).base, BigInt(Rights.PATH_OPEN));
    assert.equal(guest.fdstat(fd).inheriting, 0n);
    // Once dropped, a right cannot be had back.
    assert.equal(setRights(fd, BigInt(Rights.PATH_OPEN | Rights.FD_READDIR), 0n), Errno.NOTCAPABLE);
    assert.equal(guest.readdir(fd, 256, 0n).errno, Errno.NOTCAPABLE);
  });

  test('what is opened gets the directory\'s inheriting rights intersected with what was asked, base and inheriting', () => {
    const inheriting = Rights.FD_READ | Rights.FD_SEEK | Rights.FD_TELL | Rights.FD_FILESTAT_GET | Rights.PATH_OPEN | Rights.FD_READDIR;
    const dir = openDirectory(Rights.PATH_OPEN, inheriting);
    const file = guest.open(dir, 'file', { base: Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK, inheriting: Rights.FD_READ | Rights.FD_WRITE });
    assert.equal(file.errno, Errno.SUCCESS);
    const stat = guest.fdstat(file.fd);
    assert.equal(stat.base, BigInt(Rights.FD_READ | Rights.FD_SEEK));
    assert.equal(stat.inheriting, BigInt(Rights.FD_READ));
    assert.equal(guest.write(file.fd, 'x').errno, Errno.NOTCAPABLE);
    assert.equal(guest.read(file.fd, 5).data.toString(), 'twelv');
    // A directory opened through it: the same intersection, less what a directory cannot hold.
    mkdirSync(path.join(tree.root, 'dir/sub'));
    const sub = guest.open(dir, 'sub', { oflags: OFlags.DIRECTORY, base: ALL_RIGHTS & ~Rights.FD_WRITE, inheriting: ALL_RIGHTS });
    assert.equal(sub.errno, Errno.SUCCESS);
    assert.equal(guest.fdstat(sub.fd).base, BigInt(inheriting & DIRECTORY_RIGHTS));
    assert.equal(guest.fdstat(sub.fd).inheriting, BigInt(inheriting));
    // A file holds file rights only, whatever was asked.
    const full = guest.open(PREOPEN_FD, 'dir/file', { base: ALL_RIGHTS, inheriting: ALL_RIGHTS });
    assert.equal(guest.fdstat(full.fd).base, BigInt(FILE_RIGHTS));
  });

  test('O_TRUNC through a directory that dropped PATH_FILESTAT_SET_SIZE is NOTCAPABLE and the file keeps its bytes', () => {
    const dir = openDirectory();
    const { base, inheriting } = guest.fdstat(dir);
    // As the WASI test suite's truncation_rights does: allowed, still allowed without the
    // inheriting FD_FILESTAT_SET_SIZE, refused once the directory's own right is gone.
    assert.equal(guest.open(dir, 'file', { oflags: OFlags.TRUNC, base: 0, inheriting: 0 }).errno, Errno.SUCCESS);
    assert.equal(readFileSync(path.join(tree.root, 'dir/file'), 'utf8'), '');
    writeFileSync(path.join(tree.root, 'dir/file'), 'twelve bytes');
    const withoutFdRight = inheriting & ~BigInt(Rights.FD_FILESTAT_SET_SIZE);
    assert.equal(setRights(dir, base, withoutFdRight), Errno.SUCCESS);
    assert.equal(guest.open(dir, 'file', { oflags: OFlags.TRUNC, base: 0, inheriting: 0 }).errno, Errno.SUCCESS);
    writeFileSync(path.join(tree.root, 'dir/file'), 'twelve bytes');
    assert.equal(setRights(dir, base & ~BigInt(Rights.PATH_FILESTAT_SET_SIZE), withoutFdRight), Errno.SUCCESS);
    assert.equal(guest.fdstat(dir).base & BigInt(Rights.PATH_FILESTAT_SET_SIZE), 0n);
    for (const oflags of [OFlags.TRUNC, OFlags.TRUNC | OFlags.CREAT]) {
      assert.equal(guest.open(dir, 'file', { oflags, base: Rights.FD_READ | Rights.FD_WRITE, inheriting: 0 }).errno, Errno.NOTCAPABLE);
    }
    assert.equal(readFileSync(path.join(tree.root, 'dir/file'), 'utf8'), 'twelve bytes');
    // Without O_TRUNC the same open is fine.
    assert.equal(guest.open(dir, 'file', { base: Rights.FD_READ | Rights.FD_WRITE, inheriting: 0 }).errno, Errno.SUCCESS);
  });

  test('O_TRUNC is allowed when the opened fd may set the size itself (how Go\'s os.Root creates files)', () => {
    // Go opens a directory for reading without PATH_FILESTAT_SET_SIZE (syscall/fs_wasip1.go
    // counts it among the write rights), then opens files O_TRUNC through it with
    // FD_FILESTAT_SET_SIZE in the rights it asks for and inherits.
    const dir = openDirectory(DIRECTORY_RIGHTS & ~Rights.PATH_FILESTAT_SET_SIZE, ALL_RIGHTS);
    const opened = guest.open(dir, 'file', { oflags: OFlags.TRUNC | OFlags.CREAT, base: Rights.FD_WRITE | Rights.FD_FILESTAT_SET_SIZE });
    assert.equal(opened.errno, Errno.SUCCESS);
    assert.equal(readFileSync(path.join(tree.root, 'dir/file'), 'utf8'), '');
    // Once the directory no longer passes FD_FILESTAT_SET_SIZE on, asking for it gives nothing.
    writeFileSync(path.join(tree.root, 'dir/file'), 'twelve bytes');
    const { base, inheriting } = guest.fdstat(dir);
    assert.equal(setRights(dir, base, inheriting & ~BigInt(Rights.FD_FILESTAT_SET_SIZE)), Errno.SUCCESS);
    const refused = guest.open(dir, 'file', { oflags: OFlags.TRUNC, base: Rights.FD_WRITE | Rights.FD_FILESTAT_SET_SIZE });
    assert.equal(refused.errno, Errno.NOTCAPABLE);
    assert.equal(readFileSync(path.join(tree.root, 'dir/file'), 'utf8'), 'twelve bytes');
  });

  test('O_CREAT needs PATH_CREATE_FILE even when the file exists; without O_CREAT the file opens', () => {
    const dir = openDirectory();
    const { base, inheriting } = guest.fdstat(dir);
    assert.equal(setRights(dir, base & ~BigInt(Rights.PATH_CREATE_FILE), inheriting), Errno.SUCCESS);
    assert.equal(guest.open(dir, 'new', { oflags: OFlags.CREAT }).errno, Errno.NOTCAPABLE);
    assert.equal(guest.open(dir, 'file', { oflags: OFlags.CREAT }).errno, Errno.NOTCAPABLE);
    assert.equal(guest.open(dir, 'file').errno, Errno.SUCCESS);
  });
});
