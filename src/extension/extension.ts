// The extension's entry: each feature registers itself from its own file.
import * as vscode from 'vscode';
import { registerBuildDiagnostics } from './buildDiagnostics';
import { registerBuildProgress } from './buildProgress';
import { registerEndOfInput } from './endOfInput';
import { registerGoTestController } from './goTestController';
import { registerGoToolchainCommands } from './goToolchain';
import { registerWasip1DebugAdapter } from './wasip1DebugAdapter';
import { registerWasip1DebugConfigurations } from './wasip1DebugConfiguration';
import { registerWasip1Tasks } from './wasip1Tasks';
import { registerRunCodeLens } from './runCodeLens';
import { registerRunCommands } from './runCommands';
import { registerTerminalEnvironment } from './terminalEnvironment';
import { registerWasmimportDiagnostics } from './wasmimportDiagnostics';
import { registerWasmimportHover } from './wasmimportHover';
import { registerWasmimportTreeView } from './wasmimportTreeView';

/** What activate() returns to other extensions and tests. */
export interface Wasip1ExtensionApi {
  /** How long activate() took, in ms: activation must stay cheap, everything else is lazy. */
  readonly activationTimeMs: number;
}

export function activate(context: vscode.ExtensionContext): Wasip1ExtensionApi {
  const started = performance.now();
  registerGoToolchainCommands(context);
  registerWasip1Tasks(context);
  registerWasip1DebugConfigurations(context);
  registerWasip1DebugAdapter(context);
  registerBuildDiagnostics(context);
  registerBuildProgress(context);
  registerEndOfInput(context);
  registerWasmimportTreeView(context);
  registerWasmimportHover(context);
  registerWasmimportDiagnostics(context);
  registerRunCommands(context);
  registerRunCodeLens(context);
  registerTerminalEnvironment(context);
  registerGoTestController(context);
  return { activationTimeMs: performance.now() - started };
}

export function deactivate(): void {
  // Registered features are disposed through context.subscriptions.
}
