import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { scanGoSource, mayContainWasmDirectives, type GoSourceScan } from '../../../src/goscan/wasmDirectiveScanner';
import { formatGoType, formatParams } from '../../../src/goscan/goTypeSyntax';

function codes(scan: GoSourceScan): string[] {
  return scan.problems.map((p) => p.code);
}

function only<T>(items: T[]): T {
  assert.equal(items.length, 1, `expected exactly one, got ${items.length}`);
  return items[0];
}

describe('scanGoSource: what it finds', () => {
  test('a wasmimport with its func, fields, ranges and package', () => {
    const source = [
      '//go:build wasip1',
      '',
      'package wasi',
      '',
      'import "unsafe"',
      '',
      '//go:wasmimport wasi_snapshot_preview1 fd_write',
      'func fdWrite(fd int32, iovs unsafe.Pointer, count int32, written *uint32) uint32',
    ].join('\n');
    const scan = scanGoSource(source);
    assert.equal(scan.packageName, 'wasi');
    assert.deepEqual(scan.imports, [{ path: 'unsafe' }]);
    assert.deepEqual(scan.problems, []);
    const d = only(scan.directives);
    assert.equal(d.kind, 'wasmimport');
    assert.equal(d.module?.value, 'wasi_snapshot_preview1');
    assert.equal(d.name?.value, 'fd_write');
    assert.deepEqual(d.module?.range, { start: { line: 6, character: 16 }, end: { line: 6, character: 38 } });
    assert.deepEqual(d.name?.range, { start: { line: 6, character: 39 }, end: { line: 6, character: 47 } });
    assert.deepEqual(d.keywordRange, { start: { line: 6, character: 2 }, end: { line: 6, character: 15 } });
    assert.equal(source.split('\n')[6].slice(d.keywordRange.start.character, d.keywordRange.end.character), 'go:wasmimport');
    const f = d.func!;
    assert.equal(f.name, 'fdWrite');
    assert.deepEqual(f.nameRange, { start: { line: 7, character: 5 }, end: { line: 7, character: 12 } });
    assert.equal(f.hasBody, false);
    assert.equal(formatParams(f.params), 'fd int32, iovs unsafe.Pointer, count int32, written *uint32');
    assert.equal(formatParams(f.results), 'uint32');
    const written = f.params[3];
    assert.equal(source.split('\n')[7].slice(written.typeRange.start.character, written.typeRange.end.character), '*uint32');
  });

  test('build constraint expression and what it mentions', () => {
    const scan = scanGoSource('// Copyright\n\n//go:build (wasip1 && wasm) || !linux\n\npackage p\n');
    assert.equal(scan.buildConstraint?.expression, '(wasip1 && wasm) || !linux');
    assert.equal(scan.buildConstraint?.mentionsWasip1, true);
    assert.equal(scan.buildConstraint?.mentionsWasm, true);
    assert.equal(scan.buildConstraint?.range.start.line, 2);
    const other = scanGoSource('//go:build linux\npackage p\n');
    assert.equal(other.buildConstraint?.mentionsWasip1, false);
    assert.equal(other.buildConstraint?.mentionsWasm, false);
    // After the package clause it is just a comment.
    assert.equal(scanGoSource('package p\n//go:build wasip1\n').buildConstraint, undefined);
  });

  test('grouped parameter names share their type', () => {
    const scan = scanGoSource('package p\n//go:wasmimport env add\nfunc add(a, b int32, c, d float64) (sum int64)\n');
    const f = only(scan.directives).func!;
    assert.deepEqual(f.params.map((p) => [p.name, formatGoType(p.type)]), [
      ['a', 'int32'], ['b', 'int32'], ['c', 'float64'], ['d', 'float64'],
    ]);
    assert.deepEqual(f.results.map((p) => [p.name, formatGoType(p.type)]), [['sum', 'int64']]);
  });

  test('unnamed parameters, arrays, generics instances and variadics', () => {
    const source = [
      'package p',
      '//go:wasmimport env f',
      'func f(int32, unsafe.Pointer, *[16]byte, List[int32], ...string)',
      '//go:wasmimport env g',
      'func g(buf [4]byte, l List[int32], rest ...uint64)',
    ].join('\n');
    const [f, g] = scanGoSource(source).directives.map((d) => d.func!);
    assert.equal(formatParams(f.params), 'int32, unsafe.Pointer, *[16]byte, List[int32], ...string');
    assert.equal(formatParams(g.params), 'buf [4]byte, l List[int32], rest ...uint64');
    assert.equal(g.params[2].variadic, true);
  });

  test('methods and generic funcs nearby do not confuse it', () => {
    const source = [
      'package p',
      'type Set[T comparable] map[T]struct{}',
      'func (s Set[T]) Add(v T) { s[v] = struct{}{} }',
      'func Map[T, U any](xs []T, f func(T) U) []U { return nil }',
      '//go:wasmimport env handle_close',
      'func (h Handle) close() int32',
      '//go:wasmimport env gen',
      'func gen[T any](x int32)',
      '//go:wasmimport env after',
      'func after(x uint64) uint64',
    ].join('\n');
    const scan = scanGoSource(source);
    const [close, gen, after] = scan.directives.map((d) => d.func!);
    assert.equal(close.name, 'close');
    assert.equal(close.receiver?.name, 'h');
    assert.equal(formatGoType(close.receiver!.type), 'Handle');
    assert.equal(gen.generic, true);
    assert.equal(after.name, 'after');
    assert.equal(formatParams(after.params), 'x uint64');
    assert.deepEqual(codes(scan), ['generic-func']);
    assert.deepEqual(scan.typeDeclarations.map((t) => [t.name, t.generic]), [['Set', true]]);
  });

  test('results: a bare type, a struct type, none before a body', () => {
    const source = [
      'package p',
      '//go:wasmexport one',
      'func one() int32 { return 1 }',
      '//go:wasmexport none',
      'func none() {',
      '}',
      '//go:wasmimport env st',
      'func st() *struct{ a int32 }',
    ].join('\n');
    const [one, none, st] = scanGoSource(source).directives.map((d) => d.func!);
    assert.equal(formatParams(one.results), 'int32');
    assert.equal(one.hasBody, true);
    assert.deepEqual(none.results, []);
    assert.equal(none.hasBody, true);
    assert.equal(formatParams(st.results), '*struct { a int32 }');
    assert.equal(st.hasBody, false);
  });

  test('tabs, odd spacing and CRLF line endings', () => {
    const source = 'package p\r\n\r\n\t//go:wasmimport\u0020  env \t sum  \r\nfunc  sum ( a,b\tint32 )int32\r\n';
    const scan = scanGoSource(source);
    const d = only(scan.directives);
    assert.equal(d.module?.value, 'env');
    assert.equal(d.name?.value, 'sum');
    assert.equal(d.text.endsWith('\r'), false, 'the \\r of CRLF is not part of the directive');
    const line = source.split('\r\n')[2];
    assert.equal(d.name?.range.start.line, 2);
    assert.equal(line.slice(d.name!.range.start.character, d.name!.range.end.character), 'sum');
    assert.equal(line.slice(d.module!.range.start.character, d.module!.range.end.character), 'env');
    assert.equal(formatParams(d.func!.params), 'a int32, b int32');
    assert.equal(d.func!.nameRange.start.line, 3);
    assert.deepEqual(scan.problems, []);
  });

  test('several directives in a file, imports and exports', () => {
    const source = [
      'package main',
      '//go:wasmimport env a',
      'func a()',
      '',
      '// Doc comments may sit between the directive and the func.',
      '//go:wasmimport env b',
      '// b does things.',
      'func b()',
      '//go:wasmexport c',
      'func c() {}',
    ].join('\n');
    const scan = scanGoSource(source);
    assert.deepEqual(scan.directives.map((d) => [d.kind, d.name?.value, d.func?.name]), [
      ['wasmimport', 'a', 'a'], ['wasmimport', 'b', 'b'], ['wasmexport', 'c', 'c'],
    ]);
    assert.deepEqual(scan.problems, []);
  });
});

describe('scanGoSource: look-alikes that are not directives', () => {
  test('directive text in strings, raw strings, runes and block comments', () => {
    const source = [
      'package p',
      'var s = "//go:wasmimport env str"',
      'var esc = "a\\"//go:wasmimport env esc"',
      'var raw = `',
      '//go:wasmimport env raw',
      'func raw()`',
      "var r = '/'",
      '/*',
      '//go:wasmimport env block',
      '*/',
      'func real() {}',
    ].join('\n');
    const scan = scanGoSource(source);
    assert.deepEqual(scan.directives, []);
    assert.deepEqual(scan.problems, []);
    assert.equal(mayContainWasmDirectives(source), true, 'the quick check only narrows; the lexer decides');
  });

  test('a space after // makes it an ordinary comment', () => {
    const scan = scanGoSource('package p\n// go:wasmimport env add\nfunc add() {}\n');
    assert.deepEqual(scan.directives, []);
    assert.deepEqual(scan.problems, []);
  });

  test('other go: directives and longer keywords are not ours', () => {
    const scan = scanGoSource('package p\n//go:noescape\n//go:wasmimports env x\nfunc x()\n');
    assert.deepEqual(scan.directives, []);
    assert.deepEqual(scan.problems, []);
  });

  test('mayContainWasmDirectives rules out files without the text', () => {
    assert.equal(mayContainWasmDirectives('package p\nfunc f() {}\n'), false);
  });
});

describe('scanGoSource: problems', () => {
  test('missing and extra fields', () => {
    const source = [
      'package p',
      '//go:wasmimport env',
      'func a()',
      '//go:wasmimport env b extra more',
      'func b()',
      '//go:wasmexport c d',
      'func c() {}',
    ].join('\n');
    const scan = scanGoSource(source);
    assert.deepEqual(codes(scan), ['wrong-field-count', 'wrong-field-count', 'wrong-field-count']);
    const [, extra, exportExtra] = scan.problems;
    assert.deepEqual(extra.range, { start: { line: 3, character: 22 }, end: { line: 3, character: 32 } });
    assert.deepEqual(scan.directives[1].extraFields.map((f) => f.value), ['extra', 'more']);
    assert.deepEqual(exportExtra.range.start, { line: 5, character: 18 });
    // The compiler drops a malformed directive, so it annotates nothing.
    assert.equal(scan.directives[0].func, undefined);
  });

  test('a keyword followed by a tab or nothing is ignored by the compiler', () => {
    const scan = scanGoSource('package p\n//go:wasmimport\tenv a\nfunc a()\n//go:wasmexport\nfunc b() {}\n');
    assert.deepEqual(codes(scan), ['directive-ignored', 'directive-ignored']);
    assert.deepEqual(scan.directives, []);
  });

  test('not at the start of the line', () => {
    const scan = scanGoSource('package p\nvar x = 1 //go:wasmimport env a\nfunc a()\n/* c */ //go:wasmimport env b\nfunc b()\n');
    assert.deepEqual(codes(scan), ['directive-not-at-line-start', 'directive-not-at-line-start']);
    assert.equal(scan.directives[0].func, undefined);
  });

  test('not followed by a func: var, type, body statement, end of file', () => {
    const source = [
      'package p',
      '//go:wasmimport env v',
      'var v int32',
      '//go:wasmimport env t',
      'type T int32',
      'func f() {',
      '\t//go:wasmimport env inner',
      '\tx := 1',
      '}',
      '//go:wasmexport tail',
    ].join('\n');
    const scan = scanGoSource(source);
    assert.deepEqual(scan.problems.map((p) => [p.code, p.severity, p.range.start.line]), [
      ['not-before-func', 'warning', 1],
      ['not-before-func', 'warning', 3],
      ['not-before-func', 'error', 6],
      ['not-before-func', 'error', 9],
    ]);
    assert.ok(scan.directives.every((d) => d.func === undefined));
  });

  test('a blank line before the func still attaches, with a warning', () => {
    const scan = scanGoSource('package p\n//go:wasmimport env a\n\nfunc a()\n');
    assert.equal(only(scan.directives).func?.name, 'a');
    assert.deepEqual(scan.problems.map((p) => [p.code, p.severity]), [['blank-line-before-func', 'warning']]);
  });

  test('bodies: wasmimport must have none, wasmexport needs one', () => {
    const source = [
      'package p',
      '//go:wasmimport env a',
      'func a() {}',
      '//go:wasmexport b',
      'func b()',
    ].join('\n');
    const scan = scanGoSource(source);
    assert.deepEqual(codes(scan), ['import-with-body', 'export-without-body']);
    assert.deepEqual(scan.problems[0].range.start, { line: 2, character: 5 });
  });

  test('more than one result', () => {
    const scan = scanGoSource('package p\n//go:wasmimport env a\nfunc a() (x, y int32)\n//go:wasmimport env b\nfunc b() (int32, error)\n');
    assert.deepEqual(codes(scan), ['too-many-results', 'too-many-results']);
    assert.deepEqual(scan.problems[0].range, { start: { line: 2, character: 15 }, end: { line: 2, character: 20 } });
  });

  test('gojs imports use the stack-pointer ABI, so any signature goes', () => {
    const scan = scanGoSource('package js\n//go:wasmimport gojs syscall/js.valueCall\nfunc valueCall(v ref, m string) (ref, bool)\n');
    assert.deepEqual(scan.problems, []);
  });

  test('a repeated directive: the last one wins', () => {
    const scan = scanGoSource('package p\n//go:wasmimport env first\n//go:wasmimport env second\nfunc a()\n');
    assert.deepEqual(codes(scan), ['directive-overridden']);
    assert.equal(scan.problems[0].range.start.line, 1);
    assert.ok(scan.directives.every((d) => d.func?.name === 'a'));
  });

  test('wasmexport on a method, and import plus export together', () => {
    const scan = scanGoSource('package p\n//go:wasmexport m\nfunc (T) m() {}\n//go:wasmimport env x\n//go:wasmexport x\nfunc x()\n');
    assert.deepEqual(codes(scan), ['export-on-method', 'import-and-export', 'export-without-body']);
  });
});
