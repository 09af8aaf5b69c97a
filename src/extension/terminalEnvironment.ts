// Integrated terminals get our bin folder first on PATH, so `GOOS=wasip1 GOARCH=wasm go run .` and
// `go test` typed there run in the wasip1 host (via go_wasip1_wasm_exec), as the tasks do.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hostBinDirectory, hostExecEnvironment } from './hostPaths';

const SETTING = 'terminal.addHostToPath';

function nodeOnPath(): boolean {
  const names = process.platform === 'win32' ? ['node.exe', 'node.cmd'] : ['node'];
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && names.some((n) => existsSync(path.join(dir, n))));
}

function apply(collection: vscode.GlobalEnvironmentVariableCollection): void {
  collection.clear();
  if (!vscode.workspace.getConfiguration('wasip1').get<boolean>(SETTING, true)) return;
  collection.description = 'wasip1: runs GOOS=wasip1 go run/go test in the embedded WASI host';
  collection.prepend('PATH', hostBinDirectory() + path.delimiter);
  if (!nodeOnPath()) {
    // Only without a node of the user's own: ELECTRON_RUN_AS_NODE in a terminal would also change
    // how other Electron programs started there behave.
    const env = hostExecEnvironment();
    collection.replace('WASIP1_NODE', env.WASIP1_NODE);
    collection.replace('ELECTRON_RUN_AS_NODE', env.ELECTRON_RUN_AS_NODE);
  }
}

export function registerTerminalEnvironment(context: vscode.ExtensionContext): void {
  apply(context.environmentVariableCollection);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`wasip1.${SETTING}`)) apply(context.environmentVariableCollection);
  }));
}
