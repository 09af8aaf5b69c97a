// What a user sees around a Run: the build's "Building …" line before the launch answers (the
// extension opens the Debug Console and shows progress meanwhile), a failed build ending without
// a dialog over errors already in Problems, and end of input sent from the command that Ctrl+D in
// the Debug Console and the debug toolbar run.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, extensionId } from './extensionUnderTest';
import { observeNextSession } from './sessionObserver';
import { waitUntil } from './waitUntil';

describe('Run feedback: build progress, build failures, end of input', () => {
  const goFixture = (name: string) => path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '..', 'go', name);

  before(async () => {
    await activateExtension();
  });

  it('says "Building …" before the launch answers, and the run then ends normally', async function () {
    this.timeout(120_000);
    const order: string[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('wasip1', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (message: { type: string; event?: string; command?: string; body?: { output?: string } }) => {
          if (message.type === 'event' && message.event === 'output') order.push(`output ${message.body?.output?.trim()}`);
          if (message.type === 'response' && message.command === 'launch') order.push('launch answered');
        },
      }),
    });
    const session = observeNextSession();
    try {
      assert.equal(await vscode.commands.executeCommand('wasip1.run', vscode.Uri.file(path.join(goFixture('hello'), 'main.go'))), true);
      await session.ended;
    } finally {
      session.dispose();
      tracker.dispose();
    }
    assert.match(order[0] ?? '', /^output Building .*hello/, order.join('\n'));
    assert.ok(order.indexOf('launch answered') > 0, order.join('\n'));
    assert.equal(session.observed.exitCode, 0, session.observed.output);
  });

  it('ends a Run whose build fails without a dialog: the errors are in Problems and the console', async function () {
    this.timeout(120_000);
    const broken = goFixture('broken');
    const session = observeNextSession();
    try {
      const started = await vscode.commands.executeCommand<boolean>('wasip1.run', vscode.Uri.file(path.join(broken, 'main.go')));
      assert.equal(started, false, 'the session did not start');
      await Promise.race([session.ended, new Promise((resolve) => setTimeout(resolve, 5000))]);
    } finally {
      session.dispose();
    }
    assert.equal(session.observed.launchError?.showUser, false, `launch error: ${JSON.stringify(session.observed.launchError)}`);
    assert.match(session.observed.launchError?.message ?? '', /^Build failed: \d+ errors/);
    assert.match(session.observed.output, /main\.go:\d+:\d+: /);
    const uri = vscode.Uri.file(path.join(broken, 'main.go'));
    assert.ok(await waitUntil(() => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'go build (wasip1)'), 5000), 'the errors are in Problems');
  });

  it('sends end of input with the wasip1.endOfInput command, after the program says it reads stdin', async function () {
    this.timeout(120_000);
    let sent: Thenable<unknown> | undefined;
    const session = observeNextSession((text) => {
      if (!sent && /The program reads stdin/.test(text)) sent = vscode.commands.executeCommand('wasip1.endOfInput');
    });
    try {
      assert.equal(await vscode.commands.executeCommand('wasip1.run', vscode.Uri.file(path.join(goFixture('dap_stdin'), 'main.go'))), true);
      await session.ended;
    } finally {
      session.dispose();
    }
    assert.equal(await sent, true, 'the command found the session and sent end of input');
    assert.match(session.observed.output, /Ctrl\+D there \(or "wasip1: Send end of input"\) ends the input/);
    assert.match(session.observed.output, /0 lines/);
    assert.equal(session.observed.exitCode, 0);
  });

  it('contributes Ctrl+D in the Debug Console input, the debug toolbar entry, and one launch configuration source', () => {
    const contributes = vscode.extensions.getExtension(extensionId)!.packageJSON.contributes;
    assert.deepEqual(contributes.keybindings.find((k: { command: string }) => k.command === 'wasip1.endOfInput'),
      { command: 'wasip1.endOfInput', key: 'ctrl+d', when: "inDebugRepl && debugType == 'wasip1'" });
    assert.ok(contributes.menus['debug/toolBar'].some((m: { command: string }) => m.command === 'wasip1.endOfInput'));
    // VS Code adds a debugger's initialConfigurations beside the provider's: they made a duplicate.
    assert.equal(contributes.debuggers[0].initialConfigurations, undefined);
  });
});
