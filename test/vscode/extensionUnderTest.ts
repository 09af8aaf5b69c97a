// The extension these tests drive, as VS Code knows it. Not a test file: index.ts loads only *.test.js.
import * as vscode from 'vscode';

/** publisher.name from package.json. */
export const extensionId = 'wasip1-tools.wasip1-vscode';

/** Activates the extension (a no-op once an activation event has done it). */
export async function activateExtension(): Promise<void> {
  await vscode.extensions.getExtension(extensionId)?.activate();
}
