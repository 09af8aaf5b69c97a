// Integrated terminals get our bin folder first on PATH, so `GOOS=wasip1 GOARCH=wasm go run .` and
// `go test` typed there run in the wasip1 host (via go_wasip1_wasm_exec), as the tasks do, with the
// host modules of wasip1.hostModules (WASIP1_IMPORT).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HOST_MODULES_SETTING, hostModulesEnvironmentValue } from './hostModulesSetting';
import { hostBinDirectory, hostExecEnvironment } from './hostPaths';

const SETTING = 'terminal.addHostToPath';

function nodeOnPath(): boolean {
  const names = process.platform === 'win32' ? ['node.exe', 'node.cmd'] : ['node'];
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && names.some((n) => existsSync(path.join(dir, n))));
}

function apply(collection: vscode.GlobalEnvironmentVariableCollection): void {
  collection.clear();
  for (const folder of vscode.workspace.workspaceFolders ?? []) collection.getScoped({ workspaceFolder: folder }).clear();
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
  // Each folder's terminals get that folder's host modules, which our go_wasip1_wasm_exec passes on.
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const imports = hostModulesEnvironmentValue(folder);
    if (imports) collection.getScoped({ workspaceFolder: folder }).replace('WASIP1_IMPORT', imports);
  }
}

export function registerTerminalEnvironment(context: vscode.ExtensionContext): void {
  apply(context.environmentVariableCollection);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`wasip1.${SETTING}`) || event.affectsConfiguration(HOST_MODULES_SETTING)) apply(context.environmentVariableCollection);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => apply(context.environmentVariableCollection)),
  );
}
