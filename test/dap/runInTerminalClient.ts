// A DebugClient that is also a terminal: it answers the adapter's `runInTerminal` reverse request
// the way VS Code does, by starting the given command, but with pipes instead of a pty so the test
// can type into the program's terminal and read what it shows.
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/** The testsupport client's internals this subclass hooks: it ignores requests from the adapter. */
interface ProtocolInternals {
  dispatch(body: string): void;
  outputStream: Writable;
}

export interface StartedTerminal {
  request: DebugProtocol.RunInTerminalRequestArguments;
  process: ChildProcessWithoutNullStreams;
  /** Everything the terminal showed on stdout so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the terminal's stdout contains `text`. */
  shows: (text: string, timeoutMs?: number) => Promise<void>;
  exited: Promise<number | null>;
}

export class RunInTerminalClient extends DebugClient {
  private terminalStarted!: (terminal: StartedTerminal) => void;
  /** The terminal the adapter asked for, once it asked. */
  readonly terminal = new Promise<StartedTerminal>((resolve) => (this.terminalStarted = resolve));
  private reverseSeq = 1_000_000;
  readonly children: ChildProcessWithoutNullStreams[] = [];

  constructor(runtime: string, script: string, debugType: string, options: { cwd: string }) {
    super(runtime, script, debugType, options);
    const internals = this as unknown as ProtocolInternals;
    const dispatch = internals.dispatch.bind(this);
    internals.dispatch = (body: string) => {
      const message = JSON.parse(body) as DebugProtocol.ProtocolMessage;
      if (message.type === 'request' && (message as DebugProtocol.Request).command === 'runInTerminal') {
        this.runInTerminal(message as DebugProtocol.RunInTerminalRequest);
      } else {
        dispatch(body);
      }
    };
  }

  /** Initializes as a client with runInTerminal support, then launches (the caller sends configurationDone). */
  async initializeWithTerminal(): Promise<void> {
    await this.initializeRequest({
      adapterID: 'wasip1',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
      supportsRunInTerminalRequest: true,
    });
  }

  override async stop(): Promise<void> {
    await super.stop();
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill();
  }

  private runInTerminal(request: DebugProtocol.RunInTerminalRequest): void {
    const [command, ...args] = request.arguments.args;
    const child = spawn(command, args, {
      cwd: request.arguments.cwd,
      env: { ...process.env, ...(request.arguments.env as Record<string, string> | undefined) },
      stdio: 'pipe',
    });
    this.children.push(child);
    let stdout = '';
    let stderr = '';
    const watchers: (() => void)[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      for (const watcher of watchers.splice(0)) watcher();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const shows = (text: string, timeoutMs = 30_000): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the terminal never showed ${JSON.stringify(text)}; it shows ${JSON.stringify(stdout)} (stderr ${JSON.stringify(stderr)})`)), timeoutMs);
        const check = (): void => {
          if (stdout.includes(text)) {
            clearTimeout(timer);
            resolve();
          } else watchers.push(check);
        };
        check();
      });
    this.reply(request, { processId: child.pid });
    this.terminalStarted({ request: request.arguments, process: child, stdout: () => stdout, stderr: () => stderr, shows, exited });
  }

  private reply(request: DebugProtocol.Request, body: DebugProtocol.RunInTerminalResponse['body']): void {
    const response: DebugProtocol.RunInTerminalResponse = {
      type: 'response',
      seq: this.reverseSeq++,
      request_seq: request.seq,
      command: request.command,
      success: true,
      body,
    };
    const json = JSON.stringify(response);
    (this as unknown as ProtocolInternals).outputStream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
  }
}
