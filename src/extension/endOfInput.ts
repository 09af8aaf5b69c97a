// Ends the running program's stdin from the editor: the Debug Console has no way to type an end of
// file, so a program reading to the end (io.ReadAll(os.Stdin)) would wait forever. Bound to Ctrl+D
// in the console's input, the debug toolbar and the palette while a wasip1 session is focused.
import * as vscode from 'vscode';
import { STDIN_REQUEST } from '../debug/wasip1DebugSession';
import { WASIP1_DEBUG_TYPE } from './wasip1DebugConfiguration';

export const END_OF_INPUT_COMMAND = 'wasip1.endOfInput';

/** wasip1 sessions running now, the latest last. */
const running: vscode.DebugSession[] = [];

/**
 * The focused session when it is a wasip1 one, else the latest running wasip1 session: the palette
 * and the toolbar act on what the user sees, and the focus may not have reached a session that just
 * started (or may sit on another debugger's session).
 */
function targetSession(): vscode.DebugSession | undefined {
  const active = vscode.debug.activeDebugSession;
  if (active?.type === WASIP1_DEBUG_TYPE) return active;
  return running.at(-1);
}

async function sendEndOfInput(session = targetSession()): Promise<boolean> {
  if (session?.type !== WASIP1_DEBUG_TYPE) {
    void vscode.window.showInformationMessage('No wasip1 program is running: nothing to send the end of input to.');
    return false;
  }
  try {
    await session.customRequest(STDIN_REQUEST, { end: true });
  } catch (error) {
    void vscode.window.showErrorMessage((error as Error).message);
    return false;
  }
  vscode.window.setStatusBarMessage('wasip1: end of input sent to the program', 3000);
  return true;
}

export function registerEndOfInput(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(END_OF_INPUT_COMMAND, () => sendEndOfInput()),
    vscode.debug.onDidStartDebugSession((session) => {
      if (session.type === WASIP1_DEBUG_TYPE) running.push(session);
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const index = running.indexOf(session);
      if (index >= 0) running.splice(index, 1);
    }),
  );
}
