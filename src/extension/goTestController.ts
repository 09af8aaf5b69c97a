// The Testing view for Go on wasip1: module → package → file → test, found from source (nothing is
// scanned until the view asks or a test file is opened), kept current as files change; Run, Debug and
// Coverage profiles that build each package's test binary once for wasip1 and run it in our host.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { discoverGoTests, isGoTestFileName, type GoStaticSubtest, type GoTestKind } from '../goscan/goTestDiscovery';
import { coverFileOnDisk, parseGoCoverProfile, type GoCoverBlock } from '../gotool/goCoverProfile';
import type { GoDiagnostic } from '../gotool/goCompilerOutput';
import { exactTestPattern, quoteGoRegexp, type GoTestResult } from '../gotool/goTestEvents';
import { runGoTestsForWasip1 } from '../gotool/goTestRun';
import { registerGoTestCodeLens } from './goTestCodeLens';
import { findWorkspaceGo } from './goToolchain';
import { hostExecEnvironment } from './hostPaths';
import { hostModulesEnvironmentValue } from './hostModulesSetting';
import { WASIP1_DEBUG_TYPE } from './wasip1DebugConfiguration';
import { goBuildSettings } from './wasip1Tasks';

const CONTROLLER_ID = 'wasip1.goTests';
const TEST_FILES = '**/*_test.go';
const SKIPPED_FOLDERS = '**/{vendor,node_modules,testdata,.git}/**';

type NodeKind = 'module' | 'package' | 'file' | 'test';

interface NodeData {
  kind: NodeKind;
  /** The package directory (module: its root). */
  dir: string;
  /** For tests: the name's levels, `['TestAbs', 'negative']`. */
  levels?: string[];
  testKind?: GoTestKind;
}

/** What the last runs said about an item, for the snapshot command the tests read. */
interface RecordedResult {
  state: 'passed' | 'failed' | 'skipped' | 'errored';
  messages: Array<{ message: string; file?: string; line?: number }>;
  durationMs?: number;
}

interface RecordedCoverage {
  file: string;
  covered: number;
  total: number;
  /** 0-based lines with a statement run at least once, and lines whose statements never ran. */
  coveredLines: number[];
  uncoveredLines: number[];
}

export class GoTestController implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(CONTROLLER_ID, 'Go (wasip1)');
  private readonly data = new WeakMap<vscode.TestItem, NodeData>();
  private readonly buildProblems = vscode.languages.createDiagnosticCollection('wasip1-go-test');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly goModuleOfDir = new Map<string, string | undefined>();
  private discovered: Promise<void> | undefined;
  readonly results = new Map<string, RecordedResult>();
  coverage: RecordedCoverage[] = [];
  runsCompleted = 0;
  readonly runProfile: vscode.TestRunProfile;
  readonly debugProfile: vscode.TestRunProfile;
  readonly coverageProfile: vscode.TestRunProfile;
  private readonly blocksByFile = new WeakMap<vscode.FileCoverage, GoCoverBlock[]>();

  constructor() {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discoverWorkspace();
    };
    this.controller.refreshHandler = async () => {
      this.discovered = undefined;
      this.controller.items.replace([]);
      await this.discoverWorkspace();
    };
    this.runProfile = this.controller.createRunProfile('Run (wasip1)', vscode.TestRunProfileKind.Run, (r, t) => this.run(r, t, 'run'), true, undefined, true);
    this.debugProfile = this.controller.createRunProfile('Debug (wasip1)', vscode.TestRunProfileKind.Debug, (r, t) => this.debug(r, t), true);
    this.coverageProfile = this.controller.createRunProfile('Coverage (wasip1)', vscode.TestRunProfileKind.Coverage, (r, t) => this.run(r, t, 'coverage'), true);
    this.coverageProfile.loadDetailedCoverage = async (_run, fileCoverage) => statementCoverage(this.blocksByFile.get(fileCoverage) ?? []);

    const watcher = vscode.workspace.createFileSystemWatcher(TEST_FILES);
    // A removed folder is reported as itself, not as each test file in it: its packages go too.
    const removals = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.disposables.push(
      this.controller,
      this.buildProblems,
      watcher,
      removals,
      removals.onDidDelete((uri) => this.removeFolder(uri)),
      watcher.onDidCreate((uri) => this.fileChanged(uri)),
      watcher.onDidChange((uri) => this.fileChanged(uri)),
      watcher.onDidDelete((uri) => this.removeFile(uri)),
      vscode.workspace.onDidOpenTextDocument((document) => this.documentSeen(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.documentSeen(event.document)),
    );
    for (const document of vscode.workspace.textDocuments) this.documentSeen(document);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Every test file of the workspace, parsed once; the view's first look and Run All come here. */
  discoverWorkspace(): Promise<void> {
    this.discovered ??= (async () => {
      const files = await vscode.workspace.findFiles(TEST_FILES, SKIPPED_FOLDERS);
      const goMinor = await this.goMinor();
      for (const uri of files) await this.updateFile(uri, undefined, goMinor);
    })();
    return this.discovered;
  }

  private documentSeen(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file' || !isGoTestFileName(document.uri.fsPath)) return;
    void this.updateFile(document.uri, document.getText());
  }

  private fileChanged(uri: vscode.Uri): void {
    // An open document is the fresher source; its own change events keep it current.
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
    void this.updateFile(uri);
  }

  private async goMinor(): Promise<number> {
    try {
      return (await findWorkspaceGo()).version.minor;
    } catch {
      return Number.MAX_SAFE_INTEGER; // No Go: every go1.N tag holds, as for the newest release.
    }
  }

  /** (Re)reads one test file into the tree; a file the wasip1 build skips, or with no tests, leaves it. */
  async updateFile(uri: vscode.Uri, text?: string, goMinor?: number): Promise<void> {
    goMinor ??= await this.goMinor();
    let source = text;
    if (source === undefined) {
      try {
        // Asynchronous, so a workspace of thousands of test files never holds the extension host for the whole scan.
        source = await readFile(uri.fsPath, 'utf8');
      } catch {
        this.removeFile(uri);
        return;
      }
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const tags = folder ? goBuildSettings(folder).tags : [];
    const scan = discoverGoTests(uri.fsPath, source, { goMinor, buildTags: tags });
    if (!scan.inWasip1Build || scan.tests.length === 0) {
      this.removeFile(uri);
      return;
    }
    const packageItem = this.packageItem(path.dirname(uri.fsPath));
    const fileId = uri.toString();
    let fileItem = packageItem.children.get(fileId);
    if (!fileItem) {
      fileItem = this.controller.createTestItem(fileId, path.basename(uri.fsPath), uri);
      this.data.set(fileItem, { kind: 'file', dir: path.dirname(uri.fsPath) });
      packageItem.children.add(fileItem);
    }
    const dir = path.dirname(uri.fsPath);
    const items = scan.tests.map((test) => {
      const item = this.testItem(fileItem, test.name, [test.name], test.kind, uri);
      item.range = toRange(test.range);
      item.children.replace(this.staticSubtests(item, test.subtests, [test.name], uri, dir));
      return item;
    });
    fileItem.children.replace(items);
  }

  private staticSubtests(parent: vscode.TestItem, subtests: GoStaticSubtest[], levels: string[], uri: vscode.Uri, dir: string): vscode.TestItem[] {
    return subtests.map((subtest) => {
      const item = this.testItem(parent, subtest.name, [...levels, subtest.name], 'test', uri);
      item.range = toRange(subtest.range);
      // Subtests a run reported stay until the next edit; the literal ones are re-read each time.
      item.children.replace(this.staticSubtests(item, subtest.subtests, [...levels, subtest.name], uri, dir));
      return item;
    });
  }

  private testItem(parent: vscode.TestItem, name: string, levels: string[], testKind: GoTestKind, uri: vscode.Uri | undefined): vscode.TestItem {
    // `file#TestX` for a test function, `file#TestX/sub` below it: the id says where the name starts.
    const id = `${parent.id}${this.data.get(parent)?.kind === 'file' ? '#' : '/'}${name}`;
    const item = parent.children.get(id) ?? this.controller.createTestItem(id, name, uri);
    this.data.set(item, { kind: 'test', dir: this.data.get(parent)!.dir, levels, testKind });
    if (testKind === 'benchmark') item.description = 'benchmark';
    else if (testKind === 'fuzz') item.description = 'fuzz seeds';
    else if (testKind === 'example') item.description = 'example';
    return item;
  }

  private removeFile(uri: vscode.Uri): void {
    const packageId = packageIdOf(path.dirname(uri.fsPath));
    for (const [, moduleItem] of this.controller.items) {
      const packageItem = moduleItem.children.get(packageId);
      if (!packageItem) continue;
      packageItem.children.delete(uri.toString());
      if (packageItem.children.size === 0) moduleItem.children.delete(packageId);
      if (moduleItem.children.size === 0) this.controller.items.delete(moduleItem.id);
    }
  }

  /** Drops the packages at or under a removed path (a file's removal is removeFile's). */
  private removeFolder(uri: vscode.Uri): void {
    const removed = uri.fsPath;
    if (removed.endsWith('.go')) return;
    for (const [, moduleItem] of this.controller.items) {
      for (const [packageId, packageItem] of moduleItem.children) {
        const data = this.data.get(packageItem);
        if (data?.kind !== 'package' || !(data.dir === removed || data.dir.startsWith(removed + path.sep))) continue;
        moduleItem.children.delete(packageId);
      }
      if (moduleItem.children.size === 0) this.controller.items.delete(moduleItem.id);
    }
  }

  private packageItem(dir: string): vscode.TestItem {
    const moduleRoot = this.moduleRootOf(dir);
    const moduleId = `module:${moduleRoot}`;
    let moduleItem = this.controller.items.get(moduleId);
    if (!moduleItem) {
      moduleItem = this.controller.createTestItem(moduleId, modulePathOf(moduleRoot) ?? path.basename(moduleRoot), vscode.Uri.file(moduleRoot));
      this.data.set(moduleItem, { kind: 'module', dir: moduleRoot });
      this.controller.items.add(moduleItem);
    }
    const packageId = packageIdOf(dir);
    let packageItem = moduleItem.children.get(packageId);
    if (!packageItem) {
      const rel = path.relative(moduleRoot, dir).split(path.sep).join('/');
      packageItem = this.controller.createTestItem(packageId, rel === '' ? '.' : rel, vscode.Uri.file(dir));
      this.data.set(packageItem, { kind: 'package', dir });
      moduleItem.children.add(packageItem);
    }
    return packageItem;
  }

  /** The nearest directory with a go.mod at or above `dir` (within reason), else the workspace folder. */
  private moduleRootOf(dir: string): string {
    if (this.goModuleOfDir.has(dir)) return this.goModuleOfDir.get(dir) ?? dir;
    let root: string | undefined;
    for (let d = dir; ; d = path.dirname(d)) {
      if (existsSync(path.join(d, 'go.mod'))) {
        root = d;
        break;
      }
      if (path.dirname(d) === d) break;
    }
    root ??= vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dir))?.uri.fsPath ?? dir;
    this.goModuleOfDir.set(dir, root);
    return root;
  }

  /** The items a request covers, grouped by package, with what to pass to -run and -bench. */
  private plan(request: vscode.TestRunRequest): Map<string, PackagePlan> {
    const excluded = new Set((request.exclude ?? []).map((item) => item.id));
    const plans = new Map<string, PackagePlan>();
    const planOf = (dir: string, packageItem: vscode.TestItem): PackagePlan => {
      let plan = plans.get(dir);
      if (!plan) plans.set(dir, (plan = { dir, packageItem, whole: false, tests: [], benchmarks: [] }));
      return plan;
    };
    const visit = (item: vscode.TestItem, explicit: boolean): void => {
      if (excluded.has(item.id)) return;
      const node = this.data.get(item);
      if (!node) return;
      if (node.kind === 'test') {
        const plan = planOf(node.dir, packageOf(item));
        // Benchmarks run on request only: a package or file run leaves them out, as go test does.
        if (node.testKind === 'benchmark') {
          if (explicit) plan.benchmarks.push(item);
        } else plan.tests.push(item);
        return;
      }
      if (node.kind === 'package' && !excludesAnyWithin(item, excluded)) planOf(node.dir, item).whole = true;
      item.children.forEach((child) => visit(child, false));
    };
    if (request.include) for (const item of request.include) visit(item, true);
    else this.controller.items.forEach((item) => visit(item, false));
    return plans;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, mode: 'run' | 'coverage'): Promise<void> {
    if (!request.include) await this.discoverWorkspace();
    await this.runPlans(request, [...this.plan(request).values()], token, mode);
    if (request.continuous) await this.watch(request, token, mode);
  }

  private async runPlans(request: vscode.TestRunRequest, plans: PackagePlan[], token: vscode.CancellationToken, mode: 'run' | 'coverage'): Promise<void> {
    const run = this.controller.createTestRun(request);
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      for (const plan of plans) {
        if (token.isCancellationRequested) break;
        await this.runPackage(plan, run, mode, abort.signal);
      }
    } finally {
      cancelled.dispose();
      run.end();
      this.runsCompleted++;
    }
  }

  /** Continuous run: each saved Go file reruns the request's tests in its package, until watching stops. */
  private watch(request: vscode.TestRunRequest, token: vscode.CancellationToken, mode: 'run' | 'coverage'): Promise<void> {
    return new Promise((resolve) => {
      let queue = Promise.resolve();
      const saved = vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.uri.scheme !== 'file' || !document.uri.fsPath.endsWith('.go')) return;
        const dir = path.dirname(document.uri.fsPath);
        // One run at a time: saves during a run queue behind it, each reading the tree as it is then.
        queue = queue.then(async () => {
          if (isGoTestFileName(document.uri.fsPath)) await this.updateFile(document.uri, document.getText());
          const plan = this.plan(request).get(dir);
          if (plan && !token.isCancellationRequested) await this.runPlans(request, [plan], token, mode);
        });
      });
      token.onCancellationRequested(() => {
        saved.dispose();
        void queue.then(resolve);
      });
    });
  }

  private async runPackage(plan: PackagePlan, run: vscode.TestRun, mode: 'run' | 'coverage', signal: AbortSignal): Promise<void> {
    const enqueued = plan.whole ? this.testFunctionsOf(plan.packageItem).filter((item) => this.data.get(item)?.testKind !== 'benchmark') : plan.tests;
    for (const item of [...enqueued, ...plan.benchmarks]) run.enqueued(item);
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(plan.dir));
    let go;
    try {
      go = await findWorkspaceGo(folder);
    } catch (error) {
      for (const item of [...enqueued, ...plan.benchmarks]) this.report(run, item, 'errored', [new vscode.TestMessage((error as Error).message)]);
      return;
    }
    const settings = folder ? goBuildSettings(folder) : { flags: [], tags: [], env: {} };
    const scratch = mode === 'coverage' ? mkdtempSync(path.join(os.tmpdir(), 'wasip1-cover-')) : undefined;
    const profile = scratch ? path.join(scratch, 'cover.out') : undefined;
    const runLevels = plan.whole ? undefined : plan.tests.map((item) => this.data.get(item)!.levels!);
    const unfinished = new Set<vscode.TestItem>();
    let importPath: string | undefined;
    const result = await runGoTestsForWasip1({
      go,
      packageDir: plan.dir,
      run: runLevels ? exactTestPattern(runLevels) : undefined,
      bench: plan.benchmarks.length ? exactTestPattern(plan.benchmarks.map((item) => this.data.get(item)!.levels!)) : undefined,
      coverProfile: profile,
      buildFlags: settings.flags,
      buildTags: settings.tags,
      env: this.testEnvironment(folder, settings.env),
      signal,
      listener: {
        onTestStarted: (pkg, test) => {
          importPath = pkg;
          const item = this.itemForTest(plan, test);
          unfinished.add(item);
          run.started(item);
        },
        onTestOutput: (_pkg, test, text) => run.appendOutput(text.replace(/\r?\n/g, '\r\n'), undefined, this.itemForTest(plan, test)),
        onTestResult: (r) => {
          unfinished.delete(this.itemForTest(plan, r.test));
          this.reportResult(run, plan, r);
        },
        onPackageResult: (p) => {
          importPath = p.package;
          if (!p.buildFailed) return;
          const message = new vscode.TestMessage(`The test binary did not build for wasip1:\n${p.buildOutput}`);
          for (const item of enqueued) this.report(run, item, 'errored', [message]);
        },
      },
    });
    if (result.run.spawnError) {
      for (const item of enqueued) this.report(run, item, 'errored', [new vscode.TestMessage(result.run.spawnError.message)]);
    }
    this.showBuildProblems(plan.dir, result.buildDiagnostics);
    // Cancelled: what was still running neither passed nor failed.
    if (result.run.cancelled) for (const item of unfinished) this.report(run, item, 'skipped', []);
    if (profile && importPath && existsSync(profile)) this.addCoverage(run, profile, new Map([[importPath, plan.dir]]));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }

  /** go's environment for a test run: the user's toolsEnvVars, our host's bin folder first on PATH, host modules. */
  private testEnvironment(folder: vscode.WorkspaceFolder | undefined, toolsEnv: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = { ...toolsEnv, ...hostExecEnvironment(toolsEnv.PATH ?? process.env.PATH) };
    const imports = hostModulesEnvironmentValue(folder);
    if (imports && env.WASIP1_IMPORT === undefined) env.WASIP1_IMPORT = imports;
    return env;
  }

  /** The item for a reported name, creating subtest items for names only the run knows (computed t.Run names). */
  private itemForTest(plan: PackagePlan, fullName: string): vscode.TestItem {
    const [top, ...rest] = fullName.split('/');
    let item: vscode.TestItem | undefined;
    plan.packageItem.children.forEach((file) => (item ??= file.children.get(`${file.id}#${top}`)));
    if (!item) {
      // A test the source scan did not see (a generated file, say) still gets a place: its package's first file.
      const file = [...childrenOf(plan.packageItem)][0];
      if (!file) return plan.packageItem;
      item = this.testItem(file, top, [top], 'test', file.uri);
      file.children.add(item);
    }
    const levels = [top];
    for (const name of rest) {
      levels.push(name);
      const parent: vscode.TestItem = item!;
      let child = parent.children.get(`${parent.id}/${name}`);
      if (!child) {
        child = this.testItem(parent, name, [...levels], 'test', parent.uri);
        parent.children.add(child);
      }
      item = child;
    }
    return item!;
  }

  private reportResult(run: vscode.TestRun, plan: PackagePlan, result: GoTestResult): void {
    const item = this.itemForTest(plan, result.test);
    if (result.outcome === 'passed') {
      this.report(run, item, 'passed', [], result.durationMs);
      return;
    }
    if (result.outcome === 'skipped') {
      this.report(run, item, 'skipped', []);
      return;
    }
    const messages = result.messages.map((m) => {
      const message = new vscode.TestMessage(m.message);
      const file = path.isAbsolute(m.file) ? m.file : path.join(plan.dir, m.file);
      message.location = new vscode.Location(vscode.Uri.file(file), new vscode.Position(Math.max(0, m.line - 1), 0));
      return message;
    });
    if (messages.length === 0) {
      const why = result.unfinished ? 'did not finish: the test binary ended while it ran' : 'failed';
      messages.push(new vscode.TestMessage(`${result.test} ${why}\n${result.output}`));
    }
    // Cut short by another test's panic, with nothing of its own to show: it could not run, it did not fail.
    const state = result.unfinished && result.messages.length === 0 ? 'errored' : 'failed';
    this.report(run, item, state, messages, result.durationMs);
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, state: RecordedResult['state'], messages: vscode.TestMessage[], durationMs?: number): void {
    if (state === 'passed') run.passed(item, durationMs);
    else if (state === 'skipped') run.skipped(item);
    else if (state === 'failed') run.failed(item, messages, durationMs);
    else if (state === 'errored') run.errored(item, messages, durationMs);
    this.results.set(item.id, {
      state,
      durationMs,
      messages: messages.map((m) => ({
        message: typeof m.message === 'string' ? m.message : m.message.value,
        file: m.location?.uri.fsPath,
        line: m.location?.range.start.line,
      })),
    });
  }

  private showBuildProblems(dir: string, diagnostics: GoDiagnostic[]): void {
    // Problems from an earlier build of this package go; the new ones take their place.
    this.buildProblems.forEach((uri) => {
      if (path.dirname(uri.fsPath) === dir) this.buildProblems.delete(uri);
    });
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnostics) {
      const line = Math.max(0, d.line - 1);
      const column = Math.max(0, (d.column ?? 1) - 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, column, line, column + 1), d.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'go test (wasip1)';
      byFile.set(d.file, [...(byFile.get(d.file) ?? []), diagnostic]);
    }
    for (const [file, list] of byFile) this.buildProblems.set(vscode.Uri.file(file), list);
  }

  private addCoverage(run: vscode.TestRun, profileFile: string, packages: Map<string, string>): void {
    const profile = parseGoCoverProfile(readFileSync(profileFile, 'utf8'));
    for (const [name, blocks] of profile.files) {
      const file = coverFileOnDisk(name, packages, path.join);
      if (!file) continue;
      const details = statementCoverage(blocks);
      const fileCoverage = vscode.FileCoverage.fromDetails(vscode.Uri.file(file), details);
      this.blocksByFile.set(fileCoverage, blocks);
      run.addCoverage(fileCoverage);
      const covered = new Set<number>();
      const uncovered = new Set<number>();
      for (const b of blocks) for (let l = b.startLine - 1; l <= b.endLine - 1; l++) (b.count > 0 ? covered : uncovered).add(l);
      this.coverage = this.coverage.filter((c) => c.file !== file);
      this.coverage.push({
        file,
        covered: fileCoverage.statementCoverage.covered,
        total: fileCoverage.statementCoverage.total,
        coveredLines: [...covered].sort((a, b) => a - b),
        uncoveredLines: [...uncovered].filter((l) => !covered.has(l)).sort((a, b) => a - b),
      });
    }
  }

  /**
   * Debug one test: a wasip1 debug session in mode "test" on its package, which builds the test binary
   * for debugging (Go line breakpoints and steps in the tests and the code under test) and runs it with
   * -test.run; build errors go to Problems as for any debug session.
   */
  private async debug(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const item = request.include?.find((i) => this.data.get(i)?.kind === 'test');
    if (!item) {
      void vscode.window.showInformationMessage('Debug (wasip1) debugs one test: pick a test or subtest.');
      return;
    }
    const node = this.data.get(item)!;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(node.dir));
    const run = this.controller.createTestRun(new vscode.TestRunRequest([item], undefined, request.profile));
    try {
      const settings = folder ? goBuildSettings(folder) : { flags: [], tags: [], env: {} };
      run.started(item);
      const pattern = exactTestPattern([node.levels!]);
      const flag = node.testKind === 'benchmark' ? ['-test.run', '^$', '-test.bench', pattern] : ['-test.run', pattern];
      const outcome = await this.debugSession(folder, item, node.dir, node.dir, [...flag, '-test.v'], run, token, { mode: 'test', buildFlags: settings.flags, buildTags: settings.tags });
      if (outcome) this.report(run, item, outcome, outcome === 'failed' ? [new vscode.TestMessage(`${item.label} failed; see the Debug Console.`)] : []);
      else this.report(run, item, 'errored', [new vscode.TestMessage(`${item.label} did not report a result: the test binary did not build or the session was stopped; see the Debug Console and Problems.`)]);
    } catch (error) {
      this.report(run, item, 'errored', [new vscode.TestMessage((error as Error).message)]);
    } finally {
      run.end();
      this.runsCompleted++;
    }
  }

  /** Runs the session to its end; the test's outcome is read from its -test.v lines. */
  private debugSession(
    folder: vscode.WorkspaceFolder | undefined,
    item: vscode.TestItem,
    program: string,
    cwd: string,
    args: string[],
    run: vscode.TestRun,
    token: vscode.CancellationToken,
    launch: Record<string, unknown> = {},
  ): Promise<'passed' | 'failed' | 'skipped' | undefined> {
    const name = `wasip1 test: ${item.label}`;
    const fullName = this.data.get(item)!.levels!.join('/');
    let outcome: 'passed' | 'failed' | 'skipped' | undefined;
    let session: vscode.DebugSession | undefined;
    return new Promise((resolve) => {
      const tracker = vscode.debug.registerDebugAdapterTrackerFactory(WASIP1_DEBUG_TYPE, {
        createDebugAdapterTracker: (s) => {
          if (s.configuration.name !== name) return undefined;
          session = s;
          return {
            onDidSendMessage: (message: { type?: string; event?: string; body?: { output?: string } }) => {
              if (message.type !== 'event' || message.event !== 'output' || !message.body?.output) return;
              const text = message.body.output;
              run.appendOutput(text.replace(/\r?\n/g, '\r\n'), undefined, item);
              const verdict = new RegExp(`^\\s*--- (PASS|FAIL|SKIP): ${quoteGoRegexp(fullName)} `, 'm').exec(text);
              if (verdict) outcome = verdict[1] === 'PASS' ? 'passed' : verdict[1] === 'FAIL' ? 'failed' : 'skipped';
            },
          };
        },
      });
      const ended = vscode.debug.onDidTerminateDebugSession((s) => {
        if (s !== session) return;
        tracker.dispose();
        ended.dispose();
        resolve(outcome);
      });
      token.onCancellationRequested(() => {
        if (session) void vscode.debug.stopDebugging(session);
      });
      const configuration: vscode.DebugConfiguration = { type: WASIP1_DEBUG_TYPE, request: 'launch', name, program, cwd, args, ...launch };
      vscode.debug.startDebugging(folder, configuration).then((started) => {
        if (started) return;
        tracker.dispose();
        ended.dispose();
        resolve(undefined);
      }, () => resolve(undefined));
    });
  }

  /** What the view holds and what the last runs said: for tests, and for anyone scripting the extension. */
  async snapshot(): Promise<unknown> {
    await this.discoverWorkspace();
    const describe = (item: vscode.TestItem): unknown => ({
      id: item.id,
      label: item.label,
      kind: this.data.get(item)?.kind,
      testKind: this.data.get(item)?.testKind,
      line: item.range?.start.line,
      result: this.results.get(item.id),
      children: [...childrenOf(item)].map(describe),
    });
    return { items: [...childrenOf(this.controller)].map(describe), coverage: this.coverage, runsCompleted: this.runsCompleted };
  }

  /**
   * Runs items by id through a profile, as the Testing view would: for tests and scripting. 'watch' is
   * the view's continuous run; it returns at once with the means to stop watching.
   */
  async runById(ids: string[], kind: 'run' | 'coverage' | 'debug' | 'watch'): Promise<{ stop(): Promise<void> } | undefined> {
    await this.discoverWorkspace();
    const items = ids.map((id) => this.findItem(id)).filter((item): item is vscode.TestItem => item !== undefined);
    const profile = kind === 'run' || kind === 'watch' ? this.runProfile : kind === 'coverage' ? this.coverageProfile : this.debugProfile;
    const source = new vscode.CancellationTokenSource();
    const running = Promise.resolve(profile.runHandler(new vscode.TestRunRequest(items, undefined, profile, kind === 'watch'), source.token)).finally(() => source.dispose());
    if (kind !== 'watch') {
      await running;
      return undefined;
    }
    return {
      stop: async () => {
        source.cancel();
        await running;
      },
    };
  }

  findItem(id: string, within: Iterable<vscode.TestItem> = childrenOf(this.controller)): vscode.TestItem | undefined {
    for (const item of within) {
      if (item.id === id) return item;
      const found = this.findItem(id, childrenOf(item));
      if (found) return found;
    }
    return undefined;
  }

  /** The test functions under a package or file (not their subtests: a test reports its own). */
  private testFunctionsOf(item: vscode.TestItem): vscode.TestItem[] {
    return [...childrenOf(item)].flatMap((child) => (this.data.get(child)?.kind === 'test' ? [child] : this.testFunctionsOf(child)));
  }

  /** The test functions of one file, for the CodeLens. */
  async testsOfFile(uri: vscode.Uri): Promise<vscode.TestItem[]> {
    const packageId = packageIdOf(path.dirname(uri.fsPath));
    for (const moduleItem of childrenOf(this.controller)) {
      const file = moduleItem.children.get(packageId)?.children.get(uri.toString());
      if (file) return [...childrenOf(file)];
    }
    return [];
  }
}

interface PackagePlan {
  dir: string;
  packageItem: vscode.TestItem;
  /** The whole package was asked for: no -run filter. */
  whole: boolean;
  tests: vscode.TestItem[];
  benchmarks: vscode.TestItem[];
}

function packageIdOf(dir: string): string {
  return `package:${dir}`;
}

function modulePathOf(moduleRoot: string): string | undefined {
  try {
    return /^module\s+"?([^\s"]+)"?/m.exec(readFileSync(path.join(moduleRoot, 'go.mod'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

function* childrenOf(owner: vscode.TestItem | vscode.TestController): Iterable<vscode.TestItem> {
  const collection = 'children' in owner ? owner.children : owner.items;
  const list: vscode.TestItem[] = [];
  collection.forEach((item) => list.push(item));
  yield* list;
}

function packageOf(item: vscode.TestItem): vscode.TestItem {
  let current = item;
  while (current.parent && !current.id.startsWith('package:')) current = current.parent;
  return current;
}

function excludesAnyWithin(item: vscode.TestItem, excluded: Set<string>): boolean {
  if (excluded.size === 0) return false;
  for (const child of childrenOf(item)) if (excluded.has(child.id) || excludesAnyWithin(child, excluded)) return true;
  return false;
}

function toRange(range: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/** One StatementCoverage per cover block (cover's columns are 1-based bytes; close enough for Go's ASCII code). */
function statementCoverage(blocks: readonly GoCoverBlock[]): vscode.StatementCoverage[] {
  return blocks.map(
    (b) => new vscode.StatementCoverage(b.count, new vscode.Range(b.startLine - 1, b.startColumn - 1, b.endLine - 1, Math.max(0, b.endColumn - 1))),
  );
}

export function registerGoTestController(context: vscode.ExtensionContext): GoTestController {
  const tests = new GoTestController();
  registerGoTestCodeLens(context, tests);
  context.subscriptions.push(
    tests,
    vscode.commands.registerCommand('wasip1.testing.snapshot', () => tests.snapshot()),
    vscode.commands.registerCommand('wasip1.testing.runById', (ids: string[], kind: 'run' | 'coverage' | 'debug' | 'watch' = 'run') => tests.runById(ids, kind)),
  );
  return tests;
}
