// F5 and the Run and Debug view for wasip1: configurations offered per main package, and a
// launch with no launch.json that runs the Go file or .wasm in the active editor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMainPackages } from '../gotool/goMainPackages';
import { launchImports } from './hostModulesSetting';

export const WASIP1_DEBUG_TYPE = 'wasip1';

function configurationFor(folder: vscode.WorkspaceFolder, program: string): vscode.DebugConfiguration {
  const rel = path.relative(folder.uri.fsPath, program);
  const label = rel === '' ? path.basename(folder.uri.fsPath) : rel.split(path.sep).join('/');
  return {
    type: WASIP1_DEBUG_TYPE,
    request: 'launch',
    name: `wasip1: ${label}`,
    program: rel === '' ? '${workspaceFolder}' : '${workspaceFolder}/' + rel.split(path.sep).join('/'),
  };
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, path.resolve(root, target));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

export class Wasip1DebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  /**
   * One configuration per main package of the folder: the new launch.json, "Add Configuration" and
   * the dynamic list. The debugger declares no initialConfigurations, which VS Code would add beside
   * these. No `imports`: wasip1.hostModules reaches every launch (see resolveDebugConfigurationWithSubstitutedVariables).
   */
  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration[] {
    const folders = folder ? [folder] : (vscode.workspace.workspaceFolders ?? []);
    const configurations: vscode.DebugConfiguration[] = [];
    for (const f of folders) {
      if (f.uri.scheme !== 'file') continue;
      const mains = findMainPackages(f.uri.fsPath, { maxFiles: 5000 });
      // No main package yet: the folder itself, so a new launch.json still gets one configuration to edit.
      for (const dir of mains.length ? mains : [f.uri.fsPath]) configurations.push(configurationFor(f, dir));
    }
    return configurations;
  }

  /** F5 without launch.json: run what the active editor shows. */
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (!configuration.type && !configuration.request && !configuration.name) {
      const document = vscode.window.activeTextEditor?.document;
      const file = document?.uri.scheme === 'file' ? document.uri.fsPath : undefined;
      if (!file || !(document?.languageId === 'go' || file.endsWith('.wasm'))) {
        void vscode.window.showInformationMessage('Open a Go file of a main package, or a .wasm file, to run it with wasip1.');
        return undefined;
      }
      return {
        type: WASIP1_DEBUG_TYPE,
        request: 'launch',
        name: `wasip1: ${path.basename(file)}`,
        program: file.endsWith('.wasm') ? file : path.dirname(file),
      };
    }
    if (!configuration.program) {
      void vscode.window.showErrorMessage('The wasip1 launch configuration needs "program": a Go package folder, a .go file or a .wasm file.');
      return undefined;
    }
    return configuration;
  }

  /** Fills in what the adapter needs from the editor's settings once variables are substituted. */
  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    const go = vscode.workspace.getConfiguration('go', folder);
    const ours = vscode.workspace.getConfiguration('wasip1', folder);
    // Like vscode-go, the program's folder is the working directory unless cwd says otherwise; the
    // whole workspace folder is preopened so Go finds the files it expects beside and above it.
    if (folder && !configuration.dirs && isInside(folder.uri.fsPath, configuration.cwd ?? configuration.program)) {
      configuration.dirs = [folder.uri.fsPath];
    }
    configuration.goPath ??= ours.get<string>('goPath') || undefined;
    configuration.goAlternateTool ??= go.get<Record<string, string>>('alternateTools')?.go || undefined;
    configuration.goroot ??= go.get<string>('goroot') || undefined;
    configuration.buildFlags ??= go.get<string[]>('buildFlags') ?? [];
    configuration.buildTags ??= (go.get<string>('buildTags') ?? '').split(/[ ,]+/).filter(Boolean);
    configuration.goEnv ??= go.get<Record<string, string>>('toolsEnvVars') ?? {};
    configuration.imports = launchImports(folder ?? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(configuration.program)), configuration.imports);
    return configuration;
  }
}

export function registerWasip1DebugConfigurations(context: vscode.ExtensionContext): void {
  const provider = new Wasip1DebugConfigurationProvider();
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(WASIP1_DEBUG_TYPE, provider),
    // The dynamic list only provides; resolving once, above, is enough.
    vscode.debug.registerDebugConfigurationProvider(
      WASIP1_DEBUG_TYPE,
      { provideDebugConfigurations: (folder) => provider.provideDebugConfigurations(folder) },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
  );
}
