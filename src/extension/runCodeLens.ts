// "Run | Debug" above func main in a main package, running it in the wasip1 host.
import * as vscode from 'vscode';
import { declaresMainFunction } from '../gotool/goMainPackages';

const FUNC_MAIN = /^func\s+main\s*\(\s*\)/m;

export class RunCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  refresh(): void {
    this.changeEmitter.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('wasip1', document.uri).get<boolean>('codeLens.enabled', true)) return [];
    const text = document.getText();
    if (!declaresMainFunction(text)) return [];
    // declaresMainFunction has ruled out comments and strings; the first line-start match is the declaration.
    const match = FUNC_MAIN.exec(text);
    if (!match) return [];
    const line = document.positionAt(match.index).line;
    const range = new vscode.Range(line, 0, line, match[0].length);
    return [
      new vscode.CodeLens(range, { title: 'Run (wasip1)', command: 'wasip1.run', arguments: [document.uri], tooltip: 'Build for wasip1 and run in the embedded WASI host' }),
      new vscode.CodeLens(range, { title: 'Debug (wasip1)', command: 'wasip1.debug', arguments: [document.uri], tooltip: 'Build for wasip1 and debug in the embedded WASI host' }),
    ];
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

export function registerRunCodeLens(context: vscode.ExtensionContext): void {
  const provider = new RunCodeLensProvider();
  context.subscriptions.push(
    provider,
    vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file' }, provider),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('wasip1.codeLens.enabled')) provider.refresh();
    }),
  );
}
