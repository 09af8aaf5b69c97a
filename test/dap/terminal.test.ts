// console: "integratedTerminal" / "externalTerminal": the program's stdio in a terminal the client
// opens through runInTerminal, with the terminal bridge process carrying the bytes.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { exitCode, fixture, launch, startSession, type Session } from './dapHarness';
import { RunInTerminalClient } from './runInTerminalClient';

function startTerminalSession(): Promise<Session<RunInTerminalClient>> {
  return startSession(RunInTerminalClient);
}

async function launchInTerminal(dc: RunInTerminalClient, args: Record<string, unknown>): Promise<void> {
  await dc.initializeWithTerminal();
  const launched = dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  await launched;
}

describe('wasip1 debug adapter: program in a terminal (runInTerminal)', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('the program reads lines typed into the terminal and answers each before the next; Ctrl-D ends its input', async () => {
    const session = await startTerminalSession();
    dc = session.dc;
    const ended = exitCode(session.dc);
    await launchInTerminal(session.dc, { program: fixture('dap_stdin'), console: 'integratedTerminal' });
    const terminal = await session.dc.terminal;
    assert.equal(terminal.request.kind, 'integrated');
    assert.equal(terminal.request.cwd, fixture('dap_stdin'));
    assert.match(terminal.request.args.join(' '), /debugAdapter\.js --terminal-bridge \d+ [0-9a-f]{48}$/);

    terminal.process.stdin.write('hello\n');
    await terminal.shows('HELLO\n');
    // Interactive: the second line is typed only after the first was answered.
    terminal.process.stdin.write('second line\n');
    await terminal.shows('SECOND LINE\n');
    terminal.process.stdin.end();
    await terminal.shows('2 lines\n');

    assert.equal(await ended, 0);
    assert.equal(await terminal.exited, 0, 'the bridge exits with the program\'s status');
    assert.equal(terminal.stdout(), 'HELLO\nSECOND LINE\n2 lines\n', 'the terminal shows only the program\'s output');
    assert.equal(session.output.stdout, undefined, 'nothing of stdout went to the Debug Console');
  });

  test('an external terminal gets the program\'s exit status, stderr apart from stdout', async () => {
    const session = await startTerminalSession();
    dc = session.dc;
    const ended = exitCode(session.dc);
    await launchInTerminal(session.dc, { program: fixture('dap_exit3'), console: 'externalTerminal' });
    const terminal = await session.dc.terminal;
    assert.equal(terminal.request.kind, 'external');
    assert.equal(await ended, 3);
    assert.equal(await terminal.exited, 3);
    assert.equal(terminal.stdout(), 'exiting with 3\n');
    assert.equal(terminal.stderr(), '');
  });

  test('closing the terminal gives the program end of input, and its later output reaches the Debug Console', async () => {
    const session = await startTerminalSession();
    dc = session.dc;
    const ended = exitCode(session.dc);
    await launchInTerminal(session.dc, { program: fixture('dap_stdin'), console: 'integratedTerminal' });
    const terminal = await session.dc.terminal;
    terminal.process.stdin.write('only line\n');
    await terminal.shows('ONLY LINE\n');
    terminal.process.kill('SIGKILL');
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, '1 lines\n');
    assert.match(session.output.console, /The terminal was closed/);
  });

  test('Ctrl-C in the terminal ends the program, which cannot take signals, and the session', async () => {
    const session = await startTerminalSession();
    dc = session.dc;
    const terminated = session.dc.waitForEvent('terminated', 120_000);
    await launchInTerminal(session.dc, { program: fixture('dap_stdin'), console: 'integratedTerminal' });
    const terminal = await session.dc.terminal;
    terminal.process.stdin.write('before\n');
    await terminal.shows('BEFORE\n');
    terminal.process.kill('SIGINT');
    await terminated;
    assert.equal(await terminal.exited, 130);
    assert.equal(terminal.stdout(), 'BEFORE\n');
    assert.match(session.output.console, /Process terminated/);
  });

  test('a client without runInTerminal keeps the program on the Debug Console and says so', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const ended = exitCode(client);
    await launch(client, { program: fixture('dap_stdin'), console: 'integratedTerminal' });
    await client.evaluateRequest({ expression: 'typed in the console', context: 'repl' });
    await client.customRequest('wasip1.stdin', { end: true });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, 'TYPED IN THE CONSOLE\n1 lines\n');
    assert.match(session.output.console, /console "integratedTerminal": this client cannot run a command in a terminal \(no runInTerminal support\); using the Debug Console/);
  });
});
