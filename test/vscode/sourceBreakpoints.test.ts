// A breakpoint on a Go line, set the way the gutter sets one (vscode.debug.addBreakpoints), and a
// debug session started as F5 starts it: the stop is observed through a DebugAdapterTracker, and the
// call stack is asked of the session as the Call Stack view asks it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { observeNextSession } from './sessionObserver';

describe('wasip1 Go line breakpoints', () => {
  it('stops at a SourceBreakpoint in main.go with main.main on top of the call stack, then runs on to the end', async function () {
    this.timeout(180_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const mainGo = vscode.Uri.joinPath(folder.uri, 'main.go');
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(mainGo, new vscode.Position(7, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    const { observed, stopped, ended, dispose } = observeNextSession();
    try {
      const started = await vscode.debug.startDebugging(folder, { type: 'wasip1', request: 'launch', name: 'debug hello', program: folder.uri.fsPath });
      assert.equal(started, true);
      const threadId = await Promise.race([stopped, ended.then(() => assert.fail(`ended without stopping: ${observed.output}`))]);
      const stoppedEvent = observed.events.find((m) => m.event === 'stopped');
      assert.equal(stoppedEvent?.body?.reason, 'breakpoint');
      const verified = observed.events.filter((m) => m.event === 'breakpoint').map((m) => ({ verified: m.body?.breakpoint?.verified, line: m.body?.breakpoint?.line }));
      assert.deepEqual(verified, [{ verified: true, line: 8 }], 'the breakpoint is verified on line 8');
      // The session that stopped, not whichever the focus is on.
      const session = observed.session;
      assert.ok(session);
      const trace = (await session.customRequest('stackTrace', { threadId })) as { stackFrames: { name: string; line: number; source?: { path?: string } }[] };
      assert.equal(trace.stackFrames[0].name, 'main.main');
      assert.equal(trace.stackFrames[0].line, 8);
      // In a remote window (the code-server host) VS Code hands the path back as a vscode-remote URI.
      assert.ok(trace.stackFrames[0].source?.path?.endsWith(mainGo.path), trace.stackFrames[0].source?.path);
      const threads = (await session.customRequest('threads')) as { threads: { id: number; name: string }[] };
      assert.ok(threads.threads.some((t) => t.id === threadId && t.name === 'Goroutine 1 main.main'), JSON.stringify(threads));
      vscode.debug.removeBreakpoints([breakpoint]);
      await session.customRequest('continue', { threadId });
      await ended;
      assert.match(observed.output, /hello from wasip1/);
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      dispose();
    }
  });

  it('fills the Variables view at a stop: Arguments and Locals of the frame with Go types and values', async function () {
    this.timeout(180_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    // test/fixtures/go/dap_values, beside the workspace: a variable of every kind, alive at line 65.
    const program = vscode.Uri.joinPath(folder.uri, '..', 'go', 'dap_values');
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.joinPath(program, 'main.go'), new vscode.Position(64, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    const { observed, stopped, ended, dispose } = observeNextSession();
    try {
      assert.equal(await vscode.debug.startDebugging(folder, { type: 'wasip1', request: 'launch', name: 'debug values', program: program.fsPath }), true);
      const threadId = await Promise.race([stopped, ended.then(() => assert.fail('ended without stopping'))]);
      const session = observed.session;
      assert.ok(session);
      const trace = (await session.customRequest('stackTrace', { threadId })) as { stackFrames: { id: number; name: string; line: number }[] };
      assert.equal(`${trace.stackFrames[0].name}:${trace.stackFrames[0].line}`, 'main.inspect:65');
      const { scopes } = (await session.customRequest('scopes', { frameId: trace.stackFrames[0].id })) as { scopes: { name: string; variablesReference: number }[] };
      assert.deepEqual(scopes.map((s) => s.name).slice(0, 3), ['Arguments', 'Locals', 'Globals']);
      const variables = async (name: string): Promise<string[]> => {
        const scope = scopes.find((s) => s.name === name);
        const { variables: list } = (await session.customRequest('variables', { variablesReference: scope?.variablesReference })) as { variables: { name: string; type: string; value: string }[] };
        return list.map((v) => `${v.name} ${v.type} = ${v.value}`);
      };
      assert.deepEqual(await variables('Arguments'), ['a int = 5', 's string = "hi"', 'total int = 3']);
      const locals = await variables('Locals');
      for (const expected of ['p main.point = main.point {X: 1, Y: 2}', 'x string = "inner"', '(x) int = 1', 'sl []int = []int len: 2, cap: 5, [10, 11]']) {
        assert.ok(locals.includes(expected), `${expected} in ${locals.join('; ')}`);
      }
      const hover = (await session.customRequest('evaluate', { expression: 'pp.X', frameId: trace.stackFrames[0].id, context: 'hover' })) as { result: string };
      assert.equal(hover.result, '1');
      assert.ok(observed.requests.includes('scopes'), 'VS Code asked for the scopes itself');
      vscode.debug.removeBreakpoints([breakpoint]);
      await session.customRequest('continue', { threadId });
      await ended;
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      dispose();
    }
  });
});
