import * as path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { coveredStatements, coverFileOnDisk, parseGoCoverProfile } from '../../../src/gotool/goCoverProfile';

// The format cmd/cover writes; goTestEvents.test.ts reads one go test wrote for the fixture package.
describe('Go coverage profiles', () => {
  test('a block listed twice (two test binaries, -coverpkg) counts once, its counts added in count mode', () => {
    const profile = parseGoCoverProfile([
      'mode: count',
      'example.com/m/p/a.go:3.20,5.2 2 1',
      'example.com/m/p/a.go:7.20,9.2 1 0',
      'example.com/m/p/a.go:3.20,5.2 2 4',
      'example.com/m/q/b.go:1.1,1.9 3 0',
      '',
    ].join('\n'));
    assert.equal(profile.mode, 'count');
    const a = profile.files.get('example.com/m/p/a.go')!;
    assert.deepEqual(a.map((b) => [b.startLine, b.count]), [[3, 5], [7, 0]]);
    assert.deepEqual(coveredStatements(a), { covered: 2, total: 3 });
    assert.deepEqual(coveredStatements(profile.files.get('example.com/m/q/b.go')!), { covered: 0, total: 3 });
  });

  test('set mode keeps "run at all"; malformed and truncated lines are skipped; CRLF is fine', () => {
    const profile = parseGoCoverProfile('mode: set\r\nx/a.go:1.1,2.2 1 1\r\nx/a.go:1.1,2.2 1 1\r\nx/a.go:4.1,garbage\r\nnot a line\r\nx/a.go:5.1,6.2 1');
    assert.deepEqual(profile.files.get('x/a.go')!.map((b) => [b.startLine, b.count]), [[1, 1]]);
  });

  test('profile files map onto the package directories they belong to', () => {
    const dirs = new Map([['example.com/m/p', '/src/m/p']]);
    assert.equal(coverFileOnDisk('example.com/m/p/a.go', dirs, path.posix.join), '/src/m/p/a.go');
    assert.equal(coverFileOnDisk('example.com/m/p/sub/a.go', dirs, path.posix.join), undefined);
    assert.equal(coverFileOnDisk('a.go', dirs, path.posix.join), undefined);
  });
});
