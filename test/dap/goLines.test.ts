// Debugging Go by source line over DAP: line breakpoints (verified, moved, hit counts, set while the
// program runs), step over / into / out with the exact line sequence through methods, closures,
// loops, returns and deferred calls, pause in a loop that makes no host call, a panic's stop, and a
// test binary (launch mode "test"). The fixture is test/fixtures/go/dap_lines.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { exitCode, fixture, launch, startSession, stoppedEvent } from './dapHarness';

const program = fixture('dap_lines');
const mainGo = path.join(program, 'main.go');

/** `function:line` of the top frame after the next stop, with the stop's reason. */
async function where(dc: DebugClient, stopped: Promise<DebugProtocol.StoppedEvent>): Promise<string> {
  const event = await stopped;
  const frames = (await dc.stackTraceRequest({ threadId: event.body.threadId ?? 1 })).body.stackFrames;
  return `${event.body.reason} ${frames[0].name}:${frames[0].line}`;
}

/** Sends a step (or continue) and says where the program stopped. */
async function step(dc: DebugClient, kind: 'next' | 'stepIn' | 'stepOut' | 'continue'): Promise<string> {
  const stopped = stoppedEvent(dc);
  const threadId = (await dc.threadsRequest()).body.threads[0]?.id ?? 1;
  if (kind === 'next') await dc.nextRequest({ threadId });
  else if (kind === 'stepIn') await dc.stepInRequest({ threadId });
  else if (kind === 'stepOut') await dc.stepOutRequest({ threadId });
  else await dc.continueRequest({ threadId });
  return where(dc, stopped);
}

describe('wasip1 debug adapter: Go source lines', () => {
  let dc: DebugClient | undefined;
  afterEach(async () => {
    await dc?.stop();
    dc = undefined;
  });

  // The same fixture under Go 1.21, 1.23, 1.24 and the machine's Go: where versions differ, said below.
  for (const toolchain of ['go1.21.13', 'go1.23.12', 'go1.24.13', 'local']) test(`${toolchain}: line breakpoints are verified where code is, moved lines reported; steps follow Go lines exactly`, async () => {
    // Up to 1.24 a bare `return out` before deferred calls has code of its own; later it is the closing brace's.
    const returnLine = toolchain === 'local' ? 29 : 28;
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const changed: DebugProtocol.Breakpoint[] = [];
    client.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e.body.breakpoint));
    const stopped = stoppedEvent(client);
    let requested: DebugProtocol.Breakpoint[] = [];
    await launch(client, { program, goEnv: { GOTOOLCHAIN: toolchain, GOFLAGS: '-buildvcs=false' } }, async () => {
      // 44: a statement; 19: the closing brace of a loop, moved to the return on 20; 14: blank, moved to sum's func line.
      requested = (await client.setBreakpointsRequest({ source: { path: mainGo }, breakpoints: [{ line: 44 }, { line: 19 }, { line: 14 }] })).body.breakpoints;
    });
    assert.equal(await where(client, stopped), 'breakpoint main.main:44');
    const resolved = new Map(changed.map((b) => [b.id, b]));
    assert.deepEqual(requested.map((b) => [resolved.get(b.id)?.verified, resolved.get(b.id)?.line]), [[true, 44], [true, 20], [true, 15]]);

    // Into a method, line by line, and back to the caller's line after the return.
    assert.equal(await step(client, 'stepIn'), 'step main.(*counter).add:10');
    assert.equal(await step(client, 'next'), 'step main.(*counter).add:11');
    assert.equal(await step(client, 'next'), 'step main.(*counter).add:12');
    assert.equal(await step(client, 'next'), 'step main.main:44');
    assert.equal(await step(client, 'next'), 'step main.main:45');
    // Into a closure.
    assert.equal(await step(client, 'stepIn'), 'step main.main.func1:41');
    assert.equal(await step(client, 'next'), 'step main.main.func1:42');
    assert.equal(await step(client, 'stepOut'), 'step main.main:45');
    // Over a call with breakpoints inside: the breakpoints stop it (sum's func line first).
    assert.equal(await step(client, 'next'), 'step main.main:46');
    assert.equal(await step(client, 'next'), 'breakpoint main.sum:15');
    assert.equal(await step(client, 'next'), 'step main.sum:16');
    // The loop: range header, body, header… each iteration, then the return.
    assert.equal(await step(client, 'next'), 'step main.sum:17');
    assert.equal(await step(client, 'next'), 'step main.sum:18');
    assert.equal(await step(client, 'next'), 'step main.sum:17');
    assert.equal(await step(client, 'next'), 'step main.sum:18');
    await client.setBreakpointsRequest({ source: { path: mainGo }, breakpoints: [{ line: 44 }] });
    assert.equal(await step(client, 'stepOut'), 'step main.main:46');
    // Deferred calls: Step Over stays in the function, Step Into enters the deferred closure.
    assert.equal(await step(client, 'next'), 'step main.main:47');
    assert.equal(await step(client, 'stepIn'), 'step main.withDefer:23');
    assert.equal(await step(client, 'next'), 'step main.withDefer:24');
    assert.equal(await step(client, 'next'), 'step main.withDefer:27');
    assert.equal(await step(client, 'next'), `step main.withDefer:${returnLine}`);
    assert.equal(await step(client, 'stepIn'), 'step main.withDefer.func1:24');
    assert.equal(await step(client, 'next'), 'step main.withDefer.func1:25');
    assert.equal(await step(client, 'stepOut'), `step main.withDefer:${returnLine}`);
    assert.equal(await step(client, 'stepOut'), 'step main.main:47');
    assert.equal(await step(client, 'next'), 'step main.main:48');
    assert.equal(await step(client, 'next'), 'step main.main:51');
    assert.equal(await step(client, 'next'), 'step main.main:55');

    const ended = exitCode(client);
    await client.setBreakpointsRequest({ source: { path: mainGo }, breakpoints: [] });
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, '3 6 13 deferred!\n');
  });

  test('hit counts: a breakpoint in a loop stops on the hits its condition names', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program }, () => client.setBreakpointsRequest({ source: { path: mainGo }, breakpoints: [{ line: 18, hitCondition: '>= 2' }] }));
    assert.equal(await where(client, stopped), 'breakpoint main.sum:18');
    // The loop runs three times: hits 2 and 3 stop, the program then ends.
    assert.equal(await step(client, 'continue'), 'breakpoint main.sum:18');
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
  });

  test('pause stops a loop that never calls the host, and a breakpoint set while it runs takes effect', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    await launch(client, { program, args: ['spin'] });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let stopped = stoppedEvent(client, 10_000);
    await client.pauseRequest({ threadId: 1 });
    const paused = await where(client, stopped);
    assert.match(paused, /^pause main\.spin:3[34]$/);
    await client.continueRequest({ threadId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopped = stoppedEvent(client, 10_000);
    const set = await client.setBreakpointsRequest({ source: { path: mainGo }, breakpoints: [{ line: 34 }] });
    assert.deepEqual(set.body.breakpoints.map((b) => [b.verified, b.line]), [[true, 34]]);
    assert.equal(await where(client, stopped), 'breakpoint main.spin:34');
    const frames = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.deepEqual(frames.slice(0, 2).map((f) => `${f.name}:${f.line}`), ['main.spin:34', 'main.main:49']);
    await client.terminateRequest();
  });

  test('a panic stops at the line that panicked, the live stack below it', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const stopped = stoppedEvent(client);
    await launch(client, { program, args: ['panic'] });
    const event = await stopped;
    assert.equal(event.body.reason, 'exception');
    const frames = (await client.stackTraceRequest({ threadId: event.body.threadId ?? 1 })).body.stackFrames;
    const user = frames.filter((f) => f.presentationHint !== 'label');
    assert.equal(`${user[0].name}:${user[0].line}`, 'main.main:53');
    assert.equal(user[0].source?.path, mainGo);
    // The panicking frame's variables are still there to look at.
    const scopes = (await client.scopesRequest({ frameId: user[0].id })).body.scopes;
    const locals = (await client.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'Locals')?.variablesReference ?? 0 })).body.variables;
    assert.ok(locals.some((v) => v.name === 's' && v.value === '13'), locals.map((v) => `${v.name}=${v.value}`).join('; '));
    assert.ok(locals.some((v) => v.name === 'm' && /nil/.test(v.value)), 'the nil map that panicked');
    const ended = exitCode(client);
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 2);
  });

  test('goroutines are threads with their own stacks; the stopped one is selected and stepping stays on it', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const source = path.join(fixture('dap_goroutines'), 'main.go');
    const stopped = stoppedEvent(client);
    await launch(client, { program: fixture('dap_goroutines') }, () => client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: 7 }] }));
    const event = await stopped;
    const worker = event.body.threadId as number;
    assert.notEqual(worker, 1, 'a worker goroutine stopped, not main');
    const threads = (await client.threadsRequest()).body.threads;
    assert.ok(threads.some((t) => t.id === 1 && t.name === 'Goroutine 1 main.main'), threads.map((t) => t.name).join(', '));
    assert.ok(threads.some((t) => t.id === worker && t.name === `Goroutine ${worker} main.worker`), threads.map((t) => t.name).join(', '));
    const workerFrames = (await client.stackTraceRequest({ threadId: worker })).body.stackFrames;
    assert.equal(`${workerFrames[0].name}:${workerFrames[0].line}`, 'main.worker:7');
    const mainFrames = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.ok(mainFrames.some((f) => f.name === 'main.main' && (f.line === 16 || f.line === 14)), mainFrames.map((f) => `${f.name}:${f.line}`).join(' < '));
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    const next = stoppedEvent(client);
    await client.nextRequest({ threadId: worker });
    const after = await next;
    assert.equal(after.body.threadId, worker);
    const frames = (await client.stackTraceRequest({ threadId: worker })).body.stackFrames;
    assert.equal(`${frames[0].name}:${frames[0].line}`, 'main.worker:8');
    const ended = exitCode(client);
    await client.continueRequest({ threadId: worker });
    assert.equal(await ended, 0);
    assert.equal(session.output.stdout, '32\n');
  });

  test('launch mode "test" builds the package\'s test binary and stops in a test', async () => {
    const session = await startSession();
    dc = session.dc;
    const client = dc;
    const testFile = path.join(program, 'main_test.go');
    const stopped = stoppedEvent(client);
    await launch(client, { program, mode: 'test', args: ['-test.run', '^TestSum$', '-test.v'] }, () =>
      client.setBreakpointsRequest({ source: { path: testFile }, breakpoints: [{ line: 6 }] }),
    );
    assert.equal(await where(client, stopped), 'breakpoint fixtures/dap_lines.TestSum:6');
    assert.equal(await step(client, 'stepIn'), 'step fixtures/dap_lines.sum:15');
    const ended = exitCode(client);
    await client.setBreakpointsRequest({ source: { path: testFile }, breakpoints: [] });
    await client.continueRequest({ threadId: 1 });
    assert.equal(await ended, 0);
    assert.match(session.output.stdout ?? '', /--- PASS: TestSum/);
  });
});
