import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { WasiHost } from '../../../src/wasi/host';
import { BufferOutput } from '../../../src/wasi/streams';
import { buildGoFixture } from '../../support/goFixtures';
import { SandboxTree } from './guestHarness';

describe('a real Go program using os and io/fs', () => {
  let tree: SandboxTree;
  let outsideBefore: string;
  let stdout: BufferOutput;
  let stderr: BufferOutput;
  let exitCode: number | undefined;

  before(async () => {
    const wasm = await buildGoFixture('fsops');
    tree = new SandboxTree();
    symlinkSync('../outside/secret', path.join(tree.root, 'planted'));
    outsideBefore = tree.snapshotOutside();
    stdout = new BufferOutput();
    stderr = new BufferOutput();
    const host = new WasiHost({
      args: ['fsops'],
      env: { PWD: '/' },
      preopens: [{ hostPath: tree.root, guestPath: '/' }],
      stdout,
      stderr,
    });
    const instance = host.instantiate(new WebAssembly.Module(readFileSync(wasm)));
    const outcome = host.run(instance);
    host.dispose();
    exitCode = outcome.kind === 'exit' ? outcome.code : undefined;
    if (exitCode !== 0) console.error(stdout.text(), stderr.text(), outcome);
  });
  after(() => tree?.dispose());

  function line(prefix: string): string {
    const found = stdout.text().split('\n').find((l) => l.startsWith(prefix + ':'));
    assert.ok(found, `no "${prefix}:" line in:\n${stdout.text()}\n${stderr.text()}`);
    return found.slice(prefix.length + 1).trim();
  }

  test('runs to the end and exits 0', () => {
    assert.equal(exitCode, 0, stderr.text());
    assert.ok(stdout.text().endsWith('done\n'));
    assert.equal(stderr.text(), '');
  });

  test('append, seek, pread/pwrite and truncate give POSIX results', () => {
    assert.equal(line('append'), '"hello\\nworld\\n"');
    assert.equal(line('seek'), '"world" pos=11 end=11');
    assert.equal(line('rdwr'), '"Jello" size=5');
    assert.equal(line('stat'), 'dir=true name=a');
  });

  test('os.Chtimes keeps nanoseconds, read back by Go and on the host', () => {
    const mtime = 1_600_000_000_123_456_789n;
    assert.equal(line('chtimes'), `mtime=${mtime} atime=1500000000987654000`);
    // (The host's atime is not compared: the reads that follow move it under relatime.)
    const host = statSync(path.join(tree.root, 'work/a/b/hello.txt'), { bigint: true });
    assert.equal(host.mtimeNs, mtime);
  });

  test('symlinks, hard links, rename and ReadDir', () => {
    assert.equal(line('symlink'), 'target=b/hello.txt content="Jello" symlink=true');
    assert.equal(readlinkSync(path.join(tree.root, 'work/a/link')), 'b/hello.txt');
    assert.equal(line('link'), 'same=true');
    assert.equal(line('readdir'), 'b:d--------- link:L---------');
    assert.equal(line('many'), '300 first=file-000-with-a-longish-name last=file-299-with-a-longish-name');
    assert.equal(line('walk'), '. a a/b a/b/hello.txt a/link renamed.txt');
  });

  test('a symlink leading out is refused at creation, and one planted by the host is not followed out', () => {
    assert.equal(line('escape create'), 'denied=true');
    assert.equal(existsSync(path.join(tree.root, 'work/escape')), false);
    assert.equal(line('escape'), 'denied=true');
    assert.equal(line('escape write'), 'denied=true');
    assert.equal(tree.snapshotOutside(), outsideBefore);
    assert.ok(lstatSync(path.join(tree.root, 'planted')).isSymbolicLink());
  });

  test('Remove and RemoveAll leave the expected tree on disk', () => {
    assert.equal(line('remove nonempty'), 'failed=true');
    assert.equal(line('removeall'), 'gone=true');
    assert.equal(existsSync(path.join(tree.root, 'work/many')), false);
    assert.equal(existsSync(path.join(tree.root, 'work/renamed.txt')), false);
    assert.deepEqual(readdirSync(path.join(tree.root, 'work')).sort(), ['a']);
    assert.deepEqual(readdirSync(path.join(tree.root, 'work/a')).sort(), ['b', 'link']);
    assert.equal(readFileSync(path.join(tree.root, 'work/a/b/hello.txt'), 'utf8'), 'Jello');
  });
});
