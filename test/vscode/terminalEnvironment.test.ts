// Integrated terminals get the extension's bin folder first on PATH (wasip1.terminal.addHostToPath),
// so `GOOS=wasip1 GOARCH=wasm go run .` typed there runs in our host. Checked in real terminals.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, extensionId } from './extensionUnderTest';
import { waitUntil } from './waitUntil';

/** The PATH a new integrated terminal's shell sees. */
async function terminalPath(): Promise<string> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wasip1-terminal-')), 'path');
  const terminal = vscode.window.createTerminal({ name: 'wasip1 PATH probe', shellPath: '/bin/sh', shellArgs: ['-c', `printf %s "$PATH" > "${out}.part" && mv "${out}.part" "${out}"`] });
  try {
    assert.ok(await waitUntil(() => fs.existsSync(out), 30_000, 50), 'the terminal wrote no PATH within 30 s');
    return fs.readFileSync(out, 'utf8');
  } finally {
    terminal.dispose();
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

describe('integrated terminals', function () {
  before(async function () {
    if (process.platform === 'win32') this.skip();
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.workspace.getConfiguration('wasip1').update('terminal.addHostToPath', undefined, vscode.ConfigurationTarget.Global);
  });

  it('have the host\'s bin folder first on PATH, and lose it when the setting is turned off', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    const bin = path.join(extension.extensionPath, 'bin');
    assert.ok(fs.existsSync(path.join(bin, 'go_wasip1_wasm_exec')));

    const withHost = (await terminalPath()).split(path.delimiter);
    assert.equal(withHost[0], bin, `PATH: ${withHost.join(path.delimiter)}`);

    await vscode.workspace.getConfiguration('wasip1').update('terminal.addHostToPath', false, vscode.ConfigurationTarget.Global);
    const without = (await terminalPath()).split(path.delimiter);
    assert.ok(!without.includes(bin), `PATH still has ${bin}: ${without.join(path.delimiter)}`);
    assert.ok(without.length > 0 && without[0] !== '');
  });
});
