import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoOutput } from '../../../src/gotool/goCompilerOutput';

// The inputs are text Go 1.26 printed in each situation, except the Windows paths and the linker line, which
// follow the same shapes; wasip1Build.test.ts checks the parser against live builds as well.

describe('parseGoOutput', () => {
  test('reads file:line:col lines, resolving ./ paths against the directory go ran in', () => {
    const parsed = parseGoOutput(
      '# fixtures/broken\n./main.go:8:18: cannot use "three" (untyped string constant) as int value in variable declaration\n',
      { cwd: '/src/broken', platform: 'linux' },
    );
    assert.deepEqual(parsed.diagnostics, [
      {
        file: '/src/broken/main.go',
        line: 8,
        column: 18,
        message: 'cannot use "three" (untyped string constant) as int value in variable declaration',
        severity: 'error',
      },
    ]);
    assert.deepEqual(parsed.unlocated, []);
    assert.equal(parsed.tooManyErrors, false);
  });

  test('resolves parent-relative and keeps absolute paths', () => {
    const parsed = parseGoOutput('../lib/x.go:3:1: undefined: y\n/abs/z.go:9:2: undefined: w\n', { cwd: '/m/cmd', platform: 'linux' });
    assert.deepEqual(
      parsed.diagnostics.map((d) => d.file),
      ['/m/lib/x.go', '/abs/z.go'],
    );
  });

  test('appends tab-indented continuation lines to the message they explain', () => {
    const text = [
      '# fixtures/broken',
      './speaker.go:10:17: cannot use dog{} (value of struct type dog) as speaker value in variable declaration: dog does not implement speaker (wrong type for method Speak)',
      '\t\thave Speak() string',
      '\t\twant Speak(bool) string',
      './speaker.go:12:33: cannot use 42 (untyped int constant) as string value in return statement',
    ].join('\n');
    const parsed = parseGoOutput(text, { cwd: '/f/broken', platform: 'linux' });
    assert.equal(parsed.diagnostics.length, 2);
    assert.match(parsed.diagnostics[0].message, /wrong type for method Speak\)\nhave Speak\(\) string\nwant Speak\(bool\) string$/);
    assert.equal(parsed.diagnostics[1].line, 12);
  });

  test('drops the "too many errors" marker and says the list is truncated', () => {
    const text = './main.go:14:2: undefined: missing10\n./main.go:14:2: too many errors\n';
    const parsed = parseGoOutput(text, { cwd: '/t', platform: 'linux' });
    assert.equal(parsed.diagnostics.length, 1);
    assert.equal(parsed.tooManyErrors, true);
  });

  test('locates go.mod errors given with a line, skipping their heading', () => {
    const parsed = parseGoOutput('go: errors parsing go.mod:\ngo.mod:5: unknown directive: bogus\n', { cwd: '/mod', platform: 'linux' });
    assert.deepEqual(parsed.diagnostics, [{ file: '/mod/go.mod', line: 5, message: 'unknown directive: bogus', severity: 'error' }]);
    assert.deepEqual(parsed.unlocated, []);
  });

  test('pins go.mod complaints without a line to the top of go.mod', () => {
    const text = 'go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)\n';
    const parsed = parseGoOutput(text, { cwd: '/mod/cmd', goModFile: '/mod/go.mod', platform: 'linux' });
    assert.deepEqual(parsed.diagnostics, [
      { file: '/mod/go.mod', line: 1, message: 'go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)', severity: 'error' },
    ]);
  });

  test('keeps missing-module errors located at the import, with the go get hint', () => {
    const text = 'main.go:3:8: no required module provides package github.com/nope/zzz; to add it:\n\tgo get github.com/nope/zzz\n';
    const [diagnostic] = parseGoOutput(text, { cwd: '/m', platform: 'linux' }).diagnostics;
    assert.equal(diagnostic.file, '/m/main.go');
    assert.equal(diagnostic.column, 8);
    assert.match(diagnostic.message, /to add it:\ngo get github\.com\/nope\/zzz$/);
  });

  test('reads vet output, whose type errors carry a "vet: " prefix', () => {
    const text = '# m\n# [m]\nvet: ./main.go:4:31: cannot use a (variable of type int) as string value in return statement\n';
    const parsed = parseGoOutput(text, { cwd: '/m', platform: 'linux', defaultSeverity: 'warning' });
    assert.deepEqual(
      parsed.diagnostics.map((d) => [d.file, d.line, d.column, d.severity]),
      [['/m/main.go', 4, 31, 'warning']],
    );
  });

  test('keeps position-less failures as unlocated text, continuations included', () => {
    const text = "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n";
    const parsed = parseGoOutput(text, { cwd: '/x', platform: 'linux' });
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(parsed.unlocated, [text.trimEnd()]);

    const linker = parseGoOutput('# fixtures/x\nmain.main: relocation target main.f not defined\n\tsee above\n', {
      cwd: '/x',
      platform: 'linux',
    });
    assert.deepEqual(linker.unlocated, ['main.main: relocation target main.f not defined\nsee above']);
  });

  test('reads assembler-style file:line positions without a column', () => {
    const text = '# asm\n./sum_wasm.s:4: unrecognized instruction "FOO"\nasm: assembly of ./sum_wasm.s failed\n';
    const parsed = parseGoOutput(text, { cwd: '/a', platform: 'linux' });
    assert.deepEqual(parsed.diagnostics, [
      { file: '/a/sum_wasm.s', line: 4, message: 'unrecognized instruction "FOO"', severity: 'error' },
    ]);
    assert.deepEqual(parsed.unlocated, ['asm: assembly of ./sum_wasm.s failed']);
  });

  test('understands Windows drive letters and backslashes', () => {
    const text = 'C:\\src\\app\\main.go:12:5: undefined: x\r\n.\\util.go:3:1: syntax error: unexpected }\r\n';
    const parsed = parseGoOutput(text, { cwd: 'C:\\src\\app', platform: 'win32' });
    assert.deepEqual(
      parsed.diagnostics.map((d) => [d.file, d.line, d.column]),
      [
        ['C:\\src\\app\\main.go', 12, 5],
        ['C:\\src\\app\\util.go', 3, 1],
      ],
    );
  });

  test('marks linker warnings as warnings', () => {
    const [diagnostic] = parseGoOutput('./x.go:1:1: warning: something odd\n', { cwd: '/w', platform: 'linux' }).diagnostics;
    assert.equal(diagnostic.severity, 'warning');
  });
});
