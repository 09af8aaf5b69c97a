// The wasip1 commands a Go developer reaches from the editor title, the explorer and the palette:
// build the package for wasip1, run or debug it in the embedded host, run its tests there.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { declaresMainFunction, isMainPackageFile } from '../gotool/goMainPackages';
import { startDebuggingWithProgress } from './buildProgress';
import { WASIP1_DEBUG_TYPE } from './wasip1DebugConfiguration';
import { buildTaskOutput, Wasip1TaskProvider, WASIP1_TASK_TYPE } from './wasip1Tasks';

/** Set for the active editor: a Go file of a package with func main, which Run and Debug apply to. */
export const IS_MAIN_PACKAGE_CONTEXT = 'wasip1.isMainPackage';

interface Target {
  folder: vscode.WorkspaceFolder | undefined;
  /** A package directory or a .wasm file. */
  program: string;
}

/** What a command invoked on `uri` (explorer, editor title, CodeLens) or on the active editor applies to. */
function targetOf(uri: vscode.Uri | undefined): Target | undefined {
  uri ??= vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') return undefined;
  const file = uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (file.endsWith('.wasm')) return { folder, program: file };
  if (file.endsWith('.go')) return { folder, program: path.dirname(file) };
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) return { folder, program: file };
  return undefined;
}

function packagePattern(folder: vscode.WorkspaceFolder, dir: string): string {
  const rel = path.relative(folder.uri.fsPath, dir);
  return rel === '' ? '.' : './' + rel.split(path.sep).join('/');
}

function launchName(target: Target): string {
  const shown = target.folder ? path.relative(target.folder.uri.fsPath, target.program) : '';
  return `wasip1: ${shown === '' ? path.basename(target.program) : shown.split(path.sep).join('/')}`;
}

/** True when the Go package in `dir` declares func main in some file (the active one may not). */
export function packageDeclaresMain(dir: string, activeText?: string, activeFile?: string): boolean {
  if (activeText !== undefined && declaresMainFunction(activeText)) return true;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'));
  } catch {
    return false;
  }
  return names.some((name) => {
    const file = path.join(dir, name);
    if (file === activeFile) return false;
    try {
      return declaresMainFunction(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
  });
}

function updateMainPackageContext(editor: vscode.TextEditor | undefined): void {
  const document = editor?.document;
  let isMain = false;
  if (document?.languageId === 'go' && document.uri.scheme === 'file') {
    const text = document.getText();
    isMain = isMainPackageFile(text) && packageDeclaresMain(path.dirname(document.uri.fsPath), text, document.uri.fsPath);
  }
  void vscode.commands.executeCommand('setContext', IS_MAIN_PACKAGE_CONTEXT, isMain);
}

/** A `wasip1` task for one package, resolved by the task provider so it honours the same settings as tasks.json. */
async function packageTask(folder: vscode.WorkspaceFolder, command: 'build' | 'test', dir: string): Promise<vscode.Task> {
  const pkg = packagePattern(folder, dir);
  const unresolved = new vscode.Task({ type: WASIP1_TASK_TYPE, command, package: pkg }, folder, `${command} ${pkg}`, WASIP1_TASK_TYPE);
  const task = await new Wasip1TaskProvider().resolveTask(unresolved);
  if (!task) throw new Error(`No wasip1 ${command} task for ${pkg}.`);
  return task;
}

/** Runs a task and resolves with its exit code (undefined when it ended without one, e.g. terminated). */
function runTask(task: vscode.Task, token?: vscode.CancellationToken): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    let execution: vscode.TaskExecution | undefined;
    // A process that fails at once can end before executeTask's promise settles.
    const endedEarly: vscode.TaskProcessEndEvent[] = [];
    const finish = (event: vscode.TaskProcessEndEvent): void => {
      ended.dispose();
      resolve(event.exitCode);
    };
    const ended = vscode.tasks.onDidEndTaskProcess((event) => {
      if (!execution) endedEarly.push(event);
      else if (event.execution === execution) finish(event);
    });
    token?.onCancellationRequested(() => execution?.terminate());
    vscode.tasks.executeTask(task).then((started) => {
      execution = started;
      const early = endedEarly.find((event) => event.execution === started);
      if (early) finish(early);
    }, (error) => {
      ended.dispose();
      reject(error);
    });
  });
}

export interface Wasip1BuildCommandResult {
  exitCode: number | undefined;
  /** The module written, when the build succeeded. */
  wasmPath?: string;
}

async function buildCommand(uri?: vscode.Uri): Promise<Wasip1BuildCommandResult | undefined> {
  const target = targetOf(uri);
  if (!target?.folder || target.program.endsWith('.wasm')) {
    void vscode.window.showInformationMessage('Open a Go file (or pick a package folder in the explorer) to build it for wasip1.');
    return undefined;
  }
  const folder = target.folder;
  let task: vscode.Task;
  try {
    task = await packageTask(folder, 'build', target.program);
  } catch (error) {
    void vscode.window.showErrorMessage(`wasip1 build: ${(error as Error).message}`);
    return undefined;
  }
  const output = buildTaskOutput(task);
  const exitCode = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Building ${packagePattern(folder, target.program)} for wasip1`, cancellable: true },
    (_progress, token) => runTask(task, token),
  );
  if (exitCode !== 0) {
    // The task's problem matcher has put the compiler's errors in Problems.
    if (exitCode !== undefined) void vscode.window.showErrorMessage(`wasip1 build failed (exit code ${exitCode}); see Problems and the task's terminal.`);
    return { exitCode };
  }
  const wasmPath = output ? path.resolve(folder.uri.fsPath, output) : undefined;
  // go build is silent on success: say where the module went.
  if (wasmPath) vscode.window.setStatusBarMessage(`$(check) wasip1: wrote ${vscode.workspace.asRelativePath(wasmPath)}`, 10_000);
  return { exitCode, wasmPath };
}

async function startCommand(uri: vscode.Uri | undefined, noDebug: boolean): Promise<boolean> {
  const target = targetOf(uri);
  if (!target) {
    void vscode.window.showInformationMessage('Open a Go file of a main package, or pick a .wasm file, to run it with wasip1.');
    return false;
  }
  const configuration: vscode.DebugConfiguration = { type: WASIP1_DEBUG_TYPE, request: 'launch', name: launchName(target), program: target.program };
  return startDebuggingWithProgress(target.folder, configuration, { noDebug });
}

async function testCommand(uri?: vscode.Uri): Promise<number | undefined> {
  const target = targetOf(uri);
  if (!target?.folder || target.program.endsWith('.wasm')) {
    void vscode.window.showInformationMessage('Open a Go file (or pick a package folder in the explorer) to run its tests under wasip1.');
    return undefined;
  }
  try {
    return await runTask(await packageTask(target.folder, 'test', target.program));
  } catch (error) {
    void vscode.window.showErrorMessage(`wasip1 test: ${(error as Error).message}`);
    return undefined;
  }
}

export function registerRunCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('wasip1.build', buildCommand),
    vscode.commands.registerCommand('wasip1.run', (uri?: vscode.Uri) => startCommand(uri, true)),
    vscode.commands.registerCommand('wasip1.debug', (uri?: vscode.Uri) => startCommand(uri, false)),
    vscode.commands.registerCommand('wasip1.test', testCommand),
    vscode.window.onDidChangeActiveTextEditor(updateMainPackageContext),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document === vscode.window.activeTextEditor?.document) updateMainPackageContext(vscode.window.activeTextEditor);
    }),
  );
  updateMainPackageContext(vscode.window.activeTextEditor);
}
