import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { scanGoSource } from '../../../src/goscan/wasmDirectiveScanner';
import { addImportEdit, wasmimportDiagnostics, type SourceEdit } from '../../../src/goscan/wasmimportDiagnostics';

const GO_1_26 = { major: 1, minor: 26 };
const GO_1_21 = { major: 1, minor: 21 };

function diagnose(text: string, fileName = 'a.go', goVersion = GO_1_26) {
  return wasmimportDiagnostics({ fileName, text, scan: scanGoSource(text), goVersion });
}

/** Applies edits given against the original text, as VS Code does. */
function applyEdits(text: string, edits: SourceEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe('wasmimport diagnostics', () => {
  test('a WASI signature that does not match, with a fix that adds import "unsafe"', () => {
    const text = 'package main\n\nimport "fmt"\n\n//go:wasmimport wasi_snapshot_preview1 fd_write\nfunc fdWrite(fd int32) uint32\n\nfunc main() { fmt.Println() }\n';
    const [d, ...rest] = diagnose(text);
    assert.deepEqual(rest, []);
    assert.equal(d.code, 'wasi-signature-mismatch');
    assert.match(d.message, /WASI declares \(param i32 i32 i32 i32\) \(result i32\), this func lowers to \(param i32\) \(result i32\)/);
    assert.deepEqual(d.range, { start: { line: 5, character: 0 }, end: { line: 5, character: 29 } });
    const fixed = applyEdits(text, d.fixes[0].edits);
    assert.equal(fixed,
      'package main\n\nimport "unsafe"\nimport "fmt"\n\n//go:wasmimport wasi_snapshot_preview1 fd_write\n' +
      'func fdWrite(fd int32, iovs unsafe.Pointer, iovsLen uint32, nwritten unsafe.Pointer) uint32\n\nfunc main() { fmt.Println() }\n');
    assert.deepEqual(diagnose(fixed), [], 'the fixed file is clean');
  });

  test('unknown WASI names get a did-you-mean fix; user modules are not checked against WASI', () => {
    const text = 'package main\n\n//go:wasmimport wasi_snapshot_preview1 fd_wrte\nfunc w(a int32) uint32\n\n//go:wasmimport env anything\nfunc x(a int64)\n';
    const [d, ...rest] = diagnose(text);
    assert.deepEqual(rest, []);
    assert.equal(d.code, 'unknown-wasi-function');
    assert.match(d.message, /Did you mean fd_write\?/);
    assert.deepEqual(d.fixes[0].edits, [{ range: d.range, newText: 'fd_write' }]);
  });

  test('type rules per Go release, scanner problems, and files outside the wasip1 build', () => {
    const text = '//go:build wasip1\n\npackage main\n\n//go:wasmimport env f\nfunc f(p *int32) bool\n//go:wasmimport env g\nfunc g() {}\n';
    assert.deepEqual(diagnose(text).map((d) => d.code), ['import-with-body']);
    assert.deepEqual(diagnose(text, 'a.go', GO_1_21).map((d) => d.code).sort(), ['import-with-body', 'unsupported-type', 'unsupported-type']);
    assert.deepEqual(diagnose(text.replace('wasip1', 'js')), []);
    assert.deepEqual(diagnose(text, 'a_linux.go'), []);
  });
});

describe('addImportEdit', () => {
  test('into a group, before a single import, after the package clause', () => {
    assert.equal(applyEdits('package p\n\nimport (\n\t"fmt"\n)\n', [addImportEdit('package p\n\nimport (\n\t"fmt"\n)\n', 'unsafe')!]),
      'package p\n\nimport (\n\t"unsafe"\n\t"fmt"\n)\n');
    const bare = '// import ( in a comment\npackage p\n\nfunc f() {}\n';
    assert.equal(applyEdits(bare, [addImportEdit(bare, 'unsafe')!]), '// import ( in a comment\npackage p\n\nimport "unsafe"\n\nfunc f() {}\n');
  });
});
