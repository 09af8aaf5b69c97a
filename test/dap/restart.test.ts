// restart: the program is ended, rebuilt and started again within the same debug session.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exitCode, fixture, startSession, stoppedEvent } from './dapHarness';

describe('wasip1 debug adapter: restart', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('restart rebuilds and relaunches the edited configuration, keeping the session and its breakpoints', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    let terminatedEvents = 0;
    client.on('terminated', () => terminatedEvents++);
    const initialize = await client.initializeRequest();
    assert.equal(initialize.body?.supportsRestartRequest, true);

    const first = stoppedEvent(client);
    const launched = client.launchRequest({ program: fixture('hello'), args: ['first'] } as DebugProtocol.LaunchRequestArguments);
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'fd_write', condition: 'iovs.startsWith("arg[0]")' }] });
    await client.configurationDoneRequest();
    await launched;
    await first;
    assert.equal(session.output.stdout, 'hello from wasip1\n');

    const second = stoppedEvent(client);
    await client.send('restart', { arguments: { type: 'wasip1', request: 'launch', program: fixture('hello'), args: ['second'] } as DebugProtocol.LaunchRequestArguments });
    const stop = await second;
    assert.equal(stop.body.reason, 'function breakpoint', 'the breakpoint set before the restart still holds');
    assert.equal(terminatedEvents, 0, 'the session did not end');
    assert.equal((session.output.console.match(/Building /g) ?? []).length, 2, 'built again');

    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, 'hello from wasip1\nhello from wasip1\narg[0]=second\n', 'the first run never printed its argument');
    assert.equal(terminatedEvents, 1);
  });
});
