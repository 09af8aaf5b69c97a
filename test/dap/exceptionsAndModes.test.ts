// Exception filters (wasm trap, non-zero exit), stop on entry, noDebug, and breakpoint validation.
import { describe, test, afterEach, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exitCode, fixture, launch, scopeVariables, startSession, stoppedEvent, topFrames } from './dapHarness';

/**
 * The smallest WASI command that traps: it exports memory and a `_start` whose body is
 * `unreachable`. Go programs panic rather than trap, so this is hand-assembled.
 */
function trappingModule(): Uint8Array {
  const exportName = (name: string) => [name.length, ...Buffer.from(name)];
  const exportsBody = [2, ...exportName('memory'), 0x02, 0, ...exportName('_start'), 0x00, 0];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
    0x03, 0x02, 0x01, 0x00, // one function of type 0
    0x05, 0x03, 0x01, 0x00, 0x01, // one memory, 1 page
    0x07, exportsBody.length, ...exportsBody,
    0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // code: no locals, unreachable, end
  ]);
}

describe('wasip1 debug adapter: exception filters and launch modes', () => {
  let dc: DebugClient | undefined;
  let trapWasm: string;
  before(() => {
    trapWasm = path.join(mkdtempSync(path.join(os.tmpdir(), 'wasip1-dap-')), 'trap.wasm');
    writeFileSync(trapWasm, trappingModule());
  });
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('a wasm trap stops post-mortem with the trap named, memory still readable', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program: trapWasm }, () => client.setExceptionBreakpointsRequest({ filters: ['trap'] }));
    const event = await stopped;
    assert.equal(event.body.reason, 'exception');
    assert.match(event.body.description ?? '', /^wasm trap: unreachable/);
    const memory = (await client.send('readMemory', { memoryReference: 'memory', offset: 0, count: 16 } satisfies DebugProtocol.ReadMemoryArguments)) as DebugProtocol.ReadMemoryResponse;
    assert.deepEqual([...Buffer.from(memory.body?.data ?? '', 'base64')], new Array(16).fill(0));
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 134);
    assert.match(session.output.stderr, /wasm trap \(unreachable\)/);
  });

  test('the non-zero exit filter stops at proc_exit(3) before the program ends', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program: fixture('dap_exit3') }, () => client.setExceptionBreakpointsRequest({ filters: ['nonzeroExit'] }));
    const event = await stopped;
    assert.equal(event.body.description, 'exit status 3');
    const call = await scopeVariables(client, /^Host call: proc_exit/);
    assert.equal(call.find((v) => v.name === 'rval')?.value, '3');
    assert.ok((await topFrames(client)).some((f) => f.name === 'main.main' && f.line === 11), 'os.Exit is called at main.go:11');
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 3);
  });

  test('stopOnEntry stops at the first host call; a hit count stops at the Nth matching call', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const entry = stoppedEvent(client);
    await launch(client, { program: fixture('hello'), args: ['a', 'b'], stopOnEntry: true });
    assert.equal((await entry).body.reason, 'entry');
    assert.equal(session.output.stdout, undefined, 'nothing printed yet');
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'fd_write', condition: 'fd === 1', hitCondition: '3' }] });
    const third = stoppedEvent(client);
    await client.continueRequest({ threadId: 1 });
    await third;
    const call = await scopeVariables(client, /^Host call: fd_write/);
    assert.equal(call.find((v) => v.name === 'iovs')?.value, JSON.stringify('arg[1]=b\n'));
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
  });

  test('noDebug runs straight through breakpoints; a bad condition is reported unverified', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    let stops = 0;
    client.on('stopped', () => stops++);
    let answer: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
    await launch(client, { program: fixture('hello'), noDebug: true }, async () => {
      answer = await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '*' }, { name: 'fd_write', condition: 'fd ===' }] });
    });
    assert.equal(await exitCode(client), 0);
    assert.equal(stops, 0);
    assert.equal(session.output.stdout, 'hello from wasip1\n');
    assert.equal(answer?.body.breakpoints[0].verified, true);
    assert.equal(answer?.body.breakpoints[1].verified, false);
    assert.match(answer?.body.breakpoints[1].message ?? '', /invalid expression/);
  });
});
