// "run test | debug test" above each test function, like vscode-go's; with vscode-go installed both
// sets appear, so ours say "(wasip1)". wasip1.testing.codeLens turns them off.
import * as vscode from 'vscode';
import { isGoTestFileName } from '../goscan/goTestDiscovery';
import type { GoTestController } from './goTestController';

const SETTING = 'testing.codeLens';

export class GoTestCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly tests: GoTestController) {}

  refresh(): void {
    this.changeEmitter.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!isGoTestFileName(document.uri.fsPath)) return [];
    if (!vscode.workspace.getConfiguration('wasip1', document.uri).get<boolean>(SETTING, true)) return [];
    // The lenses run items of the Testing view, so the file's items must reflect this text.
    await this.tests.updateFile(document.uri, document.getText());
    const suffix = vscode.extensions.getExtension('golang.go') ? ' (wasip1)' : '';
    const lenses: vscode.CodeLens[] = [];
    for (const item of await this.tests.testsOfFile(document.uri)) {
      if (!item.range) continue;
      const range = new vscode.Range(item.range.start, item.range.start);
      const noun = item.description === 'benchmark' ? 'benchmark' : 'test';
      lenses.push(
        new vscode.CodeLens(range, { title: `run ${noun}${suffix}`, command: 'wasip1.testing.runById', arguments: [[item.id], 'run'], tooltip: `Run ${item.label} for wasip1 in the embedded host` }),
        new vscode.CodeLens(range, { title: `debug ${noun}${suffix}`, command: 'wasip1.testing.runById', arguments: [[item.id], 'debug'], tooltip: `Debug ${item.label} in a wasip1 session` }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

export function registerGoTestCodeLens(context: vscode.ExtensionContext, tests: GoTestController): void {
  const provider = new GoTestCodeLensProvider(tests);
  context.subscriptions.push(
    provider,
    vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file', pattern: '**/*_test.go' }, provider),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`wasip1.${SETTING}`)) provider.refresh();
    }),
  );
}
