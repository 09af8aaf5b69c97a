// One `go test -json` of one package for GOOS=wasip1 GOARCH=wasm: go builds the test binary once
// and runs it once through the go_wasip1_wasm_exec it finds on PATH (the caller puts ours first),
// so a package of 500 tests costs one build and one host process. Events stream to the collector as
// they arrive; cancelling interrupts go and everything it started.
import { GoDiagnostic, parseGoOutput } from './goCompilerOutput';
import { GoTestEventCollector, type GoTestEventListener } from './goTestEvents';
import { GoCommand, runGo, type RunGoResult } from './runGo';
import { withMergedTags } from './wasip1Build';

export interface GoTestRunOptions {
  go: GoCommand;
  /** The package directory; go runs there and the test binary starts there, as `go test` does. */
  packageDir: string;
  /** -run pattern; undefined runs every test, example and fuzz seed. */
  run?: string;
  /** -bench pattern; benchmarks run only when given. */
  bench?: string;
  /** Writes a coverage profile here (builds with -cover). */
  coverProfile?: string;
  buildFlags?: readonly string[];
  buildTags?: readonly string[];
  /** Layered over go's environment (toolsEnvVars, our bin folder on PATH, WASIP1_IMPORT); GOOS/GOARCH are forced. */
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  listener?: GoTestEventListener;
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface GoTestRunResult {
  collector: GoTestEventCollector;
  run: RunGoResult;
  /** The compiler's errors, located, when the test binary did not build. */
  buildDiagnostics: GoDiagnostic[];
}

export function goTestArguments(options: Pick<GoTestRunOptions, 'run' | 'bench' | 'coverProfile' | 'buildFlags' | 'buildTags'>): string[] {
  const args = ['test', '-json', '-count=1', ...withMergedTags(options.buildFlags ?? [], options.buildTags ?? [])];
  if (options.run !== undefined) args.push('-run', options.run);
  if (options.bench !== undefined) args.push('-bench', options.bench, '-benchmem');
  if (options.coverProfile !== undefined) args.push('-coverprofile', options.coverProfile);
  args.push('.');
  return args;
}

export async function runGoTestsForWasip1(options: GoTestRunOptions): Promise<GoTestRunResult> {
  const collector = new GoTestEventCollector(options.listener);
  const run = await runGo(options.go, goTestArguments(options), {
    cwd: options.packageDir,
    env: { ...options.env, GOOS: 'wasip1', GOARCH: 'wasm' },
    signal: options.signal,
    onOutput: (chunk, stream) => {
      collector.push(chunk, stream);
      options.onOutput?.(chunk, stream);
    },
  });
  collector.finish();
  const buildOutput = collector.packageResults.filter((p) => p.buildFailed).map((p) => p.buildOutput).join('') + collector.unclaimedOutput;
  const buildDiagnostics = buildOutput ? parseGoOutput(buildOutput, { cwd: options.packageDir }).diagnostics : [];
  return { collector, run, buildDiagnostics };
}
