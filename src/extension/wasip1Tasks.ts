// Task type `wasip1`: `go build` of each main package and `go test` of the workspace for
// GOOS=wasip1 GOARCH=wasm, with the user's flags, tags and environment; errors go to Problems.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMainPackages } from '../gotool/goMainPackages';
import { executableBaseName } from '../gotool/wasip1Build';
import { goBuildTaskExecution } from './goBuildTaskTerminal';
import { findWorkspaceGo } from './goToolchain';
import { hostModulesEnvironmentValue } from './hostModulesSetting';
import { hostExecEnvironment } from './hostPaths';

export const WASIP1_TASK_TYPE = 'wasip1';

interface Wasip1TaskDefinition extends vscode.TaskDefinition {
  command: 'build' | 'test';
  /** Package directory or pattern, relative to the workspace folder ("./cmd/tool", "./..."). */
  package: string;
  /** Where `build` writes the module, relative to the workspace folder. */
  output?: string;
  buildFlags?: string[];
  buildTags?: string[];
  env?: Record<string, string>;
}

/** The Go extension's build settings, which a Go developer expects every build to honour. */
export function goBuildSettings(folder: vscode.WorkspaceFolder): { flags: string[]; tags: string[]; env: Record<string, string> } {
  const go = vscode.workspace.getConfiguration('go', folder);
  const tags = (go.get<string>('buildTags') ?? '').split(/[ ,]+/).filter(Boolean);
  return { flags: go.get<string[]>('buildFlags') ?? [], tags, env: go.get<Record<string, string>>('toolsEnvVars') ?? {} };
}

function defaultOutput(folder: vscode.WorkspaceFolder, pkg: string): string {
  const configured = vscode.workspace.getConfiguration('wasip1', folder).get<string>('buildOutputDirectory') || 'bin/wasip1';
  return path.join(configured, `${executableBaseName(path.resolve(folder.uri.fsPath, pkg))}.wasm`);
}

async function toTask(folder: vscode.WorkspaceFolder, definition: Wasip1TaskDefinition, go: string, matcher: string): Promise<vscode.Task> {
  const settings = goBuildSettings(folder);
  const tags = [...settings.tags, ...(definition.buildTags ?? [])];
  const flags = [...settings.flags, ...(definition.buildFlags ?? []), ...(tags.length ? [`-tags=${tags.join(',')}`] : [])];
  const env: Record<string, string> = { ...settings.env, ...definition.env, GOOS: 'wasip1', GOARCH: 'wasm' };
  let args: string[];
  let name: string;
  let output: string | undefined;
  if (definition.command === 'test') {
    // go test runs each test binary through go_wasip1_wasm_exec found on PATH: ours, which hands
    // WASIP1_IMPORT (the wasip1.hostModules setting) to the host.
    Object.assign(env, hostExecEnvironment());
    const imports = hostModulesEnvironmentValue(folder);
    if (imports && env.WASIP1_IMPORT === undefined) env.WASIP1_IMPORT = imports;
    // -v lists passing tests too; -fullpath makes a test's file:line absolute (go prints it relative
    // to the package's own directory, which no problem matcher can know for ./...).
    args = ['test', '-v', '-fullpath', ...flags, definition.package];
    name = `test ${definition.package}`;
  } else {
    output = definition.output ?? defaultOutput(folder, definition.package);
    args = ['build', '-o', output, ...flags, definition.package];
    name = `build ${definition.package}`;
  }
  const task = new vscode.Task(
    definition,
    folder,
    name,
    WASIP1_TASK_TYPE,
    output === undefined
      ? new vscode.ProcessExecution(go, args, { cwd: folder.uri.fsPath, env })
      : goBuildTaskExecution(go, args, { cwd: folder.uri.fsPath, env, output }),
    definition.command === 'test' ? TEST_PROBLEM_MATCHER : matcher,
  );
  if (output !== undefined) outputs.set(task, output);
  task.group = definition.command === 'test' ? vscode.TaskGroup.Test : vscode.TaskGroup.Build;
  task.detail = `GOOS=wasip1 GOARCH=wasm go ${args.join(' ')}`;
  return task;
}

/** Where each build task writes its module (relative to its folder), for the commands that run one. */
const outputs = new WeakMap<vscode.Task, string>();

/** The module a build task writes, relative to its workspace folder; undefined for a test task. */
export function buildTaskOutput(task: vscode.Task): string | undefined {
  return outputs.get(task);
}

/** Ours for tests: it takes both the absolute paths of -fullpath and compile errors' relative ones. */
const TEST_PROBLEM_MATCHER = '$wasip1-go';

/** vscode-go's $go matcher when the Go extension is there; our identical one otherwise. */
function problemMatcher(): string {
  return vscode.extensions.getExtension('golang.go') ? '$go' : '$wasip1-go';
}

export class Wasip1TaskProvider implements vscode.TaskProvider {
  async provideTasks(): Promise<vscode.Task[]> {
    const tasks: vscode.Task[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      let go: string;
      try {
        go = (await findWorkspaceGo(folder)).binary;
      } catch {
        continue; // No usable Go: no tasks; the build command explains why when run.
      }
      const root = folder.uri.fsPath;
      for (const dir of findMainPackages(root)) {
        const rel = path.relative(root, dir);
        const pkg = rel ? `./${rel.split(path.sep).join('/')}` : '.';
        tasks.push(await toTask(folder, { type: WASIP1_TASK_TYPE, command: 'build', package: pkg }, go, problemMatcher()));
      }
      tasks.push(await toTask(folder, { type: WASIP1_TASK_TYPE, command: 'test', package: './...' }, go, problemMatcher()));
    }
    return tasks;
  }

  async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    const definition = task.definition as Wasip1TaskDefinition;
    const folder = typeof task.scope === 'object' ? (task.scope as vscode.WorkspaceFolder) : vscode.workspace.workspaceFolders?.[0];
    if (!folder || !definition.package) return undefined;
    const go = (await findWorkspaceGo(folder)).binary;
    const resolved = await toTask(folder, definition, go, problemMatcher());
    // Keep the user's own name and matchers from tasks.json.
    resolved.name = task.name;
    if (task.problemMatchers.length) resolved.problemMatchers = task.problemMatchers;
    return resolved;
  }
}

export function registerWasip1Tasks(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.tasks.registerTaskProvider(WASIP1_TASK_TYPE, new Wasip1TaskProvider()));
}
