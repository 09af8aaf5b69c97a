// Watches the next wasip1 debug sessions through a DebugAdapterTracker: what the adapter says to
// VS Code (output, exit code, the launch's answer), as a user sees it in the Debug Console and
// dialogs. Not a test file: index.ts loads only *.test.js.
import * as vscode from 'vscode';

export interface ObservedSession {
  output: string;
  exitCode?: number;
  /** The launch request's error response, when the launch failed. */
  launchError?: { message?: string; showUser?: boolean };
  /** The session's configuration as the adapter received it (after the extension resolved it). */
  launchArguments?: Record<string, unknown>;
  session?: vscode.DebugSession;
  /** Every event the adapter sent, in order. */
  events: Message[];
  /** The command of every request VS Code sent, in order. */
  requests: string[];
}

export interface Message {
  type: string;
  event?: string;
  command?: string;
  success?: boolean;
  message?: string;
  arguments?: Record<string, unknown>;
  body?: {
    category?: string; output?: string; exitCode?: number; error?: { format?: string; showUser?: boolean };
    reason?: string; threadId?: number; breakpoint?: { verified?: boolean; line?: number };
  };
}

/**
 * Observes wasip1 sessions from now on; `ended` settles when the first one ends, `stopped` at its
 * first stop, with the thread that stopped.
 */
export function observeNextSession(onOutput?: (text: string, session: vscode.DebugSession) => void): { observed: ObservedSession; ended: Promise<void>; stopped: Promise<number>; dispose(): void } {
  const observed: ObservedSession = { output: '', events: [], requests: [] };
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  let stop!: (threadId: number) => void;
  const stopped = new Promise<number>((resolve) => (stop = resolve));
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('wasip1', {
    createDebugAdapterTracker: (session) => {
      observed.session = session;
      return {
        onWillReceiveMessage: (message: Message) => {
          if (message.type !== 'request' || !message.command) return;
          observed.requests.push(message.command);
          if (message.command === 'launch') observed.launchArguments = message.arguments;
        },
        onDidSendMessage: (message: Message) => {
          if (message.type === 'response' && message.command === 'launch' && !message.success) {
            observed.launchError = { message: message.body?.error?.format ?? message.message, showUser: message.body?.error?.showUser };
          }
          if (message.type !== 'event') return;
          observed.events.push(message);
          if (message.event === 'stopped') stop(message.body?.threadId ?? 1);
          if (message.event === 'output' && message.body?.category !== 'telemetry') {
            observed.output += message.body?.output ?? '';
            onOutput?.(message.body?.output ?? '', session);
          }
          if (message.event === 'exited') observed.exitCode = message.body?.exitCode;
          if (message.event === 'terminated') finish();
        },
        onExit: () => finish(),
      };
    },
  });
  return { observed, ended, stopped, dispose: () => registration.dispose() };
}
