// Compile errors of a Run or Debug build, in the Problems view. The adapter (which knows no
// vscode) sends them as a custom DAP event before each run; an empty list clears the last ones.
import * as vscode from 'vscode';
import type { GoDiagnostic } from '../gotool/goCompilerOutput';
import { BUILD_DIAGNOSTICS_EVENT } from '../debug/wasip1DebugSession';
import { WASIP1_DEBUG_TYPE } from './wasip1DebugConfiguration';

function toDiagnostic(d: GoDiagnostic): vscode.Diagnostic {
  // gc columns are 1-based bytes; for the ASCII that starts most Go lines that is the character.
  const line = Math.max(0, d.line - 1);
  const column = Math.max(0, (d.column ?? 1) - 1);
  const severity = d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : d.severity === 'info' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Error;
  const diagnostic = new vscode.Diagnostic(new vscode.Range(line, column, line, d.column ? column + 1 : Number.MAX_SAFE_INTEGER), d.message, severity);
  diagnostic.source = 'go build (wasip1)';
  return diagnostic;
}

export function registerBuildDiagnostics(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('wasip1-build');
  context.subscriptions.push(
    collection,
    vscode.debug.onDidReceiveDebugSessionCustomEvent((event) => {
      if (event.session.type !== WASIP1_DEBUG_TYPE || event.event !== BUILD_DIAGNOSTICS_EVENT) return;
      const diagnostics = (event.body as { diagnostics?: GoDiagnostic[] }).diagnostics ?? [];
      collection.clear();
      const byFile = new Map<string, vscode.Diagnostic[]>();
      for (const d of diagnostics) {
        const list = byFile.get(d.file) ?? [];
        list.push(toDiagnostic(d));
        byFile.set(d.file, list);
      }
      for (const [file, list] of byFile) collection.set(vscode.Uri.file(file), list);
    }),
  );
}
