// End of input from the Debug Console: the first stdin read says how to send input and end it, once,
// and the wasip1.stdin request's { end: true } (what Ctrl+D in the console sends) lets a program
// that reads to the end finish. A program that never reads stdin gets no such line.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exitCode, fixture, launch, startSession } from './dapHarness';

const HINT = /The program reads stdin: type a line in the Debug Console to send it; Ctrl\+D there \(or "wasip1: Send end of input"\) ends the input\./g;

/** Resolves at the first console output matching `pattern`. */
function consoleLine(dc: DebugClient, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const listener = (event: DebugProtocol.OutputEvent): void => {
      if (event.body.category !== 'console' || !pattern.test(event.body.output)) return;
      dc.removeListener('output', listener);
      resolve();
    };
    dc.on('output', listener);
  });
}

describe('wasip1 debug adapter: end of input', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('the first stdin read is announced once, and end of input lets the program finish', async () => {
    const session = await startSession();
    dc = session.dc;
    const announced = consoleLine(session.dc, /The program reads stdin/);
    await launch(dc, { program: fixture('dap_stdin'), noDebug: true });
    await announced;
    const ended = exitCode(dc);
    await dc.evaluateRequest({ expression: 'one', context: 'repl' });
    await dc.evaluateRequest({ expression: 'two', context: 'repl' });
    await dc.customRequest('wasip1.stdin', { end: true });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, 'ONE\nTWO\n2 lines\n');
    assert.equal(session.output.console.match(HINT)?.length, 1, session.output.console);
  });

  test('a program that never reads stdin is not told about it', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fixture('hello'), noDebug: true });
    assert.equal(await exitCode(dc), 0);
    assert.doesNotMatch(session.output.console, HINT);
  });

  test('Stop says the status the program ended with', async () => {
    const session = await startSession();
    dc = session.dc;
    const announced = consoleLine(session.dc, /The program reads stdin/);
    await launch(dc, { program: fixture('dap_stdin'), noDebug: true });
    await announced;
    const terminated = dc.waitForEvent('terminated', 10_000);
    await dc.terminateRequest();
    await terminated;
    assert.match(session.output.console, /Process terminated by the debugger \(exit status 143\)/);
  });
});
