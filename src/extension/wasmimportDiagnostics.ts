// Problems in //go:wasmimport and //go:wasmexport declarations, shown as the user types (the
// 'wasip1' diagnostics), and the quick fixes that go with them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GoTypeDeclaration } from '../goscan/goDeclarationParser';
import type { GoSourceRange } from '../goscan/goTypeSyntax';
import { mayContainWasmDirectives, scanGoSource } from '../goscan/wasmDirectiveScanner';
import { wasmimportDiagnostics, type WasmimportDiagnostic } from '../goscan/wasmimportDiagnostics';
import { configuredBuildTags, wasmimportWorkspaceIndex, type WasmimportWorkspaceIndex } from './wasmimportWorkspaceIndex';

export const WASIP1_DIAGNOSTIC_SOURCE = 'wasip1';
const TYPING_DEBOUNCE_MS = 300;

const SEVERITY: Record<WasmimportDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function toRange(range: GoSourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/**
 * Type declarations of the package's other files, so `type Errno uint32` declared next door is
 * understood. Cached by modification time: typing in one file must not reread its siblings.
 */
class PackageTypeCache {
  private readonly files = new Map<string, { mtimeMs: number; types: GoTypeDeclaration[] }>();

  typesBeside(file: string): GoTypeDeclaration[] {
    const dir = path.dirname(file);
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'));
    } catch {
      return [];
    }
    const types: GoTypeDeclaration[] = [];
    for (const name of names) {
      const sibling = path.join(dir, name);
      if (sibling === file) continue;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === sibling);
      if (open?.isDirty) {
        types.push(...scanGoSource(open.getText()).typeDeclarations);
        continue;
      }
      const mtimeMs = statSync(sibling, { throwIfNoEntry: false })?.mtimeMs;
      if (mtimeMs === undefined) continue;
      let cached = this.files.get(sibling);
      if (cached?.mtimeMs !== mtimeMs) {
        cached = { mtimeMs, types: scanGoSource(readFileSync(sibling, 'utf8')).typeDeclarations };
        this.files.set(sibling, cached);
      }
      types.push(...cached.types);
    }
    return types;
  }
}

export class WasmimportDiagnosticsProvider implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(WASIP1_DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly packageTypes = new PackageTypeCache();

  constructor(private readonly workspaceIndex: WasmimportWorkspaceIndex) {}

  /** The diagnostics of a document's current text, as the pure checker words them. */
  async compute(document: vscode.TextDocument): Promise<WasmimportDiagnostic[]> {
    const text = document.getText();
    if (!mayContainWasmDirectives(text)) return [];
    await this.workspaceIndex.ready();
    const file = document.uri.fsPath;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    return wasmimportDiagnostics({
      fileName: file,
      text,
      scan: scanGoSource(text),
      goVersion: this.workspaceIndex.goVersion,
      packageTypes: document.uri.scheme === 'file' ? this.packageTypes.typesBeside(file) : [],
      buildTags: configuredBuildTags(folder),
    });
  }

  async update(document: vscode.TextDocument): Promise<void> {
    if (document.languageId !== 'go') return;
    const version = document.version;
    const found = await this.compute(document);
    // A newer edit has been (or will be) checked; don't show stale positions.
    if (document.isClosed || document.version !== version) return;
    this.collection.set(document.uri, found.map((d) => {
      const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
      diagnostic.source = WASIP1_DIAGNOSTIC_SOURCE;
      diagnostic.code = d.code;
      return diagnostic;
    }));
  }

  schedule(document: vscode.TextDocument): void {
    if (document.languageId !== 'go') return;
    const key = document.uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.update(document);
    }, TYPING_DEBOUNCE_MS));
  }

  forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.delete(key);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.collection.dispose();
  }
}

export class WasmimportQuickFixProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: WasmimportDiagnosticsProvider) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === WASIP1_DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    // Recomputed rather than remembered: the fixes must match the text the user sees now.
    const computed = await this.diagnostics.compute(document);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const match = computed.find((c) => c.code === diagnostic.code && toRange(c.range).isEqual(diagnostic.range));
      for (const fix of match?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) action.edit.replace(document.uri, toRange(edit.range), edit.newText);
        actions.push(action);
      }
    }
    return actions;
  }
}

export function registerWasmimportDiagnostics(context: vscode.ExtensionContext): void {
  const provider = new WasmimportDiagnosticsProvider(wasmimportWorkspaceIndex(context));
  const isGo = (document: vscode.TextDocument): boolean => document.languageId === 'go';
  context.subscriptions.push(
    provider,
    vscode.languages.registerCodeActionsProvider({ language: 'go' }, new WasmimportQuickFixProvider(provider), {
      providedCodeActionKinds: WasmimportQuickFixProvider.providedCodeActionKinds,
    }),
    vscode.workspace.onDidOpenTextDocument((document) => isGo(document) && provider.schedule(document)),
    vscode.workspace.onDidChangeTextDocument((event) => isGo(event.document) && provider.schedule(event.document)),
    vscode.workspace.onDidCloseTextDocument((document) => provider.forget(document)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (['go.buildTags', 'wasip1.goPath', 'go.alternateTools', 'go.goroot'].some((key) => event.affectsConfiguration(key))) {
        vscode.workspace.textDocuments.filter(isGo).forEach((document) => provider.schedule(document));
      }
    }),
  );
  // Go files already open when the extension activated.
  vscode.workspace.textDocuments.filter(isGo).forEach((document) => provider.schedule(document));
}
