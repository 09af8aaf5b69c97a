// Keeps the workspace's //go:wasmimport index current: one background scan when first asked for,
// then one file at a time from the file watcher and from unsaved editor text (debounced), plus the
// standard library's declarations on request. The tree, hovers and diagnostics share this one index.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WasmimportIndex, type IndexedGoFile } from '../goscan/wasmimportIndex';
import type { GoLanguageVersion as GoVersion } from '../gotool/goVersion';
import { findWorkspaceGo } from './goToolchain';

/** Used when no Go is found: the rules of the newest release, so nothing valid is flagged. */
const FALLBACK_GO_VERSION: GoVersion = { major: 1, minor: 26 };
const EDIT_DEBOUNCE_MS = 300;
const WATCH_DEBOUNCE_MS = 200;
const GO_FILE_EXCLUDES = '**/{node_modules,vendor,testdata,.git}/**';
const EXCLUDED_DIR = /[\\/](node_modules|vendor|testdata|\.git)[\\/]/;
/** Parallel file reads of the GOROOT scan: enough to keep the disk busy, few enough not to stall the host. */
const READ_BATCH = 128;

export interface StandardLibraryScan {
  goroot: string;
  index: WasmimportIndex;
  filesRead: number;
  durationMs: number;
}

export function configuredBuildTags(folder?: vscode.WorkspaceFolder): string[] {
  return (vscode.workspace.getConfiguration('go', folder).get<string>('buildTags') ?? '').split(/[ ,]+/).filter(Boolean);
}

async function goFilesUnder(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const subdirs: Promise<void>[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) subdirs.push(goFilesUnder(full, out));
    else if (entry.name.endsWith('.go')) out.push(full);
  }
  await Promise.all(subdirs);
}

export class WasmimportWorkspaceIndex implements vscode.Disposable {
  readonly index = new WasmimportIndex({ goMinor: FALLBACK_GO_VERSION.minor });
  goVersion: GoVersion = FALLBACK_GO_VERSION;
  /** Set once the first workspace scan has finished. */
  initialScanMs?: number;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires after the index changed (debounced edits included). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private initialScan?: Promise<void>;
  private standardLibrary?: Promise<StandardLibraryScan>;
  private readonly pendingDocuments = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly pendingFiles = new Set<string>();
  private watchTimer?: ReturnType<typeof setTimeout>;

  /** Starts the background scan and the watchers; idempotent, and cheap to call from every feature. */
  ready(): Promise<void> {
    if (!this.initialScan) {
      this.watch();
      this.initialScan = this.scanWorkspace();
    }
    return this.initialScan;
  }

  /** Forgets everything and scans the workspace again (the Refresh button). */
  async rescan(): Promise<void> {
    await this.ready();
    this.initialScan = this.scanWorkspace();
    await this.initialScan;
  }

  /** GOROOT/src's declarations, scanned once in the background on first request. */
  standardLibraryScan(): Promise<StandardLibraryScan> {
    this.standardLibrary ??= this.scanStandardLibrary();
    this.standardLibrary.catch(() => (this.standardLibrary = undefined));
    return this.standardLibrary;
  }

  /** The index entry of a file, from the latest text the editor or the disk had. */
  fileEntry(file: string): IndexedGoFile | undefined {
    return this.index.file(file);
  }

  dispose(): void {
    for (const timer of this.pendingDocuments.values()) clearTimeout(timer);
    if (this.watchTimer) clearTimeout(this.watchTimer);
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private async scanWorkspace(): Promise<void> {
    const started = performance.now();
    await this.refreshGoVersion();
    const uris = await vscode.workspace.findFiles('**/*.go', GO_FILE_EXCLUDES);
    this.index.clear();
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d]));
    for (let i = 0; i < uris.length; i += READ_BATCH) {
      await Promise.all(uris.slice(i, i + READ_BATCH).map(async (uri) => {
        const document = open.get(uri.fsPath);
        const text = document ? document.getText() : await readText(uri);
        if (text !== undefined) this.index.update(uri.fsPath, text);
      }));
    }
    this.initialScanMs = performance.now() - started;
    this.changeEmitter.fire();
  }

  private async refreshGoVersion(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    try {
      const go = await findWorkspaceGo(folder);
      this.goVersion = { major: go.version.major, minor: go.version.minor };
    } catch {
      this.goVersion = FALLBACK_GO_VERSION;
    }
    this.index.setOptions({ goMinor: this.goVersion.minor, buildTags: configuredBuildTags(folder) });
  }

  private async scanStandardLibrary(): Promise<StandardLibraryScan> {
    const go = await findWorkspaceGo(vscode.workspace.workspaceFolders?.[0]);
    const goroot = go.env.GOROOT;
    if (!goroot) throw new Error(`${go.binary} reports no GOROOT`);
    const started = performance.now();
    const files: string[] = [];
    await goFilesUnder(path.join(goroot, 'src'), files);
    const index = new WasmimportIndex({ goMinor: go.version.minor });
    for (let i = 0; i < files.length; i += READ_BATCH) {
      await Promise.all(files.slice(i, i + READ_BATCH).map(async (file) => {
        // Test files and testdata declare fakes that no program links.
        if (file.endsWith('_test.go') || file.includes(`${path.sep}testdata${path.sep}`)) return;
        const text = await fs.readFile(file, 'utf8').catch(() => undefined);
        if (text !== undefined) index.update(file, text);
      }));
    }
    return { goroot, index, filesRead: files.length, durationMs: performance.now() - started };
  }

  private watch(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.go');
    const queue = (uri: vscode.Uri): void => {
      if (uri.scheme !== 'file' || EXCLUDED_DIR.test(uri.fsPath)) return;
      this.pendingFiles.add(uri.fsPath);
      if (this.watchTimer) clearTimeout(this.watchTimer);
      this.watchTimer = setTimeout(() => void this.flushFiles(), WATCH_DEBOUNCE_MS);
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(queue),
      watcher.onDidChange(queue),
      watcher.onDidDelete(queue),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'go' && event.document.uri.scheme === 'file' && event.contentChanges.length) {
          this.queueDocument(event.document);
        }
      }),
      // Closing an unsaved editor reverts to what is on disk.
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.languageId === 'go' && document.uri.scheme === 'file') queue(document.uri);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (['wasip1.goPath', 'go.alternateTools', 'go.goroot', 'go.buildTags'].some((key) => event.affectsConfiguration(key))) {
          this.standardLibrary = undefined;
          void this.refreshGoVersion().then(() => this.changeEmitter.fire());
        } else if (event.affectsConfiguration('wasip1.hostModules')) {
          this.changeEmitter.fire();
        }
      }),
    );
  }

  private queueDocument(document: vscode.TextDocument): void {
    const file = document.uri.fsPath;
    const pending = this.pendingDocuments.get(file);
    if (pending) clearTimeout(pending);
    this.pendingDocuments.set(file, setTimeout(() => {
      this.pendingDocuments.delete(file);
      if (this.index.update(file, document.getText())) this.changeEmitter.fire();
    }, EDIT_DEBOUNCE_MS));
  }

  private async flushFiles(): Promise<void> {
    const files = [...this.pendingFiles];
    this.pendingFiles.clear();
    let changed = false;
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.fsPath, d]));
    for (const file of files) {
      const document = open.get(file);
      // An open editor's text is newer than the disk's, saved or not.
      const text = document && !document.isClosed ? document.getText() : await readText(vscode.Uri.file(file));
      if (text === undefined) changed = this.index.remove(file) || this.index.removeUnder(file) || changed;
      else changed = this.index.update(file, text) || changed;
    }
    if (changed) this.changeEmitter.fire();
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return await fs.readFile(uri.fsPath, 'utf8');
  } catch {
    return undefined;
  }
}

let shared: WasmimportWorkspaceIndex | undefined;

/** The one index of the window, created on first use so activation stays cheap. */
export function wasmimportWorkspaceIndex(context: vscode.ExtensionContext): WasmimportWorkspaceIndex {
  if (!shared) {
    shared = new WasmimportWorkspaceIndex();
    const created = shared;
    context.subscriptions.push(created, { dispose: () => { if (shared === created) shared = undefined; } });
  }
  return shared;
}
