import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GoTestEventCollector, exactTestPattern, locatedTestMessages, type GoTestEvent } from '../../../src/gotool/goTestEvents';
import { runGoTestsForWasip1 } from '../../../src/gotool/goTestRun';
import { coveredStatements, coverFileOnDisk, parseGoCoverProfile } from '../../../src/gotool/goCoverProfile';
import { repoRoot, testGoBinary } from '../../support/goFixtures';
import { processesCarrying } from '../../support/processes';

const gotests = path.join(repoRoot, 'test', 'fixtures', 'workspace', 'gotests');
// go test finds our go_wasip1_wasm_exec on PATH, as the extension arranges.
const hostEnv = { PATH: `${path.join(repoRoot, 'bin')}${path.delimiter}${process.env.PATH}` };
const scratch = mkdtempSync(path.join(os.tmpdir(), 'gotest-events-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function outcomes(collector: GoTestEventCollector): Record<string, string> {
  return Object.fromEntries(collector.results.map((r) => [r.test, r.outcome]));
}

describe('go test -json for wasip1, collected per test', () => {
  test('a package run: passed, failed at its line, skipped, subtests, example, fuzz seeds, coverage', async () => {
    const profile = path.join(scratch, 'calc.cover');
    const started: string[] = [];
    const { collector, run, buildDiagnostics } = await runGoTestsForWasip1({
      go: testGoBinary(),
      packageDir: path.join(gotests, 'calc'),
      coverProfile: profile,
      env: hostEnv,
      listener: { onTestStarted: (_pkg, t) => started.push(t) },
    });
    assert.equal(run.exitCode, 1, run.output);
    assert.deepEqual(buildDiagnostics, []);
    assert.deepEqual(outcomes(collector), {
      TestAdd: 'passed',
      TestAddWrong: 'failed',
      TestSkipped: 'skipped',
      'TestAbs/negative': 'passed',
      'TestAbs/zero_value': 'passed',
      TestAbs: 'passed',
      'TestTable/n=1': 'passed',
      'TestTable/n=2': 'passed',
      TestTable: 'passed',
      'FuzzAbs/seed#0': 'passed',
      'FuzzAbs/seed#1': 'passed',
      FuzzAbs: 'passed',
      ExampleAdd: 'passed',
    });
    assert.equal(started[0], 'TestAdd');
    const wrong = collector.results.find((r) => r.test === 'TestAddWrong')!;
    assert.deepEqual(wrong.messages, [{ file: 'calc_test.go', line: 16, message: 'Add(1, 2) = 3, want 4' }]);
    assert.match(wrong.output, /--- FAIL: TestAddWrong/);
    assert.equal(collector.packageResults.length, 1);
    assert.equal(collector.packageResults[0].package, 'example.com/hello/gotests/calc');
    assert.equal(collector.packageResults[0].outcome, 'failed');
    assert.equal(collector.packageResults[0].buildFailed, false);

    const cover = parseGoCoverProfile(readFileSync(profile, 'utf8'));
    const blocks = cover.files.get('example.com/hello/gotests/calc/calc.go')!;
    assert.ok(blocks, [...cover.files.keys()].join());
    // Add and Abs run; Sign's four statements never do.
    assert.deepEqual(coveredStatements(blocks), { covered: 4, total: 8 });
    assert.deepEqual(blocks.find((b) => b.startLine === 19), { startLine: 19, startColumn: 22, endLine: 20, endColumn: 9, statements: 1, count: 0 });
    const dirs = new Map([['example.com/hello/gotests/calc', path.join(gotests, 'calc')]]);
    assert.equal(coverFileOnDisk('example.com/hello/gotests/calc/calc.go', dirs, path.join), path.join(gotests, 'calc', 'calc.go'));
    assert.equal(coverFileOnDisk('example.com/other/x.go', dirs, path.join), undefined);
  });

  test('an exact -run pattern runs only the chosen test and subtest; -bench runs a benchmark', async () => {
    const { collector } = await runGoTestsForWasip1({
      go: testGoBinary(),
      packageDir: path.join(gotests, 'calc'),
      run: exactTestPattern([['TestAbs', 'zero_value']]),
      bench: exactTestPattern([['BenchmarkAdd']]),
      buildFlags: ['-benchtime=10x'],
      env: hostEnv,
    });
    assert.deepEqual(outcomes(collector), { 'TestAbs/zero_value': 'passed', TestAbs: 'passed', BenchmarkAdd: 'passed' });
    assert.match(collector.results.find((r) => r.test === 'BenchmarkAdd')!.output, /\d+(\.\d+)? ns\/op/);
  });

  test('a panic fails its test at the panicking line, and the paused parallel tests it cut short', async () => {
    const { collector } = await runGoTestsForWasip1({ go: testGoBinary(), packageDir: path.join(gotests, 'panics'), env: hostEnv });
    assert.deepEqual(outcomes(collector), { TestPanics: 'failed', TestParallelA: 'failed', TestParallelB: 'failed' });
    const panicked = collector.results.find((r) => r.test === 'TestPanics')!;
    assert.equal(panicked.unfinished, false);
    assert.deepEqual(panicked.messages, [{ file: path.join(gotests, 'panics', 'panics_test.go'), line: 22, message: 'panic: assignment to entry in nil map' }]);
    const cutShort = collector.results.find((r) => r.test === 'TestParallelA')!;
    assert.equal(cutShort.unfinished, true);
    assert.deepEqual(cutShort.messages, []);
    assert.match(cutShort.output, /FAIL\texample.com\/hello\/gotests\/panics/);
  });

  test('a timeout fails the test that was running, at its line', async () => {
    const { collector } = await runGoTestsForWasip1({ go: testGoBinary(), packageDir: path.join(gotests, 'timeout'), buildFlags: ['-timeout=2s'], buildTags: ['timeoutfixture'], env: hostEnv });
    assert.deepEqual(outcomes(collector), { TestQuick: 'passed', TestForever: 'failed' });
    const forever = collector.results.find((r) => r.test === 'TestForever')!;
    assert.equal(forever.unfinished, true);
    assert.deepEqual(forever.messages, [{ file: path.join(gotests, 'timeout', 'timeout_test.go'), line: 15, message: 'panic: test timed out after 2s' }]);
  });

  test('cancelling a run stops go and the host running the test binary, leaving the running test unfinished', async () => {
    const abort = new AbortController();
    const marker = `WASIP1_GOTEST_CANCEL=${randomUUID()}`;
    let hostAlive = 0;
    const { run, collector } = await runGoTestsForWasip1({
      go: testGoBinary(),
      packageDir: path.join(gotests, 'timeout'),
      buildTags: ['timeoutfixture'],
      env: { ...hostEnv, [marker.split('=')[0]]: marker.split('=')[1] },
      signal: abort.signal,
      listener: {
        onTestStarted: (_pkg, test) => {
          if (test !== 'TestForever') return;
          hostAlive = processesCarrying(marker).length;
          abort.abort();
        },
      },
    });
    assert.ok(hostAlive >= 2, 'go and the host were running');
    assert.equal(run.cancelled, true);
    assert.deepEqual(processesCarrying(marker), [], 'nothing of the run is left');
    assert.deepEqual(outcomes(collector), { TestQuick: 'passed', TestForever: 'failed' });
    assert.equal(collector.results.find((r) => r.test === 'TestForever')!.unfinished, true);
  });

  test('a build failure fails the package with the compiler errors, located', async () => {
    const { collector, buildDiagnostics } = await runGoTestsForWasip1({ go: testGoBinary(), packageDir: path.join(gotests, 'broken'), env: hostEnv });
    assert.deepEqual(collector.results, []);
    assert.equal(collector.packageResults[0].buildFailed, true);
    assert.match(collector.packageResults[0].buildOutput, /cannot use "not an int"/);
    assert.deepEqual(
      buildDiagnostics.map((d) => [d.file, d.line, d.column]),
      [[path.join(gotests, 'broken', 'broken.go'), 5, 9]],
    );
  });
});

describe('GoTestEventCollector', () => {
  const pkg = 'example.com/p';
  const ev = (Action: string, Test?: string, extra: Partial<GoTestEvent> = {}): string => JSON.stringify({ Action, Package: pkg, ...(Test ? { Test } : {}), ...extra });

  test('interleaved parallel tests keep their own output and results, and lines may arrive in pieces', () => {
    const lines = [
      ev('start'),
      ev('run', 'TestA'), ev('output', 'TestA', { Output: '=== RUN   TestA\n' }), ev('pause', 'TestA'),
      ev('run', 'TestB'), ev('output', 'TestB', { Output: '=== RUN   TestB\n' }), ev('pause', 'TestB'),
      ev('cont', 'TestA'), ev('cont', 'TestB'),
      ev('output', 'TestB', { Output: '    b_test.go:9: b failed\n' }),
      ev('output', 'TestA', { Output: '    a_test.go:3: a says\n' }),
      ev('output', 'TestB', { Output: '        second line\n' }),
      ev('fail', 'TestB', { Elapsed: 0.25 }),
      ev('pass', 'TestA', { Elapsed: 0.5 }),
      ev('output', undefined, { Output: 'FAIL\n' }),
      ev('fail', undefined, { Elapsed: 1 }),
    ];
    const stream = lines.join('\n') + '\n';
    const finished: string[] = [];
    const collector = new GoTestEventCollector({ onTestResult: (r) => finished.push(r.test) });
    for (let i = 0; i < stream.length; i += 7) collector.push(stream.slice(i, i + 7));
    collector.finish();
    assert.deepEqual(finished, ['TestB', 'TestA']);
    const [b, a] = collector.results;
    assert.equal(b.outcome, 'failed');
    assert.equal(b.durationMs, 250);
    assert.deepEqual(b.messages, [{ file: 'b_test.go', line: 9, message: 'b failed\nsecond line' }]);
    assert.equal(a.outcome, 'passed');
    assert.equal(a.output, '=== RUN   TestA\n    a_test.go:3: a says\n');
    assert.deepEqual(a.messages, [], 'a passing test has no failure messages');
    assert.equal(collector.packageResults[0].durationMs, 1000);
  });

  test('stderr between the pieces of a stdout line does not break it; old-style build errors reach the package', () => {
    const collector = new GoTestEventCollector();
    const failLine = ev('output', undefined, { Output: 'FAIL\texample.com/p [build failed]\n' });
    collector.push(failLine.slice(0, 10), 'stdout');
    collector.push('# example.com/p\n./p.go:3:1: syntax error: non-declaration statement outside function body\n', 'stderr');
    collector.push(failLine.slice(10) + '\n' + ev('fail', undefined, { Elapsed: 0 }) + '\n', 'stdout');
    collector.finish();
    const [result] = collector.packageResults;
    assert.equal(result.buildFailed, true);
    assert.match(result.buildOutput, /p\.go:3:1: syntax error/);
  });

  test('a run that ends without a package result (killed) fails the package and its running tests', () => {
    const collector = new GoTestEventCollector();
    collector.push([ev('start'), ev('run', 'TestSlow')].join('\n') + '\n');
    collector.finish();
    assert.deepEqual(collector.results.map((r) => [r.test, r.outcome, r.unfinished]), [['TestSlow', 'failed', true]]);
    assert.equal(collector.packageResults[0].outcome, 'failed');
  });

  test('located messages: t.Error lines with continuations, and a panic at the first test-file frame', () => {
    const output = [
      '=== RUN   TestX',
      '    x_test.go:10: first',
      '        more of first',
      '    x_test.go:12: second',
      '--- FAIL: TestX (0.00s)',
      'panic: boom [recovered]',
      '\tpanic: boom',
      'goroutine 5 [running]:',
      'testing.tRunner.func1.2()',
      '\t/go/src/testing/testing.go:1974 +0x20',
      'example.com/p.TestX(0x1)',
      '\t/src/p/x_test.go:14 +0x2',
    ].join('\n');
    assert.deepEqual(locatedTestMessages(output), [
      { file: 'x_test.go', line: 10, message: 'first\nmore of first' },
      { file: 'x_test.go', line: 12, message: 'second' },
      { file: '/src/p/x_test.go', line: 14, message: 'panic: boom' },
    ]);
  });

  test('exact -run patterns: names quoted, one alternative per level', () => {
    assert.equal(exactTestPattern([['TestA']]), '^TestA$');
    assert.equal(exactTestPattern([['TestA'], ['TestB']]), '^(?:TestA|TestB)$');
    assert.equal(exactTestPattern([['TestA', 'n=1'], ['TestA', 'a.b(c)']]), '^TestA$/^(?:n=1|a\\.b\\(c\\))$');
    assert.equal(exactTestPattern([['TestA'], ['TestA', 'x']]), '^TestA$', 'the whole test covers its subtest');
    assert.equal(exactTestPattern([]), '^$');
  });
});
