import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { scanGoSource } from '../../../src/goscan/wasmDirectiveScanner';
import { wasmimportHoverMarkdown } from '../../../src/goscan/wasmimportHover';
import { goTypeScopeForFile, checkWasmSignature } from '../../../src/goscan/wasmimportTypes';

const GO_1_26 = { major: 1, minor: 26 };

describe('wasmimport hover', () => {
  const text = 'package main\n\nimport "unsafe"\n\n//go:wasmimport wasi_snapshot_preview1 fd_write\nfunc fdWrite(fd int32, iovs unsafe.Pointer, n uint32, written unsafe.Pointer) uint32\n\n//go:wasmimport env host_log\nfunc hostLog(s string)\n';
  const scan = scanGoSource(text);
  const scope = goTypeScopeForFile(scan);

  test('a WASI function: signature, parameter table, errnos, link', () => {
    const markdown = wasmimportHoverMarkdown({ directive: scan.directives[0], goVersion: GO_1_26, scope })!;
    assert.match(markdown, /fd_write\(fd: fd, iovs: ciovec_array, nwritten: out size\) -> errno/);
    assert.match(markdown, /\| `iovs_len` \| i32 \| `n uint32` \|/);
    assert.match(markdown, /`BADF` \(8\): Bad file descriptor/);
    assert.match(markdown, /Implemented by the wasip1 host/);
    assert.match(markdown, /docs\.md#fd_write/);
  });

  test('a WASI function declared with the wrong signature: the hover gives the diagnostics\' verdict, not a check mark', () => {
    const short = scanGoSource('package main\n\nimport "unsafe"\n\n//go:wasmimport wasi_snapshot_preview1 fd_write\nfunc fdWriteShort(fd int32, iovs unsafe.Pointer) uint32\n');
    const markdown = wasmimportHoverMarkdown({ directive: short.directives[0], goVersion: GO_1_26, scope: goTypeScopeForFile(short) })!;
    assert.match(markdown, /\$\(error\) fd_write does not match WASI: WASI declares \(param i32 i32 i32 i32\) \(result i32\), this func lowers to \(param i32 i32\) \(result i32\)/);
    assert.doesNotMatch(markdown, /Implemented by the wasip1 host/);
  });

  test('a user module: configured or not', () => {
    const none = wasmimportHoverMarkdown({ directive: scan.directives[1], goVersion: GO_1_26, scope })!;
    assert.match(none, /func hostLog\(s string\)/);
    assert.match(none, /wasm type: `\(param i32 i32\)`/);
    assert.match(none, /Unresolved: no configured host module supplies "env"/);
    const configured = wasmimportHoverMarkdown({ directive: scan.directives[1], goVersion: GO_1_26, scope, hostModules: { env: 'host/env.mjs' } })!;
    assert.match(configured, /supplied by host\/env\.mjs/);
    assert.ok(checkWasmSignature(scan.directives[1], GO_1_26, scope).wasmSignature);
  });
});
