// `wasip1.hostModules`, the one place a user says which .mjs file supplies each of their own
// //go:wasmimport modules. Every way the editor runs a program reads it from here: Run, Debug, the
// CodeLens and F5 (the launch's `imports`, which can add or override entries), the test task, and
// integrated terminals (WASIP1_IMPORT, which go_wasip1_wasm_exec passes on to `wasip1 run`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostModuleMap } from '../goscan/wasmimportResolution';
import type { ImportsAttribute } from '../debug/launchHostModules';

export const HOST_MODULES_SETTING = 'wasip1.hostModules';

/**
 * The setting as written (files relative to the workspace folder): what the views and hovers show.
 * It is resource-scoped; no scope (null) reads the workspace's value, as VS Code asks to be told.
 */
export function configuredHostModules(scope?: vscode.Uri | vscode.WorkspaceFolder): HostModuleMap {
  return vscode.workspace.getConfiguration('wasip1', scope ?? null).get<Record<string, string>>('hostModules') ?? {};
}

/**
 * The setting with each file made absolute against its workspace folder (the first one when the
 * program is outside every folder), so it means the same file whatever the run's working directory.
 */
export function hostModuleFiles(folder: vscode.WorkspaceFolder | undefined): Record<string, string> {
  const base = (folder ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath;
  const files: Record<string, string> = {};
  for (const [module, file] of Object.entries(configuredHostModules(folder))) {
    if (typeof file !== 'string' || !file.trim()) continue;
    files[module] = base ? path.resolve(base, file) : file;
  }
  return files;
}

/**
 * A launch's `imports` on top of the setting: the launch's entries add modules or replace the
 * setting's file for a module. A list with a malformed entry is left as it is, for the adapter to
 * name the entry.
 */
export function launchImports(folder: vscode.WorkspaceFolder | undefined, imports: ImportsAttribute | undefined): ImportsAttribute | undefined {
  const fromSetting = hostModuleFiles(folder);
  let own: Record<string, string>;
  if (imports === undefined || imports === null) own = {};
  else if (Array.isArray(imports)) {
    if (!imports.every((entry) => typeof entry === 'string' && entry.indexOf('=') > 0)) return imports;
    own = Object.fromEntries(imports.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  } else if (typeof imports === 'object') own = imports;
  else return imports;
  const merged = { ...fromSetting, ...own };
  return Object.keys(merged).length ? merged : imports;
}

/** WASIP1_IMPORT for `go run`/`go test` through go_wasip1_wasm_exec: MODULE=FILE entries separated like PATH. */
export function hostModulesEnvironmentValue(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  const entries = Object.entries(hostModuleFiles(folder)).map(([module, file]) => `${module}=${file}`);
  return entries.length ? entries.join(path.delimiter) : undefined;
}
