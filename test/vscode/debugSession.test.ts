// A wasip1 debug session started the way the Run button starts one, observed through a
// DebugAdapterTracker: the program is built, runs in the embedded host, and its output and exit
// code reach VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { observeNextSession } from './sessionObserver';

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

describe('wasip1 build errors', () => {
  it('puts the compile errors of a Run in the Problems view, and a good build clears them', async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    // test/fixtures/go/broken: two files with compile errors, beside the workspace fixture.
    const broken = vscode.Uri.joinPath(folder.uri, '..', 'go', 'broken');
    const session = observeNextSession();
    try {
      // The failed launch is reported to the user too (a dialog, which the test workbench refuses).
      await vscode.debug
        .startDebugging(folder, { type: 'wasip1', request: 'launch', name: 'broken', program: broken.fsPath }, { noDebug: true })
        .then(undefined, (error: Error) => assert.match(error.message, /Build failed: \d+ errors/));
      await Promise.race([session.ended, new Promise((resolve) => setTimeout(resolve, 5000))]);
    } finally {
      session.dispose();
    }
    const problems = vscode.languages.getDiagnostics().filter(([uri, list]) => uri.fsPath.startsWith(broken.fsPath) && list.some((d) => d.source === 'go build (wasip1)'));
    const files = problems.map(([uri]) => uri.fsPath.slice(broken.fsPath.length + 1)).sort();
    assert.deepEqual(files, ['main.go', 'speaker.go'], `problems: ${JSON.stringify(problems.map(([u, l]) => [u.fsPath, l.map((d) => d.message)]))}`);
    assert.ok(problems.every(([, list]) => list.every((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line >= 0)));

    const good = observeNextSession();
    try {
      await vscode.debug.startDebugging(folder, { type: 'wasip1', request: 'launch', name: 'hello', program: folder.uri.fsPath }, { noDebug: true });
      await good.ended;
    } finally {
      good.dispose();
    }
    const left = vscode.languages.getDiagnostics().filter(([, list]) => list.some((d) => d.source === 'go build (wasip1)'));
    assert.deepEqual(left, [], 'a successful build clears the earlier errors');
  });
});
