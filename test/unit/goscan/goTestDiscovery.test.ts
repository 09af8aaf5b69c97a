import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverGoTests, goSubtestName, type GoStaticSubtest } from '../../../src/goscan/goTestDiscovery';
import { execFileSync } from 'node:child_process';
import { repoRoot, testGoBinary } from '../../support/goFixtures';

const calcDir = path.join(repoRoot, 'test', 'fixtures', 'workspace', 'gotests', 'calc');
const discover = (name: string, text: string, buildTags: string[] = []) => discoverGoTests(name, text, { goMinor: 26, buildTags });

function names(subtests: GoStaticSubtest[]): unknown[] {
  return subtests.map((s) => (s.subtests.length ? [s.name, names(s.subtests)] : s.name));
}

describe('Go test discovery', () => {
  test('finds tests, benchmarks, fuzz targets and examples with output in the fixture, where they are', () => {
    const file = path.join(calcDir, 'calc_test.go');
    const scan = discover(file, readFileSync(file, 'utf8'));
    assert.equal(scan.packageName, 'calc');
    assert.equal(scan.inWasip1Build, true);
    assert.deepEqual(
      scan.tests.map((t) => [t.kind, t.name, t.nameRange.start.line + 1]),
      [
        ['test', 'TestAdd', 8],
        ['test', 'TestAddWrong', 14],
        ['test', 'TestSkipped', 20],
        ['test', 'TestAbs', 24],
        ['test', 'TestTable', 37],
        ['example', 'ExampleAdd', 47],
        ['benchmark', 'BenchmarkAdd', 57],
        ['fuzz', 'FuzzAbs', 63],
      ],
    );
    const abs = scan.tests.find((t) => t.name === 'TestAbs')!;
    assert.deepEqual(names(abs.subtests), ['negative', 'zero_value']);
    assert.equal(abs.subtests[1].range.start.line + 1, 30);
    assert.equal(abs.range.end.line + 1, 35, 'the range ends at the closing brace');
    assert.deepEqual(scan.tests.find((t) => t.name === 'TestTable')!.subtests, [], 'a computed name is left for the run to report');
  });

  test('agrees with go test -list on the fixture package (which lists what the wasip1 build runs)', () => {
    const listed = execFileSync(testGoBinary(), ['test', '-list', '.'], {
      cwd: calcDir,
      env: { ...process.env, GOOS: 'wasip1', GOARCH: 'wasm', PATH: `${path.join(repoRoot, 'bin')}${path.delimiter}${process.env.PATH}` },
      encoding: 'utf8',
    });
    const fromGo = listed.split('\n').filter((line) => /^(Test|Example|Benchmark|Fuzz)/.test(line)).sort();
    const ours = ['calc_test.go', 'calc_native_test.go', 'calc_linux_test.go']
      .map((name) => discover(path.join(calcDir, name), readFileSync(path.join(calcDir, name), 'utf8')))
      .filter((scan) => scan.inWasip1Build)
      .flatMap((scan) => scan.tests.map((t) => t.name))
      .sort();
    assert.deepEqual(ours, fromGo);
  });

  test('leaves out files the wasip1 build skips, by constraint or file name, and honours build tags', () => {
    const native = path.join(calcDir, 'calc_native_test.go');
    assert.equal(discover(native, readFileSync(native, 'utf8')).inWasip1Build, false);
    const linux = path.join(calcDir, 'calc_linux_test.go');
    assert.equal(discover(linux, readFileSync(linux, 'utf8')).inWasip1Build, false);
    const tagged = '//go:build integration\n\npackage p\n\nimport "testing"\n\nfunc TestI(t *testing.T) {}\n';
    assert.equal(discover('/x/i_test.go', tagged).inWasip1Build, false);
    assert.equal(discover('/x/i_test.go', tagged, ['integration']).inWasip1Build, true);
    assert.equal(discover('/x/w_wasip1_test.go', 'package p').inWasip1Build, true);
  });

  test('requires the testing signature, as go test does', () => {
    const source = `package p

import (
	tt "testing"
)

func Testify(t *tt.T)           {} // lower case after the prefix: not a test
func Test(t *tt.T)              {}
func TestÄ(t *tt.T)             {}
func TestWrongType(t *tt.B)     {}
func TestMain(m *tt.M)          {}
func (s suite) TestMethod(t *tt.T) {}
func TestGeneric[T any](t *tt.T) {}
func TestResult(t *tt.T) error  { return nil }
func BenchmarkB(b *tt.B)        {}
func FuzzF(_ *tt.F)             {}
func Example()                  {
	// Unordered output: x
}
func ExampleArgs(x int)         {
	// Output:
}
func ExampleNoOutput()          {}
`;
    assert.deepEqual(
      discover('/x/p_test.go', source).tests.map((t) => t.name),
      ['Test', 'TestÄ', 'BenchmarkB', 'FuzzF', 'Example'],
    );
  });

  test('a dot import of testing, and a file without testing imported has no tests', () => {
    assert.deepEqual(discover('/x/p_test.go', 'package p\nimport . "testing"\nfunc TestDot(t *T) {}\n').tests.map((t) => t.name), ['TestDot']);
    assert.deepEqual(discover('/x/p_test.go', 'package p\ntype T struct{}\nfunc TestNo(t *testing.T) {}\n').tests, []);
  });

  test('nested literal subtests, raw strings, and names go rewrites; Run in strings and comments is not code', () => {
    const source = [
      'package p',
      'import "testing"',
      'func TestNested(t *testing.T) {',
      '\tt.Run("outer one", func(t *testing.T) {',
      '\t\tt.Run(`inner`, func(t *testing.T) {})',
      '\t\tt.Run("tab\\there", func(t *testing.T) {})',
      '\t})',
      '\tt.Run("second", func(t *testing.T) {})',
      '\t_ = "t.Run(\\"nope\\", nil)"',
      '\t/* t.Run("nope", nil) */',
      '\tt.Run(name, func(t *testing.T) {})',
      '}',
      'func TestAfter(t *testing.T) { t.Run("a/b", nil) }',
    ].join('\n');
    const tests = discover('/x/p_test.go', source).tests;
    assert.deepEqual(names(tests[0].subtests), [['outer_one', ['inner', 'tab_here']], 'second']);
    assert.deepEqual(tests[0].subtests[0].subtests[0].range.start, { line: 4, character: 8 });
    assert.deepEqual(names(tests[1].subtests), ['a/b']);
  });

  test('the subtest name rewrite matches testing.rewrite', () => {
    assert.equal(goSubtestName('a b\tc'), 'a_b_c');
    assert.equal(goSubtestName('x\u0001y\u200bz'), 'x\\x01y\\u200bz');
    assert.equal(goSubtestName('ünïcode'), 'ünïcode');
  });

  test('never throws on malformed source', () => {
    for (const text of ['', 'package', 'package p\nimport "testing"\nfunc TestX(t *testing.T', 'func TestY(t *testing.T) {', '"unterminated', '`raw']) {
      assert.doesNotThrow(() => discover('/x/p_test.go', text));
    }
  });
});
