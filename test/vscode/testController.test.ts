// The Testing view for Go on wasip1, in a real VS Code: the fixture workspace's gotests/ packages are
// listed from source, run through the controller's own run profiles (the handlers the Testing view
// calls), and their results, messages, coverage and debug sessions checked.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extensionUnderTest';
import { observeNextSession } from './sessionObserver';

interface Result {
  state: string;
  messages: Array<{ message: string; file?: string; line?: number }>;
}

interface Node {
  id: string;
  label: string;
  kind: string;
  testKind?: string;
  line?: number;
  result?: Result;
  children: Node[];
}

interface Snapshot {
  items: Node[];
  coverage: Array<{ file: string; covered: number; total: number; coveredLines: number[]; uncoveredLines: number[] }>;
  runsCompleted: number;
}

const snapshot = async (): Promise<Snapshot> => (await vscode.commands.executeCommand<Snapshot>('wasip1.testing.snapshot'))!;

function find(nodes: Node[], label: string): Node {
  const found = nodes.find((node) => node.label === label);
  assert.ok(found, `${label} among ${nodes.map((node) => node.label).join(', ')}`);
  return found;
}

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  return folder.uri.fsPath;
}

async function packageNode(rel: string): Promise<Node> {
  return find(find((await snapshot()).items, 'example.com/hello').children, rel);
}

async function calcTests(): Promise<Node[]> {
  return find((await packageNode('gotests/calc')).children, 'calc_test.go').children;
}

describe('Go tests in the Testing view', () => {
  before(async () => {
    await activateExtension();
  });

  it('lists the workspace tests by module, package and file, as the wasip1 build sees them', async () => {
    const calc = await packageNode('gotests/calc');
    // calc_native_test.go (//go:build !wasip1) and calc_linux_test.go are not in the wasip1 build.
    assert.deepEqual(calc.children.map((file) => file.label), ['calc_test.go']);
    const tests = await calcTests();
    assert.deepEqual(
      tests.map((t) => [t.label, t.testKind, t.line]),
      [
        ['TestAdd', 'test', 7],
        ['TestAddWrong', 'test', 13],
        ['TestSkipped', 'test', 19],
        ['TestAbs', 'test', 23],
        ['TestTable', 'test', 36],
        ['ExampleAdd', 'example', 46],
        ['BenchmarkAdd', 'benchmark', 56],
        ['FuzzAbs', 'fuzz', 62],
      ],
    );
    assert.deepEqual(find(tests, 'TestAbs').children.map((s) => s.label), ['negative', 'zero_value']);
    // timeout/ only builds with its tag. Another test's package (failinglib, made and removed by the
    // test command's test) leaves the tree when the file watcher reports its removal: wait for that.
    const expected = ['gotests/broken', 'gotests/calc', 'gotests/panics'];
    const listed = async (): Promise<string[]> => find((await snapshot()).items, 'example.com/hello').children.map((p) => p.label).sort();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      if (JSON.stringify(await listed()) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(await listed(), expected);
  });

  it('runs a package: passed, failed with its message at the failing line, skipped; computed subtests appear', async function () {
    this.timeout(180_000);
    const calc = await packageNode('gotests/calc');
    await vscode.commands.executeCommand('wasip1.testing.runById', [calc.id], 'run');
    const tests = await calcTests();
    const state = (label: string): string | undefined => find(tests, label).result?.state;
    assert.equal(state('TestAdd'), 'passed');
    assert.equal(state('TestSkipped'), 'skipped');
    assert.equal(state('ExampleAdd'), 'passed');
    assert.equal(state('FuzzAbs'), 'passed');
    assert.equal(state('BenchmarkAdd'), undefined, 'benchmarks run only when asked for');
    const wrong = find(tests, 'TestAddWrong').result!;
    assert.equal(wrong.state, 'failed');
    assert.deepEqual(wrong.messages, [{ message: 'Add(1, 2) = 3, want 4', file: path.join(workspaceDir(), 'gotests', 'calc', 'calc_test.go'), line: 15 }]);
    const table = find(tests, 'TestTable');
    assert.deepEqual(table.children.map((s) => [s.label, s.result?.state]), [['n=1', 'passed'], ['n=2', 'passed']]);
    assert.equal(find(find(tests, 'FuzzAbs').children, 'seed#0').result?.state, 'passed');
  });

  it('runs one subtest alone, and a benchmark on request', async function () {
    this.timeout(180_000);
    const before = await calcTests();
    const zero = find(find(before, 'TestAbs').children, 'zero_value');
    const bench = find(before, 'BenchmarkAdd');
    await vscode.commands.executeCommand('wasip1.testing.runById', [zero.id, bench.id], 'run');
    const after = await calcTests();
    assert.equal(find(find(after, 'TestAbs').children, 'zero_value').result?.state, 'passed');
    assert.equal(find(after, 'BenchmarkAdd').result?.state, 'passed');
  });

  it('marks the tests of a package that does not build errored, and puts the compiler errors in Problems', async function () {
    this.timeout(180_000);
    const broken = await packageNode('gotests/broken');
    await vscode.commands.executeCommand('wasip1.testing.runById', [broken.id], 'run');
    const test = find(find((await packageNode('gotests/broken')).children, 'broken_test.go').children, 'TestBroken');
    assert.equal(test.result?.state, 'errored');
    assert.match(test.result!.messages[0].message, /cannot use "not an int"/);
    const problems = vscode.languages.getDiagnostics(vscode.Uri.file(path.join(workspaceDir(), 'gotests', 'broken', 'broken.go')));
    assert.deepEqual(problems.map((d) => [d.range.start.line, d.source]), [[4, 'go test (wasip1)']]);
  });

  it('a panic fails the panicking test at its line; the paused parallel tests are errored', async function () {
    this.timeout(180_000);
    const panics = await packageNode('gotests/panics');
    await vscode.commands.executeCommand('wasip1.testing.runById', [panics.id], 'run');
    const tests = find((await packageNode('gotests/panics')).children, 'panics_test.go').children;
    const panicked = find(tests, 'TestPanics').result!;
    assert.equal(panicked.state, 'failed');
    assert.equal(panicked.messages[0].line, 21);
    assert.match(panicked.messages[0].message, /assignment to entry in nil map/);
    assert.equal(find(tests, 'TestParallelA').result?.state, 'errored');
  });

  it('a coverage run gives statement coverage per file', async function () {
    this.timeout(180_000);
    const calc = await packageNode('gotests/calc');
    await vscode.commands.executeCommand('wasip1.testing.runById', [calc.id], 'coverage');
    const coverage = (await snapshot()).coverage.find((c) => c.file === path.join(workspaceDir(), 'gotests', 'calc', 'calc.go'));
    assert.ok(coverage, 'calc.go has coverage');
    assert.deepEqual([coverage.covered, coverage.total], [4, 8]);
    assert.ok(coverage.coveredLines.includes(6), 'Add\'s return is covered');
    assert.ok(coverage.uncoveredLines.includes(18) && !coverage.coveredLines.includes(18), 'Sign is not');
  });

  it('debugs a test in a wasip1 session', async function () {
    this.timeout(180_000);
    const add = find(await calcTests(), 'TestAdd');
    const session = observeNextSession();
    try {
      await vscode.commands.executeCommand('wasip1.testing.runById', [add.id], 'debug');
      await session.ended;
      assert.equal(session.observed.session?.type, 'wasip1');
      assert.deepEqual(session.observed.launchArguments?.args, ['-test.run', '^TestAdd$', '-test.v']);
      assert.equal(session.observed.launchArguments?.mode, 'test', 'the adapter builds the test binary for debugging');
      assert.match(session.observed.output, /--- PASS: TestAdd/);
      assert.doesNotMatch(session.observed.output, /TestAddWrong/);
      assert.equal(find(await calcTests(), 'TestAdd').result?.state, 'passed');
    } finally {
      session.dispose();
    }
  });

  it('watches a package (continuous run): each saved Go file of it reruns its tests', async function () {
    this.timeout(240_000);
    const calc = await packageNode('gotests/calc');
    const runs = async (): Promise<number> => (await snapshot()).runsCompleted;
    const waitForRuns = async (count: number): Promise<void> => {
      const deadline = Date.now() + 120_000;
      while ((await runs()) < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok((await runs()) >= count, `run ${count} happened`);
    };
    const start = await runs();
    const watching = await vscode.commands.executeCommand<{ stop(): Promise<void> }>('wasip1.testing.runById', [calc.id], 'watch');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceDir(), 'gotests', 'calc', 'calc.go')));
    const original = document.getText();
    try {
      await waitForRuns(start + 1);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, document.positionAt(original.length), '\n// saved by the continuous-run test\n');
      await vscode.workspace.applyEdit(edit);
      assert.equal(await document.save(), true);
      await waitForRuns(start + 2);
      assert.equal(find(await calcTests(), 'TestAdd').result?.state, 'passed');
    } finally {
      const revert = new vscode.WorkspaceEdit();
      revert.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original);
      await vscode.workspace.applyEdit(revert);
      await document.save();
      await watching!.stop();
    }
  });

  it('shows run test | debug test above each test, and not when the setting is off', async () => {
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'gotests', 'calc', 'calc_test.go'));
    await vscode.workspace.openTextDocument(uri);
    const lensesAt = async (line: number): Promise<string[]> => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
      return lenses.filter((lens) => lens.range.start.line === line && lens.command?.command === 'wasip1.testing.runById').map((lens) => lens.command!.title);
    };
    const suffix = vscode.extensions.getExtension('golang.go') ? ' (wasip1)' : '';
    assert.deepEqual(await lensesAt(7), [`run test${suffix}`, `debug test${suffix}`]);
    assert.deepEqual(await lensesAt(56), [`run benchmark${suffix}`, `debug benchmark${suffix}`]);
    const settings = vscode.workspace.getConfiguration('wasip1');
    await settings.update('testing.codeLens', false, vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(await lensesAt(7), []);
    } finally {
      await settings.update('testing.codeLens', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
