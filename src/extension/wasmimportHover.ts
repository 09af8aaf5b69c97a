// Hovers on a //go:wasmimport or //go:wasmexport line, on the func it annotates, and on calls to
// that func anywhere in the same package.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GoSourceRange } from '../goscan/goTypeSyntax';
import { scanGoSource, type GoSourceScan, type WasmDirective } from '../goscan/wasmDirectiveScanner';
import { wasmimportHoverMarkdown } from '../goscan/wasmimportHover';
import { goTypeScopeForFile } from '../goscan/wasmimportTypes';
import { fileInWasip1Build } from '../goscan/wasip1FileSelection';
import { configuredHostModules } from './hostModulesSetting';
import { wasmimportWorkspaceIndex, type WasmimportWorkspaceIndex } from './wasmimportWorkspaceIndex';

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/;

function contains(range: GoSourceRange, position: vscode.Position): boolean {
  const start = new vscode.Position(range.start.line, range.start.character);
  const end = new vscode.Position(range.end.line, range.end.character);
  return !position.isBefore(start) && !position.isAfter(end);
}

function toRange(range: GoSourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export class WasmimportHoverProvider implements vscode.HoverProvider {
  /** The last document scanned, by version: hovering around one file rescans it once per edit. */
  private cached?: { uri: string; version: number; scan: GoSourceScan };

  constructor(private readonly workspaceIndex: WasmimportWorkspaceIndex) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    // The Go release decides the type rules the hover explains.
    await this.workspaceIndex.ready();
    const scan = this.scan(document);
    const file = document.uri.fsPath;
    const local = scan.directives.find((d) =>
      contains(d.range, position) || (d.func !== undefined && contains(d.func.nameRange, position)));
    if (local) {
      return this.hover(local, scan, file, local.func && contains(local.func.nameRange, position) ? toRange(local.func.nameRange) : toRange(local.range));
    }

    const word = document.getWordRangeAtPosition(position, IDENTIFIER);
    if (!word) return undefined;
    // `pkg.name` is another package's name, whatever this package declares.
    if (word.start.character > 0 && document.lineAt(word.start.line).text[word.start.character - 1] === '.') return undefined;
    const name = document.getText(word);
    const sameFile = scan.directives.find((d) => d.func?.name === name);
    if (sameFile) return this.hover(sameFile, scan, file, word);
    if (document.uri.scheme !== 'file') return undefined;
    const found = this.workspaceIndex.index.findByFunc(path.dirname(file), name);
    if (!found || found.file === file) return undefined;
    return this.hover(found.directive, this.workspaceIndex.index.file(found.file)!.scan, found.file, word);
  }

  private hover(directive: WasmDirective, scan: GoSourceScan, file: string, range: vscode.Range): vscode.Hover | undefined {
    const index = this.workspaceIndex.index;
    const goVersion = this.workspaceIndex.goVersion;
    const markdown = wasmimportHoverMarkdown({
      directive,
      goVersion,
      scope: goTypeScopeForFile(scan, index.packageTypes(path.dirname(file), file)),
      hostModules: configuredHostModules(vscode.Uri.file(file)),
      inWasip1Build: fileInWasip1Build(file, scan.buildConstraint, goVersion.minor),
    });
    if (!markdown) return undefined;
    const content = new vscode.MarkdownString(markdown, true);
    content.isTrusted = false;
    return new vscode.Hover(content, range);
  }

  private scan(document: vscode.TextDocument): GoSourceScan {
    const uri = document.uri.toString();
    if (this.cached?.uri !== uri || this.cached.version !== document.version) {
      this.cached = { uri, version: document.version, scan: scanGoSource(document.getText()) };
    }
    return this.cached.scan;
  }
}

export function registerWasmimportHover(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerHoverProvider({ language: 'go' }, new WasmimportHoverProvider(wasmimportWorkspaceIndex(context))),
  );
}
