// Run and build entry points: the wasip1 tasks, a build task writing a module named after the package (example.com/hello), the CodeLens above func main.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runTask } from './taskExecution';
import { activateExtension } from './extensionUnderTest';

describe('run commands, tasks and CodeLens', () => {
  const folder = () => vscode.workspace.workspaceFolders![0];

  before(async () => {
    await activateExtension();
  });

  after(() => {
    rmSync(path.join(folder().uri.fsPath, 'bin'), { recursive: true, force: true });
  });

  it('provides wasip1 build and test tasks', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'wasip1' });
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['build .', 'test ./...']);
  });

  it('builds a .wasm with the build task', async () => {
    const [build] = (await vscode.tasks.fetchTasks({ type: 'wasip1' })).filter((t) => t.name === 'build .');
    const wasm = path.join(folder().uri.fsPath, 'bin', 'wasip1', 'hello.wasm');
    rmSync(wasm, { force: true });
    const exitCode = await runTask(build);
    assert.equal(exitCode, 0);
    assert.ok(existsSync(wasm), `${wasm} written`);
  });

  it('puts Run and Debug above func main', async () => {
    const uri = vscode.Uri.file(path.join(folder().uri.fsPath, 'main.go'));
    // The CodeLens command answers only for documents the editor has loaded.
    await vscode.workspace.openTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = lenses.filter((lens) => lens.command?.command.startsWith('wasip1.'));
    assert.deepEqual(ours.map((lens) => `${lens.command!.title} -> ${lens.command!.command}`),
      ['Run (wasip1) -> wasip1.run', 'Debug (wasip1) -> wasip1.debug']);
    assert.equal(ours[0].range.start.line, 6);
    assert.equal((ours[0].command!.arguments![0] as vscode.Uri).fsPath, uri.fsPath);
  });

  it('offers no CodeLens in files without func main, or when switched off', async () => {
    const hostlog = vscode.Uri.file(path.join(folder().uri.fsPath, 'hostlog.go'));
    await vscode.workspace.openTextDocument(hostlog);
    const none = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', hostlog);
    assert.equal(none.filter((lens) => lens.command?.command.startsWith('wasip1.')).length, 0);
    const config = vscode.workspace.getConfiguration('wasip1');
    await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const main = vscode.Uri.file(path.join(folder().uri.fsPath, 'main.go'));
      await vscode.workspace.openTextDocument(main);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', main);
      assert.equal(lenses.filter((lens) => lens.command?.command.startsWith('wasip1.')).length, 0);
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('runs the package from main.go with the Run command, in the wasip1 host', async function () {
    this.timeout(120_000);
    let output = '';
    let exitCode: number | undefined;
    let finish!: () => void;
    const ended = new Promise<void>((resolve) => (finish = resolve));
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('wasip1', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (message: { type: string; event?: string; body?: { category?: string; output?: string; exitCode?: number } }) => {
          if (message.type !== 'event') return;
          if (message.event === 'output' && message.body?.category !== 'telemetry') output += message.body?.output ?? '';
          if (message.event === 'exited') exitCode = message.body?.exitCode;
          if (message.event === 'terminated') finish();
        },
        onExit: () => finish(),
      }),
    });
    try {
      const started = await vscode.commands.executeCommand<boolean>('wasip1.run', vscode.Uri.file(path.join(folder().uri.fsPath, 'main.go')));
      assert.equal(started, true);
      await ended;
      assert.match(output, /hello from wasip1/);
      assert.equal(exitCode, 0, output);
    } finally {
      tracker.dispose();
    }
  });

  it('runs the package\'s tests under wasip1 with the test command', async function () {
    this.timeout(120_000);
    const exitCode = await vscode.commands.executeCommand<number | undefined>('wasip1.test', vscode.Uri.file(path.join(folder().uri.fsPath, 'main.go')));
    assert.equal(exitCode, 0);
  });

  it('registers the wasip1 commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['wasip1.build', 'wasip1.run', 'wasip1.debug', 'wasip1.test', 'wasip1.showBuiltModule']) {
      assert.ok(commands.includes(command), `${command} registered`);
    }
  });
});
