import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WasmimportIndex } from '../../../src/goscan/wasmimportIndex';
import { fileInWasip1Build, fileNameAllowsWasip1 } from '../../../src/goscan/wasip1FileSelection';
import { closestWasiFunctionName, resolveWasmImport } from '../../../src/goscan/wasmimportResolution';
import { compareBuiltModule } from '../../../src/goscan/builtModuleComparison';
import { scanGoSource } from '../../../src/goscan/wasmDirectiveScanner';

const hostlog = [
  '//go:build wasip1',
  '',
  'package main',
  '',
  'import "unsafe"',
  '',
  '//go:wasmimport env host_log',
  'func hostLog(ptr unsafe.Pointer, size uint32)',
  '',
  '//go:wasmimport wasi_snapshot_preview1 fd_write',
  'func fdWrite(fd int32, iovs unsafe.Pointer, n uint32, written unsafe.Pointer) uint32',
  '',
  '//go:wasmexport add',
  'func add(a, b int32) int32 { return a + b }',
].join('\n');

describe('WasmimportIndex', () => {
  test('indexes directives with Go signatures and locations, grouped by module', () => {
    const index = new WasmimportIndex({ goMinor: 26 });
    assert.equal(index.update('/w/hostlog.go', hostlog), true);
    assert.equal(index.update('/w/main.go', 'package main\nfunc main() {}\n'), false, 'no directives: nothing to refresh');
    const modules = index.importsByModule();
    assert.deepEqual([...modules.keys()], ['env', 'wasi_snapshot_preview1']);
    const hostLog = modules.get('env')!.get('host_log')![0];
    assert.equal(hostLog.goSignature, 'func hostLog(ptr unsafe.Pointer, size uint32)');
    assert.deepEqual(hostLog.location, { start: { line: 7, character: 5 }, end: { line: 7, character: 12 } });
    assert.equal(hostLog.inWasip1Build, true);
    assert.equal(modules.get('wasi_snapshot_preview1')!.get('fd_write')![0].goSignature,
      'func fdWrite(fd int32, iovs unsafe.Pointer, n uint32, written unsafe.Pointer) uint32');
    assert.deepEqual(index.exports().map((d) => `${d.name}: ${d.goSignature}`), ['add: func add(a int32, b int32) int32']);
    assert.equal(index.findByFunc('/w', 'fdWrite')?.name, 'fd_write');
    assert.equal(index.findByFunc('/other', 'fdWrite'), undefined);
  });

  test('updates per file: edits replace, a file losing its directives leaves', () => {
    const index = new WasmimportIndex({ goMinor: 26 });
    index.update('/w/a.go', hostlog);
    index.update('/w/a.go', hostlog.replace('host_log', 'host_print'));
    assert.deepEqual([...index.importsByModule().get('env')!.keys()], ['host_print']);
    assert.equal(index.update('/w/a.go', 'package main\n'), true, 'the file had directives: views refresh');
    assert.equal(index.fileCount, 0);
    index.update('/w/sub/b.go', hostlog);
    assert.equal(index.removeUnder('/w/sub'), true);
    assert.equal(index.fileCount, 0);
  });

  test('files out of the wasip1 build are marked', () => {
    const index = new WasmimportIndex({ goMinor: 26 });
    index.update('/w/js.go', hostlog.replace('//go:build wasip1', '//go:build js'));
    index.update('/w/x_linux.go', hostlog.replace('//go:build wasip1\n', ''));
    assert.deepEqual(index.directives().map((d) => d.inWasip1Build), [false, false, false, false, false, false]);
  });
});

describe('wasip1 file selection', () => {
  test('file-name suffixes as go/build reads them', () => {
    assert.equal(fileNameAllowsWasip1('linux.go'), true);
    assert.equal(fileNameAllowsWasip1('x_linux.go'), false);
    assert.equal(fileNameAllowsWasip1('x_wasip1.go'), true);
    assert.equal(fileNameAllowsWasip1('x_wasm.go'), true);
    assert.equal(fileNameAllowsWasip1('x_js_wasm.go'), false);
    assert.equal(fileNameAllowsWasip1('x_wasip1_wasm_test.go'), true);
    assert.equal(fileNameAllowsWasip1('x_amd64_test.go'), false);
    assert.equal(fileNameAllowsWasip1('host_log.go'), true);
  });

  test('build constraints with release tags', () => {
    const constraint = (expr: string) => scanGoSource(`//go:build ${expr}\n\npackage p\n`).buildConstraint;
    assert.equal(fileInWasip1Build('a.go', constraint('wasip1 && go1.24'), 24), true);
    assert.equal(fileInWasip1Build('a.go', constraint('wasip1 && go1.24'), 23), false);
    assert.equal(fileInWasip1Build('a.go', constraint('unix'), 26), false);
    assert.equal(fileInWasip1Build('a.go', constraint('mytag'), 26, ['mytag']), true);
    assert.equal(fileInWasip1Build('a.go', undefined, 26), true);
  });
});

describe('import resolution', () => {
  test('WASI functions, configured host modules, unresolved', () => {
    assert.equal(resolveWasmImport('wasi_snapshot_preview1', 'fd_write').kind, 'wasi-host');
    assert.equal(resolveWasmImport('wasi_snapshot_preview1', 'fd_wrte').kind, 'unknown-wasi-function');
    assert.deepEqual(resolveWasmImport('env', 'host_log', { env: './host/env.mjs' }), { kind: 'host-module', hostModule: './host/env.mjs' });
    assert.equal(resolveWasmImport('env', 'host_log', {}).kind, 'unresolved');
    assert.equal(resolveWasmImport('toString', 'x', {}).kind, 'unresolved', 'object prototype keys are no modules');
  });

  test('did-you-mean for misspelt WASI names', () => {
    assert.equal(closestWasiFunctionName('fd_wrte'), 'fd_write');
    assert.equal(closestWasiFunctionName('random_gett'), 'random_get');
    assert.equal(closestWasiFunctionName('completely_unrelated_name'), undefined);
  });
});

describe('built module comparison', () => {
  test('declared but unused, used but undeclared, exports', () => {
    const index = new WasmimportIndex({ goMinor: 26 });
    index.update('/w/hostlog.go', hostlog);
    const i32 = 'i32';
    const comparison = compareBuiltModule({
      imports: [
        { module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 'func', type: { params: [i32, i32, i32, i32], results: [i32] } },
        { module: 'wasi_snapshot_preview1', name: 'proc_exit', kind: 'func', type: { params: [i32], results: [] } },
      ],
      exports: [{ name: 'add', kind: 'func', type: { params: [i32, i32], results: [i32] } }, { name: 'memory', kind: 'memory' }],
    }, index.directives());
    assert.deepEqual(comparison.declaredButUnused.map((d) => `${d.module}.${d.name}`), ['env.host_log']);
    assert.deepEqual(comparison.usedButUndeclared.map((i) => i.name), ['proc_exit']);
    assert.equal(comparison.imports[0].type, '(i32, i32, i32, i32) -> i32');
    assert.equal(comparison.imports[0].resolution.kind, 'wasi-host');
    assert.equal(comparison.exports[0].declaredBy[0].funcName, 'add');
    assert.equal(comparison.exports[1].declaredBy.length, 0);
  });
});
