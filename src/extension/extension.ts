// The extension's entry: each feature registers itself from its own file.
import * as vscode from 'vscode';
import { registerGoToolchainCommands } from './goToolchain';
import { registerWasip1Tasks } from './wasip1Tasks';

export function activate(context: vscode.ExtensionContext): void {
  registerGoToolchainCommands(context);
  registerWasip1Tasks(context);
}

export function deactivate(): void {
  // Registered features are disposed through context.subscriptions.
}
