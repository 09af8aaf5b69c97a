// The "wasm imports" view: every //go:wasmimport of the workspace by module and function, the
// //go:wasmexports, optionally the standard library's, and what a built .wasm really imports.
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMainPackages } from '../gotool/goMainPackages';
import { compareBuiltModule, type BuiltImport, type BuiltModuleComparison } from '../goscan/builtModuleComparison';
import type { GoSourceRange } from '../goscan/goTypeSyntax';
import type { IndexedDirective } from '../goscan/wasmimportIndex';
import { describeResolution, resolveWasmImport, type HostModuleMap, type WasmImportResolution } from '../goscan/wasmimportResolution';
import { wasiSignatureMismatch } from '../goscan/wasmimportDiagnostics';
import { checkWasmSignature, goTypeScopeForFile } from '../goscan/wasmimportTypes';
import type { WasiFunctionSpec } from '../wasi/spec/catalogue';
import { parseWasmModule } from '../wasm/moduleReader';
import { configuredHostModules } from './hostModulesSetting';
import { wasmimportWorkspaceIndex, type StandardLibraryScan, type WasmimportWorkspaceIndex } from './wasmimportWorkspaceIndex';

export const WASMIMPORT_VIEW_ID = 'wasip1.wasmimports';
const SHOWING_STANDARD_LIBRARY = 'wasip1.wasmimports.showingStandardLibrary';
const BUILT_MODULE_DEBOUNCE_MS = 500;

interface TreeNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  icon?: vscode.ThemeIcon;
  command?: vscode.Command;
  children?: TreeNode[];
  expanded?: boolean;
  /** `resourceUri` for files, so the explorer context menu commands apply. */
  resourceUri?: vscode.Uri;
}

/** A plain copy of the tree, for tests and for anyone scripting the extension. */
export interface WasmimportTreeSnapshotItem {
  /** The TreeItem id. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
  children?: WasmimportTreeSnapshotItem[];
}

/** What decides an import's icon: who supplies it, and for WASI's, whether the func's signature is WASI's. */
interface ImportVerdicts {
  hostModules: HostModuleMap;
  wasiMismatch(d: IndexedDirective, spec: WasiFunctionSpec): string | undefined;
}

function plainItem(node: TreeNode): WasmimportTreeSnapshotItem {
  return {
    id: node.id,
    label: node.label,
    ...(node.description !== undefined ? { description: node.description } : {}),
    ...(node.tooltip !== undefined ? { tooltip: typeof node.tooltip === 'string' ? node.tooltip : node.tooltip.value } : {}),
    ...(node.icon ? { icon: node.icon.id } : {}),
    ...(node.children ? { children: node.children.map(plainItem) } : {}),
  };
}

/** What the view shows of a tree, as one string: two equal signatures need no refresh. */
function treeSignature(roots: TreeNode[]): string {
  return JSON.stringify(roots.map(plainItem));
}

const colored = (id: string, color: string): vscode.ThemeIcon => new vscode.ThemeIcon(id, new vscode.ThemeColor(color));

function resolutionIcon(resolution: WasmImportResolution): vscode.ThemeIcon {
  switch (resolution.kind) {
    case 'wasi-host': return colored('pass', 'testing.iconPassed');
    case 'host-module': return new vscode.ThemeIcon('plug');
    case 'unknown-wasi-function': return colored('error', 'list.errorForeground');
    case 'unresolved': return colored('warning', 'list.warningForeground');
  }
}

function moduleDescription(module: string, hostModules: HostModuleMap): string {
  const resolution = resolveWasmImport(module, '', hostModules);
  if (resolution.kind === 'unknown-wasi-function') return 'wasip1 host';
  if (resolution.kind === 'host-module') return resolution.hostModule;
  return 'unresolved';
}

function toVscodeRange(range: GoSourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function openCommand(file: string, range: GoSourceRange): vscode.Command {
  return {
    command: 'vscode.open',
    title: 'Open declaration',
    arguments: [vscode.Uri.file(file), { selection: toVscodeRange(range), preview: true } satisfies vscode.TextDocumentShowOptions],
  };
}

function relativeLocation(d: IndexedDirective, base?: string): string {
  const shown = base ? path.relative(base, d.file) : vscode.workspace.asRelativePath(d.file);
  return `${shown}:${d.location.start.line + 1}`;
}

function directiveNode(d: IndexedDirective, verdicts: ImportVerdicts, idPrefix: string, base?: string): TreeNode {
  const where = relativeLocation(d, base);
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendCodeblock(`${d.directive.text}\n${d.goSignature}`, 'go');
  let icon: vscode.ThemeIcon;
  if (d.kind === 'wasmexport') {
    icon = new vscode.ThemeIcon('export');
    tooltip.appendMarkdown(`Exported to the host as \`${d.name}\`.`);
  } else {
    const resolution = resolveWasmImport(d.module!, d.name!, verdicts.hostModules);
    const mismatch = resolution.kind === 'wasi-host' ? verdicts.wasiMismatch(d, resolution.spec) : undefined;
    // The same verdict as the diagnostics: a WASI name with the wrong signature does not link.
    icon = mismatch ? colored('error', 'list.errorForeground') : resolutionIcon(resolution);
    tooltip.appendMarkdown(mismatch ?? describeResolution(d.module!, d.name!, resolution));
  }
  if (!d.inWasip1Build) {
    icon = new vscode.ThemeIcon('circle-slash');
    tooltip.appendMarkdown('\n\nThis file is not part of GOOS=wasip1 builds (file name suffix or //go:build).');
  }
  tooltip.appendMarkdown(`\n\n${where}`);
  return {
    // VS Code builds item handles from ids with '/' as its separator: the file goes in encoded.
    id: `${idPrefix}:${encodeURIComponent(d.file)}:${d.location.start.line}`,
    label: d.name ?? d.directive.text,
    description: d.goSignature,
    tooltip,
    icon,
    command: openCommand(d.file, d.location),
  };
}

function importGroups(directives: IndexedDirective[], verdicts: ImportVerdicts, idPrefix: string, base?: string): TreeNode[] {
  const modules = new Map<string, IndexedDirective[]>();
  for (const d of directives) {
    if (d.kind !== 'wasmimport' || d.module === undefined || d.name === undefined) continue;
    modules.set(d.module, [...(modules.get(d.module) ?? []), d]);
  }
  return [...modules.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([module, list]) => ({
    id: `${idPrefix}:module:${module}`,
    label: module,
    description: moduleDescription(module, verdicts.hostModules),
    icon: new vscode.ThemeIcon('package'),
    expanded: true,
    children: list
      .sort((a, b) => a.name!.localeCompare(b.name!) || a.file.localeCompare(b.file))
      .map((d) => directiveNode(d, verdicts, idPrefix, base)),
  }));
}

function builtImportNode(imp: BuiltImport, index: number): TreeNode {
  const declared = imp.declaredBy[0];
  let where: string;
  if (declared) where = `declared in ${relativeLocation(declared)}`;
  else if (imp.declaredByStandardLibrary.length) where = 'declared by the standard library';
  else where = 'not declared in the workspace';
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`\`${imp.module}.${imp.name}\` ${imp.type ? `\`${imp.type}\`` : imp.kind}\n\n`);
  tooltip.appendMarkdown(describeResolution(imp.module, imp.name, imp.resolution) + `\n\n${where[0].toUpperCase()}${where.slice(1)}.`);
  return {
    id: `built:import:${index}`,
    label: `${imp.module}.${imp.name}`,
    description: `${imp.type ?? imp.kind} · ${where}`,
    tooltip,
    icon: resolutionIcon(imp.resolution),
    command: declared ? openCommand(declared.file, declared.location) : undefined,
  };
}

function builtModuleNode(wasmPath: string, comparison: BuiltModuleComparison, verdicts: ImportVerdicts): TreeNode {
  const unresolved = comparison.imports.filter((i) => i.resolution.kind === 'unresolved' || i.resolution.kind === 'unknown-wasi-function').length;
  return {
    id: 'built',
    label: `Built module: ${path.basename(wasmPath)}`,
    description: `${comparison.imports.length} imports, ${comparison.exports.length} exports` + (unresolved ? `, ${unresolved} unresolved` : ''),
    tooltip: wasmPath,
    icon: new vscode.ThemeIcon('file-binary'),
    resourceUri: vscode.Uri.file(wasmPath),
    expanded: true,
    children: [
      {
        id: 'built:imports',
        label: `Imports (${comparison.imports.length})`,
        icon: new vscode.ThemeIcon('arrow-down'),
        expanded: true,
        children: comparison.imports.map(builtImportNode),
      },
      {
        id: 'built:unused',
        label: `Declared but not imported (${comparison.declaredButUnused.length})`,
        tooltip: 'wasmimports of the wasip1 build that this module does not import: the linker dropped them because nothing reachable calls them, or they belong to another package.',
        icon: new vscode.ThemeIcon('circle-outline'),
        children: comparison.declaredButUnused.map((d) => directiveNode(d, verdicts, 'built:unused')),
      },
      {
        id: 'built:undeclared',
        label: `Imported but not declared in the workspace (${comparison.usedButUndeclared.length})`,
        tooltip: 'Imports that come from the Go runtime, the standard library or a dependency, not from a //go:wasmimport of this workspace.',
        icon: new vscode.ThemeIcon('library'),
        children: comparison.usedButUndeclared.map((imp, i) => ({ ...builtImportNode(imp, i), id: `built:undeclared:${i}` })),
      },
      {
        id: 'built:exports',
        label: `Exports (${comparison.exports.length})`,
        icon: new vscode.ThemeIcon('export'),
        children: comparison.exports.map((exp, i) => {
          const declared = exp.declaredBy[0];
          return {
            id: `built:export:${i}`,
            label: exp.name,
            description: `${exp.type ?? exp.kind}${declared ? ` · ${declared.goSignature}` : ''}`,
            icon: new vscode.ThemeIcon(exp.kind === 'func' ? 'symbol-function' : 'symbol-variable'),
            command: declared ? openCommand(declared.file, declared.location) : undefined,
          };
        }),
      },
    ],
  };
}

/** The newest .wasm in a workspace folder's build output directory (and its subfolders, one level). */
export function newestBuiltModule(): string | undefined {
  let newest: { file: string; mtime: number } | undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const output = vscode.workspace.getConfiguration('wasip1', folder).get<string>('buildOutputDirectory') || 'bin/wasip1';
    const dir = path.resolve(folder.uri.fsPath, output);
    const candidates: string[] = [];
    try {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isFile() && entry.name.endsWith('.wasm')) candidates.push(path.join(dir, entry.name));
      }
    } catch {
      continue;
    }
    for (const file of candidates) {
      const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (!newest || mtime > newest.mtime) newest = { file, mtime };
    }
  }
  return newest?.file;
}

export class WasmimportTreeDataProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private roots?: Promise<TreeNode[]>;
  /** Roots being recomputed, not yet given to the view. */
  private pendingRoots?: Promise<TreeNode[]>;
  /** treeSignature of the roots last given to the view. */
  private shown?: string;
  private showStandardLibrary = false;
  /** Chosen with "Show the built module's imports and exports"; otherwise the newest build output. */
  private chosenModule?: string;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(private readonly workspaceIndex: WasmimportWorkspaceIndex) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wasmWatcher = vscode.workspace.createFileSystemWatcher('**/*.wasm');
    const builtModuleChanged = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => this.refresh(), BUILT_MODULE_DEBOUNCE_MS);
    };
    this.disposables.push(
      workspaceIndex.onDidChange(() => this.refresh()),
      wasmWatcher,
      wasmWatcher.onDidCreate(builtModuleChanged),
      wasmWatcher.onDidChange(builtModuleChanged),
      wasmWatcher.onDidDelete(builtModuleChanged),
      { dispose: () => timer && clearTimeout(timer) },
    );
  }

  /**
   * Recomputes the tree, and tells the view only when what it shows changed (`force`: always, for
   * the Refresh button). Until then the view keeps the elements it has: a refresh arriving while
   * the view fetches children cancels that fetch, and VS Code then showed the built module and
   * Exports with no children, or others' (the build command and the .wasm watcher both refresh).
   */
  refresh(force = false): void {
    if (!this.roots) {
      this.changeEmitter.fire(undefined);
      return;
    }
    const next = this.buildRoots();
    this.pendingRoots = next;
    const settle = (roots?: TreeNode[]): void => {
      if (this.pendingRoots !== next) return;
      this.pendingRoots = undefined;
      if (!force && roots && this.shown !== undefined && treeSignature(roots) === this.shown) return;
      this.roots = next;
      this.changeEmitter.fire(undefined);
    };
    next.then(settle, () => settle());
  }

  setShowStandardLibrary(show: boolean): void {
    this.showStandardLibrary = show;
    void vscode.commands.executeCommand('setContext', SHOWING_STANDARD_LIBRARY, show);
    this.refresh();
  }

  showBuiltModule(file: string): void {
    this.chosenModule = file;
    this.refresh(true);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const state = node.children === undefined
      ? vscode.TreeItemCollapsibleState.None
      : node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = node.icon;
    item.command = node.command;
    if (node.resourceUri) item.resourceUri = node.resourceUri;
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.children ?? [];
    this.roots ??= this.buildRoots();
    const roots = await this.roots;
    this.shown = treeSignature(roots);
    return roots;
  }

  async snapshot(): Promise<WasmimportTreeSnapshotItem[]> {
    await this.workspaceIndex.ready();
    // What the view shows once the refresh in progress (if any) is done.
    await this.pendingRoots?.catch(() => undefined);
    return (await this.getChildren()).map(plainItem);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private async buildRoots(): Promise<TreeNode[]> {
    await this.workspaceIndex.ready();
    const verdicts = this.importVerdicts();
    const index = this.workspaceIndex.index;
    const directives = index.directives();
    const roots: TreeNode[] = [];
    const imports = directives.filter((d) => d.kind === 'wasmimport' && d.name !== undefined);
    if (imports.length) {
      roots.push({ id: 'imports', label: 'Imports', description: `${imports.length}`, icon: new vscode.ThemeIcon('arrow-down'), expanded: true,
        children: importGroups(imports, verdicts, 'imports') });
    }
    const exports = index.exports();
    if (exports.length) {
      roots.push({ id: 'exports', label: 'Exports', description: `${exports.length}`, icon: new vscode.ThemeIcon('export'), expanded: true,
        children: exports.map((d) => directiveNode(d, verdicts, 'exports')) });
    }
    const built = await this.builtModuleRoot(directives, verdicts);
    if (built) roots.push(built);
    if (this.showStandardLibrary) roots.push(await this.standardLibraryRoot(verdicts));
    return roots;
  }

  private async builtModuleRoot(directives: IndexedDirective[], verdicts: ImportVerdicts): Promise<TreeNode | undefined> {
    // A chosen module that has since been deleted gives way to the newest build output.
    if (this.chosenModule && !existsSync(this.chosenModule)) this.chosenModule = undefined;
    const wasmPath = this.chosenModule ?? newestBuiltModule();
    if (!wasmPath) return undefined;
    let standardLibrary: IndexedDirective[] = [];
    if (this.showStandardLibrary) standardLibrary = (await this.workspaceIndex.standardLibraryScan().catch(() => undefined))?.index.directives() ?? [];
    try {
      const module = parseWasmModule(await fs.readFile(wasmPath));
      return builtModuleNode(wasmPath, compareBuiltModule(module, directives, standardLibrary, verdicts.hostModules), verdicts);
    } catch (error) {
      return { id: 'built', label: `Built module: ${path.basename(wasmPath)}`, description: (error as Error).message, tooltip: wasmPath,
        icon: colored('error', 'list.errorForeground') };
    }
  }

  /** Who supplies each import, and the diagnostics' signature check of WASI imports, with the types of each func's package. */
  private importVerdicts(): ImportVerdicts {
    const { index, goVersion } = this.workspaceIndex;
    return {
      hostModules: configuredHostModules(),
      wasiMismatch: (d, spec) => {
        const scan = index.file(d.file)?.scan;
        if (!scan || !d.directive.func) return undefined;
        const scope = goTypeScopeForFile(scan, index.packageTypes(path.dirname(d.file), d.file));
        return wasiSignatureMismatch(spec, checkWasmSignature(d.directive, goVersion, scope));
      },
    };
  }

  private async standardLibraryRoot(verdicts: ImportVerdicts): Promise<TreeNode> {
    let scan: StandardLibraryScan;
    try {
      scan = await this.workspaceIndex.standardLibraryScan();
    } catch (error) {
      return { id: 'stdlib', label: 'Standard library', description: (error as Error).message, icon: colored('error', 'list.errorForeground') };
    }
    const base = path.join(scan.goroot, 'src');
    const inBuild = scan.index.directives().filter((d) => d.inWasip1Build);
    const imports = inBuild.filter((d) => d.kind === 'wasmimport' && d.name !== undefined);
    return {
      id: 'stdlib',
      label: 'Standard library (wasip1 build)',
      description: `${imports.length} imports · ${scan.filesRead} files scanned in ${scan.durationMs.toFixed(0)} ms`,
      tooltip: `${base}: the //go:wasmimport declarations of files GOOS=wasip1 builds compile.`,
      icon: new vscode.ThemeIcon('library'),
      expanded: true,
      children: importGroups(imports, verdicts, 'stdlib', base),
    };
  }
}

/**
 * Before any build there is nothing to show: build a main package (the active editor's, else the
 * workspace's first) rather than open a file picker on an empty folder. Neither built nor
 * cancelled: the user chose to pick a file.
 */
async function offerToBuild(): Promise<{ built?: string; cancelled?: boolean }> {
  const BUILD = 'Build for wasip1';
  const PICK = 'Choose a .wasm file…';
  const choice = await vscode.window.showInformationMessage('No module has been built for wasip1 yet.', BUILD, PICK);
  if (choice === PICK) return {};
  if (choice !== BUILD) return { cancelled: true };
  const editor = vscode.window.activeTextEditor?.document;
  let target = editor?.languageId === 'go' && editor.uri.scheme === 'file' ? editor.uri : undefined;
  if (!target) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const main = folder.uri.scheme === 'file' ? findMainPackages(folder.uri.fsPath, { maxFiles: 5000 })[0] : undefined;
      if (main) {
        target = vscode.Uri.file(main);
        break;
      }
    }
  }
  const result = await vscode.commands.executeCommand<{ wasmPath?: string } | undefined>('wasip1.build', target);
  // A failed build has said why (Problems and a message).
  return result?.wasmPath ? { built: result.wasmPath } : { cancelled: true };
}

export function registerWasmimportTreeView(context: vscode.ExtensionContext): void {
  // Cheap: the workspace is only scanned when the view (or a hover, or diagnostics) first asks.
  const provider = new WasmimportTreeDataProvider(wasmimportWorkspaceIndex(context));
  context.subscriptions.push(
    provider,
    vscode.window.createTreeView(WASMIMPORT_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true }),
    vscode.commands.registerCommand('wasip1.wasmimports.refresh', async () => {
      await wasmimportWorkspaceIndex(context).rescan();
      provider.refresh(true);
    }),
    vscode.commands.registerCommand('wasip1.wasmimports.showStandardLibrary', () => provider.setShowStandardLibrary(true)),
    vscode.commands.registerCommand('wasip1.wasmimports.hideStandardLibrary', () => provider.setShowStandardLibrary(false)),
    vscode.commands.registerCommand('wasip1.showBuiltModule', async (uri?: vscode.Uri) => {
      let file = uri?.scheme === 'file' && uri.fsPath.endsWith('.wasm') ? uri.fsPath : undefined;
      if (!file && !newestBuiltModule()) {
        const offered = await offerToBuild();
        if (offered.cancelled) return;
        file = offered.built;
      }
      if (!file) {
        const picked = await vscode.window.showOpenDialog({
          title: 'Show the built module\'s imports and exports',
          canSelectMany: false,
          filters: { 'WebAssembly module': ['wasm'] },
          defaultUri: newestBuiltModule() ? vscode.Uri.file(newestBuiltModule()!) : vscode.workspace.workspaceFolders?.[0]?.uri,
        });
        file = picked?.[0]?.fsPath;
      }
      if (!file) return;
      // The view is opened, and has its current tree, before the module is added: opened with
      // the built module already in it, VS Code showed other items' children under it (seen in
      // the workbench, scripts/vscode-host/ui-check.mjs), while a refresh of an open view does not.
      await vscode.commands.executeCommand(`${WASMIMPORT_VIEW_ID}.focus`);
      await provider.getChildren();
      provider.showBuiltModule(file);
    }),
    // For tests and scripts: the tree's items as plain data.
    vscode.commands.registerCommand('wasip1.wasmimports.snapshot', () => provider.snapshot()),
  );
  void vscode.commands.executeCommand('setContext', SHOWING_STANDARD_LIBRARY, false);
}
