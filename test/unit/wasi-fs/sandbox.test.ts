import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readlinkSync, realpathSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DIRECTORY_INHERITING, DIRECTORY_RIGHTS, DirectoryDescriptor } from '../../../src/wasi/descriptors';
import { resolveGuestPath, SANDBOX_ESCAPE } from '../../../src/wasi/sandbox';
import { OFlags, Rights } from '../../../src/wasi/spec/constants';
import { Errno, errnoFromHostError } from '../../../src/wasi/spec/errno';
import { WasiError } from '../../../src/wasi/wasiError';
import { freshGuestPerTest, PREOPEN_FD, SandboxTree, type Guest } from './guestHarness';

function errnoOf(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    // As the host's guard does: our own errnos, and host errors mapped to theirs.
    if (error instanceof WasiError) return error.errno;
    return errnoFromHostError(error);
  }
  return Errno.SUCCESS;
}

describe('resolveGuestPath', () => {
  let tree: SandboxTree;
  let root: string;
  let dir: DirectoryDescriptor;
  beforeEach(() => {
    tree = new SandboxTree();
    root = realpathSync(tree.root);
    dir = new DirectoryDescriptor(root, '/', root, DIRECTORY_RIGHTS, DIRECTORY_INHERITING, '/');
    mkdirSync(path.join(root, 'a/b'), { recursive: true });
    writeFileSync(path.join(root, 'a/b/file'), 'x');
  });
  afterEach(() => tree.dispose());

  test('plain, dotted and redundant paths map inside the root', () => {
    assert.equal(resolveGuestPath(dir, 'a/b/file', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(resolveGuestPath(dir, 'a/./b//../b/file', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(resolveGuestPath(dir, '.', true).hostPath, root);
    assert.equal(resolveGuestPath(dir, 'a/..', true).hostPath, root);
    assert.equal(resolveGuestPath(dir, 'a/b/', true).hostPath, path.join(root, 'a/b') + '/');
  });

  test('empty, NUL, absolute and climbing paths are refused', () => {
    assert.equal(errnoOf(() => resolveGuestPath(dir, '', true)), Errno.NOENT);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'a/b/file\0.txt', true)), Errno.INVAL);
    assert.equal(errnoOf(() => resolveGuestPath(dir, '/etc/passwd', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(dir, '..', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'a/../../outside/secret', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(dir, '../root/a', false)), SANDBOX_ESCAPE);
  });

  test('a file used as a directory, or with a trailing slash, is ENOTDIR', () => {
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'a/b/file/x', true)), Errno.NOTDIR);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'a/b/file/', true)), Errno.NOTDIR);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'a/b/file/', false)), Errno.NOTDIR);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'missing/x', true)), Errno.NOENT);
  });

  test('relative symlinks are followed from the link\'s own directory, chains included', () => {
    symlinkSync('b/file', path.join(root, 'a/l1'));
    symlinkSync('../l1', path.join(root, 'a/b/l2'));
    symlinkSync('a/b', path.join(root, 'dirlink'));
    assert.equal(resolveGuestPath(dir, 'a/b/l2', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(resolveGuestPath(dir, 'dirlink/file', false).hostPath, path.join(root, 'a/b/file'));
    // Not following the final link leaves the link itself.
    assert.equal(resolveGuestPath(dir, 'a/b/l2', false).hostPath, path.join(root, 'a/b/l2'));
    assert.equal(resolveGuestPath(dir, 'a/b/l2', false).stat, undefined);
  });

  test('absolute symlink targets are guest paths: they restart at the preopen, never at the host root', () => {
    symlinkSync('/', path.join(root, 'slash'));
    symlinkSync('/a/b/file', path.join(root, 'abs'));
    symlinkSync('/../outside', path.join(root, 'absup'));
    assert.equal(resolveGuestPath(dir, 'slash', true).hostPath, root);
    assert.equal(resolveGuestPath(dir, 'slash/a/b/file', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(resolveGuestPath(dir, 'abs', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'slash/etc/passwd', true)), Errno.NOENT);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'absup/secret', true)), SANDBOX_ESCAPE);
    // Under a preopen named /data, only targets below /data lead anywhere.
    const data = new DirectoryDescriptor(root, '/data', root, DIRECTORY_RIGHTS, DIRECTORY_INHERITING, '/data');
    symlinkSync('/data/a/b', path.join(root, 'datalink'));
    assert.equal(resolveGuestPath(data, 'datalink/file', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(errnoOf(() => resolveGuestPath(data, 'abs', true)), SANDBOX_ESCAPE);
  });

  test('symlinks to ../.. and loops are refused', () => {
    symlinkSync('../../outside', path.join(root, 'a/up'));
    symlinkSync('../outside/secret', path.join(root, 'up1'));
    symlinkSync('loop2', path.join(root, 'loop1'));
    symlinkSync('loop1', path.join(root, 'loop2'));
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'a/up/secret', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'up1', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'loop1', true)), Errno.LOOP);
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'loop1/x', false)), Errno.LOOP);
    // The links themselves can still be named without following them.
    assert.equal(errnoOf(() => resolveGuestPath(dir, 'up1', false)), Errno.SUCCESS);
  });

  test('a descriptor below the root is a boundary: its paths may not climb above it, even for a step', () => {
    const sub = new DirectoryDescriptor(path.join(root, 'a'), '/a', root, DIRECTORY_RIGHTS, DIRECTORY_INHERITING);
    assert.equal(resolveGuestPath(sub, 'b/../b/file', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(resolveGuestPath(sub, 'b/..', true).hostPath, path.join(root, 'a'));
    assert.equal(errnoOf(() => resolveGuestPath(sub, '..', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(sub, '../a/b/file', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(sub, 'b/../../a/b/file', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(sub, '../../outside', true)), SANDBOX_ESCAPE);
    // Symlinks met below it are held to the same boundary, relative or absolute.
    symlinkSync('..', path.join(root, 'a/b/up'));
    symlinkSync('../..', path.join(root, 'a/b/upup'));
    symlinkSync('/a/b', path.join(root, 'a/abs'));
    assert.equal(resolveGuestPath(sub, 'b/up/b/file', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(errnoOf(() => resolveGuestPath(sub, 'b/upup/a/b/file', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(sub, 'abs/file', true)), SANDBOX_ESCAPE);
    // From the preopen itself the same links stay usable: the root is its boundary.
    assert.equal(resolveGuestPath(dir, 'a/b/upup/a/b/file', true).hostPath, path.join(root, 'a/b/file'));
    assert.equal(resolveGuestPath(dir, 'a/abs/file', true).hostPath, path.join(root, 'a/b/file'));
    // Deeper than the realpath shortcut's threshold, the boundary holds the same way.
    mkdirSync(path.join(root, 'a/b/c/d/e/f'), { recursive: true });
    const deep = new DirectoryDescriptor(path.join(root, 'a/b/c'), '/a/b/c', root, DIRECTORY_RIGHTS, DIRECTORY_INHERITING);
    assert.equal(resolveGuestPath(deep, 'd/e/f/../../e', true).hostPath, path.join(root, 'a/b/c/d/e'));
    assert.equal(errnoOf(() => resolveGuestPath(deep, 'd/e/f/../../../../c/d', true)), SANDBOX_ESCAPE);
    assert.equal(resolveGuestPath(deep, 'd/e/f', true).hostPath, path.join(root, 'a/b/c/d/e/f'));
    assert.equal(resolveGuestPath(deep, 'd/e/f/..', true).hostPath, path.join(root, 'a/b/c/d/e'));
    assert.equal(resolveGuestPath(deep, 'd/..', true).hostPath, path.join(root, 'a/b/c'));
    assert.equal(errnoOf(() => resolveGuestPath(deep, '..', true)), SANDBOX_ESCAPE);
    assert.equal(errnoOf(() => resolveGuestPath(deep, 'd/e/../../..', true)), SANDBOX_ESCAPE);
  });

  test('a symlink is caught at every depth of the directories, below a shallow root or a deep one', () => {
    // Whether a path's directories are checked by one realpath or by one lstat each depends on the
    // root's depth and the path's: every combination must see a link anywhere below the root.
    const deepRoot = path.join(root, 'r1/r2/r3/r4/r5/r6/r7/r8');
    mkdirSync(deepRoot, { recursive: true });
    const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    for (const [top, outside] of [[root, tree.outside], [deepRoot, path.join(root, 'a')]] as const) {
      const preopen = new DirectoryDescriptor(top, '/', top, DIRECTORY_RIGHTS, DIRECTORY_INHERITING, '/');
      // The same chain outside, so a link out leads somewhere that exists and realpath succeeds.
      mkdirSync(path.join(top, ...names), { recursive: true });
      mkdirSync(path.join(outside, ...names), { recursive: true });
      for (let length = 1; length <= names.length; length++) {
        const chain = names.slice(0, length);
        const guestPath = [...chain, 'file'].join('/');
        writeFileSync(path.join(top, guestPath), '');
        writeFileSync(path.join(outside, guestPath), '');
        assert.equal(resolveGuestPath(preopen, guestPath, true).hostPath, path.join(top, guestPath));
        for (let depth = 1; depth <= length; depth++) {
          const swapped = path.join(top, ...chain.slice(0, depth));
          const parked = swapped + '-parked';
          const label = `${guestPath} below ${top} with ${chain.slice(0, depth).join('/')} a link`;
          renameSync(swapped, parked);
          symlinkSync(path.relative(path.dirname(swapped), path.join(outside, ...chain.slice(0, depth))), swapped);
          assert.equal(errnoOf(() => resolveGuestPath(preopen, guestPath, true)), SANDBOX_ESCAPE, label);
          unlinkSync(swapped);
          symlinkSync(path.basename(parked), swapped);
          assert.equal(resolveGuestPath(preopen, guestPath, true).hostPath, path.join(parked, ...chain.slice(depth), 'file'), label);
          unlinkSync(swapped);
          renameSync(parked, swapped);
        }
      }
    }
  });

  test('a directory swapped for a symlink to outside after it was opened is not followed out', () => {
    const sub = new DirectoryDescriptor(path.join(root, 'a'), '/a', root, DIRECTORY_RIGHTS, DIRECTORY_INHERITING);
    renameSync(path.join(root, 'a'), path.join(root, 'a-moved'));
    symlinkSync('../outside', path.join(root, 'a'));
    assert.equal(errnoOf(() => resolveGuestPath(sub, 'secret', true)), SANDBOX_ESCAPE);
  });
});

describe('sandbox escapes through the WASI functions', () => {
  let tree: SandboxTree;
  let guest: Guest;
  let before: string;
  beforeEach(() => {
    tree = new SandboxTree();
    guest = tree.guest();
    before = tree.snapshotOutside();
    mkdirSync(path.join(tree.root, 'in'));
    writeFileSync(path.join(tree.root, 'in/data'), 'inside');
  });
  afterEach(() => {
    guest.host.dispose();
    tree.dispose();
  });

  const create = OFlags.CREAT | OFlags.TRUNC;

  test('absolute paths, `..` and NUL never reach the host', () => {
    assert.equal(guest.open(PREOPEN_FD, tree.outside + '/secret').errno, SANDBOX_ESCAPE);
    assert.equal(guest.open(PREOPEN_FD, '../outside/secret').errno, SANDBOX_ESCAPE);
    assert.equal(guest.open(PREOPEN_FD, 'in/../../outside/new', { oflags: create }).errno, SANDBOX_ESCAPE);
    assert.equal(guest.open(PREOPEN_FD, 'in/data\0../../outside/secret').errno, Errno.INVAL);
    assert.equal(guest.pathCall('path_create_directory', PREOPEN_FD, '../outside/made'), SANDBOX_ESCAPE);
    assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, '../outside/secret'), SANDBOX_ESCAPE);
    assert.equal(guest.pathCall('path_remove_directory', PREOPEN_FD, '../outside/dir'), SANDBOX_ESCAPE);
    assert.equal(guest.pathFilestat(PREOPEN_FD, '../outside/secret').errno, SANDBOX_ESCAPE);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('symlinks leading out cannot be planted by the guest, and those on the host are not followed out', () => {
    const [target, targetLength] = guest.put('../outside');
    const [link, linkLength] = guest.put('out');
    assert.equal(guest.call('path_symlink', target, targetLength, PREOPEN_FD, link, linkLength), SANDBOX_ESCAPE);
    const [abs, absLength] = guest.put(tree.outside);
    const [link2, link2Length] = guest.put('abs');
    assert.equal(guest.call('path_symlink', abs, absLength, PREOPEN_FD, link2, link2Length), SANDBOX_ESCAPE);
    assert.equal(existsSync(path.join(tree.root, 'out')) || existsSync(path.join(tree.root, 'abs')), false);
    symlinkSync('../outside', path.join(tree.root, 'out'));
    symlinkSync(tree.outside, path.join(tree.root, 'abs'));

    // The relative link climbs out: refused. The absolute one is a guest path below the preopen
    // "/", which holds no such directory: not found, and nothing happens outside either way.
    for (const [name, errno] of [['out/secret', SANDBOX_ESCAPE], ['abs/secret', Errno.NOENT]] as const) {
      assert.equal(guest.open(PREOPEN_FD, name).errno, errno, name);
      assert.equal(guest.open(PREOPEN_FD, name, { oflags: create }).errno, errno, name);
      assert.equal(guest.pathFilestat(PREOPEN_FD, name).errno, errno, name);
      assert.equal(guest.pathCall('path_unlink_file', PREOPEN_FD, name), errno, name);
      assert.equal(guest.pathCall('path_create_directory', PREOPEN_FD, name + '-dir'), errno, name);
    }
    // Following the final link out is refused too, for open with O_CREAT and for stat.
    assert.equal(guest.open(PREOPEN_FD, 'out', { oflags: OFlags.DIRECTORY, base: Rights.FD_READDIR }).errno, SANDBOX_ESCAPE);
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'abs').errno, Errno.NOENT);
    // ...but lstat of the link itself is fine: it is an entry of the sandbox.
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'abs', false).errno, Errno.SUCCESS);
    // A dangling link whose target is outside: O_CREAT must not create the target.
    symlinkSync('../outside/created-through-link', path.join(tree.root, 'dangling'));
    assert.equal(guest.open(PREOPEN_FD, 'dangling', { oflags: OFlags.CREAT }).errno, SANDBOX_ESCAPE);
    assert.equal(existsSync(path.join(tree.outside, 'created-through-link')), false);
    symlinkSync(path.join(tree.outside, 'created-through-abs'), path.join(tree.root, 'dangling-abs'));
    assert.equal(guest.open(PREOPEN_FD, 'dangling-abs', { oflags: OFlags.CREAT }).errno, Errno.NOENT);
    assert.equal(existsSync(path.join(tree.outside, 'created-through-abs')), false);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('a relative chain that climbs out in several hops is caught', () => {
    mkdirSync(path.join(tree.root, 'in/deep'));
    symlinkSync('..', path.join(tree.root, 'in/deep/up'));
    symlinkSync('deep/up/..', path.join(tree.root, 'in/hop'));
    // in/hop -> in/deep/up/.. -> in/.. -> root: inside, allowed.
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'in/hop/in/data').errno, Errno.SUCCESS);
    // in/hop/.. -> above the root: refused.
    assert.equal(guest.pathFilestat(PREOPEN_FD, 'in/hop/../outside/secret').errno, SANDBOX_ESCAPE);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('an opened directory swapped for a link to outside cannot be used to read or list outside', () => {
    const opened = guest.open(PREOPEN_FD, 'in', { oflags: OFlags.DIRECTORY, base: Rights.FD_READDIR | Rights.PATH_OPEN | Rights.PATH_FILESTAT_GET | Rights.FD_FILESTAT_GET, inheriting: Rights.FD_READ });
    assert.equal(opened.errno, Errno.SUCCESS);
    renameSync(path.join(tree.root, 'in'), path.join(tree.root, 'in-moved'));
    symlinkSync('../outside', path.join(tree.root, 'in'));
    assert.equal(guest.open(opened.fd, 'secret', { base: Rights.FD_READ }).errno, SANDBOX_ESCAPE);
    assert.equal(guest.pathFilestat(opened.fd, 'secret').errno, SANDBOX_ESCAPE);
    assert.equal(guest.readdir(opened.fd, 1024, 0n).errno, SANDBOX_ESCAPE);
    assert.equal(guest.fdFilestat(opened.fd).errno, SANDBOX_ESCAPE);
    assert.equal(readFileSync(path.join(tree.outside, 'secret'), 'utf8'), 'top secret\n');
    assert.equal(tree.snapshotOutside(), before);
  });

  test('a deep opened directory is listed through its path: an ancestor swapped for a link is followed inside, never out', () => {
    const chain = 'in/d1/d2/d3/d4';
    mkdirSync(path.join(tree.root, chain), { recursive: true });
    writeFileSync(path.join(tree.root, chain, 'inside-entry'), '');
    const opened = guest.open(PREOPEN_FD, chain, { oflags: OFlags.DIRECTORY, base: Rights.FD_READDIR | Rights.FD_FILESTAT_GET });
    assert.equal(opened.errno, Errno.SUCCESS);
    const names = (): string[] => guest.readdir(opened.fd, 1024, 0n).entries.map((e) => e.name).slice(2).sort();
    assert.deepEqual(names(), ['inside-entry']);
    // Moved aside and replaced by a link to a same-shaped tree outside: refused, nothing listed.
    mkdirSync(path.join(tree.outside, 'd1/d2/d3/d4'), { recursive: true });
    writeFileSync(path.join(tree.outside, 'd1/d2/d3/d4/outside-entry'), '');
    before = tree.snapshotOutside();
    renameSync(path.join(tree.root, 'in/d1'), path.join(tree.root, 'in/d1-moved'));
    symlinkSync('../../outside/d1', path.join(tree.root, 'in/d1'));
    assert.equal(guest.readdir(opened.fd, 1024, 0n).errno, SANDBOX_ESCAPE);
    assert.equal(guest.fdFilestat(opened.fd).errno, SANDBOX_ESCAPE);
    // Replaced by a link inside: the path leads there, as it would for any path_* call.
    unlinkSync(path.join(tree.root, 'in/d1'));
    symlinkSync('d1-moved', path.join(tree.root, 'in/d1'));
    assert.deepEqual(names(), ['inside-entry']);
    // Gone: the directory's path names nothing any more.
    unlinkSync(path.join(tree.root, 'in/d1'));
    assert.equal(guest.readdir(opened.fd, 1024, 0n).errno, Errno.NOENT);
    // Renamed by the guest itself: back to its place, then elsewhere, and the descriptor follows.
    const rename = (from: string, to: string): number => {
      const [fromPointer, fromLength] = guest.put(from);
      const [toPointer, toLength] = guest.put(to);
      return guest.call('path_rename', PREOPEN_FD, fromPointer, fromLength, PREOPEN_FD, toPointer, toLength);
    };
    assert.equal(rename('in/d1-moved', 'in/d1'), Errno.SUCCESS);
    assert.deepEqual(names(), ['inside-entry']);
    assert.equal(rename('in/d1', 'in/d1-renamed'), Errno.SUCCESS);
    assert.deepEqual(names(), ['inside-entry']);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('wild pointers answer EFAULT and never throw', () => {
    const huge = 0x7fff_fff0;
    assert.equal(guest.call('path_open', PREOPEN_FD, 1, huge, 10, 0, 0n, 0n, 0, guest.alloc(4)), Errno.FAULT);
    const [p, n] = guest.put('in/data');
    assert.equal(guest.call('path_open', PREOPEN_FD, 1, p, n, 0, 0n, 0n, 0, huge), Errno.FAULT);
    assert.equal(guest.call('path_filestat_get', PREOPEN_FD, 1, p, n, huge), Errno.FAULT);
    assert.equal(guest.call('path_filestat_get', PREOPEN_FD, 1, p, 0x1000_0000, guest.alloc(64)), Errno.FAULT);
    assert.equal(guest.call('path_readlink', PREOPEN_FD, p, n, huge, 10, guest.alloc(4)), Errno.FAULT);
    assert.equal(guest.call('path_symlink', huge, 4, PREOPEN_FD, p, n), Errno.FAULT);
    assert.equal(guest.call('path_create_directory', PREOPEN_FD, -1, 5), Errno.FAULT);
  });

  test('invalid UTF-8 in a path is EILSEQ, not a different file', () => {
    const [p, n] = guest.put(new Uint8Array([0x69, 0x6e, 0x2f, 0xff, 0xfe]));
    assert.equal(guest.call('path_filestat_get', PREOPEN_FD, 1, p, n, guest.alloc(64)), Errno.ILSEQ);
  });
});

describe('no step above the boundary, and no symlink leading out', () => {
  let tree: SandboxTree;
  let guest: Guest;
  let before: string;
  freshGuestPerTest((t, g) => {
    [tree, guest] = [t, g];
    before = tree.snapshotOutside();
  }, (root) => {
    mkdirSync(path.join(root, 'dir/nested'), { recursive: true });
    writeFileSync(path.join(root, 'dir/nested/file'), 'nested');
  });

  function symlink(dirFd: number, target: string, link: string): number {
    const [t, tLength] = guest.put(target);
    const [l, lLength] = guest.put(link);
    return guest.call('path_symlink', t, tLength, dirFd, l, lLength);
  }

  test('a path that leaves its directory part-way and comes back is refused (the WASI test suite\'s interesting_paths)', () => {
    assert.equal(guest.open(PREOPEN_FD, 'dir/.//nested/../../dir/nested/../nested///./file').errno, Errno.SUCCESS);
    assert.equal(guest.open(PREOPEN_FD, 'dir/nested/../../../dir/nested/file').errno, SANDBOX_ESCAPE);
    assert.equal(guest.open(PREOPEN_FD, `dir/nested/../../../${path.basename(tree.root)}/dir/nested/file`).errno, SANDBOX_ESCAPE);
    // The same through a directory opened below the preopen: its own directory is the boundary,
    // so climbing to the preopen and back down (which names an existing file) is refused too.
    mkdirSync(path.join(tree.root, 'scratch/dir/nested'), { recursive: true });
    writeFileSync(path.join(tree.root, 'scratch/dir/nested/file'), 'scratch');
    const scratch = guest.open(PREOPEN_FD, 'scratch', { oflags: OFlags.DIRECTORY, base: Rights.PATH_OPEN | Rights.PATH_FILESTAT_GET, inheriting: Rights.FD_READ });
    assert.equal(scratch.errno, Errno.SUCCESS);
    assert.equal(guest.open(scratch.fd, 'dir/.//nested/../../dir/nested/../nested///./file', { base: Rights.FD_READ }).errno, Errno.SUCCESS);
    assert.equal(guest.open(scratch.fd, 'dir/nested/../../../scratch/dir/nested/file', { base: Rights.FD_READ }).errno, SANDBOX_ESCAPE);
    assert.equal(guest.pathFilestat(scratch.fd, '../scratch').errno, SANDBOX_ESCAPE);
    assert.equal(guest.pathFilestat(scratch.fd, '..').errno, SANDBOX_ESCAPE);
    assert.equal(guest.pathFilestat(scratch.fd, 'dir/..').errno, Errno.SUCCESS);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('path_symlink refuses an absolute target and creates nothing', () => {
    for (const target of ['/', '/etc/passwd', tree.outside, '//dir']) {
      assert.equal(symlink(PREOPEN_FD, target, 'abs'), SANDBOX_ESCAPE, target);
      assert.equal(existsSync(path.join(tree.root, 'abs')), false);
    }
  });

  test('path_symlink refuses a target that climbs out from the link\'s directory, and keeps those that stay inside', () => {
    // From the root: one `..` is already out. From dir/nested: two stay inside, three leave.
    assert.equal(symlink(PREOPEN_FD, '../../etc/shadow', 'shadow'), SANDBOX_ESCAPE);
    assert.equal(symlink(PREOPEN_FD, '../outside/secret', 'secret'), SANDBOX_ESCAPE);
    assert.equal(symlink(PREOPEN_FD, 'dir/../../outside', 'out'), SANDBOX_ESCAPE);
    assert.equal(symlink(PREOPEN_FD, 'missing/../../outside', 'out'), SANDBOX_ESCAPE);
    assert.equal(symlink(PREOPEN_FD, 'dir/nested/../../..', 'out'), SANDBOX_ESCAPE);
    assert.equal(symlink(PREOPEN_FD, '../../../etc/shadow', 'dir/nested/shadow'), SANDBOX_ESCAPE);
    for (const name of ['shadow', 'secret', 'out', 'dir/nested/shadow']) assert.equal(existsSync(path.join(tree.root, name)), false, name);
    // Inside: plain, dotted, dangling, climbing back to the root but not past it.
    const inside: [string, string][] = [
      ['dir/nested/file', 'plain'], ['./dir/../dir/nested', 'dotted'], ['not/yet/there', 'dangling'],
      ['../../file', 'dir/nested/up-to-root'], ['../nested/file', 'dir/nested/sideways'], ['..', 'dir/parent'],
    ];
    for (const [target, link] of inside) {
      assert.equal(symlink(PREOPEN_FD, target, link), Errno.SUCCESS, `${link} -> ${target}`);
      assert.equal(readlinkSync(path.join(tree.root, link)), target);
    }
    assert.equal(guest.open(PREOPEN_FD, 'plain', { base: Rights.FD_READ }).errno, Errno.SUCCESS);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('path_symlink follows the links already there: one that looks inside but leads out through them is refused', () => {
    // "here" -> "." keeps the walk at the root, so "here/../x" leaves it, though it reads as inside.
    assert.equal(symlink(PREOPEN_FD, '.', 'here'), Errno.SUCCESS);
    assert.equal(symlink(PREOPEN_FD, 'here/../outside/secret', 'through'), SANDBOX_ESCAPE);
    assert.equal(symlink(PREOPEN_FD, 'here/dir/nested/file', 'through'), Errno.SUCCESS);
    // A host-made link leading out cannot be built on either.
    symlinkSync('../outside', path.join(tree.root, 'host-made'));
    assert.equal(symlink(PREOPEN_FD, 'host-made/secret', 'via-host'), SANDBOX_ESCAPE);
    assert.equal(existsSync(path.join(tree.root, 'via-host')), false);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('path_rename of a relative symlink holds it to the same rule where it lands', () => {
    assert.equal(symlink(PREOPEN_FD, '../../dir/nested/file', 'dir/nested/link'), Errno.SUCCESS);
    const rename = (from: string, to: string): number => {
      const [f, fLength] = guest.put(from);
      const [t, tLength] = guest.put(to);
      return guest.call('path_rename', PREOPEN_FD, f, fLength, PREOPEN_FD, t, tLength);
    };
    // From the root, "../../dir/nested/file" climbs out: the move is refused and the link stays.
    assert.equal(rename('dir/nested/link', 'link'), SANDBOX_ESCAPE);
    assert.equal(readlinkSync(path.join(tree.root, 'dir/nested/link')), '../../dir/nested/file');
    assert.equal(existsSync(path.join(tree.root, 'link')), false);
    // At the same depth it still leads inside.
    mkdirSync(path.join(tree.root, 'dir/other'));
    assert.equal(rename('dir/nested/link', 'dir/other/link'), Errno.SUCCESS);
    assert.equal(guest.open(PREOPEN_FD, 'dir/other/link', { base: Rights.FD_READ }).errno, Errno.SUCCESS);
    // An absolute target means the same wherever the link lies (the walk reads it as a guest path).
    symlinkSync('/dir/nested/file', path.join(tree.root, 'dir/abs'));
    assert.equal(rename('dir/abs', 'abs'), Errno.SUCCESS);
    assert.equal(tree.snapshotOutside(), before);
  });

  test('a link made through a directory below the preopen is judged from where it lies in the preopen', () => {
    const opened = guest.open(PREOPEN_FD, 'dir', { oflags: OFlags.DIRECTORY, base: Rights.PATH_SYMLINK | Rights.PATH_OPEN, inheriting: Rights.FD_READ });
    assert.equal(opened.errno, Errno.SUCCESS);
    // dir/up -> ../dir/nested stays inside the preopen: created; but dir's own fd may not follow
    // it above itself, while the preopen may.
    assert.equal(symlink(opened.fd, '../dir/nested', 'up'), Errno.SUCCESS);
    assert.equal(guest.open(opened.fd, 'up/file', { base: Rights.FD_READ }).errno, SANDBOX_ESCAPE);
    assert.equal(guest.open(PREOPEN_FD, 'dir/up/file', { base: Rights.FD_READ }).errno, Errno.SUCCESS);
    assert.equal(symlink(opened.fd, '../../outside', 'out'), SANDBOX_ESCAPE);
    assert.equal(tree.snapshotOutside(), before);
  });
});
