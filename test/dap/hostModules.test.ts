// The `imports` launch attribute: host modules (.mjs) for a Go program's own //go:wasmimport
// module, loaded by the debug worker; their functions are host calls like WASI's, so function
// breakpoints stop there with the Go stack.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { exitCode, fixture, launch, scopeVariables, startSession, stoppedEvent, topFrames } from './dapHarness';

const hostlog = fixture('dap_hostlog');

describe('wasip1 debug adapter: host modules (imports)', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('a breakpoint on env.host_log stops in the host module call with the Go stack that made it', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program: hostlog, imports: { env: './env.mjs' } }, () =>
      client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'env.host_log' }] }),
    );
    const event = await stopped;
    assert.equal(event.body.reason, 'function breakpoint');
    const frames = await topFrames(client);
    assert.equal(frames[0].name, 'env.host_log');
    const logLine = frames.find((f) => f.name === 'main.logLine');
    assert.ok(logLine, `main.logLine on the stack: ${frames.map((f) => f.name).join(' < ')}`);
    assert.equal(logLine.source?.path, path.join(hostlog, 'main.go'));
    assert.equal(logLine.line, 14, 'the hostLog call');
    const main = frames[frames.indexOf(logLine) + 1];
    assert.equal(main?.name, 'main.main');
    assert.equal(main?.line, 18, 'logLine("first")');
    const call = await scopeVariables(client, /^Host call: host_log/);
    assert.equal(call.find((v) => v.name === 'arg1')?.value, '5', 'len("first")');
    assert.equal(session.output.stdout, undefined, 'stopped before the host function ran');

    // env.* matches the second call too, from line 19.
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'env.*', condition: 'arg1 === 14' }] });
    const again = stoppedEvent(client);
    await client.continueRequest({ threadId: 1 });
    await again;
    assert.equal((await topFrames(client)).find((f) => f.name === 'main.main')?.line, 19);
    assert.equal(session.output.stdout, '[host] first\n');

    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, '[host] first\n[host] second message\nhost counted 5 and 14 bytes\n');
  });

  test('imports in the list form run the program under noDebug', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: hostlog, imports: [`env=${path.join(hostlog, 'env.mjs')}`], noDebug: true });
    assert.equal(await exitCode(dc), 0);
    assert.equal(session.output.stdout, '[host] first\n[host] second message\nhost counted 5 and 14 bytes\n');
  });

  test('without imports the launch fails with one error naming the unresolved import and how to supply it', async () => {
    const session = await startSession();
    dc = session.dc;
    await assert.rejects(launch(dc, { program: hostlog }), (error: Error) => {
      assert.match(error.message, /has 1 import that nothing supplies:\n {2}env\.host_log \(i32, i32\) -> i32: supply "env" with a host module/);
      // An editor's user is told the editor's ways, not the CLI's --import flag.
      assert.match(error.message, /the setting wasip1\.hostModules, e\.g\. \{ "env": "env\.mjs" \}.*or with "imports" in the launch configuration/);
      assert.doesNotMatch(error.message, /--import/);
      return true;
    });
  });

  test('a host module file that does not exist fails the launch, naming the file', async () => {
    const session = await startSession();
    dc = session.dc;
    await assert.rejects(launch(dc, { program: hostlog, imports: { env: 'missing.mjs' } }), (error: Error) => {
      assert.equal(error.message, `host module ${path.join(hostlog, 'missing.mjs')} (for "env"): the file does not exist`);
      return true;
    });
    assert.match(session.output.stderr, /missing\.mjs \(for "env"\): the file does not exist/);
  });
});
