// Hovers on //go:wasmimport declarations and on calls to them, as VS Code's hover request returns them.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extensionUnderTest';

async function hoverText(file: string, line: number, character: number): Promise<string> {
  const uri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, file));
  await vscode.workspace.openTextDocument(uri);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, character));
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n---\n');
}

describe('wasmimport hover', () => {
  before(async () => {
    await activateExtension();
  });

  it('explains a WASI import on its directive line: signature, parameters, errnos, link', async () => {
    // badimports.go line 12: //go:wasmimport wasi_snapshot_preview1 fd_write
    const text = await hoverText('badimports.go', 11, 20);
    assert.match(text, /fd_write\(fd: fd, iovs: ciovec_array, nwritten: out size\) -> errno/);
    assert.match(text, /\| `iovs_len` \| i32 \| — \|/, 'the missing Go parameters show as gaps');
    assert.match(text, /`BADF` \(8\)/);
    // fdWriteShort has two of fd_write's four parameters: the hover says what the diagnostic says.
    assert.match(text, /fd_write does not match WASI: WASI declares \(param i32 i32 i32 i32\) \(result i32\), this func lowers to \(param i32 i32\) \(result i32\)/);
    assert.doesNotMatch(text, /Implemented by the wasip1 host/);
    assert.match(text, /legacy\/preview1\/docs\.md#fd_write/);
  });

  it('on the annotated func name, for a user module nobody supplies', async () => {
    // hostlog.go line 11: func hostLog(ptr unsafe.Pointer, size uint32)
    const text = await hoverText('hostlog.go', 10, 7);
    assert.match(text, /wasm import `env\.host_log`/);
    assert.match(text, /wasm type: `\(param i32 i32\)`/);
    assert.match(text, /Unresolved: no configured host module supplies "env"/);
  });

  it('on a call to the func', async () => {
    // hostlog.go line 15: \thostLog(unsafe.Pointer(...
    const text = await hoverText('hostlog.go', 14, 3);
    assert.match(text, /wasm import `env\.host_log`/);
  });

  it('names the configured host module', async () => {
    const config = vscode.workspace.getConfiguration('wasip1');
    await config.update('hostModules', { env: 'host/env.mjs' }, vscode.ConfigurationTarget.Global);
    try {
      assert.match(await hoverText('hostlog.go', 10, 7), /supplied by host\/env\.mjs/);
    } finally {
      await config.update('hostModules', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
