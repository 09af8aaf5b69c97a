// Turns the event stream of `go test -json` (test2json) into one result per test and per package.
// Parallel tests interleave their events, so everything is keyed by package and test name; a panic
// or a timeout ends the binary with tests still running, which are failed rather than left pending;
// a build failure (build-output events from Go 1.24, plain compiler lines on stderr before) fails the
// package with the compiler's text.

/** One test2json event (cmd/test2json's TestEvent). */
export interface GoTestEvent {
  Time?: string;
  Action: string;
  Package?: string;
  Test?: string;
  Elapsed?: number;
  Output?: string;
  /** build-output / build-fail (Go 1.24+): the package being built, `pkg [pkg.test]`. */
  ImportPath?: string;
  /** On a package's fail event when its build failed. */
  FailedBuild?: string;
}

export type GoTestOutcome = 'passed' | 'failed' | 'skipped';

/** A `file.go:42: message` line a test printed through t.Error/t.Fatal/t.Log, or the test's line in a panic trace. */
export interface GoTestLocatedMessage {
  /** As printed: a base name for t.Error (relative to the package directory), an absolute path in a panic trace. */
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

export interface GoTestResult {
  package: string;
  /** Full name, subtests included: `TestParse/empty_input`. */
  test: string;
  outcome: GoTestOutcome;
  /** From the event's Elapsed; undefined when the test never finished. */
  durationMs?: number;
  /** Everything the test printed, `=== RUN` and `--- FAIL` lines included, in order. */
  output: string;
  /** Failures (and logs) with a place, for located test messages. */
  messages: GoTestLocatedMessage[];
  /** It was still running when the binary ended (panic elsewhere, timeout, crash, cancel). */
  unfinished: boolean;
}

export interface GoPackageResult {
  package: string;
  outcome: GoTestOutcome;
  durationMs?: number;
  /** Output not attributed to any test: the final PASS/FAIL, a timeout's panic, a crash. */
  output: string;
  buildFailed: boolean;
  /** The compiler's output when the build failed. */
  buildOutput: string;
}

export interface GoTestEventListener {
  onTestStarted?(pkg: string, test: string): void;
  onTestOutput?(pkg: string, test: string, text: string): void;
  onTestResult?(result: GoTestResult): void;
  onPackageResult?(result: GoPackageResult): void;
}

interface RunningTest {
  output: string[];
}

interface RunningPackage {
  tests: Map<string, RunningTest>;
  output: string[];
  buildOutput: string[];
}

/**
 * Consumes `go test -json` output chunk by chunk (stdout and stderr interleaved: before Go 1.24 build
 * errors arrive on stderr as plain text) and reports results as they complete.
 */
export class GoTestEventCollector {
  private readonly packages = new Map<string, RunningPackage>();
  /** Plain-text lines no package claims yet (old-style build errors), given to the next package that fails its build. */
  private unclaimed: string[] = [];
  /** Per stream: a JSON line on stdout may arrive in pieces with stderr text in between. */
  private readonly partialLines = { stdout: '', stderr: '' };
  readonly results: GoTestResult[] = [];
  readonly packageResults: GoPackageResult[] = [];

  constructor(private readonly listener: GoTestEventListener = {}) {}

  push(chunk: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const text = this.partialLines[stream] + chunk;
    let start = 0;
    for (let newline = text.indexOf('\n', start); newline >= 0; newline = text.indexOf('\n', start)) {
      this.pushLine(text.slice(start, newline));
      start = newline + 1;
    }
    this.partialLines[stream] = text.slice(start);
  }

  /** Ends the stream: a last unterminated line is read, and packages that never reported end failed. */
  finish(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partialLines[stream]) this.pushLine(this.partialLines[stream]);
      this.partialLines[stream] = '';
    }
    for (const pkg of [...this.packages.keys()]) {
      this.endPackage(pkg, { Action: 'fail', Package: pkg, Output: undefined });
    }
  }

  pushLine(line: string): void {
    const event = parseEventLine(line);
    if (event) this.handle(event);
    else if (line.trim() !== '') this.unclaimed.push(line + '\n');
  }

  handle(event: GoTestEvent): void {
    if (event.Action === 'build-output' || event.Action === 'build-fail') {
      const pkg = buildPackageName(event.ImportPath);
      if (event.Output !== undefined) this.packageOf(pkg).buildOutput.push(event.Output);
      return;
    }
    const pkg = event.Package;
    if (pkg === undefined) {
      if (event.Output !== undefined) this.unclaimed.push(event.Output);
      return;
    }
    const running = this.packageOf(pkg);
    const test = event.Test;
    if (test === undefined) {
      if (event.Action === 'output') running.output.push(event.Output ?? '');
      else if (event.Action === 'pass' || event.Action === 'fail' || event.Action === 'skip') this.endPackage(pkg, event);
      return;
    }
    switch (event.Action) {
      case 'run':
        running.tests.set(test, { output: [] });
        this.listener.onTestStarted?.(pkg, test);
        break;
      case 'output': {
        const t = running.tests.get(test) ?? this.startedLate(pkg, test);
        t.output.push(event.Output ?? '');
        this.listener.onTestOutput?.(pkg, test, event.Output ?? '');
        break;
      }
      case 'pass':
      case 'fail':
      case 'skip': {
        const t = running.tests.get(test) ?? this.startedLate(pkg, test);
        running.tests.delete(test);
        const outcome: GoTestOutcome = event.Action === 'pass' ? 'passed' : event.Action === 'fail' ? 'failed' : 'skipped';
        this.report(pkg, test, outcome, t.output.join(''), event.Elapsed, false);
        break;
      }
      // pause, cont, bench and start carry nothing a result needs; bench lines also come as output.
    }
  }

  private startedLate(pkg: string, test: string): RunningTest {
    const t: RunningTest = { output: [] };
    this.packageOf(pkg).tests.set(test, t);
    this.listener.onTestStarted?.(pkg, test);
    return t;
  }

  private packageOf(pkg: string): RunningPackage {
    let running = this.packages.get(pkg);
    if (!running) {
      running = { tests: new Map(), output: [], buildOutput: [] };
      this.packages.set(pkg, running);
    }
    return running;
  }

  private endPackage(pkg: string, event: GoTestEvent): void {
    const running = this.packageOf(pkg);
    this.packages.delete(pkg);
    const packageOutput = running.output.join('');
    for (const [test, t] of running.tests) {
      const output = t.output.join('');
      // A benchmark that passes gets no pass event from test2json, only its measurement line.
      if (event.Action === 'pass' || BENCHMARK_MEASUREMENT.test(output)) {
        this.report(pkg, test, 'passed', output, undefined, false);
        continue;
      }
      // Still running when the binary ended: a panic in another goroutine, a timeout, a crash.
      // The package's own output (the panic and its trace) is the best explanation there is.
      this.report(pkg, test, 'failed', output + packageOutput, undefined, true);
    }
    const buildFailed = event.FailedBuild !== undefined || /\[build failed\]|\[setup failed\]/.test(packageOutput);
    let buildOutput = running.buildOutput.join('');
    if (buildFailed && buildOutput === '') {
      buildOutput = this.unclaimed.join('');
      this.unclaimed = [];
    }
    const result: GoPackageResult = {
      package: pkg,
      outcome: event.Action === 'pass' ? 'passed' : event.Action === 'skip' ? 'skipped' : 'failed',
      durationMs: event.Elapsed === undefined ? undefined : event.Elapsed * 1000,
      output: packageOutput,
      buildFailed,
      buildOutput,
    };
    this.packageResults.push(result);
    this.listener.onPackageResult?.(result);
  }

  private report(pkg: string, test: string, outcome: GoTestOutcome, output: string, elapsed: number | undefined, unfinished: boolean): void {
    const result: GoTestResult = {
      package: pkg,
      test,
      outcome,
      durationMs: elapsed === undefined ? undefined : elapsed * 1000,
      output,
      messages: outcome === 'failed' ? locatedTestMessages(output) : [],
      unfinished,
    };
    this.results.push(result);
    this.listener.onTestResult?.(result);
  }

  /** Plain-text output no package claimed (a `go` failure before any package started). */
  get unclaimedOutput(): string {
    return this.unclaimed.join('');
  }
}

function parseEventLine(line: string): GoTestEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const event = JSON.parse(line) as GoTestEvent;
    return typeof event === 'object' && event !== null && typeof event.Action === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}

/** `example.com/m/pkg [example.com/m/pkg.test]` → `example.com/m/pkg`. */
function buildPackageName(importPath: string | undefined): string {
  return (importPath ?? '').replace(/ \[.*\]$/, '');
}

// `BenchmarkX-2 \t 1000\t 537.1 ns/op`, as the benchmark's last output.
const BENCHMARK_MEASUREMENT = /^Benchmark\S*\s+\d+\s+[\d.]+ ns\/op/m;

// t.Error output: four spaces per level, `file.go:42: message`; continuation lines are indented deeper.
const TEST_LOG_LINE = /^(\s+)([^\s:]+\.go):(\d+): (.*)$/;
// A panic's stack frame: a tab, an absolute file and line, and the frame's pc offset.
const PANIC_FRAME = /^\t(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/;

/**
 * The located messages of a failed test's output: each `file.go:N: text` (with its continuation lines),
 * and for a panic, the panic's message at the first frame in a _test.go file.
 */
export function locatedTestMessages(output: string): GoTestLocatedMessage[] {
  const messages: GoTestLocatedMessage[] = [];
  const lines = output.split('\n');
  let current: { message: GoTestLocatedMessage; indent: number } | undefined;
  let panic: string | undefined;
  for (const line of lines) {
    const log = TEST_LOG_LINE.exec(line);
    if (log && !panic) {
      current = { message: { file: log[2], line: Number(log[3]), message: log[4] }, indent: log[1].length };
      messages.push(current.message);
      continue;
    }
    if (current && indentOf(line) > current.indent) {
      current.message.message += '\n' + line.trim();
      continue;
    }
    current = undefined;
    if (panic === undefined && /^panic: /.test(line)) {
      panic = line.replace(/ \[recovered(?:, repanicked)?\]$/, '');
      continue;
    }
    const frame = panic !== undefined ? PANIC_FRAME.exec(line) : null;
    if (frame && frame[1].endsWith('_test.go')) {
      messages.push({ file: frame[1], line: Number(frame[2]), message: panic! });
      panic = '';
    }
  }
  return messages;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

/** regexp.QuoteMeta: the name as a literal inside a -test.run pattern. */
export function quoteGoRegexp(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * The -test.run (or -test.bench) pattern selecting exactly these tests, each given as its levels
 * (`['TestParse', 'empty_input']`). go test matches a pattern level by level at each slash, and one
 * pattern cannot say "all of A, but only x of B": mixed depths are widened to the shallowest, and
 * siblings of different parents combine per level (A/x and B/y may also run A/y, if it exists).
 */
export function exactTestPattern(selection: ReadonlyArray<readonly string[]>): string {
  if (selection.length === 0) return '^$';
  const depth = Math.min(...selection.map((levels) => levels.length));
  const perLevel: string[] = [];
  for (let level = 0; level < depth; level++) {
    const names = [...new Set(selection.map((levels) => levels[level]))].map(quoteGoRegexp);
    perLevel.push(names.length === 1 ? `^${names[0]}$` : `^(?:${names.join('|')})$`);
  }
  return perLevel.join('/');
}
