// Pieces of source-line debugging that need no guest: where a breakpoint lands, which probes share a
// flag, and the frames read from a panic's printed traceback.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestStatementLine } from '../../../src/debug/goLineStops';
import { panickingGoroutineFrames } from '../../../src/debug/goPanicTrace';
import { assignProbeFlags } from '../../../src/wasm/goStatementProbes';
import { SiteFlag, type StatementSites } from '../../../src/wasm/goStatementSites';

describe('line breakpoints land on statements', () => {
  const files = new Map([
    ['/home/me/app/main.go', [7, 8, 10, 14]],
    ['/home/me/app/lib/util.go', [3, 4]],
  ]);

  test('a line with code keeps its line; one without moves to the next statement; past the last, nothing', () => {
    assert.deepEqual(nearestStatementLine(files, '/home/me/app/main.go', 8), { file: '/home/me/app/main.go', line: 8 });
    assert.deepEqual(nearestStatementLine(files, '/home/me/app/main.go', 9), { file: '/home/me/app/main.go', line: 10 });
    assert.deepEqual(nearestStatementLine(files, '/home/me/app/main.go', 1), { file: '/home/me/app/main.go', line: 7 });
    assert.equal(nearestStatementLine(files, '/home/me/app/main.go', 15), undefined);
  });

  test('a file named through another path (a symlink, another drive) matches by its folder and name', () => {
    assert.deepEqual(nearestStatementLine(files, '/private/home/me/app/lib/util.go', 4), { file: '/home/me/app/lib/util.go', line: 4 });
    assert.deepEqual(nearestStatementLine(files, 'C:\\work\\app\\lib\\util.go', 2), { file: '/home/me/app/lib/util.go', line: 3 });
    assert.equal(nearestStatementLine(files, '/elsewhere/util.go', 3), undefined, 'the file name alone is not enough');
  });
});

describe('probe flags', () => {
  function sites(perFunction: number[][]): StatementSites {
    const flags = perFunction.flat();
    const functionStart = new Uint32Array(perFunction.length + 1);
    perFunction.forEach((list, i) => (functionStart[i + 1] = functionStart[i] + list.length));
    return { count: flags.length, flags: Uint8Array.from(flags), functionStart } as unknown as StatementSites;
  }

  test('a listed site has its own flag; the sites of a function without a listing share one', () => {
    const listed = SiteFlag.listed | SiteFlag.statement;
    const { siteFlag, flagCount } = assignProbeFlags(sites([[listed, listed], [SiteFlag.statement, 0, SiteFlag.statement], [], [listed]]));
    assert.deepEqual([...siteFlag], [0, 1, 2, 2, 2, 3]);
    assert.equal(flagCount, 4);
  });
});

describe('a panic traceback read back into frames', () => {
  test('method receivers stay in the name; arguments and goroutine notes go', () => {
    const text = [
      'panic: runtime error: index out of range [6] with length 2',
      '',
      'goroutine 1 [running]:',
      'main.(*T).get(...)',
      '\t/tmp/inl/main.go:7',
      'main.main()',
      '\t/tmp/inl/main.go:11 +0x9',
      '',
    ].join('\n');
    assert.deepEqual(panickingGoroutineFrames(text).map((f) => `${f.name}:${f.line}`), ['main.(*T).get:7', 'main.main:11']);
  });
});
