// What the user sees while Run or Debug builds the program, which on a cold cache takes seconds
// during which VS Code itself shows nothing (it opens the Debug Console only once the launch has
// answered): the console at once, where the adapter's "Building …" line is the first, a status
// bar progress naming the package (from the click, for Run and Debug), and after a moment a
// notification whose Cancel stops the session.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WASIP1_DEBUG_TYPE } from './wasip1DebugConfiguration';

/** A build shorter than this is over before a notification could be read. */
const NOTIFICATION_DELAY_MS = 1500;

interface DapMessage {
  type: string;
  command?: string;
  event?: string;
  arguments?: { program?: string; console?: string; internalConsoleOptions?: string };
}

function shownPackage(program: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(program));
  const relative = folder ? path.relative(folder.uri.fsPath, program).split(path.sep).join('/') : '';
  return folder ? (relative === '' ? '.' : `./${relative}`) : program;
}

/** Opens the Debug Console now, as VS Code would once the launch answered, unless the user or the launch said not to. */
function openDebugConsole(launch: { console?: string; internalConsoleOptions?: string } | undefined): void {
  const consoleOption = launch?.internalConsoleOptions ?? vscode.workspace.getConfiguration('debug').get<string>('internalConsoleOptions');
  if ((launch?.console ?? 'debugConsole') === 'debugConsole' && consoleOption !== 'neverOpen') {
    void vscode.commands.executeCommand('workbench.panel.repl.view.focus');
  }
}

/**
 * Run, Debug and the CodeLens start a session through this: before our adapter hears of it, VS Code
 * may spend seconds activating debug extensions, so the progress starts with the click.
 */
export function startDebuggingWithProgress(folder: vscode.WorkspaceFolder | undefined, configuration: vscode.DebugConfiguration, options: vscode.DebugSessionOptions): Thenable<boolean> {
  openDebugConsole({ console: configuration.console, internalConsoleOptions: configuration.internalConsoleOptions });
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Starting ${configuration.name}` },
    () => vscode.debug.startDebugging(folder, configuration, options));
}

/** Shows one build of a session until `done` resolves. */
function showBuild(session: vscode.DebugSession, launch: DapMessage['arguments'] & { program: string }, done: Promise<void>): void {
  openDebugConsole(launch);
  const title = `Building ${shownPackage(launch.program)} for wasip1`;
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => done);
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      token.onCancellationRequested(() => void vscode.debug.stopDebugging(session));
      return done;
    });
  }, NOTIFICATION_DELAY_MS);
  void done.then(() => clearTimeout(timer));
}

class BuildProgressTracker implements vscode.DebugAdapterTracker {
  private finishBuild: (() => void) | undefined;

  constructor(private readonly session: vscode.DebugSession) {}

  onWillReceiveMessage(message: DapMessage): void {
    if (message.type !== 'request' || (message.command !== 'launch' && message.command !== 'restart')) return;
    // restart carries the configuration under arguments.arguments.
    const launch = (message.command === 'restart' ? (message.arguments as { arguments?: DapMessage['arguments'] } | undefined)?.arguments : message.arguments)
      ?? this.session.configuration;
    const program = launch?.program;
    if (typeof program !== 'string' || program.endsWith('.wasm')) return;
    this.finish();
    showBuild(this.session, { ...launch, program }, new Promise<void>((resolve) => (this.finishBuild = resolve)));
  }

  onDidSendMessage(message: DapMessage): void {
    // The launch answers once the program runs, or with why it cannot; either way the build is over.
    if ((message.type === 'response' && (message.command === 'launch' || message.command === 'restart')) || message.event === 'terminated') this.finish();
  }

  onExit(): void {
    this.finish();
  }

  onWillStopSession(): void {
    this.finish();
  }

  private finish(): void {
    this.finishBuild?.();
    this.finishBuild = undefined;
  }
}

export function registerBuildProgress(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.debug.registerDebugAdapterTrackerFactory(WASIP1_DEBUG_TYPE, {
    createDebugAdapterTracker: (session) => new BuildProgressTracker(session),
  }));
}
