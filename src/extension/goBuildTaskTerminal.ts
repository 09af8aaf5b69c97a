// The terminal of a wasip1 build task: runs `go build` as the task's process would, its output
// unchanged (the task's problem matcher reads it), and then says where the module went, which a
// silent `go build` never does. Closing the task's terminal stops go.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runGo } from '../gotool/runGo';

const CLOSE_AFTER_LAST_LINE_MS = 100;

export function goBuildTaskExecution(go: string, args: string[], options: { cwd: string; env: Record<string, string>; output: string }): vscode.CustomExecution {
  return new vscode.CustomExecution(async () => new GoBuildTaskTerminal(go, args, options));
}

class GoBuildTaskTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  private readonly abort = new AbortController();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;

  constructor(
    private readonly go: string,
    private readonly args: string[],
    private readonly options: { cwd: string; env: Record<string, string>; output: string },
  ) {}

  open(): void {
    const { cwd, env, output } = this.options;
    this.written.fire(`> go ${this.args.join(' ')}\r\n`);
    void runGo(this.go, this.args, { cwd, env, signal: this.abort.signal, onOutput: (chunk) => this.written.fire(chunk.replace(/\r?\n/g, '\r\n')) }).then((run) => {
      if (run.exitCode === 0) {
        const written = path.resolve(cwd, output);
        let size = '';
        try {
          size = ` (${(statSync(written).size / (1024 * 1024)).toFixed(1)} MiB)`;
        } catch {
          // go said it succeeded; the size is only a courtesy.
        }
        this.written.fire(`Built ${written}${size}\r\n`);
      } else if (run.spawnError) {
        this.written.fire(`Could not start ${this.go}: ${run.spawnError.message}\r\n`);
      } else if (!this.abort.signal.aborted) {
        this.written.fire(`go build failed (exit status ${run.exitCode ?? 1})\r\n`);
      }
      // The problem matcher reads lines once the terminal has parsed them, which it does after our
      // writes return: closed at once, a loaded editor ended the task before its last error line.
      setTimeout(() => this.closed.fire(run.exitCode ?? 1), CLOSE_AFTER_LAST_LINE_MS);
    });
  }

  close(): void {
    this.abort.abort();
  }
}
