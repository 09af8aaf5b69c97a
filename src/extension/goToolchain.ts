// Finds the Go toolchain from the user's settings: ours, then the Go extension's.
import * as vscode from 'vscode';
import { clearGoDiscoveryCache, findGo, type GoInstallation } from '../gotool/goDiscovery';

/** Reads wasip1.goPath, go.alternateTools.go, go.goroot and go.toolsEnvVars for a workspace folder. */
export function goDiscoveryInput(folder?: vscode.WorkspaceFolder): Parameters<typeof findGo>[0] {
  const ours = vscode.workspace.getConfiguration('wasip1', folder);
  const go = vscode.workspace.getConfiguration('go', folder);
  const toolsEnv = go.get<Record<string, string>>('toolsEnvVars') ?? {};
  return {
    goPath: ours.get<string>('goPath') || undefined,
    alternateTool: go.get<Record<string, string>>('alternateTools')?.go || undefined,
    goroot: go.get<string>('goroot') || undefined,
    env: { ...process.env, ...toolsEnv },
    cwd: folder?.uri.fsPath,
  };
}

export function findWorkspaceGo(folder?: vscode.WorkspaceFolder): Promise<GoInstallation> {
  return findGo(goDiscoveryInput(folder ?? vscode.workspace.workspaceFolders?.[0]));
}

export function registerGoToolchainCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (['wasip1.goPath', 'go.alternateTools', 'go.goroot', 'go.toolsEnvVars'].some((key) => event.affectsConfiguration(key))) {
        clearGoDiscoveryCache();
      }
    }),
    vscode.commands.registerCommand('wasip1.showGoVersion', async () => {
      try {
        const go = await findWorkspaceGo();
        const message = `wasip1 uses ${go.versionString.trim()} at ${go.binary} (from ${go.source}).`;
        void vscode.window.showInformationMessage(message);
        return { binary: go.binary, source: go.source, version: go.versionString.trim() };
      } catch (error) {
        void vscode.window.showErrorMessage((error as Error).message);
        return undefined;
      }
    }),
  );
}
