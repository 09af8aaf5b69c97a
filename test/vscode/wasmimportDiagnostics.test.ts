// The 'wasip1' diagnostics on the fixture's deliberately wrong declarations, and the quick fix.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extensionUnderTest';
import { waitUntil } from './waitUntil';

async function diagnosticsOf(uri: vscode.Uri, count: number): Promise<vscode.Diagnostic[]> {
  let found: vscode.Diagnostic[] = [];
  await waitUntil(() => (found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'wasip1')).length >= count, 15_000);
  return found;
}

describe('wasmimport diagnostics', () => {
  const file = (name: string) => vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, name));

  before(async () => {
    await activateExtension();
  });

  it('flags a WASI signature mismatch and an unknown WASI function', async () => {
    const uri = file('badimports.go');
    await vscode.window.showTextDocument(uri);
    const found = await diagnosticsOf(uri, 2);
    assert.deepEqual(found.map((d) => d.code).sort(), ['unknown-wasi-function', 'wasi-signature-mismatch']);
    const mismatch = found.find((d) => d.code === 'wasi-signature-mismatch')!;
    assert.equal(mismatch.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(mismatch.range.start.line, 12);
    assert.match(mismatch.message, /WASI declares \(param i32 i32 i32 i32\) \(result i32\), this func lowers to \(param i32 i32\) \(result i32\)/);
    assert.match(found.find((d) => d.code === 'unknown-wasi-function')!.message, /Did you mean random_get\?/);
  });

  it('offers the WASI signature as a quick fix', async () => {
    const uri = file('badimports.go');
    const [mismatch] = (await diagnosticsOf(uri, 2)).filter((d) => d.code === 'wasi-signature-mismatch');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, mismatch.range);
    const fix = actions.find((a) => a.title === 'Use the WASI signature of fd_write');
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    const edits = fix.edit!.get(uri);
    assert.deepEqual(edits.map((e) => e.newText),
      ['func fdWriteShort(fd int32, iovs unsafe.Pointer, iovsLen uint32, nwritten unsafe.Pointer) uint32'],
      'unsafe is already imported, so the signature is the only edit');
  });

  it('checks as the user types, and clears once fixed', async () => {
    // An untitled document: nothing (a task's save-before-run included) can write it into the fixture.
    const document = await vscode.workspace.openTextDocument({
      language: 'go',
      content: 'package main\n\nimport "unsafe"\n\n//go:wasmimport env host_log\nfunc hostLog(ptr unsafe.Pointer, size uint32)\n',
    });
    const editor = await vscode.window.showTextDocument(document);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'wasip1'), [], 'a valid declaration');
      await editor.edit((edit) => edit.replace(document.lineAt(5).range, 'func hostLog(ptr unsafe.Pointer, size int)'));
      const [problem] = await diagnosticsOf(document.uri, 1);
      assert.equal(problem?.code, 'unsupported-type');
      assert.match(problem.message, /use int32 or int64/);
      await editor.edit((edit) => edit.replace(document.lineAt(5).range, 'func hostLog(ptr unsafe.Pointer, size int64)'));
      await waitUntil(() => !vscode.languages.getDiagnostics(document.uri).some((d) => d.source === 'wasip1'), 10_000);
      assert.deepEqual(vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'wasip1'), []);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
