// Stopping a Go wasip1 program at host calls: function breakpoints (plain, conditional), stepping
// over a call to see its result, Go panics, memory reads, and the Go stack with source lines.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exitCode, fixture, launch, scopeVariables, startSession, stoppedEvent, topFrames } from './dapHarness';

const fswalk = fixture('dap_fswalk');

describe('wasip1 debug adapter: breakpoints and inspection', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  test('a function breakpoint on fd_write stops with main.main and its source line on the stack', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program: fswalk }, () => client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'fd_write' }] }));
    const event = await stopped;
    assert.equal(event.body.reason, 'function breakpoint');
    const frames = await topFrames(client);
    assert.equal(frames[0].name, 'wasi_snapshot_preview1.fd_write');
    const main = frames.find((f) => f.name === 'main.main');
    assert.ok(main, `main.main on the stack: ${frames.map((f) => f.name).join(' < ')}`);
    assert.equal(main.source?.path, path.join(fswalk, 'main.go'));
    assert.equal(main.line, 16, 'the fmt.Printf line');
    const call = await scopeVariables(client, /^Host call: fd_write/);
    assert.equal(call.find((v) => v.name === 'fd')?.value, '1 (stdout)');
    assert.equal(call.find((v) => v.name === 'iovs')?.value, JSON.stringify('config: answer=42\n'));

    // The second fd_write comes from main.greet, called at line 17, writing at line 21.
    const again = stoppedEvent(client);
    await client.continueRequest({ threadId: 1 });
    await again;
    const second = await topFrames(client);
    const greet = second.find((f) => f.name === 'main.greet');
    assert.equal(greet?.line, 21);
    assert.equal(second[second.indexOf(greet as (typeof second)[number]) + 1]?.name, 'main.main');
    assert.equal(second[second.indexOf(greet as (typeof second)[number]) + 1]?.line, 17);

    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, 'config: answer=42\ndone\n');
  });

  test('a conditional breakpoint on path_open stops only for the matching path; next shows the result', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program: fswalk }, async () => {
      const response = await client.setFunctionBreakpointsRequest({
        breakpoints: [
          { name: 'path_open', condition: 'path.includes("nothing-like-this")' },
          { name: 'wasi_snapshot_preview1.path_open', condition: 'path.includes("config")' },
        ],
      });
      assert.ok(response.body.breakpoints.every((b) => b.verified));
    });
    const event = await stopped;
    assert.equal(event.body.hitBreakpointIds?.length, 1);
    const call = await scopeVariables(client, /^Host call: path_open/);
    assert.equal(call.find((v) => v.name === 'path')?.value, '"config.txt"');
    assert.match(call.find((v) => v.name === 'oflags')?.value ?? '', /^0$|^[A-Z|]+$/);

    const stepped = stoppedEvent(client);
    await client.nextRequest({ threadId: 1 });
    assert.equal((await stepped).body.reason, 'step');
    const previous = await scopeVariables(client, /^Previous call: path_open/);
    assert.equal(previous.find((v) => v.name === 'errno')?.value, 'SUCCESS');
    const openedFd = Number(previous.find((v) => v.name === 'opened_fd (out)')?.value);
    const process = await scopeVariables(client, /^Process$/);
    const fdsRef = process.find((v) => v.name === 'fds')?.variablesReference ?? 0;
    const fds = (await client.variablesRequest({ variablesReference: fdsRef })).body.variables;
    assert.match(fds.find((v) => Number(v.name) === openedFd)?.value ?? '', /config\.txt/, 'the new fd is in the fd table');

    const ended = exitCode(client);
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
  });

  test('readMemory returns the bytes fd_write is about to write', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program: fswalk }, () => client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'fd_write' }] }));
    await stopped;
    const call = await scopeVariables(client, /^Host call: fd_write/);
    const iovs = call.find((v) => v.name === 'iovs');
    assert.ok(iovs?.memoryReference, 'iovs carries a memory reference');
    const iovec = await readMemory(client, { memoryReference: iovs.memoryReference, count: 8 });
    const record = Buffer.from(iovec.body?.data ?? '', 'base64');
    assert.equal(record.length, 8);
    const [buf, len] = [record.readUInt32LE(0), record.readUInt32LE(4)];
    const bytes = await readMemory(client, { memoryReference: 'memory', offset: buf, count: len });
    assert.equal(Buffer.from(bytes.body?.data ?? '', 'base64').toString(), 'config: answer=42\n');

    // Writing guest memory changes what the program prints.
    await client.send('writeMemory', { memoryReference: 'memory', offset: buf, data: Buffer.from('C').toString('base64') } satisfies DebugProtocol.WriteMemoryArguments);
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, 'Config: answer=42\ndone\n');
  });

  test('a Go panic stops as an exception showing the panic and the panicking function', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program: fixture('dap_panic') }, () => client.setExceptionBreakpointsRequest({ filters: ['panic'] }));
    const event = await stopped;
    assert.equal(event.body.reason, 'exception');
    assert.match(event.body.description ?? '', /^panic: runtime error: index out of range \[7\] with length 0/);
    const info = await client.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'panic');
    assert.match(info.body.details?.message ?? '', /goroutine 1 \[running\]:/);
    const frames = await topFrames(client);
    const explode = frames.find((f) => f.name === 'main.explode');
    assert.ok(explode, `main.explode on the stack: ${frames.map((f) => `${f.name}:${f.line}`).join(' < ')}`);
    assert.equal(explode?.line, 13);
    assert.equal(explode?.source?.path, path.join(fixture('dap_panic'), 'main.go'));
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 2);
  });

  test('pause stops at the next host call of a program waiting for stdin', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    await launch(client, { program: fixture('dap_stdin') });
    const stopped = stoppedEvent(client);
    await client.pauseRequest({ threadId: 1 });
    // The guest sleeps in poll_oneoff until input arrives; the input wakes it into the next host call.
    await client.customRequest('wasip1.stdin', { text: 'x\n' });
    assert.equal((await stopped).body.reason, 'pause');
    const frames = await topFrames(client);
    assert.match(frames[0].name, /^wasi_snapshot_preview1\./);
    const ended = exitCode(client);
    await client.customRequest('wasip1.stdin', { end: true });
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, 'X\n1 lines\n');
  });

  test('trace logs each host call with decoded arguments and errno, then a summary', async () => {
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fswalk, trace: true });
    assert.equal(await exitCode(dc), 0);
    assert.match(session.output.console, /path_open\(fd=3 \(directory [^)]*\), dirflags=[^,]*, path="config\.txt".*→ SUCCESS \(opened_fd=\d+\) [\d.]+ ms/);
    assert.match(session.output.console, /fd_write\(fd=1 \(stdout\), iovs="done\\n", nwritten=0x[0-9a-f]+\) → SUCCESS \(nwritten=5\)/);
    assert.match(session.output.console, /Host calls: \d+\n.*function.*calls.*total ms.*errors\n(.*\n)*fd_write\s+2\s/);
  });

  test('trace given a file name writes the lines and the summary there, not to the Debug Console', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wasip1-trace-'));
    const traceFile = path.join(dir, 'calls.log');
    const session = await startSession();
    dc = session.dc;
    await launch(dc, { program: fswalk, trace: traceFile });
    assert.equal(await exitCode(dc), 0);
    const written = readFileSync(traceFile, 'utf8');
    assert.match(written, /path_open\(fd=3 \(directory [^)]*\), dirflags=[^,]*, path="config\.txt".*→ SUCCESS/);
    assert.match(written, /Host calls: \d+\n/);
    assert.match(session.output.console, new RegExp(`Tracing host calls to ${traceFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.doesNotMatch(session.output.console, /path_open\(/);
  });
});

/** DebugClient has no readMemoryRequest helper; the generic send speaks the same protocol. */
async function readMemory(client: DebugClient, args: DebugProtocol.ReadMemoryArguments): Promise<DebugProtocol.ReadMemoryResponse> {
  return (await client.send('readMemory', args)) as DebugProtocol.ReadMemoryResponse;
}
