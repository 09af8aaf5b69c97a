// "Run this package's tests" on a subpackage whose test fails: the failure is in Problems at the
// test file in that subpackage (go test prints it relative to the package's own folder; the task
// asks for -fullpath), and the passing tests are listed too (-v).
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extensionUnderTest';
import { waitUntil } from './waitUntil';

describe('test command problems', () => {
  it("puts a subpackage's failing test at its real file, not at the workspace root", async function () {
    this.timeout(180_000);
    await activateExtension();
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    // A package made for this test inside the workspace module, removed afterwards.
    const dir = path.join(folder, 'failinglib');
    const testFile = path.join(dir, 'lib_test.go');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'lib.go'), 'package failinglib\n\nfunc Double(n int) int { return n * 3 }\n');
    writeFileSync(testFile, [
      'package failinglib', '', 'import "testing"', '',
      'func TestPasses(t *testing.T) {}', '',
      'func TestDouble(t *testing.T) {',
      '\tif got := Double(2); got != 4 {',
      '\t\tt.Errorf("Double(2) = %d, want 4", got)',
      '\t}', '}', '',
    ].join('\n'));
    try {
      const exitCode = await vscode.commands.executeCommand<number | undefined>('wasip1.test', vscode.Uri.file(testFile));
      assert.notEqual(exitCode, 0, 'go test fails');
      let problems: vscode.Diagnostic[] = [];
      await waitUntil(() => (problems = vscode.languages.getDiagnostics(vscode.Uri.file(testFile))).length > 0, 10_000);
      assert.deepEqual(problems.map((d) => `${d.range.start.line + 1}: ${d.message}`), ['9: Double(2) = 6, want 4']);
      const atRoot = vscode.languages.getDiagnostics(vscode.Uri.file(path.join(folder, 'lib_test.go')));
      assert.deepEqual(atRoot, [], 'nothing at a lib_test.go in the workspace root');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
