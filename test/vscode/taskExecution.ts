// Runs a task and resolves with its process's exit code. Not a test file: index.ts loads only *.test.js.
import * as vscode from 'vscode';

export function runTask(task: vscode.Task): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    let execution: vscode.TaskExecution | undefined;
    // A fast task can end before executeTask's promise resolves: keep those events until we know ours.
    const early: vscode.TaskProcessEndEvent[] = [];
    const listener = vscode.tasks.onDidEndTaskProcess((event) => {
      if (!execution) early.push(event);
      else if (event.execution === execution) {
        listener.dispose();
        resolve(event.exitCode);
      }
    });
    vscode.tasks.executeTask(task).then((started) => {
      execution = started;
      const ended = early.find((event) => event.execution === started);
      if (ended) {
        listener.dispose();
        resolve(ended.exitCode);
      }
    }, reject);
  });
}
