// Runs the wasip1 debug adapter inside the extension host: no extra process per session. The
// same adapter also runs standalone (dist/debugAdapter.js) for other DAP clients.
import * as vscode from 'vscode';
import { Wasip1DebugSession } from '../debug/wasip1DebugSession';
import { WASIP1_DEBUG_TYPE } from './wasip1DebugConfiguration';

class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    return new vscode.DebugAdapterInlineImplementation(new Wasip1DebugSession() as unknown as vscode.DebugAdapter);
  }
}

export function registerWasip1DebugAdapter(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory(WASIP1_DEBUG_TYPE, new InlineAdapterFactory()));
}
