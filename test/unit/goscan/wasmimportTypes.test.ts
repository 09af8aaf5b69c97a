import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { scanGoSource } from '../../../src/goscan/wasmDirectiveScanner';
import { checkWasmSignature, formatWasmSignature, goTypeScopeForFile, wasmDirectiveAvailable } from '../../../src/goscan/wasmimportTypes';

const GO_1_21 = { major: 1, minor: 21 };
const GO_1_23 = { major: 1, minor: 23 };
const GO_1_26 = { major: 1, minor: 26 };

/** Checks every directive of a file; returns name -> WAT signature or the problems' codes. */
function check(source: string, version = GO_1_26, packageSource?: string): Record<string, string> {
  const scan = scanGoSource(source);
  const packageTypes = packageSource ? scanGoSource(packageSource).typeDeclarations : [];
  const scope = goTypeScopeForFile(scan, packageTypes);
  const out: Record<string, string> = {};
  for (const directive of scan.directives) {
    const result = checkWasmSignature(directive, version, scope);
    out[directive.func!.name] = result.wasmSignature
      ? formatWasmSignature(result.wasmSignature)
      : result.problems.map((p) => `${p.severity}:${p.code}`).join(',');
  }
  return out;
}

describe('Go types to wasm value types', () => {
  test('the compiler documentation table, Go 1.24+', () => {
    const source = [
      'package p',
      'import "unsafe"',
      '//go:wasmimport env a',
      'func a(i int32, u uint32, l int64, ul uint64, f float32, d float64) float64',
      '//go:wasmimport env b',
      'func b(ok bool, p unsafe.Pointer, up uintptr, s string, n *uint8) bool',
    ].join('\n');
    assert.deepEqual(check(source), {
      a: '(param i32 i32 i64 i64 f32 f64) (result f64)',
      b: '(param i32 i32 i32 i32 i32 i32) (result i32)',
    });
  });

  test('a method receiver is the first wasm parameter', () => {
    const source = 'package p\ntype Fd int32\n//go:wasmimport env close\nfunc (fd Fd) close() Fd\n';
    assert.deepEqual(check(source), { close: '(param i32) (result i32)' });
  });

  test('gojs imports take only the stack pointer', () => {
    assert.deepEqual(check('package js\n//go:wasmimport gojs syscall/js.valueGet\nfunc valueGet(v ref, p string) ref\n'), {
      valueGet: '(param i32)',
    });
  });

  test('an unqualified unsafe.Pointer import alias is followed', () => {
    const source = 'package p\nimport u "unsafe"\n//go:wasmimport env a\nfunc a(p u.Pointer)\n';
    assert.deepEqual(check(source, GO_1_21), { a: '(param i32)' });
  });
});

describe('what a syntax-only check can and cannot know', () => {
  test('named types declared in another file are unknown, not rejected', () => {
    const source = 'package p\n//go:wasmimport env a\nfunc a(e Errno, p *Errno, q other.Type)\n';
    assert.deepEqual(check(source), { a: 'info:unknown-type,info:unknown-type,info:unknown-type' });
  });

  test('the package\'s other files resolve them', () => {
    const source = 'package p\n//go:wasmimport env a\nfunc a(e Errno, p *Errno) Errno\n';
    // uint16 may sit behind a pointer but not cross by value.
    assert.deepEqual(check(source, GO_1_26, 'package p\ntype Errno uint16\n'), { a: 'error:unsupported-type,error:unsupported-type' });
    assert.deepEqual(check(source, GO_1_26, 'package p\ntype Errno = uint32\n'), { a: '(param i32 i32) (result i32)' });
  });

  test('a HostLayout alias counts, a defined type based on it does not', () => {
    const source = [
      'package p',
      'import "structs"',
      'type HL = structs.HostLayout',
      'type NotHL structs.HostLayout',
      'type A struct { _ HL; x int32 }',
      'type B struct { _ NotHL; x int32 }',
      '//go:wasmimport env a',
      'func a(p *A)',
      '//go:wasmimport env b',
      'func b(p *B)',
    ].join('\n');
    assert.deepEqual(check(source), { a: '(param i32)', b: 'error:unsupported-type' });
  });

  test('self-referential declarations end as unknown', () => {
    assert.deepEqual(check('package p\ntype A B\ntype B A\n//go:wasmimport env a\nfunc a(x A)\n'), { a: 'info:unknown-type' });
  });
});

describe('per-release availability', () => {
  test('wasmexport arrived in Go 1.24, wasip1 in Go 1.21', () => {
    assert.equal(wasmDirectiveAvailable('wasmexport', GO_1_23), false);
    assert.equal(wasmDirectiveAvailable('wasmexport', { major: 1, minor: 24 }), true);
    assert.equal(wasmDirectiveAvailable('wasmimport', { major: 1, minor: 20 }), false);
    assert.equal(wasmDirectiveAvailable('wasmimport', GO_1_21), true);
    assert.deepEqual(check('package p\n//go:wasmexport run\nfunc run() {}\n', GO_1_23), { run: 'error:directive-unavailable' });
  });

  test('bool, string and pointers are Go 1.24 additions', () => {
    const source = 'package p\n//go:wasmimport env a\nfunc a(ok bool, s string, p *int32)\n';
    assert.deepEqual(check(source, GO_1_23), { a: 'error:unsupported-type,error:unsupported-type,error:unsupported-type' });
    assert.deepEqual(check(source, GO_1_26), { a: '(param i32 i32 i32 i32)' });
  });
});
