// A wasip1 build task on a broken package: the compiler's errors reach the Problems view through
// the task's problem matcher, at the right file and line.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runTask } from './taskExecution';
import { waitUntil } from './waitUntil';

describe('wasip1 build task problems', () => {
  it("puts a broken package's compile errors in the Problems view", async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    // A package made for this test inside the workspace module, removed afterwards.
    const dir = path.join(folder.uri.fsPath, 'brokenpkg');
    const file = path.join(dir, 'main.go');
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, 'package main\n\nfunc main() {\n\tvar unused int\n\tundefinedCall()\n}\n');
    try {
      // The provider finds main packages when asked, so the new package has its build task.
      const task = (await vscode.tasks.fetchTasks({ type: 'wasip1' })).find((t) => t.name === 'build ./brokenpkg');
      assert.ok(task, 'a build task for ./brokenpkg is provided');
      const exitCode = await runTask(task);
      assert.notEqual(exitCode, 0, 'go build fails on the broken package');
      const uri = vscode.Uri.file(file);
      let problems: vscode.Diagnostic[] = [];
      await waitUntil(() => (problems = vscode.languages.getDiagnostics(uri)).length >= 2, 10_000);
      const lines = problems.map((d) => `${d.range.start.line + 1}: ${d.message}`).sort();
      assert.ok(lines.some((l) => /^4: .*declared and not used: unused/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => /^5: .*undefined: undefinedCall/.test(l)), lines.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(path.join(folder.uri.fsPath, 'bin', 'wasip1', 'brokenpkg.wasm'), { force: true });
    }
  });
});
