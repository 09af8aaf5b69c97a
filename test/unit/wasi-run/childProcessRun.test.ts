// The editor's Run path: a guest in a process of its own (dist/guestProcess.js), run on that
// process's thread as `wasip1 run` runs it, its stdin a pipe fed from here or a descriptor it reads
// itself, what the editor shows reported on the control socket.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ChildProcessRun, type ChildGuestEvent, type ChildGuestSetup } from '../../../src/wasi/runner/childProcessRun';
import type { RunResult } from '../../../src/wasi/runner/workerProtocol';
import { ensureFreshBundles } from '../../support/bundles';
import { buildGoFixture, goFixturesDir, repoRoot } from '../../support/goFixtures';

const script = path.join(repoRoot, 'dist', 'guestProcess.js');

interface Finished {
  outcome: RunResult | undefined;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: ChildGuestEvent['kind'][];
}

/** Collects what a run reports until its process is gone. */
function collect(run: ChildProcessRun, onEvent?: (event: ChildGuestEvent) => void): Promise<Finished> {
  const finished = { stdout: '', stderr: '', events: [] as ChildGuestEvent['kind'][] };
  run.on('stdout', (bytes) => (finished.stdout += bytes.toString()));
  run.on('stderr', (bytes) => (finished.stderr += bytes.toString()));
  run.on('event', (event) => {
    finished.events.push(event.kind);
    onEvent?.(event);
  });
  return new Promise((resolve) => run.on('closed', (outcome, status) => resolve({ ...finished, outcome, signal: status.signal })));
}

function setup(wasmPath: string, overrides: Partial<ChildGuestSetup> = {}): ChildGuestSetup {
  return { wasmPath, args: [path.basename(wasmPath)], env: {}, preopens: [], importModules: [], tcpListen: [], ...overrides };
}

describe('a guest in a process of its own (the editor Run path)', () => {
  let scratch: string;
  before(() => {
    ensureFreshBundles();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'child-run-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('runs in another node process with the worker\'s deep stack, host modules loaded there', async () => {
    const program = await buildGoFixture('hostext_imports');
    const record = path.join(scratch, 'where.json');
    const host = path.join(scratch, 'host.mjs');
    // The fixture's own host module, plus a note of the process that loaded it.
    writeFileSync(host, [
      "import { writeFileSync } from 'node:fs';",
      `import base from ${JSON.stringify(path.join(goFixturesDir, 'hostext_imports', 'host.mjs'))};`,
      `writeFileSync(${JSON.stringify(record)}, JSON.stringify({ pid: process.pid, script: process.argv[1], execArgv: process.execArgv }));`,
      'export default base;',
    ].join('\n'));
    const run = new ChildProcessRun(script);
    const finished = collect(run);
    run.begin(setup(program, { args: ['hostext_imports', 'all'], importModules: [{ module: 'hostext', file: host }] }));
    const { outcome, stdout, events } = await finished;
    assert.deepEqual(outcome, { kind: 'exit', code: 0 }, stdout);
    assert.deepEqual(events, ['ready', 'ended']);
    assert.match(stdout, /Hello, /);
    const where = JSON.parse(readFileSync(record, 'utf8')) as { pid: number; script: string; execArgv: string[] };
    assert.notEqual(where.pid, process.pid);
    assert.equal(where.script, script);
    assert.ok(where.execArgv.some((arg) => /^--stack-size=\d+$/.test(arg)), where.execArgv.join(' '));
  });

  test('recurses as deep as the debugger\'s worker and the CLI let a guest (850,000 frames)', async () => {
    const recursion = await buildGoFixture('cli_recursion');
    const run = new ChildProcessRun(script);
    const finished = collect(run);
    run.begin(setup(recursion, { args: ['cli_recursion', '850000'] }));
    const { outcome, stdout, stderr } = await finished;
    assert.deepEqual(outcome, { kind: 'exit', code: 0 }, stderr);
    assert.equal(stdout, '850000\n');
  });

  test('stdin is a pipe fed from here: its first read is reported, and its end lets the guest finish', async () => {
    const program = await buildGoFixture('dap_stdin');
    const run = new ChildProcessRun(script);
    const finished = collect(run, (event) => {
      if (event.kind !== 'readsStdin') return;
      run.writeStdin(Buffer.from('one\n'));
      run.writeStdin(Buffer.from('two\n'));
      run.endStdin();
    });
    run.begin(setup(program));
    const { outcome, stdout, events } = await finished;
    assert.deepEqual(outcome, { kind: 'exit', code: 0 });
    assert.equal(stdout, 'ONE\nTWO\n2 lines\n');
    assert.deepEqual(events, ['ready', 'readsStdin', 'ended']);
  });

  test('a descriptor given as stdin is read by the guest\'s process itself', async () => {
    const program = await buildGoFixture('dap_stdin');
    const input = path.join(scratch, 'input.txt');
    writeFileSync(input, 'a\nb\nc\n');
    const fd = openSync(input, 'r');
    try {
      const run = new ChildProcessRun(script, fd);
      const finished = collect(run);
      run.begin(setup(program));
      const { outcome, stdout } = await finished;
      assert.deepEqual(outcome, { kind: 'exit', code: 0 });
      assert.equal(stdout, 'A\nB\nC\n3 lines\n');
    } finally {
      closeSync(fd);
    }
  });

  test('kill() ends a guest that spins without calling the host', async () => {
    const program = await buildGoFixture('dap_busy');
    const run = new ChildProcessRun(script);
    const finished = collect(run);
    run.on('stdout', () => run.kill());
    run.begin(setup(program));
    const { outcome, signal, stdout } = await finished;
    assert.equal(stdout, 'spinning\n');
    assert.equal(outcome, undefined);
    assert.equal(signal, 'SIGKILL');
  });

  test('an import nothing supplies ends the run with a message naming it, before the guest starts', async () => {
    const program = await buildGoFixture('customimport');
    const run = new ChildProcessRun(script);
    const finished = collect(run);
    run.begin(setup(program));
    const { outcome, events } = await finished;
    assert.equal(outcome?.kind, 'error');
    assert.match(outcome?.kind === 'error' ? outcome.message : '', /env\.host_log/);
    assert.deepEqual(events, ['ended']);
  });

  test('a process that gets no guest exits when disposed', async () => {
    const run = new ChildProcessRun(script);
    const finished = collect(run);
    run.dispose();
    // A process waiting for its guest holds nobody's event loop open: this test's must wait for it.
    const alive = setInterval(() => undefined, 1000);
    const { outcome, signal, events } = await finished.finally(() => clearInterval(alive));
    assert.equal(outcome, undefined);
    assert.equal(signal, null);
    assert.deepEqual(events, []);
  });
});
