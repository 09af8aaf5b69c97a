// The wasm imports view over the fixture workspace: its items as the tree shows them, the
// standard library toggle, and the comparison with a module the build command wrote.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extensionUnderTest';
import { waitUntil } from './waitUntil';

interface Item {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  children?: Item[];
}

function child(items: Item[] | undefined, label: string | RegExp): Item {
  const found = items?.find((item) => (typeof label === 'string' ? item.label === label : label.test(item.label)));
  assert.ok(found, `no item ${label} among ${items?.map((item) => item.label).join(', ') ?? '(none)'}`);
  return found;
}

function snapshot(): Thenable<Item[]> {
  return vscode.commands.executeCommand<Item[]>('wasip1.wasmimports.snapshot');
}

describe('wasm imports view', () => {
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  before(async () => {
    await activateExtension();
  });

  after(() => {
    rmSync(path.join(folder(), 'bin'), { recursive: true, force: true });
  });

  it('lists the workspace imports by module, with Go signatures and who supplies them', async () => {
    const roots = await snapshot();
    const imports = child(roots, 'Imports');
    const env = child(imports.children, 'env');
    assert.equal(env.description, 'unresolved');
    const hostLog = child(env.children, 'host_log');
    assert.equal(hostLog.description, 'func hostLog(ptr unsafe.Pointer, size uint32)');
    assert.equal(hostLog.icon, 'warning');
    assert.match(hostLog.tooltip ?? '', /Unresolved: no configured host module supplies "env"/);
    assert.match(hostLog.tooltip ?? '', /hostlog\.go:11/);

    const wasi = child(imports.children, 'wasi_snapshot_preview1');
    assert.equal(wasi.description, 'wasip1 host');
    // badimports.go declares fd_write with two of its four parameters: the diagnostics' verdict, not a check mark.
    const fdWriteShort = child(wasi.children, 'fd_write');
    assert.equal(fdWriteShort.icon, 'error');
    assert.match(fdWriteShort.tooltip ?? '', /fd_write does not match WASI: WASI declares \(param i32 i32 i32 i32\) \(result i32\), this func lowers to \(param i32 i32\) \(result i32\)/);
    const badimports = vscode.Uri.file(path.join(folder(), 'badimports.go'));
    await vscode.workspace.openTextDocument(badimports);
    let diagnostics: vscode.Diagnostic[] = [];
    await waitUntil(() => (diagnostics = vscode.languages.getDiagnostics(badimports)).some((d) => /does not match WASI/.test(d.message)), 10_000);
    const mismatch = diagnostics.find((d) => /does not match WASI/.test(d.message));
    assert.ok(mismatch && fdWriteShort.tooltip?.includes(mismatch.message), `the diagnostic's message in the tooltip: ${mismatch?.message}`);
    assert.equal(child(wasi.children, 'random_gett').icon, 'error');
  });

  it('opens the declaration at the func name when an item is clicked', async () => {
    // The snapshot carries no commands; the tree item's command is vscode.open with the func name selected.
    const uri = vscode.Uri.file(path.join(folder(), 'hostlog.go'));
    await vscode.commands.executeCommand('vscode.open', uri, { selection: new vscode.Range(10, 5, 10, 12) });
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.getText(editor.selection), 'hostLog');
  });

  it('includes the standard library on request, scanned in the background', async () => {
    await vscode.commands.executeCommand('wasip1.wasmimports.showStandardLibrary');
    try {
      const roots = await snapshot();
      const standardLibrary = child(roots, 'Standard library (wasip1 build)');
      console.log(`      GOROOT/src: ${standardLibrary.description}`);
      const wasi = child(standardLibrary.children, 'wasi_snapshot_preview1');
      const fdWrite = child(wasi.children, 'fd_write');
      assert.equal(fdWrite.icon, 'pass');
      assert.match(fdWrite.description ?? '', /^func fd_write\(/);
      // timestub2.go is `//go:build ... && !wasip1`: its gojs import is not part of the wasip1 build.
      const gojs = standardLibrary.children?.find((module) => module.label === 'gojs');
      assert.ok(!gojs?.children?.some((item) => item.label === 'runtime.walltime'), 'files the wasip1 build skips are left out');
    } finally {
      await vscode.commands.executeCommand('wasip1.wasmimports.hideStandardLibrary');
    }
    assert.ok(!(await snapshot()).some((root) => root.label.startsWith('Standard library')));
  });

  it('compares a built module with the declarations', async () => {
    const result = await vscode.commands.executeCommand<{ exitCode?: number; wasmPath?: string }>(
      'wasip1.build', vscode.Uri.file(path.join(folder(), 'main.go')));
    assert.equal(result?.exitCode, 0, 'the build command succeeds');
    assert.ok(result.wasmPath && existsSync(result.wasmPath), `module written: ${result.wasmPath}`);
    assert.equal(path.relative(folder(), result.wasmPath), path.join('bin', 'wasip1', 'hello.wasm'));

    await vscode.commands.executeCommand('wasip1.showBuiltModule', vscode.Uri.file(result.wasmPath));
    const built = child(await snapshot(), 'Built module: hello.wasm');
    const imports = child(built.children, /^Imports \(/);
    const fdWrite = child(imports.children, 'wasi_snapshot_preview1.fd_write');
    assert.equal(fdWrite.icon, 'pass');
    assert.match(fdWrite.description ?? '', /^\(i32, i32, i32, i32\) -> i32 · /);
    // Nothing calls hostLog or randomGet: the linker dropped them. fd_write is imported all the
    // same, by the runtime, so fdWriteShort's declaration matches a real import.
    const unused = child(built.children, /^Declared but not imported/);
    assert.deepEqual(unused.children?.map((item) => item.label).sort(), ['host_log', 'random_gett']);
    assert.match(fdWrite.description ?? '', /declared in badimports\.go:13/);
    const undeclared = child(built.children, /^Imported but not declared in the workspace/);
    assert.ok(undeclared.children?.some((item) => item.label === 'wasi_snapshot_preview1.proc_exit'));
    const exports = child(built.children, /^Exports \(/);
    assert.ok(exports.children?.some((item) => item.label === '_start'));
  });

  it('gives every item an id without a path separator, unique in the whole tree', async () => {
    const before = JSON.stringify(await snapshot());
    // VS Code keys each item by its id (with '/' as its own separator in handles) and keeps the
    // expanded state by it: one id per item, the same across refreshes.
    await vscode.commands.executeCommand('wasip1.wasmimports.showStandardLibrary');
    try {
      const ids: string[] = [];
      const walk = (items: Item[] | undefined): void => items?.forEach((item) => {
        ids.push(item.id);
        walk(item.children);
      });
      walk(await snapshot());
      assert.ok(ids.some((id) => id.startsWith('built')), 'the built module is in the tree');
      assert.deepEqual(ids.filter((id) => /[\\/]/.test(id)), []);
      assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    } finally {
      await vscode.commands.executeCommand('wasip1.wasmimports.hideStandardLibrary');
    }
    // A refresh that changes nothing (a rebuilt module, a rescan) gives the same items back.
    await vscode.commands.executeCommand('wasip1.wasmimports.refresh');
    assert.equal(JSON.stringify(await snapshot()), before);
  });
});
