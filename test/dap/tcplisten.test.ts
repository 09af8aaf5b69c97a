// The `tcplisten` launch attribute: a Go net/http server debugged in the host, serving real HTTP
// on loopback through a preopened listening socket.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { createServer } from 'node:net';
import { freePort, get, waitForPort } from '../support/httpLoad';
import { exitCode, fixture, launch, startSession } from './dapHarness';

const server = fixture('hostext_httpserver');

describe('wasip1 debug adapter: tcplisten', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('a Go HTTP server answers requests on the preopened socket and exits cleanly', async () => {
    const port = await freePort();
    const session = await startSession();
    dc = session.dc;
    // The default preopen (the program's folder) is fd 3, so the socket is fd 4.
    await launch(dc, { program: server, args: ['-fd', '4'], tcplisten: [`127.0.0.1:${port}`] });
    await waitForPort(port);
    assert.match(await get(port, '/hello/debugger'), /^hello debugger #1\n$/);
    assert.match(await get(port, '/hello/again'), /^hello again #2\n$/);
    const ended = exitCode(dc);
    await get(port, '/quit');
    assert.equal(await ended, 0);
    assert.match(session.output.console, new RegExp(`Listening on 127\\.0\\.0\\.1:${port}`));
  });

  test('an address that cannot be bound ends the session with one line saying so', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      await new Promise((resolve) => blocker.once('listening', resolve));
      const session = await startSession();
      dc = session.dc;
      const ended = dc.waitForEvent('terminated', 60_000);
      await launch(dc, { program: server, args: ['-fd', '4'], tcplisten: [`127.0.0.1:${port}`] }).catch(() => undefined);
      await ended;
      assert.match(session.output.stderr ?? '', new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is in use`));
    } finally {
      blocker.close();
    }
  });
});
