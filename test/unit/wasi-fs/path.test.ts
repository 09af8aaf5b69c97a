import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Filetype, FstFlags, OFlags, Rights } from '../../../src/wasi/spec/constants';
import { Errno } from '../../../src/wasi/spec/errno';
import { FILE_RIGHTS, PREOPEN_FD, SandboxTree, type Guest } from './guestHarness';

// The rights Go's syscall package asks for (src/syscall/fs_wasip1.go), low 32 bits only.
const GO_FILE_RIGHTS = 0x0fffffff; // FD_DATASYNC through POLL_FD_READWRITE
const GO_WRITE_RIGHTS = Rights.FD_DATASYNC | Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.PATH_FILESTAT_SET_SIZE;

describe('path_open', () => {
  let tree: SandboxTree;
  let guest: Guest;
  beforeEach(() => {
    tree = new SandboxTree();
    guest = tree.guest();
    mkdirSync(path.join(tree.root, 'dir'));
    writeFileSync(path.join(tree.root, 'dir/file'), 'content');
  });
  afterEach(() => {
    guest.host.dispose();
    tree.dispose();
  });

  test('CREAT, EXCL and TRUNC behave as in POSIX', () => {
    const created = guest.open(PREOPEN_FD, 'new', { oflags: OFlags.CREAT });
    assert.equal(created.errno, Errno.SUCCESS);
    assert.ok(existsSync(path.join(tree.root, 'new')));
    assert.equal(guest.open(PREOPEN_FD, 'new', { oflags: OFlags.CREAT | OFlags.EXCL }).errno, Errno.EXIST);
    assert.equal(guest.open(PREOPEN_FD, 'missing').errno, Errno.NOENT);
    assert.equal(guest.open(PREOPEN_FD, 'dir/file', { oflags: OFlags.TRUNC }).errno, Errno.SUCCESS);
    assert.equal(statSync(path.join(tree.root, 'dir/file')).size, 0);
    assert.equal(guest.open(PREOPEN_FD, 'nodir/new', { oflags: OFlags.CREAT }).errno, Errno.NOENT);
  });

  test('rights gate creation and truncation, and what is opened gets at most the parent\'s inheriting rights', () => {
    const readOnlyDir = guest.open(PREOPEN_FD, 'dir', {
      oflags: OFlags.DIRECTORY, base: Rights.PATH_OPEN | Rights.FD_READDIR, inheriting: Rights.FD_READ,
    });
    assert.equal(readOnlyDir.errno, Errno.SUCCESS);
    assert.equal(guest.open(readOnlyDir.fd, 'x', { oflags: OFlags.CREAT }).errno, Errno.NOTCAPABLE);
    const file = guest.open(readOnlyDir.fd, 'file', { base: Rights.FD_READ | Rights.FD_WRITE });
    assert.equal(file.errno, Errno.SUCCESS);
    assert.equal(guest.fdstat(file.fd).base, BigInt(Rights.FD_READ));
    assert.equal(guest.write(file.fd, 'x').errno, Errno.NOTCAPABLE);
    assert.equal(guest.read(file.fd, 100).data.toString(), 'content');
    assert.equal(guest.open(file.fd, 'x').errno, Errno.NOTDIR, 'a file is no directory fd');
  });

  test('directories open for reading the way Go asks, and refuse writers', () => {
    // Go's first attempt for os.Open(dir): file rights minus write rights, no O_DIRECTORY.
    const goRead = guest.open(PREOPEN_FD, 'dir', { base: GO_FILE_RIGHTS & ~GO_WRITE_RIGHTS, inheriting: GO_FILE_RIGHTS });
    assert.equal(goRead.errno, Errno.SUCCESS);
    const stat = guest.fdstat(goRead.fd);
    assert.equal(stat.filetype, Filetype.DIRECTORY);
    assert.ok((stat.base & BigInt(Rights.FD_READDIR)) !== 0n);
    assert.ok(guest.readdir(goRead.fd, 1024, 0n).entries.some((e) => e.name === 'file'));
    assert.equal(guest.open(PREOPEN_FD, 'dir', { base: GO_FILE_RIGHTS }).errno, Errno.ISDIR);
    assert.equal(guest.open(PREOPEN_FD, '.', { oflags: OFlags.DIRECTORY, base: Rights.FD_READ | Rights.FD_WRITE }).errno, Errno.ISDIR);
    assert.equal(guest.open(PREOPEN_FD, '.', { oflags: OFlags.DIRECTORY, base: 0 }).errno, Errno.SUCCESS);
    const same = guest.fdstat(PREOPEN_FD);
    assert.equal(guest.open(PREOPEN_FD, '.', { base: Number(same.base), inheriting: Number(same.inheriting) }).errno, Errno.SUCCESS);
    assert.equal(guest.open(PREOPEN_FD, 'dir/', { base: Rights.FD_READDIR }).errno, Errno.SUCCESS);
    assert.equal(guest.open(PREOPEN_FD, 'dir///', { base: Rights.FD_READDIR }).errno, Errno.SUCCESS);
  });

  test('O_DIRECTORY on a file, trailing slashes on files, symlinks without SYMLINK_FOLLOW', () => {
    assert.equal(guest.open(PREOPEN_FD, 'dir/file', { oflags: OFlags.DIRECTORY }).errno, Errno.NOTDIR);
    assert.equal(guest.open(PREOPEN_FD, 'dir/file/').errno, Errno.NOTDIR);
    assert.equal(guest.open(PREOPEN_FD, 'dir/file///').errno, Errno.NOTDIR);
    symlinkSync('dir/file', path.join(tree.root, 'flink'));
    symlinkSync('dir', path.join(tree.root, 'dlink'));
    symlinkSync('target', path.join(tree.root, 'dangling'));
    assert.equal(guest.open(PREOPEN_FD, 'flink').errno, Errno.SUCCESS);
    assert.equal(guest.open(PREOPEN_FD, 'flink', { follow: false }).errno, Errno.LOOP);
    assert.equal(guest.open(PREOPEN_FD, 'dlink', { oflags: OFlags.DIRECTORY, base: Rights.FD_READDIR }).errno, Errno.SUCCESS);
    assert.equal(guest.open(PREOPEN_FD, 'dlink', { oflags: OFlags.DIRECTORY, base: Rights.FD_READDIR, follow: false }).errno, Errno.LOOP);
    assert.equal(guest.open(PREOPEN_FD, 'dangling', { oflags: OFlags.DIRECTORY, follow: false }).errno, Errno.LOOP);
    assert.equal(guest.open(PREOPEN_FD, 'dangling', { follow: false }).errno, Errno.LOOP);
    assert.equal(guest.open(PREOPEN_FD, 'dangling', { oflags: OFlags.DIRECTORY }).errno, Errno.NOENT);
    assert.equal(guest.open(PREOPEN_FD, 'dangling', { oflags: OFlags.CREAT | OFlags.EXCL }).errno, Errno.EXIST);
    // O_CREAT through a dangling link inside the sandbox creates its target, as POSIX does.
    assert.equal(guest.open(PREOPEN_FD, 'dangling', { oflags: OFlags.CREAT }).errno, Errno.SUCCESS);
    assert.ok(existsSync(path.join(tree.root, 'target')));
  });
});

describe('path_* operations', () => {
  let tree: SandboxTree;
  let guest: Guest;
  beforeEach(() => {
    tree = new SandboxTree();
    guest = tree.guest();
    mkdirSync(path.join(tree.root, 'dir'));
    writeFileSync(path.join(tree.root, 'dir/file'), 'content');
  });
  afterEach(() => {
    guest.host.dispose();
    tree.dispose();
  });

  test('create_directory, remove_directory and their errors', () => {
    assert.equal(guest.pathCall('path_create_directory', PREOPEN_FD, 'made'), Errno.SUCCESS);
    assert.ok(statSync(path.join(tree.root, 'made')).isDirectory());
    assert.equal(guest.pathCall('path_create_directory', PREOPEN_FD, 'made'), Errno.EXIST);
    assert.equal(guest.pathCall('path_create_directory', PREOPEN_FD, 'made2/'), Errno.SUCCESS);
    assert.equal(guest.pathCall('path_create_directory', PREOPEN_FD, '.'), Errno.EXIST);
    assert.equal(guest.pathCall('path_remove_directory', PREOPEN_FD, 'dir'), Errno.NOTEMPTY);
    assert.equal(guest.pathCall('path_remove_directory', PREOPEN_FD, 'dir/file'), Errno.NOTDIR);
    assert.equal(guest.pathCall('path_remove_directory', PREOPEN_FD, '.'), Errno.INVAL);
    assert.equal(guest.pathCall('path_remove_directory', PREOPEN_FD, 'dir/..'), Errno.NOTEMPTY);
    assert.equal(guest.pathCall('path_remove_directory', PREOPEN_FD, 'made/'), Errno.SUCCESS);
    assert.equal(existsSync(path.join(tree.root, 'made')), false);
    assert.ok(existsSync(tree.root));
  });

  test('unlink_file removes files and links, not directories', () => {
    symlinkSync('dir', path.join(tree.root, 'dlink'));
    assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, 'dir'), Errno.ISDIR);
    assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, 'dir/file/'), Errno.NOTDIR);
    assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, 'dlink'), Errno.SUCCESS);
    assert.ok(existsSync(path.join(tree.root, 'dir/file')), 'unlinking a link leaves its target');
    assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, 'dir/file'), Errno.SUCCESS);
    assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, 'dir/file'), Errno.NOENT);
  });

  test('filestat follows symlinks only when asked, with exact times and inodes', () => {
    symlinkSync('dir/file', path.join(tree.root, 'link'));
    const followed = guest.pathFilestat(PREOPEN_FD, 'link', true);
    const target = lstatSync(path.join(tree.root, 'dir/file'), { bigint: true });
    assert.equal(followed.errno, Errno.SUCCESS);
    assert.equal(followed.stat.filetype, Filetype.REGULAR_FILE);
    assert.equal(followed.stat.ino, target.ino);
    assert.equal(followed.stat.size, 7n);
    assert.equal(followed.stat.atim, target.atimeNs);
    assert.equal(followed.stat.mtim, target.mtimeNs);
    const itself = guest.pathFilestat(PREOPEN_FD, 'link', false);
    assert.equal(itself.stat.filetype, Filetype.SYMBOLIC_LINK);
    assert.equal(itself.stat.ino, lstatSync(path.join(tree.root, 'link'), { bigint: true }).ino);
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'dir').stat.filetype, Filetype.DIRECTORY);
    assert.equal(guest.pathFilestat(PREOPEN_FD, '.').stat.ino, statSync(tree.root, { bigint: true }).ino);
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'nothing').errno, Errno.NOENT);
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'dir/file/').errno, Errno.NOTDIR);
  });

  test('a trailing slash after a symlink names its target in lookups, but not for removal', () => {
    symlinkSync('dir', path.join(tree.root, 'dlink'));
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'dlink/', false).stat.filetype, Filetype.DIRECTORY);
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'dlink', false).stat.filetype, Filetype.SYMBOLIC_LINK);
    assert.equal(guest.pathCall('path_remove_directory', PREOPEN_FD, 'dlink/'), Errno.NOTDIR);
    assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, 'dlink/'), Errno.NOTDIR);
    assert.equal(guest.pathCall('path_create_directory', PREOPEN_FD, 'dlink/'), Errno.EXIST);
    assert.ok(statSync(path.join(tree.root, 'dir')).isDirectory());
    assert.ok(lstatSync(path.join(tree.root, 'dlink')).isSymbolicLink());
  });

  test('filestat_set_times sets nanoseconds on the target, or on the link itself without SYMLINK_FOLLOW', () => {
    symlinkSync('dir/file', path.join(tree.root, 'link'));
    const [p, n] = guest.put('link');
    const atime = 1_234_567_890_111_222_333n;
    const mtime = 1_234_567_891_444_555_666n;
    const flags = FstFlags.ATIM | FstFlags.MTIM;
    assert.equal(guest.call('path_filestat_set_times', PREOPEN_FD, 1, p, n, atime, mtime, flags), Errno.SUCCESS);
    const file = statSync(path.join(tree.root, 'dir/file'), { bigint: true });
    assert.equal(file.atimeNs, atime);
    assert.equal(file.mtimeNs, mtime);
    const linkMtime = 1_000_000_000_000_000_001n;
    assert.equal(guest.call('path_filestat_set_times', PREOPEN_FD, 0, p, n, 0n, linkMtime, FstFlags.MTIM), Errno.SUCCESS);
    assert.equal(lstatSync(path.join(tree.root, 'link'), { bigint: true }).mtimeNs, linkMtime);
    assert.equal(statSync(path.join(tree.root, 'dir/file'), { bigint: true }).mtimeNs, mtime, 'the target is untouched');
    const [q, m] = guest.put('missing');
    assert.equal(guest.call('path_filestat_set_times', PREOPEN_FD, 1, q, m, 0n, 0n, flags), Errno.NOENT);
    assert.equal(guest.call('path_filestat_set_times', PREOPEN_FD, 1, p, n, 0n, 0n, FstFlags.MTIM | FstFlags.MTIM_NOW), Errno.INVAL);
  });

  test('symlink stores its target as given; readlink truncates into a short buffer', () => {
    const [target, targetLength] = guest.put('dir/file');
    const [name, nameLength] = guest.put('sl');
    assert.equal(guest.call('path_symlink', target, targetLength, PREOPEN_FD, name, nameLength), Errno.SUCCESS);
    assert.equal(readlinkSync(path.join(tree.root, 'sl')), 'dir/file');
    assert.equal(guest.call('path_symlink', target, targetLength, PREOPEN_FD, name, nameLength), Errno.EXIST);
    const [slash, slashLength] = guest.put('new/');
    assert.equal(guest.call('path_symlink', target, targetLength, PREOPEN_FD, slash, slashLength), Errno.NOENT);

    const buffer = guest.alloc(16);
    guest.bytes.fill(0, buffer, buffer + 16);
    const used = guest.alloc(4);
    assert.equal(guest.call('path_readlink', PREOPEN_FD, name, nameLength, buffer, 16, used), Errno.SUCCESS);
    assert.equal(guest.u32(used), 8);
    assert.equal(Buffer.from(guest.bytes.slice(buffer, buffer + 8)).toString(), 'dir/file');
    assert.equal(guest.bytes[buffer + 8], 0, 'bytes past the link are untouched');
    assert.equal(guest.call('path_readlink', PREOPEN_FD, name, nameLength, buffer, 4, used), Errno.SUCCESS);
    assert.equal(guest.u32(used), 4);
    assert.equal(Buffer.from(guest.bytes.slice(buffer, buffer + 4)).toString(), 'dir/');
    const [file, fileLength] = guest.put('dir/file');
    assert.equal(guest.call('path_readlink', PREOPEN_FD, file, fileLength, buffer, 16, used), Errno.INVAL);
  });

  test('a directory opened before its parent is renamed keeps working at the new place', () => {
    mkdirSync(path.join(tree.root, 'parent', 'child'), { recursive: true });
    writeFileSync(path.join(tree.root, 'parent', 'child', 'f'), 'still here');
    const child = guest.open(PREOPEN_FD, 'parent/child', {
      oflags: OFlags.DIRECTORY,
      base: Rights.PATH_OPEN | Rights.PATH_FILESTAT_GET,
      inheriting: FILE_RIGHTS,
    });
    assert.equal(child.errno, Errno.SUCCESS);
    const [from, fromLength] = guest.put('parent');
    const [to, toLength] = guest.put('renamed');
    assert.equal(guest.call('path_rename', PREOPEN_FD, from, fromLength, PREOPEN_FD, to, toLength), Errno.SUCCESS);
    const file = guest.open(child.fd, 'f', { base: FILE_RIGHTS });
    assert.equal(file.errno, Errno.SUCCESS, 'the child directory fd followed the rename');
    const [name, nameLength] = guest.put('f');
    const stat = guest.alloc(64);
    assert.equal(guest.call('path_filestat_get', child.fd, 0, name, nameLength, stat), Errno.SUCCESS);
    assert.equal(Number(guest.view.getBigUint64(stat + 32, true)), 'still here'.length);
  });

  test('link and rename work across two directory descriptors', () => {
    mkdirSync(path.join(tree.root, 'other'));
    const other = guest.open(PREOPEN_FD, 'other', {
      oflags: OFlags.DIRECTORY,
      base: Rights.PATH_LINK_TARGET | Rights.PATH_RENAME_TARGET | Rights.PATH_RENAME_SOURCE | Rights.PATH_OPEN,
      inheriting: FILE_RIGHTS,
    });
    assert.equal(other.errno, Errno.SUCCESS);
    const [from, fromLength] = guest.put('dir/file');
    const [to, toLength] = guest.put('hard');
    assert.equal(guest.call('path_link', PREOPEN_FD, 0, from, fromLength, other.fd, to, toLength), Errno.SUCCESS);
    const original = statSync(path.join(tree.root, 'dir/file'));
    const linked = statSync(path.join(tree.root, 'other/hard'));
    assert.equal(linked.ino, original.ino);
    assert.equal(linked.nlink, 2);
    assert.equal(guest.call('path_link', PREOPEN_FD, 0, from, fromLength, other.fd, to, toLength), Errno.EXIST);
    const [dir, dirLength] = guest.put('dir');
    const [fresh, freshLength] = guest.put('fresh');
    assert.equal(guest.call('path_link', PREOPEN_FD, 0, dir, dirLength, other.fd, fresh, freshLength), Errno.PERM);
    const [dangling, danglingLength] = guest.put('dangle');
    symlinkSync('nowhere', path.join(tree.root, 'dangle'));
    const [linkName, linkNameLength] = guest.put('to-link');
    assert.equal(guest.call('path_link', PREOPEN_FD, 0, dangling, danglingLength, other.fd, linkName, linkNameLength), Errno.SUCCESS);
    assert.ok(lstatSync(path.join(tree.root, 'other/to-link')).isSymbolicLink(), 'the link itself is linked, not followed');
    assert.equal(guest.call('path_link', PREOPEN_FD, 1, dangling, danglingLength, other.fd, linkName, linkNameLength), Errno.NOENT);

    const [renamed, renamedLength] = guest.put('moved');
    assert.equal(guest.call('path_rename', other.fd, to, toLength, PREOPEN_FD, renamed, renamedLength), Errno.SUCCESS);
    assert.equal(readFileSync(path.join(tree.root, 'moved'), 'utf8'), 'content');
    assert.equal(existsSync(path.join(tree.root, 'other/hard')), false);
    assert.equal(guest.call('path_rename', other.fd, to, toLength, PREOPEN_FD, renamed, renamedLength), Errno.NOENT);
    const [dot, dotLength] = guest.put('.');
    assert.equal(guest.call('path_rename', other.fd, dot, dotLength, PREOPEN_FD, renamed, renamedLength), Errno.INVAL);
    // The target directory fd lacks PATH_LINK_SOURCE: it cannot be a link source.
    assert.equal(guest.call('path_link', other.fd, 0, renamed, renamedLength, PREOPEN_FD, to, toLength), Errno.NOTCAPABLE);
  });
});
