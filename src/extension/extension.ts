import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Features register here as they land.
}

export function deactivate(): void {
  // Nothing to release yet.
}
