// wasip1.hostModules as the one source of host modules: the Run command (what the Run button and
// the CodeLens call) runs a program whose env import only the setting supplies; a launch's own
// `imports` overrides an entry; the test task hands the setting to go_wasip1_wasm_exec.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extensionUnderTest';
import { observeNextSession } from './sessionObserver';

describe('host modules from the wasip1.hostModules setting', () => {
  const folder = () => vscode.workspace.workspaceFolders![0];
  // test/fixtures/go/dap_hostlog: main.go imports env.host_log, env.mjs beside it supplies it.
  const hostlog = () => path.join(folder().uri.fsPath, '..', 'go', 'dap_hostlog');

  before(async () => {
    await activateExtension();
    // Relative to the workspace folder, as the setting's description says.
    await vscode.workspace.getConfiguration('wasip1').update('hostModules', { env: '../go/dap_hostlog/env.mjs' }, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('wasip1').update('hostModules', undefined, vscode.ConfigurationTarget.Global);
  });

  it('Run (the Run button and the CodeLens command) supplies the setting\'s host modules', async function () {
    this.timeout(120_000);
    const session = observeNextSession();
    try {
      const started = await vscode.commands.executeCommand<boolean>('wasip1.run', vscode.Uri.file(path.join(hostlog(), 'main.go')));
      assert.equal(started, true, 'the Run command started a session');
      await session.ended;
    } finally {
      session.dispose();
    }
    assert.deepEqual(session.observed.launchArguments?.imports, { env: path.join(hostlog(), 'env.mjs') });
    assert.equal(session.observed.launchError, undefined, session.observed.output);
    assert.match(session.observed.output, /\[host\] first\n\[host\] second message\nhost counted 5 and 14 bytes/);
    assert.equal(session.observed.exitCode, 0, session.observed.output);
  });

  it('a launch configuration\'s imports override the setting, module by module', async function () {
    this.timeout(120_000);
    const session = observeNextSession();
    try {
      await vscode.debug
        .startDebugging(folder(), { type: 'wasip1', request: 'launch', name: 'override', program: hostlog(), imports: { env: 'missing.mjs' } }, { noDebug: true })
        .then(undefined, () => false);
      await session.ended;
    } finally {
      session.dispose();
    }
    assert.deepEqual(session.observed.launchArguments?.imports, { env: 'missing.mjs' });
    assert.match(session.observed.output, /missing\.mjs/);
  });

  it('the test task passes the setting to go_wasip1_wasm_exec as WASIP1_IMPORT', async () => {
    const [test] = (await vscode.tasks.fetchTasks({ type: 'wasip1' })).filter((task) => task.name === 'test ./...');
    assert.ok(test.execution instanceof vscode.ProcessExecution);
    assert.equal(test.execution.options?.env?.WASIP1_IMPORT, `env=${path.join(hostlog(), 'env.mjs')}`);
    assert.deepEqual(test.execution.args.slice(0, 3), ['test', '-v', '-fullpath']);
  });
});
