// A wasip1 debug session started the way the Run button starts one, observed through a
// DebugAdapterTracker: the program is built, runs in the embedded host, and its output and exit
// code reach VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface ObservedSession {
  output: string;
  exitCode?: number;
}

function observeNextSession(): { observed: ObservedSession; ended: Promise<void>; dispose(): void } {
  const observed: ObservedSession = { output: '' };
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('wasip1', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (message: { type: string; event?: string; body?: { category?: string; output?: string; exitCode?: number } }) => {
        if (message.type !== 'event') return;
        if (message.event === 'output' && message.body?.category !== 'telemetry') observed.output += message.body?.output ?? '';
        if (message.event === 'exited') observed.exitCode = message.body?.exitCode;
        if (message.event === 'terminated') finish();
      },
      onExit: () => finish(),
    }),
  });
  return { observed, ended, dispose: () => registration.dispose() };
}

describe('wasip1 debug sessions', () => {
  it('runs the workspace main package without debugging and reports its output and exit code', async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const session = observeNextSession();
    try {
      const started = await vscode.debug.startDebugging(
        folder,
        { type: 'wasip1', request: 'launch', name: 'run hello', program: folder.uri.fsPath },
        { noDebug: true },
      );
      assert.equal(started, true, 'startDebugging refused the wasip1 configuration');
      await session.ended;
      assert.match(session.observed.output, /hello from wasip1/);
      assert.equal(session.observed.exitCode, 0, session.observed.output);
    } finally {
      session.dispose();
    }
  });

  it('debugs a configuration written with ${workspaceFolder}, as launch.json has it', async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const session = observeNextSession();
    try {
      const started = await vscode.debug.startDebugging(folder, {
        type: 'wasip1',
        request: 'launch',
        name: 'debug hello',
        program: '${workspaceFolder}',
        args: ['ignored-argument'],
      });
      assert.equal(started, true);
      await session.ended;
      assert.match(session.observed.output, /hello from wasip1/);
      assert.equal(session.observed.exitCode, 0, session.observed.output);
    } finally {
      session.dispose();
    }
  });
});
